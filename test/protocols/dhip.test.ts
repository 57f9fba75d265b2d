import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { buildSearch, parseDhip, buildDhipReply, dhipHeader, buildDhipFrame, flattenJson, DHIP_MAX_BODY } from '../../src/protocols/dhip.js';
import { hostileInputs, noControlChars, noPrototypeKeys, polluted } from './helpers.js';
import { lenientJson } from '../../src/protocols/lenient-json.js';
import { clean } from '../../src/util/sanitize.js';
import { dhipParamsRecord } from '../../src/discovery/dhip.js';

// Frame layout (rroller/dahua discovery.py, measured on VTO2000A / DHI-NVR5464;
// UniversalScanner Dahua2.cs + Dahua2.selftest): 32-byte LE header, magic "DHIP" at 4, body length at 16
// and again at 24. The reply JSON below is the VTO2000A example of rroller/dahua discovery.py, including the escaped
// slash "fe80::1\/64" Dahua firmware emits.
const VTO_JSON = '{"mac":"3c:ef:8c:41:6c:ce","method":"client.notifyDevInfo","params":{"deviceInfo":{'
  + '"DeviceClass":"VTO","DeviceType":"VTO2000A","SerialNo":"3C06520PAN00001","MachineName":"VTO2000A",'
  + '"Manufacturer":"General","Vendor":"General","Version":"3.120.0000.0.R","HttpPort":80,"Port":37777,'
  + '"IPv4Address":{"IPAddress":"192.168.0.232","SubnetMask":"255.255.255.0","DefaultGateway":"192.168.0.4","DhcpEnable":false},'
  + '"IPv6Address":{"IPAddress":"fe80::1\\/64","DefaultGateway":"fe80::","DhcpEnable":false},'
  + '"VideoInputChannels":1,"RemoteVideoInputChannels":0,"VideoOutputChannels":16,'
  + '"AlarmInputChannels":8,"AlarmOutputChannels":0,"Find":"BC","Init":150}}}';

function frame(json: string, opts: { headerSize?: number; len?: number; trailer?: Buffer } = {}): Buffer {
  const body = Buffer.from(json, 'utf8');
  const hs = opts.headerSize ?? 32;
  const h = Buffer.alloc(hs);
  h.writeUInt32LE(hs, 0);
  h.write('DHIP', 4, 'ascii');
  h.writeUInt32LE(opts.len ?? body.length, 16);
  h.writeUInt32LE(opts.len ?? body.length, 24);
  return Buffer.concat([h, body, opts.trailer ?? Buffer.alloc(0)]);
}

const VTO = frame(VTO_JSON);
// Intelbras OEM (Vendor "Intelbras"), 40-byte header, trailing NULs,
// IPAddress 0.0.0.0 (UniversalScanner then falls back to the source IP).
const INTELBRAS = frame('{"mac":"a0:bd:1d:00:00:01","method":"client.notifyDevInfo","params":{"deviceInfo":{"DeviceClass":"IPC",'
  + '"DeviceType":"SS 3530 MF FACE W","SerialNo":"ABCD1234567890","Vendor":"Intelbras","Manufacturer":"Intelbras",'
  + '"IPv4Address":{"IPAddress":"0.0.0.0"}}}}', { headerSize: 40, trailer: Buffer.alloc(6) });
// DHI-NVR5464 (rroller): RemoteVideoInputChannels 16
const NVR = frame('{"method":"client.notifyDevInfo","params":{"deviceInfo":{"DeviceClass":"NVR","DeviceType":"DHI-NVR5464-4KS2",'
  + '"SerialNo":"BC0A198PAJ779DF","HttpPort":80,"RemoteVideoInputChannels":16}}}\n');

// Tune record field-6r-0010 (rroller/dahua#460, a Dahua camera over DHIP on TCP, printed as a Python bytes
// literal): an error reply with no params. The published header lost its first byte (the header size,
// 0x20) and the body its trailing "\n" (the declared length 0x86 counts it); both are put back.
const ERROR_REPLY_JSON = '{"error":{"code":268959743,"message":"Unknown error! error code was not set in service!"},"id":18,"result":false,"session":427917332}';
const ERROR_REPLY = Buffer.concat([
  Buffer.from(' \x00\x00\x00DHIP\x14\x80\x81\x19\x12\x00\x00\x00\x86\x00\x00\x00\x00\x00\x00\x00\x86\x00\x00\x00\x00\x00\x00\x00', 'latin1'),
  Buffer.from(ERROR_REPLY_JSON + '\n', 'utf8'),
]);

const ALL_VALID = [VTO, INTELBRAS, NVR, buildSearch(), ERROR_REPLY];

describe('buildSearch', () => {
  it('header bytes and body exactly as documented', () => {
    const b = buildSearch();
    const body = '{"method":"DHDiscover.search","params":{"mac":"","uni":1}}\n';
    expect(b.length).toBe(32 + body.length);
    expect(b.readUInt32LE(0)).toBe(0x20);
    expect(b.subarray(4, 8).toString('ascii')).toBe('DHIP'); // bytes, not a packed int ("PIHD")
    expect(b.subarray(8, 16)).toEqual(Buffer.alloc(8));
    expect(b.readBigUInt64LE(16)).toBe(BigInt(body.length));
    expect(b.readBigUInt64LE(24)).toBe(BigInt(body.length));
    expect(b.subarray(32).toString()).toBe(body);
    expect(b.subarray(0, 8)).toEqual(Buffer.from([0x20, 0, 0, 0, 0x44, 0x48, 0x49, 0x50]));
  });
  it('uni 0 variant, and the simulator can parse the probe', () => {
    expect(buildSearch({ uni: 0 }).subarray(32).toString()).toContain('"uni":0');
    expect(parseDhip(buildSearch())).toEqual({ method: 'DHDiscover.search', mac: '', deviceInfo: {}, params: { mac: '', uni: '1' }, headerSize: 32, declaredLength: 59 });
  });
});

describe('parseDhip (table)', () => {
  it('VTO2000A reply: deviceInfo flattened to strings, \\/ unescaped', () => {
    const m = parseDhip(VTO)!;
    expect(m.method).toBe('client.notifyDevInfo');
    expect(m.mac).toBe('3c:ef:8c:41:6c:ce');
    expect(m.deviceInfo).toEqual({
      DeviceClass: 'VTO', DeviceType: 'VTO2000A', SerialNo: '3C06520PAN00001', MachineName: 'VTO2000A', Manufacturer: 'General',
      Vendor: 'General', Version: '3.120.0000.0.R', HttpPort: '80', Port: '37777',
      'IPv4Address.IPAddress': '192.168.0.232', 'IPv4Address.SubnetMask': '255.255.255.0', 'IPv4Address.DefaultGateway': '192.168.0.4',
      'IPv4Address.DhcpEnable': 'false', 'IPv6Address.IPAddress': 'fe80::1/64', 'IPv6Address.DefaultGateway': 'fe80::',
      'IPv6Address.DhcpEnable': 'false', VideoInputChannels: '1', RemoteVideoInputChannels: '0', VideoOutputChannels: '16',
      AlarmInputChannels: '8', AlarmOutputChannels: '0', Find: 'BC', Init: '150',
    });
  });

  it('40-byte header, trailing NULs, OEM vendor', () => {
    const m = parseDhip(INTELBRAS)!;
    expect(m.headerSize).toBe(40);
    expect(m.deviceInfo).toMatchObject({ Vendor: 'Intelbras', DeviceType: 'SS 3530 MF FACE W', 'IPv4Address.IPAddress': '0.0.0.0' });
  });

  it('trailing newline and missing mac', () => {
    expect(parseDhip(NVR)).toMatchObject({ mac: '', deviceInfo: { DeviceClass: 'NVR', RemoteVideoInputChannels: '16', SerialNo: 'BC0A198PAJ779DF' } });
  });

  it('the header length bounds the JSON', () => {
    // declared length shorter than the JSON: the body is cut there, so it does not parse
    expect(parseDhip(frame(VTO_JSON, { len: 40 }))).toBeNull();
    // extra bytes after the declared body are ignored
    expect(parseDhip(frame(VTO_JSON, { trailer: Buffer.from('garbage}') }))!.deviceInfo.SerialNo).toBe('3C06520PAN00001');
    // a zero length falls back to the datagram end (still capped)
    expect(parseDhip(frame(VTO_JSON, { len: 0 }))!.deviceInfo.DeviceType).toBe('VTO2000A');
    // a u64 length with the high word set is distrusted
    const f = frame(VTO_JSON);
    f.writeUInt32LE(1, 20);
    expect(parseDhip(f)!.deviceInfo.DeviceType).toBe('VTO2000A');
  });

  it('bare JSON, wrong magic ("PIHD") and junk give null', () => {
    expect(parseDhip(VTO_JSON)).toBeNull();
    const pihd = Buffer.from(VTO);
    pihd.write('PIHD', 4, 'ascii');
    expect(parseDhip(pihd)).toBeNull();
    for (const x of [Buffer.alloc(0), Buffer.alloc(31), Buffer.alloc(200), dhipHeader(10), frame('[1,2,3]'), frame('"str"'), frame('null'), Buffer.alloc(70000)]) {
      expect(parseDhip(x)).toBeNull();
    }
  });

  it('a truncated reply keeps only the values that arrived whole, never a half-read one', () => {
    const full = parseDhip(VTO)!.deviceInfo;
    let partial = 0;
    for (let n = 0; n < VTO.length - 1; n++) {
      const m = parseDhip(VTO.subarray(0, n));
      if (!m) continue;
      for (const [k, v] of Object.entries(m.deviceInfo)) expect(v, `${n}: ${k}`).toBe(full[k]);
      if (Object.keys(m.deviceInfo).length) partial++;
    }
    expect(partial).toBeGreaterThan(100);
    // Cut inside the serial: DeviceClass and DeviceType survive, no SerialNo at all.
    const cut = VTO_JSON.indexOf('3C06520PAN') + 4;
    expect(parseDhip(frame(VTO_JSON.slice(0, cut)))!.deviceInfo).toEqual({ DeviceClass: 'VTO', DeviceType: 'VTO2000A' });
  });

  it('__proto__ keys are dropped and nothing is polluted', () => {
    const evil = frame('{"method":"client.notifyDevInfo","__proto__":{"polluted":1},"params":{"deviceInfo":{"__proto__":{"isAdmin":true},'
      + '"constructor":{"prototype":{"polluted":1}},"SerialNo":"X","nested":{"__proto__":"y","ok":"z"}}}}');
    const m = parseDhip(evil)!;
    expect(m.deviceInfo).toEqual({ SerialNo: 'X', 'nested.ok': 'z' });
    expect(polluted()).toBe(false);
    expect(noPrototypeKeys(m)).toBe(true);
  });

  it('control characters and ANSI are cleaned, keys too', () => {
    const m = parseDhip(frame('{"method":"m\\u0007","params":{"deviceInfo":{"Device\\u001bType":"IPC\\u001b[2J-\\u0000X\\u202e","a":"\\r\\n"}}}'))!;
    expect(noControlChars(m)).toBe(true);
    expect(m.method).toBe('m');
  });

  it('depth and size are bounded', () => {
    const deep = '{"params":{"deviceInfo":' + '{"a":'.repeat(50) + '1' + '}'.repeat(50) + '}}';
    expect(Object.keys(parseDhip(frame(deep))!.deviceInfo).length).toBe(0);
    const wide = '{"params":{"deviceInfo":{' + Array.from({ length: 2000 }, (_, i) => `"k${i}":${i}`).join(',') + '}}}';
    expect(Object.keys(parseDhip(frame(wide))!.deviceInfo).length).toBeLessThanOrEqual(256);
    const huge = '{"params":{"deviceInfo":{"a":"' + 'x'.repeat(DHIP_MAX_BODY) + '"}}}';
    expect(parseDhip(frame(huge))).toBeNull(); // body beyond the hard cap is cut, so it cannot parse
  });
});

describe('parseDhip: what JSON.parse rejects, read anyway', () => {
  // The VTO2000A reply above as firmware variants send it: a raw line feed and TAB inside MachineName
  // (a device name typed with Enter), a quote that was never escaped, and bytes after the object.
  it('raw control characters inside a string', () => {
    const bad = VTO_JSON.replace('"MachineName":"VTO2000A"', '"MachineName":"VTO\n2000A\tfront"');
    expect(() => JSON.parse(bad)).toThrow();
    const m = parseDhip(frame(bad))!;
    expect(m.method).toBe('client.notifyDevInfo');
    expect(m.deviceInfo).toMatchObject({ DeviceType: 'VTO2000A', SerialNo: '3C06520PAN00001', MachineName: 'VTO 2000A front', HttpPort: '80', 'IPv4Address.IPAddress': '192.168.0.232' });
    expect(noControlChars(m)).toBe(true);
  });
  it('an unescaped quote inside a string', () => {
    const bad = VTO_JSON.replace('"MachineName":"VTO2000A"', '"MachineName":"Door "Main" 1"');
    expect(() => JSON.parse(bad)).toThrow();
    expect(parseDhip(frame(bad))!.deviceInfo).toMatchObject({ MachineName: 'Door "Main" 1', Manufacturer: 'General', SerialNo: '3C06520PAN00001' });
  });
  it('garbage after the object, inside the declared length', () => {
    const m = parseDhip(frame(VTO_JSON + '\u0000\u0001}}garbage{"x":'))!;
    expect(m.deviceInfo.SerialNo).toBe('3C06520PAN00001');
    expect(m.deviceInfo).not.toHaveProperty('x');
  });
  it('a reply with params only, followed by more text (mcw0/DahuaConsole#29, Imou Ranger 2 login challenge, as the field converter frames a pasted log)', () => {
    // The reply of the issue (tune record dahua-0030): no method, no deviceInfo; then the tool's next log line.
    const reply = '{"result":false,"params":{"realm":"Login to 5C93A07E1D2B64F8","random":"3b9e6f02-7d14-4c58-a0e2-91f6c4d8b573","encryption":"Default"},'
      + '"error":{"code":268632079,"message":"Component error: login challenge!"},"id":0,"session":2845467865}';
    const pasted = reply + '\n[<] DHIP header: 20000000|44484950|d9649aa9|00000000';
    expect(() => JSON.parse(pasted)).toThrow();
    const m = parseDhip(buildDhipFrame(pasted))!;
    expect(m).not.toBeNull();
    expect(m.method).toBe('');
    expect(m.deviceInfo).toEqual({});
    expect(m.params).toMatchObject({ realm: 'Login to 5C93A07E1D2B64F8', encryption: 'Default' });
    // The same reply whole parses the same params the strict way.
    expect(parseDhip(buildDhipFrame(reply))!.params).toMatchObject(m.params);
  });
  it('an error reply without params keeps its error code and message (rroller/dahua#460, field-6r-0010)', () => {
    const m = parseDhip(ERROR_REPLY)!;
    expect(m).not.toBeNull();
    expect(m.declaredLength).toBe(0x86);
    expect(m.method).toBe('');
    expect(m.params).toEqual({});
    expect(m.error).toEqual({ code: '268959743', message: 'Unknown error! error code was not set in service!' });
    // What the DHIP listener keeps of it (it used to drop a reply with no params).
    expect(dhipParamsRecord(m)).toEqual({ 'error.code': '268959743', 'error.message': 'Unknown error! error code was not set in service!' });
    // The same reply cut short (no closing braces) is read by the lenient path, error included.
    const cut = parseDhip(buildDhipFrame(ERROR_REPLY_JSON.slice(0, 95)))!;
    expect(cut.error).toEqual({ code: '268959743', message: 'Unknown error! error code was not set in service!' });
    // A reply without an error object has none, and nothing to keep when it said nothing else.
    expect(parseDhip(buildDhipFrame('{"id":3,"result":true,"params":{"a":1}}'))!.error).toBeUndefined();
    expect(dhipParamsRecord(parseDhip(buildDhipFrame('{"id":3,"result":true,"session":1}'))!)).toBeUndefined();
  });
  it('a real frame cut short (rroller/dahua#148, Amcrest AD410 over DHIP): the method that arrived', () => {
    // The bytes of the log up to where the integration stopped reading (header: 0x20, "DHIP", session, id 8, length 0x473).
    const head = Buffer.from(' \x00\x00\x00DHIP\xdc^,f\x08\x00\x00\x00s\x04\x00\x00\x00\x00\x00\x00s\x04\x00\x00\x00\x00\x00\x00', 'latin1');
    const body = '{"id":8,"method":"client.notifyEventStream","params":{"SID":513,"eventList":[{"Action":"Stop","Code":"CrossRegionDetection",'
      + '"Data":{"Action":"Appear","CfgRuleId":1,"Class":"Normal","CountInGroup":0,"DetectRegion":[[0,0],[0,4093],[0,8191],[8191,8191],[8191,4093],[8191,0]],'
      + '"EventID":10437,"EventSeq":222,"FrameSequence":3113933,"GroupID":222,"LocaleTime":"2022-01-25 16:39:16","Mark":0,"Name":"IVS-1",'
      + '"Object":{"Action":"Appear","Age":0,"Angle":0,"Bag":0,"BagType":0,"BoundingBox":';
    const m = parseDhip(Buffer.concat([head, Buffer.from(body, 'latin1')]))!;
    expect(m.method).toBe('client.notifyEventStream');
    expect(m.params).toMatchObject({ SID: '513', 'eventList.0.Code': 'CrossRegionDetection', 'eventList.0.Data.Name': 'IVS-1' });
    expect(m.deviceInfo).toEqual({});
  });
});

describe('buildDhipReply round trip', () => {
  it('nested input, all variants', () => {
    const info = {
      DeviceClass: 'IPC', DeviceType: 'IPC-HDW2431T-AS', SerialNo: '5J0123456789ABC', Vendor: 'General', Version: '2.800.0000000.16.R',
      HttpPort: 80, Port: 37777, IPv4Address: { IPAddress: '10.77.0.222', SubnetMask: '255.255.0.0' }, IPv6Address: { IPAddress: 'fe80::1/64' },
    };
    const flat = {
      DeviceClass: 'IPC', DeviceType: 'IPC-HDW2431T-AS', SerialNo: '5J0123456789ABC', Vendor: 'General', Version: '2.800.0000000.16.R',
      HttpPort: '80', Port: '37777', 'IPv4Address.IPAddress': '10.77.0.222', 'IPv4Address.SubnetMask': '255.255.0.0', 'IPv6Address.IPAddress': 'fe80::1/64',
    };
    for (const opts of [{}, { headerSize: 40 as const }, { escapeSlashes: true }, { mac: 'aa:bb:cc:dd:ee:ff' }]) {
      const b = buildDhipReply(info, opts);
      const m = parseDhip(b)!;
      expect(m.deviceInfo).toEqual(flat);
      expect(m.method).toBe('client.notifyDevInfo');
      expect(b.subarray(4, 8).toString()).toBe('DHIP');
      expect(b.readUInt32LE(16)).toBe(b.length - (opts.headerSize ?? 32));
    }
    expect(buildDhipReply(info, { escapeSlashes: true }).toString()).toContain('fe80::1\\/64');
  });

  it('dotted keys are nested on the way out, so flat -> build -> parse is identity', () => {
    const flat = { 'IPv4Address.IPAddress': '1.2.3.4', SerialNo: 'S', '__proto__.polluted': 'x' };
    expect(parseDhip(buildDhipReply(flat))!.deviceInfo).toEqual({ 'IPv4Address.IPAddress': '1.2.3.4', SerialNo: 'S' });
    expect(polluted()).toBe(false);
  });

  it('frames arbitrary JSON', () => {
    const f = buildDhipFrame('{"method":"x"}', 40);
    expect(f.readUInt32LE(0)).toBe(40);
    expect(parseDhip(f)!.method).toBe('x');
  });
});

describe('properties', () => {
  it('parseDhip never throws on hostile input, no control characters', () => {
    fc.assert(fc.property(hostileInputs(ALL_VALID), (x) => {
      const r = parseDhip(x);
      expect(noControlChars(r)).toBe(true);
      expect(noPrototypeKeys(r)).toBe(true);
    }), { numRuns: 600 });
    expect(polluted()).toBe(false);
  });

  it('parseDhip on framed arbitrary JSON', () => {
    fc.assert(fc.property(fc.json({ maxDepth: 6 }), fc.constantFrom(32, 40), (j, hs) => {
      const r = parseDhip(frame(j, { headerSize: hs }));
      expect(noControlChars(r)).toBe(true);
      expect(noPrototypeKeys(r)).toBe(true);
    }), { numRuns: 400 });
  });

  it('flattenJson of arbitrary objects', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => {
      const f = flattenJson(v);
      expect(noControlChars(f)).toBe(true);
      expect(Object.values(f).every((x) => typeof x === 'string')).toBe(true);
    }));
  });

  it('build -> parse for arbitrary flat string device info', () => {
    const key = fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,12}$/).filter((k) => !['constructor', 'prototype'].includes(k));
    fc.assert(fc.property(fc.dictionary(key, fc.stringMatching(/^[!-~]([ -~]{0,20}[!-~])?$/)), (d) => {
      expect(parseDhip(buildDhipReply(d))!.deviceInfo).toEqual(d);
    }));
  });
});

describe('lenientJson (properties)', () => {
  const key = fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,10}$/).filter((k) => !['constructor', 'prototype'].includes(k));
  const tree = fc.letrec((tie) => ({
    node: fc.dictionary(key, fc.oneof({ depthSize: 'small' }, fc.string({ maxLength: 30 }), fc.integer(), fc.boolean(), tie('node')), { maxKeys: 6 }),
  })).node;
  it('reads valid JSON exactly as JSON.parse + flatten would', () => {
    fc.assert(fc.property(tree, (o) => {
      const strict = flattenJson(o);
      const { flat, truncated } = lenientJson(JSON.stringify(o));
      expect(truncated).toBe(false);
      // Same keys; values equal once cleaned the way flattenJson cleans them (objects that are empty leave no key in either).
      for (const [k, v] of Object.entries(flat)) expect(strict[k], k).toBe(clean(v, 512));
      for (const k of Object.keys(strict)) if (strict[k] !== '' || flat[k] !== undefined) expect(flat, k).toHaveProperty([k]);
    }), { numRuns: 300 });
  });
  it('a prefix of valid JSON yields a subset of its values, never a changed one', () => {
    fc.assert(fc.property(tree, fc.nat(), (o, cut) => {
      const text = JSON.stringify(o);
      const whole = lenientJson(text).flat;
      const part = lenientJson(text.slice(0, cut % (text.length + 1))).flat;
      for (const [k, v] of Object.entries(part)) expect(v).toBe(whole[k]);
    }), { numRuns: 300 });
  });
  it('never throws, bounded output, on arbitrary text and hostile shapes', () => {
    fc.assert(fc.property(fc.string({ maxLength: 3000 }), (s) => {
      const r = lenientJson('{' + s);
      expect(Object.keys(r.flat).length).toBeLessThanOrEqual(256);
      expect(noPrototypeKeys(r.flat)).toBe(true);
    }), { numRuns: 500 });
    for (const s of ['{"a":"' + '" '.repeat(16000), '{' + '"a":{'.repeat(5000), '{' + '[' .repeat(16000), '{"a":"' + '\\'.repeat(32000)]) {
      expect(() => lenientJson(s)).not.toThrow();
    }
  });
});
