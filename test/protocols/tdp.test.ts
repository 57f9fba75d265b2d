// TP-Link discovery codec (src/protocols/tdp.ts) on real answers (python-kasa device dumps), hostile bytes
// and fast-check properties.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  TDP_HEADER, buildKasaProbe, buildKasaReply, buildTdpProbe, buildTdpReply, crc32, kasaDecrypt, kasaEncrypt, parseKasa, parseTdp, tdpFieldsFromJson,
} from '../../src/protocols/tdp.js';
import { isTerminalSafe } from '../../src/util/sanitize.js';
import { C210_JSON, EC60_SYSINFO, HS300_SYSINFO, P110_JSON } from './tdp-captures.js';

/** A 20002 answer as a device sends it: a 16-byte header, then the JSON text given. */
function datagram(json: string): Buffer {
  const body = Buffer.from(json, 'utf8');
  const head = Buffer.from('02000001000000110000000000000000', 'hex');
  head.writeUInt16BE(body.length, 4);
  return Buffer.concat([head, body]);
}

describe('TP-Link discovery queries', () => {
  it('the 20002 query is python-kasa DISCOVERY_QUERY_2, whose CRC32 field is the CRC of the header with 0x5A6B7C8D in its place', () => {
    const q = buildTdpProbe();
    expect(q.toString('hex')).toBe('020000010000000000000000463cb5d3'); // python-kasa@a29d0610 kasa/discover.py
    const withSeed = Buffer.from(q);
    withSeed.writeUInt32BE(0x5a6b7c8d, 12);
    expect(crc32(withSeed)).toBe(0x463cb5d3);
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926); // the CRC-32 check value
  });

  it('the 9999 query is get_sysinfo in the autokey XOR cipher (first byte 0xd0 as python-kasa sends it)', () => {
    const q = buildKasaProbe();
    expect(q[0]).toBe(0xd0); // '{' ^ 171
    expect(kasaDecrypt(q).toString()).toBe('{"system":{"get_sysinfo":{}}}');
    expect(parseKasa(q)).toMatchObject({ request: true, fields: {} });
  });
});

describe('parseTdp (UDP 20002)', () => {
  it('reads a Tapo camera answer: type, model, MAC, versions, encryption; nothing from the dump tool\'s decrypted_data', () => {
    const m = parseTdp(datagram(C210_JSON))!;
    expect(m.request).toBe(false);
    expect(m.fields).toEqual({
      device_type: 'SMART.IPCAMERA', device_model: 'C210', mac: '40-AE-30-00-00-00', hw_ver: '2.0', fw_ver: '1.4.3 Build 241010 Rel.33858n',
      device_id: '00000000000000000000000000000000', ip: '127.0.0.123', factory_default: 'false', https: 'true', encrypt_type: 'AES', login_version: '3', port: '20002',
    });
    expect(JSON.stringify(m.fields)).not.toMatch(/MASKED_SSID|sd_status|last_alarm/);
  });

  it('reads a Tapo plug answer with mgt_encrypt_schm (http port, login version)', () => {
    expect(parseTdp(datagram(P110_JSON))!.fields).toMatchObject({
      device_type: 'SMART.TAPOPLUG', device_model: 'P110(EU)', mac: '48-22-54-00-00-00', obd_src: 'tplink', http_port: '80', https: 'false', encrypt_type: 'AES', login_version: '2',
    });
  });

  it('knows our query and a header without answer fields from an answer', () => {
    expect(parseTdp(buildTdpProbe())).toEqual({ request: true, fields: {} });
    expect(parseTdp(datagram('{"params":{"rsa_key":"-----BEGIN PUBLIC KEY-----\\nMIIB"}}'))).toEqual({ request: true, fields: {} });
    expect(parseTdp(datagram('{"error_code":0,"result":{}}'))).toEqual({ request: true, fields: {} });
  });

  it('rejects other protocols: wrong version, short datagrams, a body that is not JSON', () => {
    expect(parseTdp(Buffer.from('HTTP/1.1 200 OK\r\n\r\n{"result":{"device_type":"x"}}'))).toBeUndefined();
    expect(parseTdp(Buffer.concat([Buffer.from([1]), datagram(P110_JSON).subarray(1)]))).toBeUndefined();
    expect(parseTdp(Buffer.alloc(15, 2))).toBeUndefined();
    expect(parseTdp(Buffer.concat([buildTdpProbe(), Buffer.from('<xml/>')]))).toBeUndefined();
    expect(parseTdp(Buffer.alloc(0))).toBeUndefined();
  });

  it('keeps the complete fields of a cut datagram and never a half-read one', () => {
    const full = datagram(C210_JSON);
    const at = full.indexOf('"device_type"') + 20; // inside the device_type value
    const m = parseTdp(full.subarray(0, at))!;
    expect(m.fields.device_model).toBe('C210');
    expect(m.fields.device_type).toBeUndefined();
  });

  it('cleans control characters and escape sequences, caps values, and tolerates raw control bytes and unescaped quotes', () => {
    const m = parseTdp(datagram('{"error_code":0,"result":{"device_model":"C2\u001b[31m10\u0007","device_type":"SMART.IPCAMERA","mac":"' + 'A'.repeat(5000) + '","fw_ver":"1.0 "beta" x"}}'))!;
    expect(m.fields.device_model).toBe('C210');
    for (const v of Object.values(m.fields)) { expect(isTerminalSafe(v)).toBe(true); expect(v.length).toBeLessThanOrEqual(129); }
    expect(m.fields.device_type).toBe('SMART.IPCAMERA');
    expect(m.fields.fw_ver).toBe('1.0 "beta" x');
  });

  it('reads the answer buildTdpReply builds (the lab\'s), header size and CRC filled in', () => {
    const r = buildTdpReply({ device_type: 'SMART.IPCAMERA', device_model: 'C210', mac: '40-AE-30-00-00-01' });
    expect(r.readUInt16BE(4)).toBe(r.length - TDP_HEADER);
    const seed = Buffer.from(r); seed.writeUInt32BE(0x5a6b7c8d, 12);
    expect(crc32(seed)).toBe(r.readUInt32BE(12));
    expect(parseTdp(r)!.fields).toMatchObject({ device_type: 'SMART.IPCAMERA', device_model: 'C210', mac: '40-AE-30-00-00-01', port: '20002' });
  });
});

describe('parseKasa (legacy UDP 9999)', () => {
  it('reads a Kasa camera answer (fields under get_sysinfo.system)', () => {
    const m = parseKasa(kasaEncrypt(EC60_SYSINFO))!;
    expect(m.fields).toEqual({
      device_type: 'IOT.IPCAMERA', device_model: 'EC60(US)', mac: '74:FE:CE:00:00:00', hw_ver: '4.0', fw_ver: '2.3.22 Build 20230731 rel.69808',
      device_id: '0000000000000000000000000000000000000000', oem_id: '00000000000000000000000000000000', description: 'Kasa Spot, 24/7 Recording', port: '9999',
    });
  });

  it('reads a Kasa power strip answer (mic_type, children before the model)', () => {
    expect(parseKasa(kasaEncrypt(HS300_SYSINFO))!.fields).toMatchObject({ device_type: 'IOT.SMARTPLUGSWITCH', device_model: 'HS300(US)', hw_ver: '2.0' });
    expect(parseKasa(buildKasaReply({ model: 'HS110(EU)', type: 'IOT.SMARTPLUGSWITCH' }))!.fields).toMatchObject({ device_model: 'HS110(EU)' });
  });

  it('rejects what does not decrypt to a system object', () => {
    expect(parseKasa(Buffer.from('{"system":{"get_sysinfo":{"model":"x"}}}'))).toBeUndefined(); // plain text, not ciphered
    expect(parseKasa(kasaEncrypt('{"other":1}'))).toBeUndefined();
    expect(parseKasa(Buffer.from([0xd0]))).toBeUndefined();
  });

  it('the same JSON re-serialised by a dump tool gives the same fields (what the field converter reads)', () => {
    expect(tdpFieldsFromJson(JSON.stringify(JSON.parse(EC60_SYSINFO), null, 4))).toEqual(parseKasa(kasaEncrypt(EC60_SYSINFO))!.fields);
    expect(tdpFieldsFromJson(JSON.stringify(JSON.parse(C210_JSON), null, 8))).toEqual(parseTdp(datagram(C210_JSON))!.fields);
    expect(tdpFieldsFromJson('no json here')).toBeUndefined();
  });
});

describe('properties', () => {
  const check = (m: { fields: Record<string, string> } | undefined) => {
    if (!m) return;
    expect(Object.keys(m.fields).length).toBeLessThanOrEqual(16);
    for (const v of Object.values(m.fields)) { expect(v.length).toBeLessThanOrEqual(129); expect(isTerminalSafe(v)).toBe(true); }
  };

  it('never throws on arbitrary bytes, bounded fields, terminal-safe values (both ports)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 2048 }), (bytes) => {
      check(parseTdp(bytes));
      check(parseKasa(bytes));
      check(parseTdp(Buffer.concat([buildTdpProbe(), Buffer.from(bytes)])));
      check(parseKasa(kasaEncrypt(Buffer.concat([Buffer.from('{"system":'), Buffer.from(bytes)]))));
    }), { numRuns: 2000 });
  });

  it('any answer object with hostile strings parses with clean values, on both ports', () => {
    const val = fc.oneof(fc.string({ maxLength: 300 }), fc.integer(), fc.boolean(), fc.constant(null));
    const obj = fc.dictionary(fc.constantFrom('device_type', 'device_model', 'mac', 'hw_ver', 'firmware_version', 'ip', 'owner', 'x'), val);
    fc.assert(fc.property(obj, (o) => {
      check(parseTdp(buildTdpReply(o)));
      check(parseKasa(buildKasaReply({ ...o, model: o.device_model, type: o.device_type })));
    }), { numRuns: 1000 });
  });

  it('XOR cipher round-trips', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 512 }), (b) => {
      expect(kasaDecrypt(kasaEncrypt(Buffer.from(b)))).toEqual(Buffer.from(b));
    }), { numRuns: 500 });
  });
});
