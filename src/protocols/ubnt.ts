// Ubiquiti discovery over UDP 10001 (UniFi cameras and NVRs, EdgeRouters, access points, switches). Pure codecs.
//
// Wire format (nmap/nmap scripts/ubiquiti-discovery.nse; julienblitte/UniversalScanner Ubiquiti.cs): the
// version-1 request is four bytes, version 1, command 0, payload length 0 (`01 00 00 00`), sent to
// 233.89.188.1 or broadcast on port 10001 and to each unicast host; a device answers from port 10001 with
// the same four-byte header (version 1 command 0, or version 2 with command 6, 9 or 11) whose big-endian
// length covers the rest of the datagram, a list of TLVs: type (1 byte), length (2 bytes, big-endian),
// value. Known types: 0x01 MAC, 0x02 MAC + IPv4 (one per address), 0x03 firmware string
// ("UVC.S2L.v4.23.8.67.0eba6e3.200526.1046"), 0x0a uptime (u32), 0x0b host name, 0x0c short model
// ("platform": "UVC G3", "UNVR", "ER-X"), 0x0d ESSID, 0x0f management port, 0x14 / 0x15 model (v1 / v2),
// 0x16 version, 0x17 default (unadopted) flag, 0x10 system id (u16, little-endian: the hardware model code).
// Unknown types are skipped.
import { clean } from '../util/sanitize.js';
import { UDP_MAX, type Input, toBuffer } from './common.js';

export const UBNT_PORT = 10001;
export const UBNT_MULTICAST_V4 = '233.89.188.1';

/** The version-1 discovery request. */
export function buildUbntProbe(): Buffer {
  return Buffer.from([0x01, 0x00, 0x00, 0x00]);
}

export interface UbntMessage {
  version: 1 | 2;
  cmd: number;
  /** True for a request (no TLVs at all): ours looped back, or another client's. */
  request: boolean;
  /**
   * The answer's fields, under stable lower-case names: mac, ipv4 (the first MAC+IP pair), macs and
   * ipv4s (every one, space-separated), firmware, hostname, platform, model, essid, version, uptime,
   * mgmt_port, system_id ("0xa534"), default ("true" when the device says it is unadopted).
   */
  fields: Record<string, string>;
}

const MAX_TLVS = 128;
const MAX_ADDRS = 16;
const TEXT_TYPES: Record<number, string> = { 0x03: 'firmware', 0x0b: 'hostname', 0x0c: 'platform', 0x0d: 'essid', 0x14: 'model', 0x15: 'model', 0x16: 'version' };

function mac(b: Buffer): string {
  return [...b.subarray(0, 6)].map((x) => x.toString(16).padStart(2, '0')).join(':');
}

/**
 * Parse one datagram. Undefined unless it has the discovery header and a length that matches the
 * datagram (what nmap checks: an unrelated protocol rarely passes both). A TLV that claims more than is
 * left ends the walk; what came before it is kept. Every text value is cleaned and capped.
 */
export function parseUbnt(input: Input): UbntMessage | undefined {
  const b = toBuffer(input, UDP_MAX);
  if (!b || b.length < 4) return undefined;
  const version = b[0];
  const cmd = b[1]!;
  if (version === 1) { if (cmd !== 0) return undefined; }
  else if (version === 2) { if (cmd !== 6 && cmd !== 9 && cmd !== 11 && cmd !== 8) return undefined; } // 8: a version-2 request
  else return undefined;
  // The length covers the rest of the datagram. A longer claim is kept only as a truncated capture
  // (a pcap's snap length, a paste), when the TLVs that are there parse; a shorter one is not this protocol.
  const len = b.readUInt16BE(2);
  if (len < b.length - 4) return undefined;
  const truncated = len > b.length - 4;
  const fields: Record<string, string> = {};
  const macs: string[] = [];
  const ipv4s: string[] = [];
  let pos = 4;
  let n = 0;
  while (pos + 3 <= b.length && n < MAX_TLVS) {
    const type = b[pos]!;
    const l = b.readUInt16BE(pos + 1);
    pos += 3;
    if (l > b.length - pos) break;
    const v = b.subarray(pos, pos + l);
    pos += l;
    n++;
    if (type === 0x01 && l >= 6) {
      if (macs.length < MAX_ADDRS) macs.push(mac(v));
    } else if (type === 0x02 && l >= 10) {
      if (macs.length < MAX_ADDRS) macs.push(mac(v));
      if (ipv4s.length < MAX_ADDRS) ipv4s.push(`${v[6]}.${v[7]}.${v[8]}.${v[9]}`);
    } else if (type === 0x0a && l === 4) {
      fields.uptime = String(v.readUInt32BE(0));
    } else if (type === 0x10 && l === 2) {
      fields.system_id = `0x${v.readUInt16LE(0).toString(16).padStart(4, '0')}`;
    } else if (type === 0x0f && l === 4) {
      fields.mgmt_port = String(v.readUInt32BE(0) & 0xffff);
    } else if (type === 0x17 && (l === 1 || l === 4)) {
      const flag = l === 1 ? v[0] : v.readUInt32BE(0); // 00 00 00 01 = not adopted (antoine-lombardo/unifi-cam-proxy adoption-flow.md)
      if (flag === 1) fields.default = 'true';
      else if (flag === 0) fields.default = 'false';
    } else {
      const name = TEXT_TYPES[type];
      if (name && !(name in fields)) {
        const text = clean(v.toString('utf8'), 256);
        if (text) fields[name] = text;
      }
    }
  }
  if (truncated && n === 0) return undefined;
  const unique = [...new Set(macs)];
  if (unique.length) { fields.mac = unique[0]!; fields.macs = unique.join(' '); }
  if (ipv4s.length) { fields.ipv4 = ipv4s[0]!; fields.ipv4s = [...new Set(ipv4s)].join(' '); }
  return { version: version as 1 | 2, cmd, request: n === 0 || (version === 2 && cmd === 8), fields };
}

/** An answer datagram (for the lab and tests): version 1, the given TLVs in order. */
export function buildUbntReply(tlvs: ReadonlyArray<readonly [number, Buffer | string]>): Buffer {
  const parts: Buffer[] = [];
  for (const [type, value] of tlvs) {
    const v = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
    const h = Buffer.alloc(3);
    h[0] = type;
    h.writeUInt16BE(v.length, 1);
    parts.push(h, v);
  }
  const body = Buffer.concat(parts);
  const head = Buffer.from([0x01, 0x00, 0x00, 0x00]);
  head.writeUInt16BE(body.length, 2);
  return Buffer.concat([head, body]);
}

/** TLV values for buildUbntReply: a MAC (aa:bb:…), a MAC with an IPv4 address, a u32. */
export function ubntMac(m: string): Buffer {
  return Buffer.from(m.split(/[:-]/).map((x) => parseInt(x, 16)));
}
export function ubntMacIp(m: string, ip: string): Buffer {
  return Buffer.concat([ubntMac(m), Buffer.from(ip.split('.').map(Number))]);
}
export function ubntU32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0, 0);
  return b;
}

