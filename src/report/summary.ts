// What the summary-first formats (HTML, Markdown) say before the devices: counts by verdict and by
// maker, the instruments the devices were judged under with their legal citations, the scope, the
// time and the tool's version. Derived from the report alone, so a saved scan re-renders the same. Pure.
import type { DeviceReport, ListingRef, ScanReport, VerdictStatus } from '../model/types.js';
import { VERDICT_STATUSES } from '../model/report.js';
import { clean } from '../util/sanitize.js';

export const VERDICTS: readonly VerdictStatus[] = VERDICT_STATUSES;

export interface MakerCount { maker: string; total: number; by: Record<VerdictStatus, number> }

/** The maker a device is counted under: its display name, its id, or "not identified". */
export function makerOf(d: DeviceReport): string {
  const id = d.identification;
  return clean(id.maker_name ?? id.maker ?? '', 80) || 'not identified';
}

/** Devices per maker, the most restricted first, then by count and name. */
export function countByMaker(devices: readonly DeviceReport[]): MakerCount[] {
  const m = new Map<string, MakerCount>();
  for (const d of devices) {
    const k = makerOf(d);
    const c = m.get(k) ?? { maker: k, total: 0, by: { restricted: 0, suspect: 0, clear: 0, unknown: 0 } };
    c.total++;
    c.by[d.verdict.status]++;
    m.set(k, c);
  }
  return [...m.values()].sort((a, b) => b.by.restricted - a.by.restricted || b.by.suspect - a.by.suspect || b.total - a.total || (a.maker < b.maker ? -1 : a.maker > b.maker ? 1 : 0));
}

/** The instruments the devices' verdicts cite, once each (by list id, else name), in report order. */
export function citedListings(devices: readonly DeviceReport[]): ListingRef[] {
  const seen = new Map<string, ListingRef>();
  for (const d of devices) for (const l of d.verdict.listings) {
    const k = l.list_id ?? l.list;
    if (!seen.has(k)) seen.set(k, l);
  }
  return [...seen.values()];
}

/** Seconds between the report's start and finish, or undefined when a time is missing or unreadable. */
export function durationSeconds(r: Pick<ScanReport, 'started_at' | 'finished_at'>): number | undefined {
  const a = Date.parse(r.started_at);
  const b = Date.parse(r.finished_at);
  return Number.isFinite(a) && Number.isFinite(b) && b >= a ? (b - a) / 1000 : undefined;
}

/** "complete", "interrupted (SIGINT): partial", "incomplete: N hosts not scanned". */
export function coverage(r: ScanReport): { complete: boolean; text: string } {
  if (r.interrupted) return { complete: false, text: `interrupted (${clean(r.interrupted, 16)}): the results are partial` };
  if (r.not_scanned?.length) return { complete: false, text: `incomplete: ${r.not_scanned.length} host${r.not_scanned.length === 1 ? '' : 's'} not scanned (local error)` };
  if (r.complete === false) return { complete: false, text: 'incomplete: the scan could not see everything' };
  return { complete: true, text: 'complete' };
}

/** The evidence of a device, strongest first. */
export function rankedEvidence(d: DeviceReport): DeviceReport['identification']['evidence'] {
  return [...d.identification.evidence].sort((a, b) => b.confidence - a.confidence);
}
