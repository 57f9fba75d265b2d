// The field registry (src/model/fields.ts): every record key and rule field declared once, and the
// schema, merge, extraction and rule validation all driven by it.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeField, isRuleField, lookupField, SECTION_LIST, SECTIONS } from '../../src/model/fields.js';
import { extractFields } from '../../src/fingerprint/fields.js';
import { defaultKnowledgeBase } from '../../src/data/load.js';
import { mergeRecord, UnknownFieldError } from '../../src/scan/merge.js';
import type { ObservationRecord } from '../../src/model/types.js';

const LAB = readFileSync(new URL('../../fixtures/lab/observations.jsonl', import.meta.url), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as ObservationRecord);

/** A record with every section of the registry filled. */
const FULL: ObservationRecord = {
  ip: '10.0.0.5', mac: '44:19:b6:12:34:56', mac_from: 'sadp', hostname: 'cam.local', addresses: ['10.0.0.5', 'fe80::1%eth0'], open_ports: [80, 554],
  http: [{ port: 80, tls: false, path: '/', status: 401, headers: { server: 'App-webs/', 'www-authenticate': ['Digest realm="IP Camera(C2183)"', 'Basic realm="x"'] }, title: 't', body: 'b', favicon_md5: '0'.repeat(32), favicon_mmh3: 5 }],
  tls: [{ port: 443, subject: 'CN=x', issuer: 'CN=y' }],
  rtsp: [{ port: 554, method: 'DESCRIBE', status: 401, headers: { server: 'Dahua Rtsp Server' }, body: 's=x' }],
  onvif: { manufacturer: 'HIKVISION', model: 'm', firmware: 'f', serial: 's', hardware: 'h', scopes: ['onvif://www.onvif.org/name/A%20B'], xaddrs: ['http://10.0.0.5/onvif'], endpoint: 'urn:uuid:1', types: ['dn:NetworkVideoTransmitter'], clock_skew_s: 3 },
  upnp: { server: 'Linux UPnP/1.0', manufacturer: 'Hanwha', modelName: 'XNV' },
  mdns: [{ instance: 'AXIS', type: '_axis-video._tcp', host: 'axis.local', port: 80, txt: { macaddress: 'ACCC8E012345' } }],
  sadp: { DeviceType: '138', Activated: 'true' }, dhip: { DeviceType: 'IPC', Vendor: 'General' }, ubnt: { platform: 'UVC G3 Flex', firmware: 'UVC.S2L.v4.75.62.67.e71c6e5.250411.1421' }, tdp: { device_type: 'SMART.IPCAMERA', device_model: 'C210' },
  seen_by: ['http', 'tcp'],
};

describe('field registry', () => {
  it('the committed JSON Schema is the one the registry and the report model generate', () => {
    expect(() => execFileSync(process.execPath, ['scripts/gen-schema.mjs', '--check'], { encoding: 'utf8', stdio: 'pipe' })).not.toThrow();
    const schema = JSON.parse(readFileSync(new URL('../../schema/scan-report.schema.json', import.meta.url), 'utf8'));
    expect(Object.keys(schema.$defs.observation_record.properties)).toEqual(SECTION_LIST.map((s) => s.key));
    expect(schema.$defs.device.properties).toHaveProperty('device_id');
  });

  it('mergeRecord keeps every declared section (none is dropped) and refuses an undeclared key', () => {
    const into: ObservationRecord = { ip: FULL.ip };
    mergeRecord(into, FULL);
    expect(into).toEqual(FULL);
    for (const s of SECTION_LIST) if (s.key !== 'ip') expect(into, s.key).toHaveProperty(s.key);
    expect(() => mergeRecord({ ip: '1.2.3.4' }, { ip: '1.2.3.4', bogus: 1 } as never)).toThrow(UnknownFieldError);
    expect(mergeRecord({ ip: '1.2.3.4' }, { ip: '1.2.3.4', x_note: 1 })).toMatchObject({ x_note: 1 });
  });

  it('merges as declared: lists append, objects fill, mac comes with mac_from, ports union sorted', () => {
    const a: ObservationRecord = { ip: '1.1.1.1', open_ports: [554], onvif: { model: 'A', scopes: ['s1'] }, http: [{ port: 80 }], mac: 'aa:bb:cc:dd:ee:01', mac_from: 'sadp' };
    mergeRecord(a, { open_ports: [80, 554], onvif: { model: 'B', firmware: 'F', scopes: ['s2'] }, http: [{ port: 8080 }], mac: 'aa:bb:cc:dd:ee:02', mac_from: 'arp' });
    expect(a).toEqual({ ip: '1.1.1.1', open_ports: [80, 554], onvif: { model: 'A', firmware: 'F', scopes: ['s1', 's2'] }, http: [{ port: 80 }, { port: 8080 }], mac: 'aa:bb:cc:dd:ee:01', mac_from: 'sadp' });
  });

  it('every field extractFields reads from real records is declared, and every section with fields gives some', () => {
    const fields = new Set<string>();
    for (const r of [...LAB, FULL]) for (const f of extractFields(r, () => 'Vendor Inc.')) fields.add(f.field);
    for (const f of fields) expect(isRuleField(f), f).toBe(true);
    for (const s of SECTION_LIST) if (s.fields.length) expect([...fields].some((f) => lookupField(f)?.section === s), s.key).toBe(true);
  });

  it('every rule of the knowledge base reads a declared field', () => {
    for (const r of defaultKnowledgeBase().rules) for (const f of [r.field, ...(r.also ?? [])]) expect(isRuleField(f), `${r.id}: ${f}`).toBe(true);
    expect(isRuleField('http.header.server')).toBe(true);
    expect(isRuleField('http.header.Server')).toBe(false);
    expect(isRuleField('tls.bogus')).toBe(false);
  });

  it('labels come from the registry', () => {
    expect(describeField('http.header.server')).toBe('HTTP server header');
    expect(describeField('sadp')).toBe('answers SADP');
    expect(describeField('upnp.modelName')).toBe('UPnP modelName');
    expect(describeField('mdns.txt.macaddress')).toBe('mDNS TXT record');
    expect(SECTIONS.tls.fields.map((f) => f.name)).toEqual(['tls.subject', 'tls.issuer']);
  });
});
