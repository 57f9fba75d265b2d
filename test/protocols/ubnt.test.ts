// Ubiquiti discovery codec (src/protocols/ubnt.ts) on real captures, hostile bytes and fast-check properties.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildUbntProbe, buildUbntReply, parseUbnt, ubntMac, ubntMacIp, ubntU32 } from '../../src/protocols/ubnt.js';
import { isTerminalSafe } from '../../src/util/sanitize.js';

import { G3_FLEX } from './ubnt-captures.js';

// A UniFi Security Gateway's version-2 answer (command 6) as kept in ntop/nDPI@3b1286ab:tests/cfgs/default/pcap/ubntac2.pcap
// (addresses as the field corpus anonymised them).
const UGW3 = Buffer.from([
  0x02, 0x06, 0x00, 0xab, 0x02, 0x00, 0x0a, 0x80, 0x2a, 0xa8, 0x6e, 0xe1, 0x78, 0xc0, 0x00, 0x02, 0x15, 0x02, 0x00, 0x0a, 0x80, 0x2a, 0xa8, 0x6e, 0xe1, 0x79, 0xc0, 0x00, 0x02, 0x01,
  0x01, 0x00, 0x06, 0x80, 0x2a, 0xa8, 0x6e, 0xe1, 0x78, 0x0a, 0x00, 0x04, 0x00, 0x00, 0xde, 0x60, 0x0b, 0x00, 0x04, ...Buffer.from('ubnt'), 0x0c, 0x00, 0x04, ...Buffer.from('UGW3'),
  0x03, 0x00, 0x38, ...Buffer.from('UniFiSecurityGateway.ER-e120.v4.3.33.4936086.161203.2031'), 0x16, 0x00, 0x0e, ...Buffer.from('4.3.33.4936086'), 0x15, 0x00, 0x04, ...Buffer.from('UGW3'),
  0x17, 0x00, 0x01, 0x00, 0x18, 0x00, 0x01, 0x00, 0x13, 0x00, 0x06, 0x80, 0x2a, 0xa8, 0x6e, 0xe1, 0x78, 0x12, 0x00, 0x04, 0x00, 0x00, 0x15, 0xcf, 0x1b, 0x00, 0x05, ...Buffer.from('4.0.0'),
]);

describe('parseUbnt', () => {
  it('reads a UniFi camera answer: platform, firmware, host name, MAC/IP pair, uptime, adoption flag, system id', () => {
    const m = parseUbnt(G3_FLEX)!;
    expect(m).toMatchObject({ version: 1, cmd: 0, request: false });
    expect(m.fields).toEqual({
      mac: '02:00:00:00:db:91', macs: '02:00:00:00:db:91', ipv4: '192.0.2.222', ipv4s: '192.0.2.222', uptime: '234',
      hostname: 'UVC G3 Flex', platform: 'UVC G3 Flex', default: 'true', firmware: 'UVC.S2L.v4.75.62.67.e71c6e5.250411.1421', system_id: '0xa534',
    });
  });

  it('reads a version-2 answer (command 6) with two interfaces, the model and version TLVs', () => {
    const m = parseUbnt(UGW3)!;
    expect(m).toMatchObject({ version: 2, cmd: 6, request: false });
    expect(m.fields).toMatchObject({
      platform: 'UGW3', model: 'UGW3', hostname: 'ubnt', version: '4.3.33.4936086', default: 'false', uptime: '56928',
      firmware: 'UniFiSecurityGateway.ER-e120.v4.3.33.4936086.161203.2031', mac: '80:2a:a8:6e:e1:78', macs: '80:2a:a8:6e:e1:78 80:2a:a8:6e:e1:79', ipv4s: '192.0.2.21 192.0.2.1',
    });
  });

  it('knows a request (ours looped back, or a version-2 one) from an answer', () => {
    expect(parseUbnt(buildUbntProbe())).toMatchObject({ request: true, fields: {} });
    expect(parseUbnt(Buffer.from([2, 8, 0, 0]))).toMatchObject({ request: true });
  });

  it('rejects other protocols: wrong version or command, a length that does not cover the datagram', () => {
    expect(parseUbnt(Buffer.from([3, 0, 0, 0]))).toBeUndefined();
    expect(parseUbnt(Buffer.from([1, 5, 0, 0]))).toBeUndefined();
    expect(parseUbnt(Buffer.from([2, 7, 0, 0]))).toBeUndefined();
    expect(parseUbnt(Buffer.concat([G3_FLEX, Buffer.from([0])]))).toBeUndefined(); // more bytes than the header says
    expect(parseUbnt(Buffer.from('HTTP/1.1 200 OK\r\n\r\n'))).toBeUndefined();
    expect(parseUbnt(Buffer.alloc(0))).toBeUndefined();
    expect(parseUbnt(Buffer.from([1, 0]))).toBeUndefined();
  });

  it('keeps what came before a cut (a truncated capture), and nothing from a cut header alone', () => {
    const cut = parseUbnt(G3_FLEX.subarray(0, 60))!;
    expect(cut.fields).toMatchObject({ mac: '02:00:00:00:db:91', hostname: 'UVC G3 Flex' });
    expect(cut.fields.firmware).toBeUndefined();
    expect(parseUbnt(Buffer.from([1, 0, 0, 9, 0x0b, 0, 40]))).toBeUndefined();
  });

  it('cleans control characters and escape sequences out of text TLVs and caps them', () => {
    const m = parseUbnt(buildUbntReply([[0x0b, '\u001b[31mcam\u0007\r\nx'], [0x0c, 'A'.repeat(5000)]]))!;
    expect(m.fields.hostname).toBe('cam   x'); // BEL, CR and LF each become a space
    expect(m.fields.platform!.length).toBeLessThanOrEqual(257);
    for (const v of Object.values(m.fields)) expect(isTerminalSafe(v)).toBe(true);
  });

  it('builds what it parses (the lab and the tests use the builder)', () => {
    const b = buildUbntReply([[0x02, ubntMacIp('24:5a:4c:01:02:03', '127.0.0.5')], [0x0c, 'UNVR'], [0x0a, ubntU32(7)], [0x01, ubntMac('24:5a:4c:01:02:03')]]);
    expect(parseUbnt(b)!.fields).toEqual({ mac: '24:5a:4c:01:02:03', macs: '24:5a:4c:01:02:03', ipv4: '127.0.0.5', ipv4s: '127.0.0.5', platform: 'UNVR', uptime: '7' });
  });

  it('property: never throws on arbitrary bytes, bounded fields, terminal-safe values', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 2048 }), (bytes) => {
      const m = parseUbnt(bytes);
      if (!m) return;
      expect(Object.keys(m.fields).length).toBeLessThanOrEqual(16);
      for (const v of Object.values(m.fields)) { expect(v.length).toBeLessThanOrEqual(16 * 18); expect(isTerminalSafe(v)).toBe(true); }
    }), { numRuns: 3000 });
  });

  it('property: any TLV list built with a correct header parses, its text TLVs come back cleaned', () => {
    const tlv = fc.tuple(fc.constantFrom(0x03, 0x0b, 0x0c, 0x0d, 0x14, 0x15, 0x16, 0x42), fc.string({ maxLength: 80 }));
    fc.assert(fc.property(fc.array(tlv, { maxLength: 12 }), (list) => {
      const m = parseUbnt(buildUbntReply(list));
      expect(m).toBeDefined();
      expect(m!.request).toBe(list.length === 0);
      for (const v of Object.values(m!.fields)) expect(isTerminalSafe(v)).toBe(true);
    }), { numRuns: 1000 });
  });

  it('property: a header claiming less than the datagram holds is refused; a longer claim is a truncated capture', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffff }), fc.uint8Array({ maxLength: 64 }), (len, body) => {
      const b = Buffer.concat([Buffer.from([1, 0, len >> 8, len & 0xff]), Buffer.from(body)]);
      const m = parseUbnt(b);
      if (m) expect(len).toBeGreaterThanOrEqual(body.length);
    }), { numRuns: 2000 });
  });
});
