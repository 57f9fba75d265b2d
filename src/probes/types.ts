// The probe interface: one module per protocol, behind one small interface; the scan core knows none
// of them by name beyond the registry in ./index.ts. A probe runs against one open port of one host and
// returns a fragment of the host's observation record. It never throws.
import type { HostError, HttpPathDef, ObservationRecord } from '../model/types.js';
import type { NetApi } from '../model/net.js';

export type { NetApi } from '../model/net.js';

export interface ProbeContext {
  /** Per-connection deadline. */
  timeoutMs: number;
  /** Byte cap per response. */
  maxBytes: number;
  /** Host-level deadline and Ctrl-C. */
  signal: AbortSignal;
  net: NetApi;
  userAgent: string;
  /** The safe vendor paths the HTTP probe requests (src/data/http-paths.yaml, read by src/data/load.ts). */
  httpPaths?: readonly HttpPathDef[];
  /** What the host showed so far, shared by every probe of one host (src/probes/http.ts hostEvidence). */
  host?: HostEvidence;
  /** What the scan's other hosts were told when asked the same extra vendor path after the same index page (src/probes/fleet.ts). */
  fleet?: FleetMemo;
}

/**
 * The outcomes of the extra vendor requests across the hosts of one scan, by path and index page:
 * which (path, page) pairs are known to add nothing (src/probes/fleet.ts).
 */
export interface FleetMemo {
  /**
   * What asking this path after this page is worth, now (no waiting): known empty (hosts serving the
   * same page found nothing); busy (enough such asks in flight: `settled` says how they ended); or
   * worth asking, with a claim that counts this host's ask as in flight until it settles.
   */
  look(key: string): FleetLook;
}

export type FleetLook =
  | { kind: 'empty' }
  | { kind: 'busy'; settled: Promise<'kept' | 'nothing' | 'unknown'> }
  | { kind: 'ask'; claim: FleetClaim };

/** One host's ask of a (path, page) pair, counted while in flight so that no more hosts ask it than needed. */
export interface FleetClaim {
  /** The ask was sent; its outcome counts when it ends. */
  settle(outcome: Promise<AskOutcome>): void;
  /** The ask was not sent after all (no budget left). */
  cancel(): void;
}

/**
 * The weak evidence a host gave before its probes ran, and the per-host budget of extra vendor requests
 * (the likelihood-ordered paths asked of a port whose index named no platform). One per host.
 */
export interface HostEvidence {
  /** The host's open TCP ports. */
  openPorts: readonly number[];
  /** Makers its MAC prefix points to (the neighbour table after contact; none off-link). */
  makers?: readonly string[];
  /** Extra vendor requests this host may still be sent, across all its ports. */
  extraLeft: number;
  /**
   * The favicon and vendor paths already asked of this host, by path and by the index page that led to
   * them (status, Server, title, start of the body): a second port serving the same page is not asked
   * them again (the favicon's hashes are copied from the first answer).
   */
  asked?: Map<string, Promise<AskOutcome>>;
}

/** What asking one path of a port gave: an answer kept, nothing new, or no answer at all. */
export interface AskOutcome { kind: 'kept' | 'nothing' | 'failed'; favicon?: { md5: string; mmh3: number } }

export interface ProbeTarget { ip: string; port: number; hostname?: string }

export interface ProbeResult { record: Partial<ObservationRecord>; errors: HostError[] }

export interface Probe {
  name: string;
  description: string;
  /** Ports this probe speaks on by default (any open port in this list gets the probe). */
  ports: readonly number[];
  run(target: ProbeTarget, ctx: ProbeContext): Promise<ProbeResult>;
}
