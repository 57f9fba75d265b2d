// Hikvision SADP over UDP 37020 (XML flavour of current firmware). Pure codecs.
//
// Format (julienblitte/UniversalScanner Hikvision.cs + Hikvision.selftest; hikvision-tooling
// internal/sadp/scanner.go): the inquiry is
//   <?xml version="1.0" encoding="utf-8"?><Probe><Uuid>UUID</Uuid><Types>inquiry</Types></Probe>
// sent to 239.255.255.250:37020; the reply is a flat <ProbeMatch> (not SOAP) whose children are the
// device's fields (Uuid, Types, DeviceType, DeviceDescription, DeviceSN, CommandPort, HttpPort, MAC,
// IPv4Address, …, SoftwareVersion, DSPVersion, BootTime, Activated, PasswordResetAbility, OEMInfo, …).
// Devices also send unsolicited ProbeMatch/Hello-style announcements; every root is accepted.
// The legacy layer-2 SADP (EtherType 0x8033) needs raw sockets and is out of scope.

import { normaliseMac } from '../model/address.js';
import { clean } from '../util/sanitize.js';
import { UDP_MAX, type Input, type XmlNode, parseXml, rawText, safeKey, toText, xmlEscape } from './common.js';

export const SADP_PORT = 37020;
export const SADP_MULTICAST_V4 = '239.255.255.250';

/** The inquiry datagram. The Uuid is upper-cased as the vendor tool does. */
export function buildInquiry(uuid: string, types: 'inquiry' | 'inquiry_v32' = 'inquiry'): Buffer {
  return Buffer.from(`<?xml version="1.0" encoding="utf-8"?><Probe><Uuid>${xmlEscape(String(uuid).toUpperCase())}</Uuid><Types>${types}</Types></Probe>`, 'utf8');
}

export interface SadpMessage {
  /** Root element: "ProbeMatch" for a device reply, "Probe" for an inquiry, else as sent. */
  root: string;
  kind: 'probematch' | 'probe' | 'other';
  fields: Record<string, string>;
}

const TAG = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;
const MAX_FIELDS = 128;

function flatten(node: unknown, prefix: string, out: Record<string, string>, depth: number): void {
  if (!node || typeof node !== 'object' || Array.isArray(node) || depth > 4) return;
  for (const k of Object.keys(node)) {
    if (Object.keys(out).length >= MAX_FIELDS) return;
    if (k === '#text' || !safeKey(k) || !TAG.test(k)) continue;
    const key = prefix ? `${prefix}.${k}` : k;
    const raw = (node as XmlNode)[k];
    const v = Array.isArray(raw) ? raw[0] : raw; // a repeated tag: first wins
    if (v && typeof v === 'object') {
      const t = (v as XmlNode)['#text'];
      if (t !== undefined && !Object.prototype.hasOwnProperty.call(out, key)) out[key] = clean(rawText(t), 512);
      flatten(v, key, out, depth + 1);
    } else if (!Object.prototype.hasOwnProperty.call(out, key)) {
      out[key] = clean(rawText(v), 512);
    }
  }
}

/** Parse one SADP datagram into its root and flat fields. Never throws; null on junk. */
export function parseSadpMessage(buf: Input): SadpMessage | null {
  const s = toText(buf, UDP_MAX);
  if (s === null) return null;
  const doc = parseXml(s);
  if (!doc) return null;
  const root = Object.keys(doc).find((k) => k !== '#text' && safeKey(k) && TAG.test(k));
  if (!root || root === 'Envelope') return null; // a SOAP message (WS-Discovery on the same group) is not SADP
  const node = doc[root];
  if (!node || typeof node !== 'object') return null;
  const fields: Record<string, string> = {};
  flatten(node, '', fields, 0);
  if (Object.keys(fields).length === 0) return null;
  const kind = root === 'ProbeMatch' ? 'probematch' : root === 'Probe' ? 'probe' : 'other';
  return { root: clean(root, 64), kind, fields };
}

/**
 * Every field of a SADP datagram as a flat record (tag name -> cleaned text; nested elements become
 * "Parent.Child"). Returns null for anything that is not a SADP XML message. Never throws.
 */
export function parseSadp(buf: Input): Record<string, string> | null {
  return parseSadpMessage(buf)?.fields ?? null;
}

/** The identity-bearing fields of a SADP reply, normalised (MAC lower-case colon form, booleans). */
export function sadpSummary(f: Record<string, string>): {
  model?: string; serial?: string; firmware?: string; mac?: string; ipv4?: string; httpPort?: number; commandPort?: number;
  activated?: boolean; oem?: string;
} {
  const out: ReturnType<typeof sadpSummary> = {};
  const g = (k: string): string => (Object.prototype.hasOwnProperty.call(f, k) ? f[k] : '');
  if (g('DeviceDescription')) out.model = g('DeviceDescription');
  if (g('DeviceSN')) out.serial = g('DeviceSN');
  if (g('SoftwareVersion')) out.firmware = g('SoftwareVersion');
  const mac = normaliseMac(g('MAC'));
  if (mac) out.mac = mac;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(g('IPv4Address')) && g('IPv4Address') !== '0.0.0.0') out.ipv4 = g('IPv4Address');
  const port = (k: string): number | undefined => (/^\d{1,5}$/.test(g(k)) && Number(g(k)) <= 65535 ? Number(g(k)) : undefined);
  const hp = port('HttpPort');
  if (hp !== undefined) out.httpPort = hp;
  const cp = port('CommandPort');
  if (cp !== undefined) out.commandPort = cp;
  if (/^(true|false)$/i.test(g('Activated'))) out.activated = g('Activated').toLowerCase() === 'true';
  if (g('OEMInfo')) out.oem = g('OEMInfo');
  return out;
}

/**
 * Responder side: a <ProbeMatch> reply with the given fields, in insertion order. Keys that are not
 * valid XML names are skipped. A missing Types defaults to "inquiry".
 */
export function buildSadpReply(fields: Record<string, string | number | boolean>): Buffer {
  let body = '';
  const entries = Object.entries(fields);
  if (!entries.some(([k]) => k === 'Types')) {
    const i = entries.findIndex(([k]) => k === 'Uuid');
    entries.splice(i + 1, 0, ['Types', 'inquiry']);
  }
  for (const [k, v] of entries) {
    if (!TAG.test(k) || k.includes('.') || !safeKey(k)) continue;
    body += `<${k}>${xmlEscape(v)}</${k}>`;
  }
  return Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><ProbeMatch>${body}</ProbeMatch>`, 'utf8');
}
