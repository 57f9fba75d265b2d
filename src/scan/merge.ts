// Merging observation fragments into one record per device. Pure.
import type { ObservationRecord } from '../types.js';

const ARRAYS = ['http', 'tls', 'rtsp', 'mdns'] as const;
const OBJECTS = ['onvif', 'upnp', 'sadp', 'dhip'] as const;

export function mergeRecord(into: ObservationRecord, add: Partial<ObservationRecord>): ObservationRecord {
  for (const k of ARRAYS) {
    const v = add[k];
    if (Array.isArray(v) && v.length) (into as unknown as Record<string, unknown[]>)[k] = [...((into[k] as unknown[] | undefined) ?? []), ...v];
  }
  for (const k of OBJECTS) {
    const v = add[k];
    if (v && typeof v === 'object') {
      const cur = (into[k] ?? {}) as Record<string, unknown>;
      const merged: Record<string, unknown> = { ...cur };
      for (const [kk, vv] of Object.entries(v)) {
        if (vv === undefined) continue;
        if (Array.isArray(vv) && Array.isArray(cur[kk])) merged[kk] = [...new Set([...(cur[kk] as unknown[]), ...vv])];
        else if (merged[kk] === undefined) merged[kk] = vv;
      }
      (into as unknown as Record<string, unknown>)[k] = merged;
    }
  }
  for (const [k, v] of Object.entries(add)) {
    // Protocol-specific extras (x_onvif: what the ONVIF follow-up calls got) are kept, first one wins.
    if (k.startsWith('x_') && v !== undefined && (into as unknown as Record<string, unknown>)[k] === undefined) (into as unknown as Record<string, unknown>)[k] = v;
  }
  if (add.mac && !into.mac) into.mac = add.mac;
  if (add.hostname && !into.hostname) into.hostname = add.hostname;
  if (add.open_ports?.length) into.open_ports = [...new Set([...(into.open_ports ?? []), ...add.open_ports])].sort((a, b) => a - b);
  if (add.seen_by?.length) into.seen_by = [...new Set([...(into.seen_by ?? []), ...add.seen_by])].sort();
  if (add.addresses?.length) into.addresses = [...new Set([...(into.addresses ?? []), ...add.addresses])];
  return into;
}

/** Something seen of one device by one protocol, with the keys that identify the physical device. */
export interface Seen {
  ip: string;
  protocol: string;
  mac?: string;
  serial?: string;
  endpoint?: string;
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

/**
 * One device per physical device: sightings sharing a MAC, else a serial, else an endpoint reference,
 * else an IP are the same device (transitively). Every address and every protocol is kept; the record
 * lists which protocols saw it. Pure; output order is by lowest IP.
 */
export function mergeSightings(seen: Seen[]): ObservationRecord[] {
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
    const j = byIp.get(s.ip);
    if (j === undefined) { byIp.set(s.ip, i); return; }
    const ma = macOfGroup.get(find(i));
    const mb = macOfGroup.get(find(j));
    if (ma && mb && ma !== mb) return;
    union(i, j);
    const m = ma ?? mb;
    if (m) macOfGroup.set(find(i), m);
  });
  const groups = new Map<number, Seen[]>();
  seen.forEach((s, i) => { const r = find(i); groups.set(r, [...(groups.get(r) ?? []), s]); });
  const out: ObservationRecord[] = [];
  for (const g of groups.values()) {
    const ips = [...new Set(g.map((s) => s.ip))].sort(cmpIp);
    const rec: ObservationRecord = { ip: ips[0] };
    for (const s of g) {
      mergeRecord(rec, { ...s.record, seen_by: [s.protocol, ...(s.record.seen_by ?? [])] });
      const m = normMac(s.mac ?? s.record.mac);
      if (m && !rec.mac) rec.mac = m;
    }
    if (ips.length > 1) rec.addresses = ips;
    else delete rec.addresses;
    out.push(rec);
  }
  return out.sort((a, b) => cmpIp(a.ip, b.ip));
}

function cmpIp(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 4; i++) if (pa[i] !== pb[i]) return (pa[i] || 0) - (pb[i] || 0);
  return a.localeCompare(b);
}
