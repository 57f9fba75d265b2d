// The extra vendor requests of one scan, across its hosts. A host whose index page names no platform is
// asked the most likely vendor paths (src/probes/http.ts), up to its budget. On a site of many devices
// of one kind (a camera VLAN of one model and firmware), every host serves the same index page and
// every host would be asked the same paths with the same result. Once FLEET_CONFIRM hosts serving a
// page were asked a path and it added nothing (404, the index again, no API envelope), the other hosts
// serving that page are not asked it: their budget goes to the next path in order instead, so the fleet
// as a whole tries every vendor path while each device gets fewer requests. A path that gave something
// to any host is asked of every host (its answer is per device: model, serial). Hosts whose pages
// differ in a byte of what pageKey compares (status, Server, title, the first 2 KB of the body) share
// nothing. A path in flight at FLEET_CONFIRM hosts is not asked again: the host goes on to the next
// paths and, at the end, asks it only if those asks gave something (or failed, within its budget), so
// a host never waits on another before asking what nobody is asking yet. The memo is bounded
// (MAX_KEYS); past it, every host is asked as if alone.
import { createHash } from 'node:crypto';
import type { AskOutcome, FleetLook, FleetMemo } from './types.js';

/** Hosts serving one page that must have found a path empty before the others skip it. */
export const FLEET_CONFIRM = 2;
/** (path, page) pairs remembered at most (each ~100 bytes: the page is hashed). */
export const MAX_KEYS = 4096;

interface Entry { empty: number; kept: number; pending: Set<Promise<AskOutcome>> }

export class ScanFleet implements FleetMemo {
  private entries = new Map<string, Entry>();
  /** Requests not sent because the fleet knew their outcome (for tests and stats). */
  spared = 0;

  /** A short name for an index page (pageKey's text is bounded but still up to ~2 KB). */
  static pageId(page: string): string {
    return createHash('sha1').update(page).digest('base64');
  }

  look(key: string): FleetLook {
    let e = this.entries.get(key);
    if (e && e.kept === 0) {
      if (e.empty >= FLEET_CONFIRM) { this.spared++; return { kind: 'empty' }; }
      if (e.pending.size && e.empty + e.pending.size >= FLEET_CONFIRM) {
        const entry = e;
        const settled = Promise.all([...e.pending]).then(() => {
          if (entry.kept > 0) return 'kept' as const;
          if (entry.empty >= FLEET_CONFIRM) { this.spared++; return 'nothing' as const; }
          return 'unknown' as const;
        });
        return { kind: 'busy', settled };
      }
    }
    if (!e) {
      if (this.entries.size >= MAX_KEYS) return { kind: 'ask', claim: { settle() {}, cancel() {} } };
      this.entries.set(key, e = { empty: 0, kept: 0, pending: new Set() });
    }
    // Counted as in flight from now (the look and the count in one step), settled by the ask's outcome.
    const entry = e;
    let done!: (o: AskOutcome) => void;
    const slot = new Promise<AskOutcome>((resolve) => { done = resolve; });
    entry.pending.add(slot);
    const end = (o: AskOutcome) => {
      if (!entry.pending.delete(slot)) return;
      if (o.kind === 'nothing') entry.empty++;
      else if (o.kind === 'kept') entry.kept++;
      done(o);
    };
    return { kind: 'ask', claim: { settle: (outcome) => { outcome.then(end, () => end({ kind: 'failed' })); }, cancel: () => end({ kind: 'failed' }) } };
  }
}
