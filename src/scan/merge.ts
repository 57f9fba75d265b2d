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
  if (add.mac && !into.mac) into.mac = add.mac;
  if (add.hostname && !into.hostname) into.hostname = add.hostname;
  if (add.open_ports?.length) into.open_ports = [...new Set([...(into.open_ports ?? []), ...add.open_ports])].sort((a, b) => a - b);
  if (add.seen_by?.length) into.seen_by = [...new Set([...(into.seen_by ?? []), ...add.seen_by])].sort();
  if (add.addresses?.length) into.addresses = [...new Set([...(into.addresses ?? []), ...add.addresses])];
  return into;
}
