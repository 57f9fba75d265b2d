// Field converter: a TP-Link discovery capture (banner, proto udp, port 20002 or 9999; the JSON as python-kasa's
// dump tool re-serialised it, the 20002 header absent, the 9999 cipher undone) becomes the tdp observation a scan
// records, and identifies as a scan's would. Tune records only (their split is asserted).
import { describe, expect, it } from 'vitest';
import { readCorpus, splitOf, toObservation, type Capture } from '../tools/field/corpus.js';
import { identify } from '../src/fingerprint/engine.js';
import { loadKnowledgeBase } from '../src/data/load.js';
import { buildKasaReply, buildTdpReply, parseKasa, parseTdp } from '../src/protocols/tdp.js';

const kb = loadKnowledgeBase();
const { records, moved } = readCorpus('fixtures/field');
const tune = (id: string) => {
  const r = records.find((x) => x.id === id)!;
  expect(splitOf(r, moved)).toBe('tune');
  return r;
};

describe('converter: TP-Link discovery captures', () => {
  it('a Tapo camera\'s 20002 answer (cameras-other-0038, python-kasa smartcam/TC65_1.0_1.3.9.json): fields, MAC, seen_by; decrypted_data left out', () => {
    const r = tune('cameras-other-0038');
    const c = toObservation({ id: r.id, captures: r.captures.filter((x) => x.kind === 'banner') });
    expect(c.unused).toEqual([]);
    expect(c.record.tdp).toMatchObject({ device_type: 'SMART.IPCAMERA', device_model: 'TC65', hw_ver: '1.0', fw_ver: '1.3.9 Build 231024 Rel.72919n(4555)', port: '20002' });
    expect(JSON.stringify(c.record.tdp)).not.toMatch(/sd_status|last_alarm|MASKED_SSID/);
    expect(c.record).toMatchObject({ mac: 'a8:6e:84:00:00:00', mac_from: 'tdp', seen_by: ['tdp'] });
    const id = identify(c.record, kb);
    expect(id).toMatchObject({ maker: 'tplink', brand: 'tapo', model: 'TC65', device_type: 'camera' });
  });

  it('a Tapo plug (field-6o-0044, P110(EU)) and a Kasa hub (field-6o-0053, KH100(EU)): brand from device_type, model without the region', () => {
    const plug = toObservation(tune('field-6o-0044'));
    expect(plug.unused).toEqual([]);
    expect(identify(plug.record, kb)).toMatchObject({ maker: 'tplink', brand: 'tapo', model: 'P110' });
    const hub = toObservation(tune('field-6o-0053'));
    expect(identify(hub.record, kb)).toMatchObject({ maker: 'tplink', brand: 'kasa', model: 'KH100' });
  });

  it('a legacy Kasa camera\'s 9999 answer (field-6o-0067, iotcam/EC60(US)_4.0_2.3.22.json) reads the same as the datagram would', () => {
    const r = tune('field-6o-0067');
    const cap = r.captures.find((x) => x.kind === 'banner')!;
    const c = toObservation({ id: r.id, captures: [cap] });
    expect(c.unused).toEqual([]);
    expect(c.record.tdp).toEqual(parseKasa(buildKasaReply(JSON.parse(cap.raw!).system.get_sysinfo))!.fields);
    expect(identify(c.record, kb)).toMatchObject({ maker: 'tplink', brand: 'kasa', model: 'EC60', device_type: 'camera' });
  });

  it('the datagram itself as \\xNN escapes is read too; other text on these ports is reported unused', () => {
    const dgram = buildTdpReply({ device_type: 'SMART.TAPOHUB', device_model: 'H100(EU)', mac: 'A8-42-A1-00-00-01' });
    const esc = [...dgram].map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join('');
    const c = toObservation({ id: 't-0001', captures: [{ kind: 'banner', proto: 'udp', port: 20002, raw: esc } as Capture] });
    expect(c.record.tdp).toEqual(parseTdp(dgram)!.fields);
    const bad = toObservation({ id: 't-0001', captures: [{ kind: 'banner', proto: 'udp', port: 9999, raw: 'Connection refused' } as Capture] });
    expect(bad.record.tdp).toBeUndefined();
    expect(bad.unused).toEqual(['captures[0]: no TP-Link discovery answer parsed']);
  });
});
