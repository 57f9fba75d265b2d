// Merging observation fragments into one record per device. Pure.
import { compareIp as cmpIp, ipKey, normaliseMac } from '../model/address.js';
import { SECTION_LIST } from '../model/fields.js';
import type { DeviceSighting, HostError, ObservationRecord, ShardSighting } from '../model/types.js';
import type { ModuleResult } from '../model/status.js';

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
  /**
   * The MAC the kernel's neighbour table gives for `ip` (link layer, not the payload): it never joins
   * sightings, but two groups whose MACs differ this way are never joined by a shared serial or endpoint.
   */
  linkMac?: string;
  serial?: string;
  endpoint?: string;
  /** Other addresses the device says are its own (e.g. mDNS A/AAAA of its host name): they join like `ip`. */
  aliases?: string[];
  /** ISO time it was seen. */
  at?: string;
  record: Partial<ObservationRecord>;
  /** The sightings this stands for when it is a device of a saved report (camsweep merge); else one is made from it. */
  formed?: DeviceSighting[];
}

function normMac(m?: string): string | undefined {
  return normaliseMac(m);
}

function normSerial(s?: string): string | undefined {
  const t = s?.trim().toUpperCase();
  return t && t.length >= 6 && !/^0+$/.test(t) ? t : undefined;
}

/** Two groups that share a serial or an endpoint but whose MACs differ: kept apart, and said so. */
export interface SharedIdentifier { a: number; b: number; kind: 'serial' | 'endpoint'; value: string }

/**
 * The grouping behind mergeSightings: for each sighting, the index of the first sighting of its physical
 * device. Sightings sharing a MAC are one device; then sightings sharing a serial or an endpoint
 * reference (ONVIF endpoint, UPnP UDN), unless their groups' known MACs differ (cheap firmware and
 * wsdd ship one UUID on many hosts: `shared` lists those pairs); then an IP (or an alias of an IP),
 * unless the two carry different payload MACs (a NAT, a recorder answering for its cameras).
 */
export function groupSightingsShared(seen: readonly Seen[]): { roots: number[]; shared: SharedIdentifier[] } {
  const parent = seen.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  // The MAC known for each group: a payload MAC, else a neighbour-table one.
  const macOf = new Map<number, string>();
  const linkOf = new Map<number, string>();
  const known = (r: number) => macOf.get(r) ?? linkOf.get(r);
  const union = (a: number, b: number) => {
    const ra = find(a); const rb = find(b);
    if (ra === rb) return;
    const [keep, drop] = ra < rb ? [ra, rb] : [rb, ra];
    parent[drop] = keep;
    if (!macOf.has(keep) && macOf.has(drop)) macOf.set(keep, macOf.get(drop)!);
    if (!linkOf.has(keep) && linkOf.has(drop)) linkOf.set(keep, linkOf.get(drop)!);
  };
  // A payload MAC from an address stands, in the checks below, for every sighting from that address
  // that carries none (the ONVIF or wsdd answer of a host whose SADP answer gave its MAC), when the
  // address shows only one: two such hosts sharing an endpoint then stay apart as they should, whatever
  // order the sightings came in. It never joins anything by itself.
  const macsAt = new Map<string, Set<string>>();
  seen.forEach((s) => {
    const m = normMac(s.mac ?? s.record.mac);
    if (!m) return;
    for (const ip of new Set([s.ip, ...(s.aliases ?? [])].map(ipKey))) macsAt.set(ip, (macsAt.get(ip) ?? new Set()).add(m));
  });
  const macAt = (ip: string) => { const ms = macsAt.get(ipKey(ip)); return ms?.size === 1 ? [...ms][0] : undefined; };
  seen.forEach((s, i) => {
    const m = normMac(s.mac ?? s.record.mac);
    if (m) macOf.set(i, m);
    const l = normMac(s.linkMac) ?? macAt(s.ip);
    if (l) linkOf.set(i, l);
  });
  // 1. The same MAC is the same device.
  const byMac = new Map<string, number>();
  seen.forEach((s, i) => {
    const m = normMac(s.mac ?? s.record.mac);
    if (!m) return;
    const j = byMac.get(m);
    if (j === undefined) byMac.set(m, i); else union(i, j);
  });
  // 2. A shared serial or endpoint joins groups whose MACs do not contradict it.
  const shared: SharedIdentifier[] = [];
  const sharedSeen = new Set<string>();
  const buckets = new Map<string, number[]>();
  seen.forEach((s, i) => {
    const serial = normSerial(s.serial);
    if (serial) buckets.set(`serial:${serial}`, [...(buckets.get(`serial:${serial}`) ?? []), i]);
    if (s.endpoint) buckets.set(`endpoint:${s.endpoint.toLowerCase()}`, [...(buckets.get(`endpoint:${s.endpoint.toLowerCase()}`) ?? []), i]);
  });
  const conflicts: Array<{ i: number; j: number; kind: 'serial' | 'endpoint'; value: string }> = [];
  for (const [key, list] of buckets) {
    const kind = key.startsWith('serial:') ? 'serial' : 'endpoint';
    const value = key.slice(kind.length + 1);
    // Each sighting joins every earlier group of the bucket its MAC agrees with (bounded: 64 groups a bucket).
    const groups: number[] = [];
    for (const i of list) {
      for (const g of groups) {
        const ri = find(i); const rg = find(g);
        if (ri === rg) continue;
        const ma = known(ri); const mb = known(rg);
        if (ma && mb && ma !== mb) { conflicts.push({ i, j: g, kind, value: kind === 'endpoint' ? seen[i].endpoint! : seen[i].serial!.trim() }); continue; }
        union(i, g);
      }
      if (!groups.some((g) => find(g) === find(i)) && groups.length < 64) groups.push(i);
    }
  }
  // 3. IP joins only sightings that have no conflicting payload MAC (two MACs behind one IP are two devices).
  const byIp = new Map<string, number>();
  seen.forEach((s, i) => {
    for (const ip of new Set([s.ip, ...(s.aliases ?? [])].map(ipKey))) {
      const j = byIp.get(ip);
      if (j === undefined) { byIp.set(ip, i); continue; }
      const ma = macOf.get(find(i));
      const mb = macOf.get(find(j));
      if (ma && mb && ma !== mb) continue;
      union(i, j);
    }
  });
  for (const c of conflicts) {
    const a = find(c.i); const b = find(c.j);
    if (a === b) continue;
    const k = `${Math.min(a, b)}|${Math.max(a, b)}|${c.kind}|${c.value}`;
    if (sharedSeen.has(k)) continue;
    sharedSeen.add(k);
    shared.push({ a, b, kind: c.kind, value: c.value });
  }
  return { roots: seen.map((_, i) => find(i)), shared };
}

export function groupSightings(seen: readonly Seen[]): number[] {
  return groupSightingsShared(seen).roots;
}

/** One physical device: its merged record, the sightings that formed it, and the identifiers it shares with other devices. */
export interface MergedDevice {
  record: ObservationRecord;
  seen: Seen[];
  /** Identifiers (serial, endpoint) this device shares with another device whose MAC differs: `other` indexes the result. */
  shared: Array<{ kind: 'serial' | 'endpoint'; value: string; other: number }>;
}

/**
 * One device per physical device (groupSightings). Every address and every protocol is kept; the record
 * lists which protocols saw it. Pure; the record's `ip` is its lowest IPv4 address (IPv6 ones after),
 * and output order is by that IP.
 */
export function mergeDevices(seen: Seen[]): MergedDevice[] {
  const { roots, shared } = groupSightingsShared(seen);
  const groups = new Map<number, Seen[]>();
  seen.forEach((s, i) => { const r = roots[i]; groups.set(r, [...(groups.get(r) ?? []), s]); });
  const out: Array<MergedDevice & { root: number }> = [];
  for (const [root, g] of groups) {
    const ips = [...new Set(g.map((s) => s.ip))].sort(cmpIp);
    const rec: ObservationRecord = { ip: ips[0] };
    for (const s of g) {
      mergeRecord(rec, { ...s.record, seen_by: [s.protocol, ...(s.record.seen_by ?? [])] });
      const m = normMac(s.mac ?? s.record.mac);
      if (m && !rec.mac) { rec.mac = m; rec.mac_from = s.record.mac_from ?? s.macFrom ?? s.protocol; }
    }
    if (ips.length > 1) rec.addresses = ips;
    else delete rec.addresses;
    out.push({ root, record: rec, seen: g, shared: [] });
  }
  out.sort((a, b) => cmpIp(a.record.ip, b.record.ip));
  const at = new Map(out.map((d, i) => [d.root, i]));
  for (const x of shared) {
    const a = at.get(x.a); const b = at.get(x.b);
    if (a === undefined || b === undefined) continue;
    out[a].shared.push({ kind: x.kind, value: x.value, other: b });
    out[b].shared.push({ kind: x.kind, value: x.value, other: a });
  }
  return out.map(({ root: _r, ...d }) => d);
}

export function mergeSightings(seen: Seen[]): ObservationRecord[] {
  return mergeDevices(seen).map((d) => d.record);
}

/** The strongest identifier one sighting carries: its MAC, else its serial, else its endpoint, else its address. */
export function sightingIdentifier(s: Seen): string {
  const m = normMac(s.mac ?? s.record.mac);
  if (m) return `mac:${m}`;
  const serial = normSerial(s.serial);
  if (serial) return `serial:${serial}`;
  if (s.endpoint) return `endpoint:${s.endpoint.toLowerCase()}`;
  return `ip:${ipKey(s.ip)}`;
}

export { compareIp, ip6Groups, ipKey } from '../model/address.js';

/** A sighting as a shard report keeps it (shard_sightings), with a TCP host's errors and results. */
export function shardSightingOf(s: Seen, outside: boolean, extra: { errors?: HostError[]; results?: ModuleResult[] } = {}): ShardSighting {
  return {
    module: s.protocol, address: s.ip, at: s.at ?? new Date().toISOString(),
    ...(s.mac ? { mac: s.mac } : {}), ...(s.macFrom ? { mac_from: s.macFrom } : {}), ...(s.linkMac ? { link_mac: s.linkMac } : {}),
    ...(s.serial ? { serial: s.serial } : {}), ...(s.endpoint ? { endpoint: s.endpoint } : {}), ...(s.aliases?.length ? { aliases: s.aliases } : {}),
    ...(outside ? { outside: true } : {}), record: s.record,
    ...(extra.errors?.length ? { errors: extra.errors } : {}), ...(extra.results?.length ? { results: extra.results } : {}),
  };
}

/** The inverse of shardSightingOf (without errors and results). */
export function seenOfShardSighting(f: ShardSighting): Seen {
  return {
    ip: f.address, protocol: f.module, at: f.at, record: structuredClone(f.record),
    ...(f.mac ? { mac: f.mac } : {}), ...(f.mac_from ? { macFrom: f.mac_from } : {}), ...(f.link_mac ? { linkMac: f.link_mac } : {}),
    ...(f.serial ? { serial: f.serial } : {}), ...(f.endpoint ? { endpoint: f.endpoint } : {}), ...(f.aliases?.length ? { aliases: f.aliases } : {}),
  };
}
