import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { buildSearch, parseDhip, buildDhipReply, dhipHeader, buildDhipFrame, flattenJson, DHIP_MAX_BODY } from '../../src/protocols/dhip.js';
import { hostileInputs, noControlChars, noPrototypeKeys, polluted } from './helpers.js';

// Frame layout per peers.md §3.2 (rroller/dahua discovery.py, measured on VTO2000A / DHI-NVR5464;
// UniversalScanner Dahua2.cs + Dahua2.selftest): 32-byte LE header, magic "DHIP" at 4, body length at 16
// and again at 24. The reply JSON below is the VTO2000A example of peers.md §3.2, including the escaped
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
// Intelbras OEM (field note in peers.md §3.2: Vendor "Intelbras"), 40-byte header, trailing NULs,
// IPAddress 0.0.0.0 (UniversalScanner then falls back to the source IP).
const INTELBRAS = frame('{"mac":"a0:bd:1d:00:00:01","method":"client.notifyDevInfo","params":{"deviceInfo":{"DeviceClass":"IPC",'
  + '"DeviceType":"SS 3530 MF FACE W","SerialNo":"ABCD1234567890","Vendor":"Intelbras","Manufacturer":"Intelbras",'
  + '"IPv4Address":{"IPAddress":"0.0.0.0"}}}}', { headerSize: 40, trailer: Buffer.alloc(6) });
// DHI-NVR5464 (rroller): RemoteVideoInputChannels 16
const NVR = frame('{"method":"client.notifyDevInfo","params":{"deviceInfo":{"DeviceClass":"NVR","DeviceType":"DHI-NVR5464-4KS2",'
  + '"SerialNo":"BC0A198PAJ779DF","HttpPort":80,"RemoteVideoInputChannels":16}}}\n');

const ALL_VALID = [VTO, INTELBRAS, NVR, buildSearch()];

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

  it('bare JSON, wrong magic ("PIHD"), junk and truncations give null', () => {
    expect(parseDhip(VTO_JSON)).toBeNull();
    const pihd = Buffer.from(VTO);
    pihd.write('PIHD', 4, 'ascii');
    expect(parseDhip(pihd)).toBeNull();
    for (const x of [Buffer.alloc(0), Buffer.alloc(31), Buffer.alloc(200), dhipHeader(10), frame('[1,2,3]'), frame('"str"'), frame('null'), Buffer.alloc(70000)]) {
      expect(parseDhip(x)).toBeNull();
    }
    for (let n = 0; n < VTO.length - 1; n += 7) expect(parseDhip(VTO.subarray(0, n))).toBeNull();
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
