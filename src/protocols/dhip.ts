// Dahua DHIP "DHDiscover" over UDP 37810. Pure codecs.
//
// Frame (rroller/dahua custom_components/dahua/discovery.py, measured on VTO2000A and
// DHI-NVR5464; julienblitte/UniversalScanner Dahua2.cs + Dahua2.selftest), little-endian, 32 bytes:
//   0..4   u32 header size (0x20)
//   4..8   ASCII "DHIP" (bytes, not a packed integer: packed 0x44484950 LE is "PIHD")
//   8..16  session id + request id (0 for discovery)
//   16..24 u64 body length
//   24..32 u64 body length again
// followed by a JSON body. Search body: {"method":"DHDiscover.search","params":{"mac":"","uni":1}}\n.
// Replies carry {"mac":…,"method":"client.notifyDevInfo","params":{"deviceInfo":{…}}}. A 40-byte header
// has been seen, so the parser looks for the first '{' after the fixed part instead of slicing at 32.
// Bare JSON (no DHIP header) gets no reply from real devices; the parser likewise requires the magic.

import { clean } from '../util/sanitize.js';
import { UDP_MAX, type Input, safeKey, toBuffer } from './common.js';
import { lenientJson } from './lenient-json.js';

export const DHIP_PORT = 37810;
export const DHIP_MULTICAST_V4 = '239.255.255.251';
export const DHIP_HEADER_SIZE = 32;
/** Hard cap on the JSON body we will read, whatever the header says. */
export const DHIP_MAX_BODY = 32768;

const MAGIC = Buffer.from('DHIP', 'ascii');

/** A DHIP header for a body of `bodyLength` bytes. `headerSize` 40 pads 8 zero bytes (a variant seen in the field). */
export function dhipHeader(bodyLength: number, headerSize: 32 | 40 = 32): Buffer {
  const h = Buffer.alloc(headerSize);
  h.writeUInt32LE(headerSize, 0);
  MAGIC.copy(h, 4);
  h.writeUInt32LE(bodyLength >>> 0, 16);
  h.writeUInt32LE(bodyLength >>> 0, 24);
  return h;
}

/** Frame a JSON text (UTF-8) behind a DHIP header. */
export function buildDhipFrame(json: string, headerSize: 32 | 40 = 32): Buffer {
  const body = Buffer.from(json, 'utf8');
  return Buffer.concat([dhipHeader(body.length, headerSize), body]);
}

/** The DHDiscover.search probe: header + {"method":"DHDiscover.search","params":{"mac":"","uni":1}}\n */
export function buildSearch(opts: { uni?: 0 | 1; mac?: string } = {}): Buffer {
  const json = JSON.stringify({ method: 'DHDiscover.search', params: { mac: opts.mac ?? '', uni: opts.uni ?? 1 } }) + '\n';
  return buildDhipFrame(json);
}

export interface DhipMessage {
  method: string;
  /** Top-level "mac" of the message. */
  mac: string;
  /** params.deviceInfo flattened: nested keys joined with '.', e.g. "IPv4Address.IPAddress"; all values strings. */
  deviceInfo: Record<string, string>;
  /** The other params, flattened the same way (e.g. a search's "mac", "uni"). */
  params: Record<string, string>;
  /** A reply's top-level "error" object flattened (Dahua's "code" and "message"), when it carried one. */
  error?: Record<string, string>;
  headerSize: number;
  /** Body length the header declared. */
  declaredLength: number;
}

const MAX_FLAT = 256;

/** Flatten a JSON value into dotted string keys, dropping prototype keys, bounded in depth and size. */
export function flattenJson(v: unknown, prefix = '', out: Record<string, string> = {}, depth = 0): Record<string, string> {
  if (depth > 6 || Object.keys(out).length >= MAX_FLAT) return out;
  const put = (k: string, s: string): void => {
    if (k && !Object.prototype.hasOwnProperty.call(out, k) && Object.keys(out).length < MAX_FLAT) out[k] = s;
  };
  if (v === null || v === undefined) put(prefix, '');
  else if (typeof v === 'string') put(prefix, clean(v, 512));
  else if (typeof v === 'number') put(prefix, Number.isFinite(v) ? String(v) : '');
  else if (typeof v === 'boolean') put(prefix, v ? 'true' : 'false');
  else if (Array.isArray(v)) v.slice(0, 64).forEach((x, i) => flattenJson(x, prefix ? `${prefix}.${i}` : String(i), out, depth + 1));
  else if (typeof v === 'object') {
    for (const k of Object.keys(v).slice(0, MAX_FLAT)) {
      const ck = clean(k, 64);
      if (!ck || !safeKey(ck) || !safeKey(k)) continue;
      flattenJson((v as Record<string, unknown>)[k], prefix ? `${prefix}.${ck}` : ck, out, depth + 1);
    }
  }
  return out;
}

/** Parse a DHIP datagram. Never throws; null without the DHIP magic or without a JSON object body. */
export function parseDhip(buf: Input): DhipMessage | null {
  const b = toBuffer(buf, UDP_MAX);
  if (!b || b.length < DHIP_HEADER_SIZE + 2) return null;
  if (!b.subarray(4, 8).equals(MAGIC)) return null;
  const headerSize = b.readUInt32LE(0);
  // Two u64 length fields; we read the low words and distrust anything with a high word set.
  const len1 = b.readUInt32LE(20) === 0 ? b.readUInt32LE(16) : 0;
  const len2 = b.readUInt32LE(28) === 0 ? b.readUInt32LE(24) : 0;
  const declared = len1 || len2;
  const start = b.indexOf(0x7b /* { */, DHIP_HEADER_SIZE);
  if (start < 0 || start > 64) return null;
  let end = Math.min(b.length, start + DHIP_MAX_BODY);
  if (declared > 0) end = Math.min(end, start + declared);
  let json = b.toString('utf8', start, end);
  json = json.replace(/[\u0000\s]+$/, '');
  let msg: unknown;
  try {
    msg = JSON.parse(json);
  } catch {
    return lenientDhip(json, headerSize, declared);
  }
  if (!msg || typeof msg !== 'object' || Array.isArray(msg)) return null;
  const m = msg as Record<string, unknown>;
  const own = (o: Record<string, unknown>, k: string): unknown => (Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined);
  const params = own(m, 'params');
  const p = params && typeof params === 'object' && !Array.isArray(params) ? (params as Record<string, unknown>) : {};
  const info = own(p, 'deviceInfo');
  const rest: Record<string, unknown> = {};
  for (const k of Object.keys(p)) if (k !== 'deviceInfo') rest[k] = p[k];
  const method = own(m, 'method');
  const mac = own(m, 'mac');
  const err = own(m, 'error');
  const error = err && typeof err === 'object' && !Array.isArray(err) ? flattenJson(err) : {};
  return {
    method: typeof method === 'string' ? clean(method, 128) : '',
    mac: typeof mac === 'string' ? clean(mac, 64) : '',
    deviceInfo: info && typeof info === 'object' && !Array.isArray(info) ? flattenJson(info) : {},
    params: flattenJson(rest),
    ...(Object.keys(error).length ? { error } : {}),
    headerSize,
    declaredLength: declared,
  };
}

/**
 * The fields of a reply JSON.parse rejects (raw control characters or unescaped quotes in a string,
 * garbage after the object, a body cut short): every complete value, by the same dotted keys.
 * Null when not even the method, one deviceInfo field or one params field could be read.
 */
function lenientDhip(json: string, headerSize: number, declared: number): DhipMessage | null {
  const { flat } = lenientJson(json, MAX_FLAT * 2);
  const deviceInfo: Record<string, string> = {};
  const params: Record<string, string> = {};
  const error: Record<string, string> = {};
  for (const [k, v] of Object.entries(flat)) {
    const value = clean(v, 512);
    if (k.startsWith('error.') && Object.keys(error).length < 16) {
      const sub = clean(k.slice(6), 256);
      if (sub) error[sub] = value;
    } else if (k.startsWith('params.deviceInfo.')) {
      const sub = clean(k.slice(18), 256);
      if (sub && Object.keys(deviceInfo).length < MAX_FLAT) deviceInfo[sub] = value;
    } else if (k.startsWith('params.') && Object.keys(params).length < MAX_FLAT) {
      const sub = clean(k.slice(7), 256);
      if (sub) params[sub] = value;
    }
  }
  const method = flat.method !== undefined ? clean(flat.method, 128) : '';
  // A reply carries no method; one without deviceInfo (a global.login challenge, an answer to a
  // magicBox call) still said its params. Nothing read at all is null.
  if (!method && !Object.keys(deviceInfo).length && !Object.keys(params).length && !Object.keys(error).length) return null;
  return { method, mac: flat.mac !== undefined ? clean(flat.mac, 64) : '', deviceInfo, params, ...(Object.keys(error).length ? { error } : {}), headerSize, declaredLength: declared };
}

/** Rebuild nesting from dotted keys ("IPv4Address.IPAddress" -> {IPv4Address:{IPAddress}}). */
function unflatten(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    const parts = k.split('.');
    if (parts.some((x) => !safeKey(x))) continue;
    let cur = out;
    for (let i = 0; i < parts.length - 1; i++) {
      const next = cur[parts[i]];
      if (!next || typeof next !== 'object' || Array.isArray(next)) cur[parts[i]] = {};
      cur = cur[parts[i]] as Record<string, unknown>;
    }
    const last = parts[parts.length - 1];
    cur[last] = v && typeof v === 'object' && !Array.isArray(v) ? unflatten(v as Record<string, unknown>) : v;
  }
  return out;
}

/**
 * Responder side: a client.notifyDevInfo reply. `deviceInfo` may be nested or use dotted keys. Options
 * reproduce field variants: a 40-byte header, JSON with escaped slashes (`\/`) as Dahua firmware emits.
 */
export function buildDhipReply(deviceInfo: Record<string, unknown>, opts: {
  mac?: string; method?: string; headerSize?: 32 | 40; escapeSlashes?: boolean;
} = {}): Buffer {
  const msg = { mac: opts.mac ?? '', method: opts.method ?? 'client.notifyDevInfo', params: { deviceInfo: unflatten(deviceInfo) } };
  let json = JSON.stringify(msg);
  if (opts.escapeSlashes) json = json.replace(/\//g, '\\/');
  return buildDhipFrame(json, opts.headerSize ?? 32);
}
