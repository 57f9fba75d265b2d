import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { identify, collectEvidence, recorderChannels } from '../src/fingerprint/engine.js';
import { extractFields, normaliseMac, isLocallyAdministered } from '../src/fingerprint/fields.js';
import { compileRule, indexRules, type RawRule } from '../src/fingerprint/rules.js';
import { loadVocabulary } from '../src/data/load.js';
import { judge, PolicyError } from '../src/policy/policy.js';
import { loadPolicy, parsePolicyFile, packNames } from '../src/data/load.js';
import type { Identification, ObservationRecord } from '../src/model/types.js';

const vocab = loadVocabulary();
const rule = (r: Partial<RawRule> & Pick<RawRule, 'id' | 'field' | 'pattern' | 'extract'>, confidence = 0.9): RawRule => ({
  description: r.id, source: 'test source, not a real rule', confidence, examples: [{ value: 'x', expect: {} }], ...r,
});
const kb = indexRules([
  rule({ id: 't.hik.server', field: 'http.header.server', pattern: '^App-webs/', extract: { maker: 'hikvision', device_type: 'camera' } }),
  rule({ id: 't.generic.webs', field: 'http.header.server', pattern: '^Webs$', extract: { maker: 'hikvision' } }, 0.3),
  rule({ id: 't.dahua.fw', field: 'onvif.firmware', pattern: '^V?2\\.\\d{3}\\.(?<code>[0-9A-Z]{4,7})\\.\\d+\\.R', extract: { maker: 'dahua', firmware: '{0}' } }, 0.6),
  rule({ id: 't.dahua.rtsp', field: 'rtsp.header.server', pattern: '^Dahua Rtsp Server$', extract: { maker: 'dahua' } }, 0.6),
  rule({ id: 't.amcrest.title', field: 'http.title', pattern: 'Amcrest', extract: { brand: 'amcrest' } }, 0.7),
  rule({ id: 't.model', field: 'onvif.model', pattern: '^(IPC-[A-Z0-9-]+)$', extract: { model: '{1}' } }, 0.5),
  rule({ id: 't.nginx', field: 'http.header.server', pattern: '^nginx(?:/([\\d.]+))?', extract: { product: 'nginx', device_type: 'web-server' } }, 0.9),
  rule({ id: 't.oui.hik', field: 'mac.vendor', pattern: '^Hangzhou Hikvision', extract: { maker: 'hikvision' } }, 0.5),
  rule({ id: 't.axis.realm', field: 'http.header.www-authenticate', pattern: 'AXIS_WS_', extract: { maker: 'axis' } }, 0.9),
].map((r, i) => compileRule(r, 't.yaml', i, vocab)), vocab);

describe('field extraction', () => {
  it('flattens every kind of observation with where it came from', () => {
    const rec: ObservationRecord = {
      ip: '10.0.0.1', mac: 'BC-BA-C2-01-02-03',
      http: [{ port: 80, path: '/', status: 401, headers: { server: 'App-webs/', 'www-authenticate': ['a', 'b'] }, title: 'T' }],
      rtsp: [{ port: 554, headers: { server: 'R' } }], onvif: { manufacturer: 'M', scopes: ['onvif://www.onvif.org/name/HIKVISION%20DS'] },
      upnp: { modelName: 'X' }, mdns: [{ type: '_axis-video._tcp', txt: { macaddress: 'ACCC8E000001' } }], sadp: { DeviceType: 'IPC' },
    };
    const f = extractFields(rec, () => 'Hangzhou Hikvision Digital Technology Co.,Ltd.');
    const get = (field: string) => f.filter((x) => x.field === field).map((x) => x.value);
    expect(get('http.header.www-authenticate')).toEqual(['a', 'b']);
    expect(get('onvif.scope')).toEqual(['onvif://www.onvif.org/name/HIKVISION DS']);
    expect(get('mdns.txt.macaddress')).toEqual(['ACCC8E000001']);
    expect(get('sadp')).toEqual(['present']);
    expect(get('mac.vendor')).toEqual(['Hangzhou Hikvision Digital Technology Co.,Ltd.']);
    expect(f.find((x) => x.field === 'http.title')?.where).toBe('http:80/');
  });
  it('normalises MACs and skips locally administered ones', () => {
    expect(normaliseMac('BCBA.C201.0203')).toBe('bc:ba:c2:01:02:03');
    expect(normaliseMac('nope')).toBeUndefined();
    expect(isLocallyAdministered('02:00:00:00:00:01')).toBe(true);
    const f = extractFields({ ip: '1', mac: '02:ba:c2:01:02:03' }, () => 'X');
    expect(f.some((x) => x.field === 'mac.vendor')).toBe(false);
  });
  it('never throws on hostile records (property)', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => {
      const rec = { ip: '1.2.3.4', ...(typeof v === 'object' && v && !Array.isArray(v) ? v : { http: v }) } as ObservationRecord;
      identify(rec, kb);
    }), { numRuns: 300 });
  });
});

describe('engine', () => {
  it('one rule firing on several ports counts once', () => {
    const ev = collectEvidence({ ip: '1', http: [80, 8080].map((port) => ({ port, headers: { server: 'App-webs/' } })) }, kb);
    expect(ev).toHaveLength(1);
  });
  it('first matching rule claims a value (specific before generic)', () => {
    const ev = collectEvidence({ ip: '1', http: [{ port: 80, headers: { server: 'Webs' } }] }, kb);
    expect(ev.map((e) => e.rule)).toEqual(['t.generic.webs']);
  });
  it('combines agreeing weak evidence with a noisy-OR', () => {
    const id = identify({ ip: '1', rtsp: [{ port: 554, headers: { server: 'Dahua Rtsp Server' } }], onvif: { firmware: '2.800.0000000.4.R, Build Date 2019-11-05', model: 'IPC-HFW2431S' } }, kb);
    expect(id.maker).toBe('dahua');
    expect(id.maker_score).toBeCloseTo(1 - 0.4 * 0.4, 3);
    expect(id.model).toBe('IPC-HFW2431S');
  });
  it('keeps brand and maker apart and explains the link', () => {
    const id = identify({ ip: '1', http: [{ port: 80, title: 'Amcrest Login' }], rtsp: [{ port: 554, headers: { server: 'Dahua Rtsp Server' } }] }, kb);
    expect(id.brand).toBe('amcrest');
    expect(id.maker).toBe('dahua');
    expect(id.reasoning.join(' ')).toMatch(/Label Amcrest \(HTTP page title\), but RTSP server header says Dahua built it/);
  });
  it('shows conflicts instead of hiding them', () => {
    const id = identify({ ip: '1', http: [{ port: 80, headers: { 'www-authenticate': 'Digest realm="AXIS_WS_ACCC8E000001"' } }], mac: 'bc:ba:c2:00:00:01' }, kb, () => 'Hangzhou Hikvision Digital Technology Co.,Ltd.');
    expect(id.maker).toBe('axis');
    expect(id.conflicts.map((c) => c.value)).toEqual(['hikvision']);
  });
  it('identifies plain web servers as products, not makers', () => {
    const id = identify({ ip: '1', http: [{ port: 80, headers: { server: 'nginx/1.24.0' } }] }, kb);
    expect(id.maker).toBeUndefined();
    expect(id.product).toBe('nginx');
    expect(id.device_type).toBe('web-server');
  });
});

const idn = (p: Partial<Identification>): Identification => ({ maker_score: 0, conflicts: [], evidence: [], reasoning: [], ...p });

describe('policy', () => {
  const ndaa = loadPolicy('ndaa');
  const uk = loadPolicy('uk');
  it('has the documented packs', () => {
    expect(packNames()).toEqual(expect.arrayContaining(['ndaa', 'fcc', 'uk', 'entity-list', 'all']));
    expect(ndaa.entities.map((e) => e.id).sort()).toEqual(['dahua', 'hikvision', 'huawei', 'hytera', 'zte']);
  });
  it('strong evidence of a listed maker is restricted, with the legal instrument', () => {
    const v = judge(idn({ maker: 'hikvision', maker_score: 0.95 }), ndaa, vocab);
    expect(v.status).toBe('restricted');
    expect(v.listings[0].instrument).toMatch(/Pub\. L\. 115-232/);
    // In force 2019-08-13 ((a)(1)(A)); signed 2018-08-13; (a)(1)(B) and grants 2020-08-13.
    expect(v.listings[0].date).toBe('2019-08-13');
    expect(v.listings[0].type).toBe('prohibition');
  });
  it('weak evidence is suspect', () => {
    expect(judge(idn({ maker: 'dahua', maker_score: 0.5 }), ndaa, vocab).status).toBe('suspect');
  });
  it('OEM labels: brand only is suspect, platform evidence decides', () => {
    expect(judge(idn({ brand: 'amcrest' }), ndaa, vocab).status).toBe('suspect');
    const v = judge(idn({ brand: 'amcrest', maker: 'dahua', maker_score: 0.9 }), ndaa, vocab);
    expect(v.status).toBe('restricted');
    expect(v.reasons[0]).toMatch(/Amcrest \(made by Dahua\)/);
    const lorex = judge(idn({ brand: 'lorex' }), ndaa, vocab);
    expect(lorex.status).toBe('suspect');
    expect(lorex.reasons[0]).toMatch(/from 2018-02-06 \(end unknown: Dahua agreed on 23 Nov 2022/);
  });
  it('Uniview is clear under ndaa and restricted under uk', () => {
    const u = idn({ maker: 'uniview', maker_score: 0.9 });
    expect(judge(u, ndaa, vocab).status).toBe('clear');
    expect(judge(u, uk, vocab).status).toBe('restricted');
    expect(judge(u, loadPolicy('entity-list'), vocab).status).toBe('restricted');
  });
  it('Huawei telecom gear is restricted under ndaa', () => {
    const v = judge(idn({ maker: 'huawei', maker_score: 0.9, device_type: 'router' }), ndaa, vocab);
    expect(v.status).toBe('restricted');
    expect(v.listings[0].covers).toBe('telecom-any');
  });
  it('conflicting evidence for a listed maker makes a device suspect', () => {
    const v = judge(idn({ maker: 'axis', maker_score: 0.9, conflicts: [{ value: 'hikvision', score: 0.5, rules: ['r'] }] }), ndaa, vocab);
    expect(v.status).toBe('suspect');
  });
  it('unidentified is unknown; products and unlisted makers are clear', () => {
    expect(judge(idn({}), ndaa, vocab).status).toBe('unknown');
    expect(judge(idn({ product: 'nginx', device_type: 'web-server' }), ndaa, vocab).status).toBe('clear');
    // An embedded server alone, or a recorder UI without a maker, does not clear a device.
    expect(judge(idn({ product: 'GoAhead-Webs' }), ndaa, vocab).status).toBe('unknown');
    expect(judge(idn({ product: 'JAWS DVR web server', device_type: 'recorder' }), ndaa, vocab).status).toBe('unknown');
    expect(judge(idn({ maker: 'axis', maker_score: 0.99 }), ndaa, vocab).status).toBe('clear');
  });
  it('user policy files extend packs and are validated with clear errors', () => {
    const p = parsePolicyFile('name: site\nextends: ndaa\nentities:\n  - id: uniview\n    name: Uniview\n    makers: [uniview]\n    listings: [{ list: us-ndaa-889 }]\n', 'site.yaml', vocab);
    expect(judge(idn({ maker: 'uniview', maker_score: 0.9 }), p, vocab).status).toBe('restricted');
    const bad: Array<[string, RegExp]> = [
      ['name: x\nextends: nope\n', /not a built-in pack/],
      ['- a\n- b\n', /expected a mapping/],
      ['name: x\nentities: [{ id: a, name: A, makers: [nosuch], listings: [{list: us-ndaa-889}] }]\n', /not a known vendor id/],
      ['name: x\nextends: ndaa\nentities: [{ id: a, name: A, makers: [axis], listings: [{list: nolist}] }]\n', /unknown list "nolist"/],
      ['name: x\nfoo: 1\n', /unknown key "foo"/],
      ['name: [unclosed\n', /not valid YAML/],
      ['name: x\nextends: ndaa\nentities: [{ id: a, name: A, makers: [axis], brands: [{id: lorex, from: 2020}], listings: [{list: us-ndaa-889}] }]\n', /YYYY-MM-DD/],
    ];
    for (const [text, re] of bad) expect(() => parsePolicyFile(text, 'p.yaml', vocab), text).toThrow(re);
    expect(() => loadPolicy('nope')).toThrow(PolicyError);
    expect(() => loadPolicy('/nonexistent/policy.yaml')).toThrow(/cannot read policy file/);
  });
});

describe('recorder channels (cameras behind a recorder)', () => {
  it('reports SADP/DHIP channel counts for recorders, with a reasoning line', () => {
    expect(recorderChannels({ ip: '1', sadp: { AnalogChannelNum: '0', DigitalChannelNum: '8' } })).toEqual({ analog: 0, ip: 8, total: 8, from: 'sadp' });
    expect(recorderChannels({ ip: '1', sadp: { AnalogChannelNum: '16', DigitalChannelNum: '2' } }, 'recorder')).toEqual({ analog: 16, ip: 2, total: 18, from: 'sadp' });
    expect(recorderChannels({ ip: '1', dhip: { VideoInputChannels: 8, RemoteVideoInputChannels: 4 } }, 'recorder')).toEqual({ analog: 8, ip: 4, total: 12, from: 'dhip' });
    const id = identify({ ip: '1', dhip: { VideoInputChannels: 0, RemoteVideoInputChannels: 16 } }, kb);
    expect(id.channels?.total).toBe(16);
    expect(id.reasoning.join(' ')).toContain('up to 16 cameras behind this recorder are not seen directly');
  });
  it('does not count a camera\'s own sensor channel, and ignores junk', () => {
    expect(recorderChannels({ ip: '1', sadp: { AnalogChannelNum: '1', DigitalChannelNum: '0' } })).toBeUndefined();
    expect(recorderChannels({ ip: '1', dhip: { VideoInputChannels: 1, RemoteVideoInputChannels: 0 } }, 'camera')).toBeUndefined();
    expect(recorderChannels({ ip: '1', sadp: { DigitalChannelNum: '-3' } }, 'recorder')).toBeUndefined();
    expect(recorderChannels({ ip: '1', sadp: { DigitalChannelNum: '99999' } }, 'recorder')).toBeUndefined();
    expect(identify({ ip: '1' }, kb).channels).toBeUndefined();
  });
});
