// Flatten an observation record into the named fields that fingerprint rules read. Pure.
import type { FieldValue, Headers, ObservationRecord } from '../model/types.js';
import { clean, cleanText } from '../util/sanitize.js';

export type MacVendorLookup = (mac: string) => string | undefined;

/**
 * The most characters of one value a rule is ever matched against. A device controls these strings, so
 * no pattern runs on an unbounded one: page bodies keep their first 64 KiB (every marker the rules look
 * for sits in the first few KiB of a login page or API reply), every other field its first 1 KiB.
 */
export const MAX_BODY_CHARS = 65536;
export const MAX_FIELD_CHARS = 1024;

export function fieldCap(field: string): number {
  return field.endsWith('.body') ? MAX_BODY_CHARS : MAX_FIELD_CHARS;
}

function headerValues(h: Headers | undefined): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (!h || typeof h !== 'object') return out;
  for (const [k, v] of Object.entries(h)) {
    const name = k.toLowerCase();
    for (const one of Array.isArray(v) ? v : [v]) if (one !== undefined && one !== null) out.push([name, clean(one, MAX_FIELD_CHARS)]);
  }
  return out;
}

/** Normalise a MAC to lower-case colon form, or undefined if it is not one. */
export function normaliseMac(mac: unknown): string | undefined {
  if (typeof mac !== 'string') return undefined;
  const hex = mac.toLowerCase().replace(/[^0-9a-f]/g, '');
  if (hex.length !== 12 || !/^[0-9a-f:.\- ]+$/i.test(mac.trim())) return undefined;
  if (hex === '000000000000' || hex === 'ffffffffffff') return undefined;
  return hex.match(/../g)!.join(':');
}

/** Locally administered (randomised) addresses carry no maker: bit 0x02 of the first octet. */
export function isLocallyAdministered(mac: string): boolean {
  return (parseInt(mac.slice(0, 2), 16) & 0x02) !== 0;
}

export function extractFields(rec: ObservationRecord, macVendor?: MacVendorLookup): FieldValue[] {
  const out: FieldValue[] = [];
  const push = (field: string, value: unknown, where: string, p?: string) => {
    if (value === undefined || value === null || value === '') return;
    const v = field.endsWith('.body') ? cleanText(value, MAX_BODY_CHARS) : clean(value, MAX_FIELD_CHARS);
    if (v) out.push({ field, value: v, where, ...(p !== undefined ? { path: p } : {}) });
  };
  for (const h of Array.isArray(rec.http) ? rec.http : []) {
    if (!h || typeof h !== 'object') continue;
    const p = typeof h.path === 'string' ? h.path : '/';
    const where = `${h.tls ? 'https' : 'http'}:${h.port}${p}`;
    for (const [k, v] of headerValues(h.headers)) push(`http.header.${k}`, v, where, p);
    push('http.title', h.title, where, p);
    push('http.body', h.body, where, p);
    push('http.favicon_md5', h.favicon_md5, where, p);
    if (typeof h.favicon_mmh3 === 'number') push('http.favicon_mmh3', String(h.favicon_mmh3), where, p);
    if (typeof h.status === 'number') push('http.status', String(h.status), where, p);
  }
  for (const t of Array.isArray(rec.tls) ? rec.tls : []) {
    if (!t || typeof t !== 'object') continue;
    push('tls.subject', t.subject, `tls:${t.port}`);
    push('tls.issuer', t.issuer, `tls:${t.port}`);
  }
  for (const r of Array.isArray(rec.rtsp) ? rec.rtsp : []) {
    if (!r || typeof r !== 'object') continue;
    for (const [k, v] of headerValues(r.headers)) push(`rtsp.header.${k}`, v, `rtsp:${r.port}`);
    if (typeof r.status === 'number') push('rtsp.status', String(r.status), `rtsp:${r.port}`);
    push('rtsp.body', r.body, `rtsp:${r.port}`);
  }
  const o = rec.onvif;
  if (o && typeof o === 'object') {
    for (const k of ['manufacturer', 'model', 'firmware', 'serial', 'hardware'] as const) push(`onvif.${k}`, o[k], 'onvif');
    for (const s of Array.isArray(o.scopes) ? o.scopes : []) push('onvif.scope', safeDecode(String(s)), 'onvif');
    for (const x of Array.isArray(o.xaddrs) ? o.xaddrs : []) push('onvif.xaddr', x, 'onvif');
    if (Array.isArray(o.types)) push('onvif.types', o.types.join(' '), 'onvif');
  }
  const u = rec.upnp;
  if (u && typeof u === 'object') for (const [k, v] of Object.entries(u)) if (typeof v === 'string') push(`upnp.${k}`, v, 'upnp');
  for (const m of Array.isArray(rec.mdns) ? rec.mdns : []) {
    if (!m || typeof m !== 'object') continue;
    push('mdns.type', m.type, 'mdns');
    push('mdns.instance', m.instance, 'mdns');
    push('mdns.host', m.host, 'mdns');
    if (m.txt && typeof m.txt === 'object') {
      for (const [k, v] of Object.entries(m.txt)) {
        push(`mdns.txt.${k.toLowerCase()}`, v, 'mdns');
        push('mdns.txt', `${k}=${v}`, 'mdns');
      }
    }
  }
  for (const proto of ['sadp', 'dhip'] as const) {
    const d = rec[proto];
    if (!d || typeof d !== 'object') continue;
    push(proto, 'present', proto);
    for (const [k, v] of Object.entries(d)) if (v !== undefined && v !== null && typeof v !== 'object') push(`${proto}.${k}`, String(v), proto);
  }
  const mac = normaliseMac(rec.mac);
  if (mac) {
    push('mac.address', mac, 'mac');
    if (!isLocallyAdministered(mac) && macVendor) push('mac.vendor', macVendor(mac), `mac:${mac.slice(0, 8)}`);
  }
  push('hostname', rec.hostname, 'hostname');
  return out;
}

function safeDecode(s: string): string {
  try { return decodeURIComponent(s); } catch { return s; }
}
