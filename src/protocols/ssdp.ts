// SSDP (UPnP discovery over HTTPU/HTTPMU) and UPnP device descriptions. Pure codecs.
//
// Formats: UPnP Device Architecture 1.1 §1 (M-SEARCH, 200 OK search response, NOTIFY ssdp:alive /
// ssdp:byebye; headers HOST, MAN, MX, ST, NT, NTS, USN, LOCATION, SERVER, CACHE-CONTROL, EXT) and §2
// (device description: root xmlns urn:schemas-upnp-org:device-1-0, specVersion, URLBase, device/*).
// Header names are case-insensitive (UDA 1.1 §1.1.2 defers to HTTP/1.1); real devices send `\n` line
// ends and odd spacing, so the parser accepts both and skips junk lines.

import { clean } from '../util/sanitize.js';
import { HTTP_MAX, UDP_MAX, type Input, child, childCi, children, parseXml, safeKey, text, toText, xmlEscape } from './common.js';
import type { UpnpObservation } from '../model/types.js';

export const SSDP_PORT = 1900;
export const SSDP_MULTICAST_V4 = '239.255.255.250';
export const SSDP_MULTICAST_V6_LINK = 'ff02::c';
export const SSDP_MULTICAST_V6_SITE = 'ff05::c';

/** Search targets a camera scan uses (UDA 1.1 §1.3.2; Axis: axis-js (FantasticFiasco/axis-js)). */
export const SSDP_SEARCH_TARGETS = ['ssdp:all', 'upnp:rootdevice', 'urn:axis-com:service:BasicService:1'] as const;

/**
 * An M-SEARCH request. `mx` is clamped to 1..5 (UDA 1.1). For a unicast search pass `host` as
 * "ip:port" and `unicast: true`, which omits MX as UDA 1.1 §1.3.2 prescribes.
 */
export function buildMSearch(opts: { st?: string; mx?: number; host?: string; unicast?: boolean; userAgent?: string } = {}): Buffer {
  const st = headerValue(opts.st ?? 'ssdp:all');
  const mx = Math.min(5, Math.max(1, Math.trunc(Number.isFinite(opts.mx) ? (opts.mx as number) : 2)));
  const lines = [
    'M-SEARCH * HTTP/1.1',
    `HOST: ${headerValue(opts.host ?? `${SSDP_MULTICAST_V4}:${SSDP_PORT}`)}`,
    'MAN: "ssdp:discover"',
  ];
  if (!opts.unicast) lines.push(`MX: ${mx}`);
  lines.push(`ST: ${st}`);
  if (opts.userAgent) lines.push(`USER-AGENT: ${headerValue(opts.userAgent)}`);
  return Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'utf8');
}

/** A header value safe to put on the wire (no CR/LF injection). */
function headerValue(v: unknown): string {
  // eslint-disable-next-line no-control-regex
  return String(v ?? '').replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
}

export type SsdpKind = 'response' | 'notify' | 'msearch';

export interface SsdpMessage {
  kind: SsdpKind;
  /** HTTP status for a response (200 expected). */
  status?: number;
  /** Lower-case header names; the first occurrence wins. Values cleaned. */
  headers: Record<string, string>;
  location: string;
  server: string;
  usn: string;
  /** ST (response, M-SEARCH) */
  st: string;
  /** NT (NOTIFY) */
  nt: string;
  /** NTS (NOTIFY): ssdp:alive | ssdp:byebye | ssdp:update */
  nts: string;
  /** CACHE-CONTROL max-age in seconds, when given. */
  maxAge?: number;
  /** MX of an M-SEARCH. */
  mx?: number;
}

const MAX_HEADERS = 64;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/;

/** Parse one SSDP datagram. Never throws; null for anything that is not SSDP. */
export function parseSsdp(buf: Input): SsdpMessage | null {
  const s = toText(buf, UDP_MAX);
  if (s === null) return null;
  const lines = s.replace(/^[\s\uFEFF]+/, '').split(/\r?\n|\r/);
  const start = (lines[0] ?? '').trim();
  let kind: SsdpKind | 'damaged';
  let status: number | undefined;
  let m: RegExpExecArray | null;
  if ((m = /^HTTP\/1\.[01]\s+(\d{3})(?:\s|$)/i.exec(start))) {
    kind = 'response';
    status = Number(m[1]);
  } else if (/^NOTIFY\s+\S+\s+HTTP\/1\.[01]$/i.test(start)) kind = 'notify';
  else if (/^M-SEARCH\s+\S+\s+HTTP\/1\.[01]$/i.test(start)) kind = 'msearch';
  // A damaged start line ("TTP/1.1 200 OK", a missing reason): still a search response when the headers
  // that make one (ST, USN, LOCATION) follow; decided after the headers are read.
  else if (/^\S{0,12}\/1\.[01]\s+200\b/i.test(start)) kind = 'damaged';
  else return null;

  const headers: Record<string, string> = {};
  let n = 0;
  for (let i = 1; i < lines.length && n < MAX_HEADERS; i++) {
    const line = lines[i];
    if (line.trim() === '') break; // end of headers
    const c = line.indexOf(':');
    if (c <= 0) continue; // junk line
    const name = line.slice(0, c).trim().toLowerCase();
    if (!TOKEN.test(name) || !safeKey(name)) continue;
    if (Object.prototype.hasOwnProperty.call(headers, name)) continue;
    headers[name] = clean(line.slice(c + 1), 1024);
    n++;
  }
  const get = (k: string): string => (Object.prototype.hasOwnProperty.call(headers, k) ? headers[k] : '');
  if (kind === 'damaged') {
    if (!get('st') || !get('usn') || !get('location')) return null;
    kind = 'response';
  }
  const out: SsdpMessage = {
    kind, headers, location: get('location'), server: get('server'), usn: get('usn'),
    st: get('st'), nt: get('nt'), nts: get('nts'),
  };
  if (status !== undefined) out.status = status;
  const ma = /max-age\s*=\s*"?(\d{1,9})/i.exec(get('cache-control'));
  if (ma) out.maxAge = Number(ma[1]);
  const mx = /^\d{1,3}$/.exec(get('mx'));
  if (mx) out.mx = Number(mx[0]);
  return out;
}

/** Responder side: the 200 OK answer to an M-SEARCH (UDA 1.1 §1.3.3). */
export function buildSsdpResponse(opts: {
  st: string; usn: string; location: string; server?: string; maxAge?: number; date?: Date;
  extraHeaders?: Record<string, string>;
}): Buffer {
  const lines = [
    'HTTP/1.1 200 OK',
    `CACHE-CONTROL: max-age=${Math.max(0, Math.trunc(opts.maxAge ?? 1800))}`,
  ];
  if (opts.date) lines.push(`DATE: ${opts.date.toUTCString()}`);
  lines.push('EXT:', `LOCATION: ${headerValue(opts.location)}`,
    `SERVER: ${headerValue(opts.server ?? 'Linux/3.10 UPnP/1.0 camsweep-sim/1.0')}`,
    `ST: ${headerValue(opts.st)}`, `USN: ${headerValue(opts.usn)}`);
  for (const [k, v] of Object.entries(opts.extraHeaders ?? {})) {
    if (TOKEN.test(k)) lines.push(`${k}: ${headerValue(v)}`);
  }
  return Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'utf8');
}

/** Responder side: a NOTIFY announcement (UDA 1.1 §1.2.2 alive, §1.2.4 byebye). */
export function buildNotify(opts: {
  nt: string; nts: 'ssdp:alive' | 'ssdp:byebye' | 'ssdp:update'; usn: string; location?: string; server?: string;
  maxAge?: number; host?: string; extraHeaders?: Record<string, string>;
}): Buffer {
  const lines = ['NOTIFY * HTTP/1.1', `HOST: ${headerValue(opts.host ?? `${SSDP_MULTICAST_V4}:${SSDP_PORT}`)}`];
  if (opts.nts !== 'ssdp:byebye') {
    lines.push(`CACHE-CONTROL: max-age=${Math.max(0, Math.trunc(opts.maxAge ?? 1800))}`);
    if (opts.location) lines.push(`LOCATION: ${headerValue(opts.location)}`);
  }
  lines.push(`NT: ${headerValue(opts.nt)}`, `NTS: ${opts.nts}`);
  if (opts.nts !== 'ssdp:byebye') lines.push(`SERVER: ${headerValue(opts.server ?? 'Linux/3.10 UPnP/1.0 camsweep-sim/1.0')}`);
  lines.push(`USN: ${headerValue(opts.usn)}`);
  for (const [k, v] of Object.entries(opts.extraHeaders ?? {})) {
    if (TOKEN.test(k)) lines.push(`${k}: ${headerValue(v)}`);
  }
  return Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'utf8');
}

/** The description fields camsweep reads (UDA 1.1 §2.3), each cleaned; absent fields are omitted. */
export type UpnpDeviceFields = Pick<UpnpObservation,
  'manufacturer' | 'manufacturerURL' | 'modelName' | 'modelNumber' | 'modelDescription' | 'friendlyName'
  | 'serialNumber' | 'deviceType' | 'udn'> & { modelURL?: string; presentationURL?: string; upc?: string };

export interface UpnpDescription extends UpnpDeviceFields {
  urlBase?: string;
  specVersion?: string;
  /** Embedded devices (deviceList), depth-first, at most 16. */
  embedded: UpnpDeviceFields[];
  /** serviceType of every service of the root device, at most 32. */
  serviceTypes: string[];
}

const DEVICE_FIELDS: Array<[keyof UpnpDeviceFields, string]> = [
  ['deviceType', 'deviceType'], ['friendlyName', 'friendlyName'], ['manufacturer', 'manufacturer'],
  ['manufacturerURL', 'manufacturerURL'], ['modelDescription', 'modelDescription'], ['modelName', 'modelName'],
  ['modelNumber', 'modelNumber'], ['modelURL', 'modelURL'], ['serialNumber', 'serialNumber'], ['udn', 'UDN'],
  ['upc', 'UPC'], ['presentationURL', 'presentationURL'],
];

function deviceFields(dev: unknown): UpnpDeviceFields {
  const out: UpnpDeviceFields = {};
  for (const [k, tag] of DEVICE_FIELDS) {
    const v = text(childCi(dev, tag), 512);
    if (v) out[k] = v;
  }
  return out;
}

function collectEmbedded(dev: unknown, out: UpnpDeviceFields[], depth: number): void {
  if (depth > 4) return;
  for (const d of children(child(dev, 'deviceList'), 'device')) {
    if (out.length >= 16) return;
    out.push(deviceFields(d));
    collectEmbedded(d, out, depth + 1);
  }
}

/** Parse a UPnP device description document (untrusted XML, capped at 256 KiB). Never throws. */
export function parseDeviceDescription(xml: Input): UpnpDescription | null {
  const s = toText(xml, HTTP_MAX);
  if (s === null) return null;
  const root = childCi(parseXml(s), 'root');
  const dev = childCi(root, 'device');
  if (!dev || typeof dev !== 'object') return scanDescription(s);
  const out: UpnpDescription = { ...deviceFields(dev), embedded: [], serviceTypes: [] };
  const urlBase = text(childCi(root, 'URLBase'), 1024);
  if (urlBase) out.urlBase = urlBase;
  const sv = childCi(root, 'specVersion');
  const maj = text(child(sv, 'major'), 8);
  if (maj) out.specVersion = `${maj}.${text(child(sv, 'minor'), 8) || '0'}`;
  collectEmbedded(dev, out.embedded, 0);
  for (const svc of children(child(dev, 'serviceList'), 'service').slice(0, 32)) {
    const t = text(child(svc, 'serviceType'), 256);
    if (t) out.serviceTypes.push(t);
  }
  return out;
}

/**
 * Real descriptions are not always whole documents: a body cut by the byte cap or a short read
 * (`<manufacturer>Panasonic</manuf`), a `<device>` fragment without its `<root>`, a document a strict
 * parser refuses. What is there is still read: the first complete `<tag>value</` of each device field
 * after the first `<device>` opening tag (a truncated closing tag is enough). Null when none is found.
 */
function scanDescription(s: string): UpnpDescription | null {
  const start = s.search(/<(?:[\w-]{1,32}:)?device[\s>]/i);
  if (start < 0) return null;
  const body = s.slice(start, start + HTTP_MAX);
  const out: UpnpDescription = { embedded: [], serviceTypes: [] };
  let n = 0;
  for (const [k, tag] of DEVICE_FIELDS) {
    const m = new RegExp(`<(?:[\\w-]{1,32}:)?${tag}(?:\\s[^<>]{0,200})?>([^<]{1,512})</`, 'i').exec(body);
    const v = m ? clean(decodeEntities(m[1]), 512) : '';
    if (v) { out[k] = v; n++; }
  }
  for (const m of body.matchAll(/<(?:[\w-]{1,32}:)?serviceType>([^<]{1,256})<\//gi)) {
    if (out.serviceTypes.length >= 32) break;
    const t = clean(decodeEntities(m[1]), 256);
    if (t) out.serviceTypes.push(t);
  }
  return n ? out : null;
}

function decodeEntities(v: string): string {
  return v.replace(/&(lt|gt|amp|quot|apos);/g, (_e, n: string) => ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" })[n] ?? '');
}

/** Responder side: a UPnP device description document. */
export function buildDeviceDescription(fields: UpnpDeviceFields & { urlBase?: string; serviceTypes?: string[] }): string {
  let dev = '';
  for (const [k, tag] of DEVICE_FIELDS) {
    const v = fields[k];
    if (v !== undefined) dev += `<${tag}>${xmlEscape(v)}</${tag}>`;
  }
  if (fields.serviceTypes && fields.serviceTypes.length) {
    dev += '<serviceList>' + fields.serviceTypes.map((t, i) => `<service><serviceType>${xmlEscape(t)}</serviceType>`
      + `<serviceId>urn:upnp-org:serviceId:svc${i}</serviceId><SCPDURL>/scpd${i}.xml</SCPDURL>`
      + `<controlURL>/ctl${i}</controlURL><eventSubURL>/evt${i}</eventSubURL></service>`).join('') + '</serviceList>';
  }
  return '<?xml version="1.0" encoding="UTF-8"?>\r\n<root xmlns="urn:schemas-upnp-org:device-1-0">'
    + '<specVersion><major>1</major><minor>0</minor></specVersion>'
    + (fields.urlBase ? `<URLBase>${xmlEscape(fields.urlBase)}</URLBase>` : '')
    + `<device>${dev}</device></root>\r\n`;
}

/** The UpnpObservation for one device: SSDP headers plus its description (either may be missing). */
export function toUpnpObservation(msg: SsdpMessage | null, desc: UpnpDescription | null): UpnpObservation {
  const o: UpnpObservation = {};
  if (msg) {
    if (msg.server) o.server = msg.server;
    if (msg.location) o.location = msg.location;
    if (msg.usn) o.usn = msg.usn;
    const st = msg.st || msg.nt;
    if (st) o.st = st;
  }
  if (desc) {
    const keys: Array<keyof UpnpObservation & keyof UpnpDeviceFields> = ['manufacturer', 'manufacturerURL', 'modelName',
      'modelNumber', 'modelDescription', 'friendlyName', 'serialNumber', 'deviceType', 'udn'];
    for (const k of keys) if (desc[k]) o[k] = desc[k];
    if (desc.serviceTypes.length) o.serviceTypes = desc.serviceTypes.slice(0, 32).join(' ');
  }
  return o;
}
