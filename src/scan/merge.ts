// Merging observation fragments into one record per device. Pure.
import { SECTION_LIST } from '../model/fields.js';
import type { ObservationRecord } from '../model/types.js';

/** A record fragment carries a key the field registry (src/model/fields.ts) does not declare: a module bug, never dropped silently. */
export class UnknownFieldError extends Error {}

const SECTION_BY_KEY = new Map(SECTION_LIST.map((s) => [s.key, s]));

/**
 * Merge a fragment into a record, key by key as the field registry says (append, fill, first, union,
 * union-sorted). `x_…` annotations: the first one wins. A key the registry does not declare throws.
 */
export function mergeRecord(into: ObservationRecord, add: Partial<ObservationRecord>): ObservationRecord {
  const to = into as unknown as Record<string, unknown>;
  const from = add as unknown as Record<string, unknown>;
  for (const k of Object.keys(from)) {
    if (!k.startsWith('x_') && !SECTION_BY_KEY.has(k)) throw new UnknownFieldError(`observation key "${k.slice(0, 40)}" is not declared in src/model/fields.ts`);
  }
  for (const s of SECTION_LIST) {
    const v = from[s.key];
    if (v === undefined) continue;
    const cur = to[s.key];
    switch (s.merge) {
      case 'append':
        if (Array.isArray(v) && v.length) to[s.key] = [...((cur as unknown[] | undefined) ?? []), ...v];
        break;
      case 'fill': {
        if (!v || typeof v !== 'object') break;
        const merged: Record<string, unknown> = { ...((cur ?? {}) as Record<string, unknown>) };
        for (const [kk, vv] of Object.entries(v)) {
          if (vv === undefined) continue;
          if (Array.isArray(vv) && Array.isArray(merged[kk])) merged[kk] = [...new Set([...(merged[kk] as unknown[]), ...vv])];
          else if (merged[kk] === undefined) merged[kk] = vv;
        }
        to[s.key] = merged;
        break;
      }
      case 'first':
        if (v && !cur) {
          to[s.key] = v;
          for (const t of s.takes ?? []) if (from[t]) to[t] = from[t];
        }
        break;
      case 'union':
        if (Array.isArray(v) && v.length) to[s.key] = [...new Set([...((cur as unknown[] | undefined) ?? []), ...v])];
        break;
      case 'union-sorted':
        if (Array.isArray(v) && v.length) {
          const all = [...new Set([...((cur as unknown[] | undefined) ?? []), ...v])];
          to[s.key] = all.every((x) => typeof x === 'number') ? (all as number[]).sort((a, b) => a - b) : (all as string[]).sort();
        }
        break;
      case 'follows': case 'identity':
        break;
    }
  }
  for (const [k, v] of Object.entries(from)) {
    // Protocol-specific extras (x_onvif: what the ONVIF follow-up calls got) are kept, first one wins.
    if (k.startsWith('x_') && v !== undefined && to[k] === undefined) to[k] = v;
  }
  return into;
}

/** Something seen of one device by one protocol, with the keys that identify the physical device. */
export interface Seen {
  ip: string;
  protocol: string;
  mac?: string;
  /** Where `mac` came from when not the protocol's own payload (e.g. "eui64"). */
  macFrom?: string;
  serial?: string;
  endpoint?: string;
  /** Other addresses the device says are its own (e.g. mDNS A/AAAA of its host name): they join like `ip`. */
  aliases?: string[];
  record: Partial<ObservationRecord>;
}

function normMac(m?: string): string | undefined {
  if (!m) return undefined;
  const hex = m.toLowerCase().replace(/[^0-9a-f]/g, '');
  if (hex.length !== 12 || /^0+$/.test(hex) || /^f+$/.test(hex)) return undefined;
  return hex.match(/../g)!.join(':');
}

function normSerial(s?: string): string | undefined {
  const t = s?.trim().toUpperCase();
  return t && t.length >= 6 && !/^0+$/.test(t) ? t : undefined;
}

/** Key of an address for joining: lower case, IPv6 zone dropped (fe80::1%eth0 and fe80::1 are one address). */
export function ipKey(ip: string): string {
  return ip.trim().toLowerCase().replace(/^\[|\]$/g, '').replace(/%.*$/, '');
}

/**
 * The grouping behind mergeSightings: for each sighting, the index of the first sighting of its physical
 * device. Sightings sharing a MAC, else a serial, else an endpoint reference, else an IP (or an alias
 * of an IP) are the same device (transitively).
 */
export function groupSightings(seen: readonly Seen[]): number[] {
  const parent = seen.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  const union = (a: number, b: number) => { const ra = find(a); const rb = find(b); if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb); };
  const keyed = new Map<string, number>();
  const link = (key: string | undefined, i: number) => {
    if (!key) return;
    const j = keyed.get(key);
    if (j === undefined) keyed.set(key, i); else union(i, j);
  };
  seen.forEach((s, i) => {
    link(normMac(s.mac ?? s.record.mac) && `mac:${normMac(s.mac ?? s.record.mac)}`, i);
    link(normSerial(s.serial) && `serial:${normSerial(s.serial)}`, i);
    link(s.endpoint && `ep:${s.endpoint.toLowerCase()}`, i);
  });
  // IP joins only sightings that have no conflicting MAC (two MACs behind one IP are two devices, e.g. a NAT or a recorder proxy).
  const macOfGroup = new Map<number, string>();
  seen.forEach((s, i) => { const m = normMac(s.mac ?? s.record.mac); if (m) macOfGroup.set(find(i), m); });
  const byIp = new Map<string, number>();
  seen.forEach((s, i) => {
    for (const ip of new Set([s.ip, ...(s.aliases ?? [])].map(ipKey))) {
      const j = byIp.get(ip);
      if (j === undefined) { byIp.set(ip, i); continue; }
      const ma = macOfGroup.get(find(i));
      const mb = macOfGroup.get(find(j));
      if (ma && mb && ma !== mb) continue;
      union(i, j);
      const m = ma ?? mb;
      if (m) macOfGroup.set(find(i), m);
    }
  });
  return seen.map((_, i) => find(i));
}

/**
 * One device per physical device (groupSightings). Every address and every protocol is kept; the record
 * lists which protocols saw it. Pure; the record's `ip` is its lowest IPv4 address (IPv6 ones after),
 * and output order is by that IP.
 */
export function mergeSightings(seen: Seen[]): ObservationRecord[] {
  const root = groupSightings(seen);
  const find = (i: number) => root[i];
  const groups = new Map<number, Seen[]>();
  seen.forEach((s, i) => { const r = find(i); groups.set(r, [...(groups.get(r) ?? []), s]); });
  const out: ObservationRecord[] = [];
  for (const g of groups.values()) {
    const ips = [...new Set(g.map((s) => s.ip))].sort(cmpIp);
    const rec: ObservationRecord = { ip: ips[0] };
    for (const s of g) {
      mergeRecord(rec, { ...s.record, seen_by: [s.protocol, ...(s.record.seen_by ?? [])] });
      const m = normMac(s.mac ?? s.record.mac);
      if (m && !rec.mac) { rec.mac = m; rec.mac_from = s.record.mac_from ?? s.macFrom ?? s.protocol; }
    }
    if (ips.length > 1) rec.addresses = ips;
    else delete rec.addresses;
    out.push(rec);
  }
  return out.sort((a, b) => cmpIp(a.ip, b.ip));
}

function v4Octets(ip: string): number[] | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  return m ? m.slice(1).map(Number) : undefined;
}

/** The 8 groups of an IPv6 address (zone and brackets ignored; an embedded IPv4 tail allowed), or undefined. */
export function ip6Groups(ip: string): number[] | undefined {
  let s = ip.trim().toLowerCase().replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (!s.includes(':') || s.length > 45) return undefined;
  const tail = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(s);
  if (tail) {
    const o = v4Octets(tail[1]);
    if (!o || o.some((x) => x > 255)) return undefined;
    s = s.slice(0, -tail[1].length) + `${((o[0] << 8) | o[1]).toString(16)}:${((o[2] << 8) | o[3]).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const rest = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const fill = 8 - head.length - rest.length;
  if (halves.length === 1 ? head.length !== 8 : fill < 1) return undefined;
  const groups = [...head, ...Array(halves.length === 2 ? fill : 0).fill('0'), ...rest];
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return undefined;
  return groups.map((g) => Number.parseInt(g, 16));
}

/**
 * Total order on address strings that never throws: IPv4 (numerically) first, then IPv6 (numerically,
 * then by zone), then anything else as text.
 */
export function compareIp(a: string, b: string): number {
  const rank = (ip: string): [number, number[] | undefined] => {
    const v4 = v4Octets(ip);
    if (v4) return [0, v4];
    const v6 = ip6Groups(ip);
    return v6 ? [1, v6] : [2, undefined];
  };
  const [ra, pa] = rank(a);
  const [rb, pb] = rank(b);
  if (ra !== rb) return ra - rb;
  if (pa && pb) for (let i = 0; i < pa.length; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
  return a < b ? -1 : a > b ? 1 : 0;
}

const cmpIp = compareIp;
