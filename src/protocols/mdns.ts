// mDNS / DNS-SD codecs (RFC 6762 multicast DNS, RFC 6763 DNS-based service discovery). Pure.
//
// - Browse = PTR query for "<service>.<domain>" (RFC 6763 §4.1); the meta-query
//   "_services._dns-sd._udp.local" lists service types (§9).
// - QU bit = top bit of the question class (RFC 6762 §5.4). dns-packet 5.6.1 cannot encode it (and decodes
//   it as class "UNKNOWN_32769"), so we patch and read the class bytes ourselves.
// - Queries sent from a port other than 5353 get "legacy unicast" replies (RFC 6762 §6.7): same id,
//   question echoed, TTL <= 10 s, no cache-flush bit.
// - A reply lists PTR -> instance, SRV (host, port), TXT (key=value strings, §6), A/AAAA, usually as
//   additional records (§12).
// Known limitation: dns-packet neither escapes nor preserves a '.' inside a label, so an instance name
// that contains a dot is encoded as several labels. Parsing strips the known service-type suffix, so the
// instance string still round-trips.

import * as dnsPacket from 'dns-packet';
import { clean } from '../util/sanitize.js';
import { UDP_MAX, type Input, safeKey, toBuffer } from './common.js';

export const MDNS_PORT = 5353;
export const MDNS_MULTICAST_V4 = '224.0.0.251';
export const MDNS_MULTICAST_V6 = 'ff02::fb';
export const DNS_SD_META_QUERY = '_services._dns-sd._udp.local';

/** DNS-SD service types cameras, recorders and their neighbours announce (RFC 6763 §7; the names registered at IANA's service-name registry). */
export const MDNS_SERVICE_TYPES = [
  DNS_SD_META_QUERY,
  '_http._tcp.local',
  '_https._tcp.local',
  '_rtsp._tcp.local',
  '_onvif._tcp.local',
  '_axis-video._tcp.local',
  '_axis-nvr._tcp.local',
  '_arec._tcp.local',
  '_hap._tcp.local',
  '_googlecast._tcp.local',
  '_device-info._tcp.local',
  '_workstation._tcp.local',
] as const;

/** Offsets of the class field of each question, walking the wire format; null if malformed. */
function questionClassOffsets(b: Buffer): number[] | null {
  if (b.length < 12) return null;
  const qd = b.readUInt16BE(4);
  const out: number[] = [];
  let o = 12;
  for (let q = 0; q < qd; q++) {
    for (let guard = 0; ; guard++) {
      if (o >= b.length || guard > 128) return null;
      const len = b[o];
      if (len === 0) { o += 1; break; }
      if ((len & 0xc0) === 0xc0) { o += 2; break; }
      if ((len & 0xc0) !== 0) return null;
      o += 1 + len;
    }
    if (o + 4 > b.length) return null;
    out.push(o + 2);
    o += 4;
  }
  return out;
}

export type QueryType = 'PTR' | 'SRV' | 'TXT' | 'A' | 'AAAA' | 'ANY';

/**
 * A DNS query with one question per name (PTR by default). `qu` sets the unicast-response bit on every
 * question. Use a non-zero `id` with legacy unicast so replies can be matched. Throws only on a name that
 * cannot be encoded (a label over 63 bytes): these are our own inputs.
 */
export function buildQuery(names: readonly string[], opts: { qu?: boolean; id?: number; type?: QueryType } = {}): Buffer {
  for (const n of names) checkName(n);
  const buf = dnsPacket.encode({
    type: 'query',
    id: (opts.id ?? 0) & 0xffff,
    flags: 0,
    // 'ANY' (255) is encoded by dns-packet but missing from @types/dns-packet's RecordType.
    questions: names.map((name) => ({ name, type: (opts.type ?? 'PTR') as dnsPacket.RecordType, class: 'IN' as const })),
  });
  if (opts.qu) {
    for (const off of questionClassOffsets(buf) ?? []) buf.writeUInt16BE(buf.readUInt16BE(off) | 0x8000, off);
  }
  return buf;
}

function checkName(name: string): void {
  for (const label of name.replace(/^\.|\.$/g, '').split('.')) {
    if (Buffer.byteLength(label, 'utf8') > 63) throw new RangeError(`DNS label longer than 63 bytes: ${label.slice(0, 20)}…`);
  }
  if (Buffer.byteLength(name, 'utf8') > 253) throw new RangeError('DNS name longer than 253 bytes');
}

export interface MdnsQuestion {
  name: string;
  type: string;
  /** Unicast-response requested (RFC 6762 §5.4). */
  qu: boolean;
}

export interface MdnsService {
  /** Instance label, e.g. "AXIS M5014 - ACCC8E3C0419". */
  instance: string;
  /** Service type with domain, e.g. "_axis-video._tcp.local". */
  type: string;
  /** Full instance name, "<instance>.<type>". */
  fqdn: string;
  /** SRV target host, '' when the packet had no SRV for this instance. */
  host: string;
  port?: number;
  /** TXT key=value (keys lower-cased, first occurrence wins, RFC 6763 §6.4); boolean attributes map to ''. */
  txt: Record<string, string>;
  /** A/AAAA addresses of `host` found in the same packet. */
  addresses: string[];
}

export interface MdnsMessage {
  id: number;
  isResponse: boolean;
  questions: MdnsQuestion[];
  services: MdnsService[];
  /** Service types listed in answers to the meta-query. */
  serviceTypes: string[];
  /** Every A/AAAA record, by host name. */
  hosts: Array<{ name: string; addresses: string[] }>;
}

const MAX_RECORDS = 256;
const MAX_SERVICES = 64;

interface Rec { name: string; type: string; data: unknown }

function lc(s: string): string {
  return s.toLowerCase().replace(/\.$/, '');
}

/** TXT record strings ("key=value", or a bare key: a boolean attribute) → a key/value map, keys lower-cased, first wins (RFC 6763 §6.3-6.4). Bounded. */
export function txtDecode(data: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const items = Array.isArray(data) ? data : [data];
  let n = 0;
  for (const it of items.slice(0, 128)) {
    const s = Buffer.isBuffer(it) ? it.toString('utf8') : typeof it === 'string' ? it : '';
    if (!s) continue;
    const eq = s.indexOf('=');
    const key = clean(eq >= 0 ? s.slice(0, eq) : s, 128).toLowerCase();
    if (!key || !safeKey(key) || Object.prototype.hasOwnProperty.call(out, key)) continue;
    out[key] = eq >= 0 ? clean(s.slice(eq + 1), 512) : '';
    if (++n >= 64) break;
  }
  return out;
}

/** Split "<instance>.<_svc>.<_proto>.<domain>" into [instance, type]; null when it is not a service instance. */
function splitInstance(fqdn: string, knownType?: string): [string, string] | null {
  if (knownType && fqdn.length > knownType.length + 1 && lc(fqdn).endsWith('.' + lc(knownType))) {
    return [fqdn.slice(0, fqdn.length - knownType.length - 1), knownType];
  }
  const m = /^(.+?)\.(_[^.]+\._(?:tcp|udp)\..+)$/i.exec(fqdn);
  return m ? [m[1], m[2]] : null;
}

/**
 * Decode budget of one datagram. Name compression lets a 64 KB datagram make a decoder walk tens of
 * millions of pointers (every record's name pointing at the end of a 16 KB pointer chain), which took
 * over a second per datagram. RFC 1035 §4.1.4 allows pointers only to earlier data; real names have a
 * few labels and a pointer or two.
 */
export const DNS_BUDGET = {
  /** Records (questions + all three RR sections) at most. */
  records: 512,
  /** Compression pointers followed while decoding one name. */
  hopsPerName: 16,
  /** Labels and pointers decoded in the whole datagram. */
  steps: 8192,
};

/** RR types whose RDATA dns-packet decodes names from: [type, offset of the first name in RDATA, names]. */
const RDATA_NAMES: Record<number, [number, number]> = {
  2: [0, 1], 5: [0, 1], 12: [0, 1], 39: [0, 1], // NS, CNAME, PTR, DNAME
  15: [2, 1], 33: [6, 1], // MX (after preference), SRV (after priority, weight, port)
  6: [0, 2], 17: [0, 2], // SOA (mname, rname), RP (mbox, txt)
  47: [0, 1], 46: [18, 1], // NSEC (next domain), RRSIG (signer's name)
};
const NAPTR = 35;

/**
 * Walk every name a full decode would read, within DNS_BUDGET; false when the datagram would cost
 * more (or is malformed). Linear in the datagram: each step consumes budget.
 */
export function withinDecodeBudget(b: Buffer, budget = DNS_BUDGET): boolean {
  if (b.length < 12) return false;
  let steps = budget.steps;
  const name = (at: number): number => {
    let pos = at;
    let end = -1;
    let floor = at;
    let hops = 0;
    for (;;) {
      if (pos >= b.length || --steps < 0) return -1;
      const len = b[pos];
      if (len === 0) return end < 0 ? pos + 1 : end;
      if ((len & 0xc0) === 0xc0) {
        if (pos + 1 >= b.length) return -1;
        const to = ((len & 0x3f) << 8) | b[pos + 1];
        if (end < 0) end = pos + 2;
        if (to >= floor || ++hops > budget.hopsPerName) return -1;
        floor = to;
        pos = to;
        continue;
      }
      if (len & 0xc0) return -1;
      pos += 1 + len;
    }
  };
  const qd = b.readUInt16BE(4);
  const rr = b.readUInt16BE(6) + b.readUInt16BE(8) + b.readUInt16BE(10);
  if (qd + rr > budget.records) return false;
  let o = 12;
  for (let i = 0; i < qd; i++) {
    o = name(o);
    if (o < 0 || o + 4 > b.length) return false;
    o += 4;
  }
  for (let i = 0; i < rr; i++) {
    o = name(o);
    if (o < 0 || o + 10 > b.length) return false;
    const type = b.readUInt16BE(o);
    const rdStart = o + 10;
    const rdEnd = rdStart + b.readUInt16BE(o + 8);
    if (rdEnd > b.length) return false;
    const names = RDATA_NAMES[type];
    if (names) {
      let at = rdStart + names[0];
      for (let k = 0; k < names[1]; k++) { if (at >= rdEnd) break; at = name(at); if (at < 0) return false; }
    } else if (type === NAPTR) {
      let at = rdStart + 4;
      for (let k = 0; k < 3 && at < rdEnd; k++) at += 1 + b[at];
      if (at < rdEnd && name(at) < 0) return false;
    }
    o = rdEnd;
  }
  return true;
}

/** Parse any DNS/mDNS datagram into questions and resolved services. Never throws; null on junk or over the decode budget. */
export function parseMdns(buf: Input): MdnsMessage | null {
  const b = toBuffer(buf, UDP_MAX);
  if (!b || !withinDecodeBudget(b)) return null;
  let pkt: dnsPacket.DecodedPacket;
  try {
    pkt = dnsPacket.decode(b);
  } catch {
    return null;
  }
  const classOffs = questionClassOffsets(b) ?? [];
  const questions: MdnsQuestion[] = (pkt.questions ?? []).slice(0, 64).map((q, i) => ({
    name: clean(q.name, 256),
    type: clean(q.type, 32),
    qu: classOffs[i] !== undefined ? (b.readUInt16BE(classOffs[i]) & 0x8000) !== 0 : false,
  }));
  const recs: Rec[] = [];
  for (const r of [...(pkt.answers ?? []), ...(pkt.authorities ?? []), ...(pkt.additionals ?? [])]) {
    if (recs.length >= MAX_RECORDS) break;
    if (r && typeof r.name === 'string' && typeof r.type === 'string') recs.push({ name: r.name, type: r.type, data: (r as { data?: unknown }).data });
  }

  const ptrs: Array<[string, string]> = [];
  const srv = new Map<string, { port: number; target: string }>();
  const txt = new Map<string, unknown>();
  const addrs = new Map<string, { name: string; list: string[] }>();
  for (const r of recs) {
    const key = lc(r.name);
    if (r.type === 'PTR' && typeof r.data === 'string') ptrs.push([r.name, r.data]);
    else if (r.type === 'SRV' && r.data && typeof r.data === 'object' && !srv.has(key)) {
      const d = r.data as { port?: unknown; target?: unknown };
      if (typeof d.port === 'number' && typeof d.target === 'string') srv.set(key, { port: d.port, target: d.target });
    } else if (r.type === 'TXT' && !txt.has(key)) txt.set(key, r.data);
    else if ((r.type === 'A' || r.type === 'AAAA') && typeof r.data === 'string') {
      const e = addrs.get(key) ?? { name: r.name, list: [] };
      const a = clean(r.data, 64);
      if (a && !e.list.includes(a) && e.list.length < 16) e.list.push(a);
      addrs.set(key, e);
    }
  }

  const services: MdnsService[] = [];
  const serviceTypes: string[] = [];
  const seen = new Set<string>();
  const addService = (fqdn: string, knownType?: string): void => {
    if (services.length >= MAX_SERVICES || seen.has(lc(fqdn))) return;
    const parts = splitInstance(fqdn, knownType);
    if (!parts) return;
    seen.add(lc(fqdn));
    const s = srv.get(lc(fqdn));
    const svc: MdnsService = {
      instance: clean(parts[0], 256),
      type: clean(parts[1], 256),
      fqdn: clean(fqdn, 512),
      host: s ? clean(s.target, 256) : '',
      txt: txt.has(lc(fqdn)) ? txtDecode(txt.get(lc(fqdn))) : {},
      addresses: s ? [...(addrs.get(lc(s.target))?.list ?? [])] : [],
    };
    if (s) svc.port = s.port;
    services.push(svc);
  };
  for (const [name, data] of ptrs) {
    if (lc(name) === DNS_SD_META_QUERY) {
      const t = clean(data, 256);
      if (t && !serviceTypes.includes(t) && serviceTypes.length < 64) serviceTypes.push(t);
      continue;
    }
    if (lc(name).endsWith('.arpa')) continue; // reverse-mapping PTRs are not services
    addService(data, /\._sub\./i.test(name) ? undefined : name);
  }
  for (const r of recs) if (r.type === 'SRV') addService(r.name); // SRV answered without a PTR

  return {
    id: typeof pkt.id === 'number' ? pkt.id : 0,
    isResponse: pkt.type === 'response',
    questions,
    services,
    serviceTypes,
    hosts: [...addrs.values()].slice(0, 64).map((e) => ({ name: clean(e.name, 256), addresses: e.list })),
  };
}

/** Services found in an mDNS response (PTR resolved to SRV/TXT/A/AAAA in the same packet). Never throws. */
export function parseResponse(buf: Input): MdnsService[] {
  const m = parseMdns(buf);
  return m && m.isResponse ? m.services : [];
}

/** Responder side: the questions of a query (with their QU bits), or null when it is not a query. */
export function parseQuery(buf: Input): { id: number; questions: MdnsQuestion[] } | null {
  const m = parseMdns(buf);
  return m && !m.isResponse ? { id: m.id, questions: m.questions } : null;
}

export interface ServiceSpec {
  instance: string;
  /** e.g. "_axis-video._tcp.local" */
  type: string;
  /** SRV target, e.g. "axis-accc8e3c0419.local" */
  host: string;
  port: number;
  txt?: Record<string, string>;
  addresses?: string[];
}

/**
 * Responder side: an answer for `service`. Multicast by default (id 0, AA, cache-flush on unique records,
 * TTL 120/4500 s). With `unicast` (legacy unicast, RFC 6762 §6.7): echo `id` and `questions`, TTL 10 s,
 * no cache-flush bit. Answers follow the questions (PTR for the type or the meta-query, SRV/TXT for the
 * instance, A/AAAA for the host); everything else goes in the additional section.
 */
export function buildResponse(service: ServiceSpec, opts: { unicast?: boolean; id?: number; questions?: Array<{ name: string; type: string }> } = {}): Buffer {
  const fqdn = `${service.instance}.${service.type}`;
  checkName(fqdn);
  checkName(service.host);
  const uni = !!opts.unicast;
  const ttlShort = uni ? 10 : 120;
  const ttlLong = uni ? 10 : 4500;
  const flush = !uni;
  const txtData = Object.entries(service.txt ?? {}).map(([k, v]) => (v === '' ? k : `${k}=${v}`));
  const all: dnsPacket.Answer[] = [
    { name: service.type, type: 'PTR', ttl: ttlLong, data: fqdn },
    { name: fqdn, type: 'SRV', ttl: ttlShort, flush, data: { priority: 0, weight: 0, port: service.port, target: service.host } },
    { name: fqdn, type: 'TXT', ttl: ttlLong, flush, data: txtData.length ? txtData : [''] },
    ...(service.addresses ?? []).map((a): dnsPacket.Answer => (a.includes(':')
      ? { name: service.host, type: 'AAAA', ttl: ttlShort, flush, data: a }
      : { name: service.host, type: 'A', ttl: ttlShort, flush, data: a })),
  ];
  const meta: dnsPacket.Answer = { name: DNS_SD_META_QUERY, type: 'PTR', ttl: ttlLong, data: service.type };
  const questions = (opts.questions ?? []).map((q) => ({ name: q.name, type: q.type as dnsPacket.RecordType, class: 'IN' as const }));
  const qs = opts.questions ?? [];
  let answers: dnsPacket.Answer[] = [];
  if (questions.length === 0) answers = [all[0]];
  for (const q of qs) {
    const qn = lc(q.name);
    const any = q.type === 'ANY';
    if (qn === DNS_SD_META_QUERY && (any || q.type === 'PTR')) answers.push(meta);
    for (const r of all) if (lc(r.name) === qn && (any || r.type === q.type) && !answers.includes(r)) answers.push(r);
  }
  if (answers.length === 0) answers = [all[0]];
  const additionals = all.filter((r) => !answers.includes(r) && r.type !== 'PTR');
  return dnsPacket.encode({
    type: 'response',
    id: uni ? (opts.id ?? 0) & 0xffff : 0,
    flags: dnsPacket.AUTHORITATIVE_ANSWER,
    questions: uni ? questions : [],
    answers,
    additionals,
  });
}
