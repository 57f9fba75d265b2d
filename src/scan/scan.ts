// Orchestration: a pure plan (what will be scanned, how), then its application: discovery modules and
// the TCP sweep run together, their sightings are merged into one record per physical device, and each
// device is identified and judged. Concurrency, rate and deadlines live here, not in the modules.
//
// Trust rules applied here (issue 7):
//  - Scope: follow-up traffic goes only to the targets (plan.scope), never to a public address without
//    --allow-public; whoever else answers discovery is listed as seen, not probed.
//  - Deadlines: every host, connection and discovery session runs under a Scope (src/util/deadline.ts):
//    plain timers that the garbage collector cannot take away, and no per-operation listener on a
//    shared signal.
//  - Descriptors: one adaptive limiter for every socket-opening path (TCP sweep, probes, discovery
//    follow-ups), sized from the descriptor limit and halved on EMFILE/ENOBUFS; a host that still
//    could not be scanned is reported as local-error, and the CLI exits 3.
import { ipToInt, isPublic, HostSet, SHARD_METHOD, type ShardSpec } from '../targets/targets.js';
import { identify } from '../fingerprint/engine.js';
import type { KnowledgeBase } from '../fingerprint/rules.js';
import type { MacVendorLookup } from '../fingerprint/fields.js';
import { makerOfMac } from '../fingerprint/oui.js';
import { connectCheck, connectQueuedTo, ConnectDeadlines, dropKept, exchange, session, type ConnectResult, type ConnectSink, type ExchangeResult, type KeptConnection } from '../net/tcp.js';
import { judge, type Policy } from '../policy/policy.js';
import { probes as registry, type Probe } from '../probes/index.js';
import { openSession } from '../probes/session.js';
import { hostEvidence } from '../probes/http.js';
import { ScanFleet } from '../probes/fleet.js';
import type { HostEvidence, NetApi, ProbeContext } from '../probes/types.js';
import { DISCOVERY_NAMES } from '../discovery/types.js';
import type { Credential, DiscoveryContext, DiscoveryModule, DiscoveryName, HttpApi, HttpFetchError, HttpFetchResult, NetIface, Sighting, UdpApi } from '../discovery/types.js';
import type { DeviceReport, DeviceSighting, HostError, ShardInfo, HttpPathDef, NotScanned, ObservationRecord, SeenNotProbed } from '../model/types.js';
import { deviceId, identityKey } from '../model/identity.js';
import { adaptiveLimiter, rateLimiter, type AdaptiveLimiter } from '../util/limit.js';
import { pause, Scope } from '../util/deadline.js';
import { classifyError, coded, isLocalError, type ModuleResult, type Status } from '../model/status.js';
import { LoopHealth } from '../util/loop.js';
import { HeapKeeper } from '../util/heap.js';
import { compareIp as compareAddresses, groupSightings, ipKey, mergeDevices, mergeRecord, mergeSightings, sightingIdentifier, type MergedDevice, type Seen } from './merge.js';

export const ALL_PROTOCOLS = [...DISCOVERY_NAMES, 'tcp'] as const;
export type ProtocolName = (typeof ALL_PROTOCOLS)[number];

export interface ScanOptions {
  ports: number[];
  /** Per-connection deadline (connect + one response). */
  timeoutMs: number;
  /** The least the adaptive connect deadline goes down to (default 250 ms; never above timeoutMs). */
  minTimeoutMs?: number;
  /** Whole-host deadline. */
  hostTimeoutMs: number;
  /** Connections in flight at most. */
  concurrency: number;
  /** New connections / datagrams per second at most (0 = unlimited). */
  rate: number;
  maxBytes: number;
  userAgent: string;
  /** Host discovery first (default true): skip hosts that answer none of the first ports. */
  ping?: boolean;
  probes?: Probe[];
  net?: NetApi;
  /** The HTTP probe's vendor paths (none when not given). */
  httpPaths?: readonly HttpPathDef[];
}

export interface ScanHooks {
  onHostDone?(done: number, total: number, found: number): void;
  /**
   * Each device once, as soon as its verdict is final: after discovery has stopped listening and every
   * swept address of the device is done (executePlan), so a consumer can stream it. The run's report
   * holds the same objects.
   */
  onDevice?(d: DeviceReport): void;
  /** One host of the sweep is done (its record when it had an open port). */
  onHostScanned?(ip: string, r: HostResult | undefined): void;
}

/** What judging needs, read by the caller (src/data/load.ts): the rules, the policy, the OUI table. */
export interface Knowledge { kb: KnowledgeBase; policy: Policy; macVendor?: MacVendorLookup }

/** The plan cannot be carried out on this machine (too few file descriptors): the CLI exits 3. */
export class PlanError extends Error {}

/** Everything decided before the first packet: printed, then applied. */
export interface ScanPlan {
  /** Hosts the TCP sweep covers (none in passive mode). */
  hosts: HostSet;
  /** The targets: the only addresses follow-up traffic may go to, and the devices kept. */
  scope: HostSet;
  names: Map<string, string>;
  protocols: ProtocolName[];
  /** Interfaces for multicast discovery (empty: unicast only). */
  interfaces: NetIface[];
  /** Hosts that get unicast discovery probes (the sweep's own HostSet when it has any: iterated, never copied). */
  unicastTargets: HostSet;
  passive: boolean;
  listenMs: number;
  /** Keep only devices inside the targets (false only for passive listening without targets). */
  restrictToTargets: boolean;
  /** Public addresses may be contacted (they are in the targets only with --allow-public). */
  allowPublic: boolean;
  options: ScanOptions;
  credentials: Credential[];
  notes: string[];
  /** This run is part `index` of `count` (--shard): `hosts` is that part, `scope` every target. */
  shard?: ShardPlan;
}

/** What a shard report records of its split (src/model/report.ts SHARD). */
export type ShardPlan = ShardInfo;

/** Descriptors kept back from the connection budget: stdio, the loop's own, the discovery sockets. */
export function fdReserve(interfaces: number): number {
  return 48 + 12 * Math.max(1, interfaces);
}
/** The most connections at once when --concurrency is not given and the descriptor limit is high. */
export const AUTO_CONCURRENCY_MAX = 1024;
/** Fewer connections than this at once and the scan cannot do its work. */
export const MIN_CONCURRENCY = 4;

/** Pure: decide interfaces, unicast targets, protocols and the connection budget from the resolved targets and the options. */
export function planScan(a: {
  hosts: HostSet | readonly string[]; names?: Map<string, string>; explicitTargets: boolean; protocols: ProtocolName[]; interfaces: NetIface[];
  interfaceNamed: boolean; passive: boolean; listenMs: number; options: ScanOptions; credentials?: Credential[]; maxUnicast?: number;
  allowPublic?: boolean; fds?: { limit: number; open: number };
  /**
   * Part K of N (--shard): the sweep and unicast discovery cover only the hosts of that part
   * (HostSet.shard); multicast discovery runs in part 1 only; every target stays in scope, so a
   * multicast answer from a host of another part is kept (and merged by `camsweep merge`).
   */
  shard?: ShardSpec;
  /** Size the connection budget from the descriptor limit (--concurrency not given). */
  autoConcurrency?: boolean;
}): ScanPlan {
  const notes: string[] = [];
  const discovery = a.protocols.filter((p) => p !== 'tcp');
  const scope = a.hosts instanceof HostSet ? a.hosts : HostSet.of(a.hosts);
  const hostSet = a.shard ? scope.shard(a.shard.index, a.shard.count) : scope;
  let interfaces = a.interfaces.filter((i) => i.multicast);
  if (a.explicitTargets && !a.interfaceNamed) {
    // Multicast only on interfaces whose subnet holds at least one target; loopback targets get unicast only.
    interfaces = interfaces.filter((i) => { const r = cidrRange(i.cidr); return r !== undefined && scope.intersects(r[0], r[1]); });
  }
  if (a.shard && a.shard.index !== 1 && interfaces.length && discovery.length) {
    notes.push(`multicast discovery runs in shard 1 of ${a.shard.count} only (this is shard ${a.shard.index}): unicast discovery to this shard's hosts still runs`);
    interfaces = [];
  }
  const maxUnicast = a.maxUnicast ?? 4096;
  let unicastTargets = HostSet.empty;
  if (!a.passive && discovery.length) {
    if (hostSet.size > maxUnicast) notes.push(`unicast discovery skipped: ${hostSet.size} hosts is more than ${maxUnicast}; multicast still runs`);
    else unicastTargets = hostSet;
  }
  if (a.passive && a.protocols.includes('tcp')) notes.push('passive mode: the TCP sweep is off (nothing is sent)');
  const protocols = a.passive ? discovery : a.protocols;
  if (discovery.length && interfaces.length === 0 && unicastTargets.size === 0) notes.push('no interface for multicast and no unicast target: discovery protocols will find nothing');
  let options = a.options;
  if (a.fds && !a.passive) {
    const usable = a.fds.limit - a.fds.open - fdReserve(interfaces.length);
    if (usable < MIN_CONCURRENCY) {
      throw new PlanError(`only ${Math.max(0, a.fds.limit - a.fds.open)} file descriptors are free (limit ${a.fds.limit}); camsweep needs at least ${MIN_CONCURRENCY + fdReserve(interfaces.length)} (raise ulimit -n)`);
    }
    if (a.autoConcurrency && usable > options.concurrency) {
      // As many connections as the descriptors allow, up to a ceiling that keeps memory and the SYN rate sane.
      const n = Math.min(usable, AUTO_CONCURRENCY_MAX, Math.max(options.concurrency, hostSet.size * Math.max(1, options.ports.length)));
      if (n > options.concurrency) { notes.push(`at most ${n} connections at once (sized from the file descriptor limit ${a.fds.limit})`); options = { ...options, concurrency: n }; }
    } else if (usable < options.concurrency) {
      notes.push(`at most ${usable} connections at once (file descriptor limit ${a.fds.limit}; --concurrency ${options.concurrency} lowered)`);
      options = { ...options, concurrency: usable };
    }
  }
  return {
    hosts: a.passive ? HostSet.empty : hostSet, scope, names: a.names ?? new Map(), protocols, interfaces, unicastTargets, passive: a.passive,
    listenMs: a.listenMs, restrictToTargets: a.explicitTargets || !a.passive, allowPublic: a.allowPublic ?? false, options, credentials: a.credentials ?? [], notes,
    ...(a.shard ? { shard: { index: a.shard.index, count: a.shard.count, method: SHARD_METHOD, hosts: hostSet.size, total_hosts: scope.size, multicast: a.shard.index === 1 } } : {}),
  };
}

export function describePlan(p: ScanPlan): string[] {
  const lines: string[] = [];
  const disc = p.protocols.filter((x) => x !== 'tcp');
  if (p.shard) lines.push(`Shard ${p.shard.index} of ${p.shard.count} (${p.shard.method}): ${p.shard.hosts} of the ${p.shard.total_hosts} target hosts${p.shard.multicast ? '; multicast discovery runs here' : ''}`);
  if (p.protocols.includes('tcp')) lines.push(`TCP sweep: ${p.hosts.size} host${p.hosts.size === 1 ? '' : 's'}, ports ${p.options.ports.join(',')}`);
  if (disc.length) {
    lines.push(`Discovery${p.passive ? ' (passive: listening only, nothing sent)' : ''}: ${disc.join(', ')}; listening ${p.listenMs} ms`);
    lines.push(p.interfaces.length ? `  multicast on ${p.interfaces.map((i) => `${i.name} (${i.cidr}${i.ipv6LinkLocal ? ', IPv6 link-local' : ''})`).join(', ')}` : '  no multicast interface');
    if (p.unicastTargets.size) lines.push(`  unicast to ${p.unicastTargets.size} host${p.unicastTargets.size === 1 ? '' : 's'}`);
    if (!p.passive) lines.push('  follow-up requests only to the targets; anyone else who answers is listed as seen, not probed');
  }
  return [...lines, ...p.notes.map((n) => `note: ${n}`)];
}

/** [first, last] of "a.b.c.d/n", or undefined. */
export function cidrRange(cidr: string): [number, number] | undefined {
  const [base, p] = cidr.split('/');
  const b = ipToInt(base);
  const prefix = Number(p);
  if (b === undefined || !(Number.isInteger(prefix) && prefix >= 0 && prefix <= 32)) return undefined;
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  const first = (b & mask) >>> 0;
  return [first, (first | (~mask >>> 0)) >>> 0];
}

export function inCidr(ip: string, cidr: string): boolean {
  const a = ipToInt(ip);
  const r = cidrRange(cidr);
  return a !== undefined && r !== undefined && a >= r[0] && a <= r[1];
}

/** Judge a finished observation record. Pure. */
export function assess(rec: ObservationRecord, k: Knowledge, errors: HostError[] = [], results?: ModuleResult[], formed?: { sightings?: DeviceSighting[]; notes?: string[] }): DeviceReport {
  const identification = identify(rec, k.kb, k.macVendor);
  const verdict = judge(identification, k.policy, k.kb.vocab);
  return {
    device_id: deviceId(identityKey(rec, identification)),
    ip: rec.ip, ...(rec.addresses?.length ? { addresses: rec.addresses } : {}), ...(rec.mac ? { mac: rec.mac } : {}),
    ...(rec.hostname ? { hostname: rec.hostname } : {}),
    open_ports: rec.open_ports ?? [], seen_by: rec.seen_by ?? [],
    ...(formed?.sightings ? { sightings: formed.sightings } : {}), ...(formed?.notes?.length ? { notes: formed.notes } : {}),
    observations: rec, identification, verdict, errors,
    ...(results ? { results } : {}),
  };
}

/** The device with `notes` after its sightings (the report's key order). */
function withNotes(d: DeviceReport, notes: string[]): DeviceReport {
  const { observations, identification, verdict, errors, results, ...head } = d;
  return { ...head, notes, observations, identification, verdict, errors, ...(results ? { results } : {}) };
}

/** IPv4 numerically, then IPv6 (link-local with zone included), then anything else; never throws. */
export function compareIp(a: string, b: string): number {
  return compareAddresses(a, b);
}

export interface HostResult { record: ObservationRecord; errors: HostError[]; results: ModuleResult[]; /** When the host was scanned (ISO). */ at: string }

/** What the sweep gives back: records of hosts with an open port, and hosts a local error kept from being scanned. */
export interface SweepResult {
  hosts: HostResult[]; notScanned: NotScanned[]; recovered: number; /** Hosts taken through the sweep (fewer than planned when interrupted). */ swept: number;
  /** host:port checks that timed out while the process stood still, every try: not seen. */
  blind?: string[];
}

/** What the sweep shares with the rest of the scan: the connection budget, the loop monitor, the parent scope. */
export interface SweepEnv {
  budget?: AdaptiveLimiter; loop?: LoopHealth; scope?: Scope;
  /** The run's one --rate token bucket, shared with discovery's unicast sends (default: one of the sweep's own). */
  rate?: () => Promise<void>;
  /** The makers a host's MAC prefix points to, read once its ports answered (weak evidence that orders the HTTP probe's extra vendor requests). */
  makersOf?: (ip: string) => readonly string[] | undefined;
}

/** Tries after a local resource error (EMFILE, ENOBUFS, …) and the first pause between them (doubling). */
export const LOCAL_RETRIES = 6;
export const LOCAL_RETRY_MS = 50;

/**
 * Run `attempt` until it does not fail with a local resource error: after each such failure the shared
 * budget is halved (backoff) and a doubling pause follows. Returns the last result and the local error
 * that remained, if any.
 */
async function pastLocalErrors<R>(attempt: () => Promise<R>, codeOf: (r: R) => string | undefined, budget: AdaptiveLimiter, stop: () => boolean, onRecovered: () => void, first?: { r: R }): Promise<{ r: R; local?: string }> {
  for (let n = 0; ; n++) {
    const r = n === 0 && first ? first.r : await attempt();
    const code = codeOf(r);
    if (!isLocalError(code)) {
      budget.ok();
      if (n > 0) onRecovered();
      return { r };
    }
    budget.backoff();
    if (n + 1 >= LOCAL_RETRIES || stop()) return { r, local: code };
    await pause(LOCAL_RETRY_MS * 2 ** n + Math.random() * LOCAL_RETRY_MS);
  }
}

const exchangeCode = (r: ExchangeResult) => (r.end === 'error' ? r.code : undefined);
const connectCode = (r: ConnectResult) => r.code;

/**
 * TCP sweep + probes on open ports. Hosts are taken one at a time from `hosts` (a HostSet or any
 * iterable: never expanded into a list) by a pool of workers; each host runs under its own deadline.
 */
export async function sweepHosts(hosts: Iterable<string> & ({ size: number } | { length: number }), names: Map<string, string>, o: ScanOptions, hooks: ScanHooks = {}, signal?: AbortSignal, env: SweepEnv = {}): Promise<SweepResult> {
  const net = o.net ?? { exchange, connectCheck, session };
  const probeList = o.probes ?? Object.values(registry);
  const budget = env.budget ?? adaptiveLimiter(Math.max(1, o.concurrency));
  const root = env.scope ? env.scope.child() : Scope.linked(signal);
  const take = env.rate ?? rateLimiter(o.rate);
  const ping = o.ping !== false && o.ports.length > LIVENESS_PORTS;
  const perHost = ping ? LIVENESS_PORTS : Math.max(1, o.ports.length);
  const total = 'size' in hosts ? hosts.size : hosts.length;
  const workers = Math.max(1, Math.min(total || 1, Math.ceil(budget.max / perHost) + 4));
  const livenessPorts = ping ? pickLivenessPorts(o.ports) : [];
  const hostResults: HostResult[] = [];
  const notScanned: NotScanned[] = [];
  const blind: string[] = [];
  let recovered = 0;
  let done = 0;
  // The extra vendor requests' outcomes across the sweep's hosts (src/probes/fleet.ts).
  const fleet = new ScanFleet();
  const connectTimeout = adaptiveTimeout(o.timeoutMs, o.minTimeoutMs);
  const deadlines = new ConnectDeadlines(connectTimeout.current);
  // One listener for all the sweep's connect checks: stopping the sweep ends them at once.
  if (root.aborted) deadlines.abortAll();
  else root.signal.addEventListener('abort', () => deadlines.abortAll(), { once: true });

  // Per host, until a port answers open, only what the connect checks need: an absent host, the
  // common case of a sparse block, costs its checks and nothing else. The host's scope (its deadline,
  // counted from when the host was taken) and the probe machinery (record, probe context, kept
  // connections) are made when they are first needed, i.e. when a port opens. Connect checks need no
  // scope of their own: the sweep's deadline queue ends them all when the sweep is stopped, and they
  // cannot outlast the host's deadline (eagerHost: unless --host-timeout is that short).
  interface HostRun {
    readonly ip: string; readonly at: number; readonly errors: HostError[]; local?: string;
    scope?: Scope; probe?: HostProbes;
  }
  const eagerHost = o.hostTimeoutMs < (STALL_RETRIES + 1) * 2 * o.timeoutMs;
  const scopeOf = (h: HostRun): Scope => (h.scope ??= root.child(Math.max(0, o.hostTimeoutMs - (Date.now() - h.at))));
  const hostAborted = (h: HostRun): boolean => (h.scope ? h.scope.aborted : root.aborted);
  const limited = o.rate > 0 || env.rate !== undefined;
  interface HostProbes {
    rec: ObservationRecord; results: ModuleResult[]; evidence: HostEvidence; ctx: ProbeContext;
    /** Connections a connect check kept open for the first probe of that port (the edge's own sockets only). */
    kept: Map<number, KeptConnection>; jobs: Array<Promise<void>>; probed: Set<number>;
  }
  const guard = async <R>(h: HostRun, attempt: () => Promise<R>, codeOf: (r: R) => string | undefined, first?: { r: R }): Promise<R> => {
    const g = await pastLocalErrors(attempt, codeOf, budget, () => hostAborted(h), () => { recovered++; }, first);
    if (g.local) h.local ??= g.local;
    return g.r;
  };
  const probesOf = (h: HostRun): HostProbes => {
    if (h.probe) return h.probe;
    const { ip } = h;
    const host = scopeOf(h);
    const kept = new Map<number, KeptConnection>();
    // Each request of a probe gets its own child of the host's scope (one listener each, on its own signal).
    // --rate counts new connections: a token before each connect, none for a request on a kept one.
    const probeNet: NetApi = {
      connectCheck: (hh, p, t) => guard(h, () => host.run(async (c) => { await take(); return net.connectCheck(hh, p, t, c.signal); }), (x: ConnectResult) => x.code),
      exchange: (x) => guard(h, () => host.run(async (c) => { await take(); return net.exchange({ ...x, signal: c.signal }); }), exchangeCode),
      session: (x) => {
        const sc = host.child();
        const over = kept.get(x.port);
        kept.delete(x.port);
        const opts = { ...x, signal: sc.signal, beforeConnect: take };
        const s = over ? session(opts, over) : openSession(net, opts);
        return {
          get connections() { return s.connections; },
          // The first try without guard's frames (a dense LAN's ~5,000 requests come here).
          request: (r) => s.request(r).then((x) => {
            if (!isLocalError(exchangeCode(x))) { budget.ok(); return x; }
            return guard(h, () => s.request(r), exchangeCode, { r: x });
          }),
          reset: () => s.reset(),
          close: () => { s.close(); sc.dispose(); },
        };
      },
    };
    // What the host showed so far, shared by its probes (the likelihood order of extra vendor requests):
    // its ports as they are found open (a port's probes start at once, so a probe sees the ports found
    // before it) and the maker of its MAC prefix, read from the neighbour table once a port answered.
    const evidence: HostEvidence = hostEvidence([]);
    const ctx: ProbeContext = { timeoutMs: o.timeoutMs, maxBytes: o.maxBytes, signal: host.signal, net: probeNet, userAgent: o.userAgent, httpPaths: o.httpPaths, host: evidence, fleet };
    const rec: ObservationRecord = { ip, ...(names.get(ip) ? { hostname: names.get(ip) } : {}), open_ports: [], seen_by: ['tcp'] };
    return (h.probe = { rec, results: [], evidence, ctx, kept, jobs: [], probed: new Set() });
  };
  const runProbe = async (h: HostRun, hp: HostProbes, p: Probe, port: number): Promise<void> => {
    const t0 = performance.now();
    try {
      const r = await p.run({ ip: h.ip, port, hostname: names.get(h.ip) }, hp.ctx);
      mergeRecord(hp.rec, r.record);
      if (Object.keys(r.record).length) mergeRecord(hp.rec, { seen_by: [p.name] });
      h.errors.push(...r.errors);
      hp.results.push(probeResult(p.name, port, r.record, r.errors, Math.round(performance.now() - t0)));
    } catch (e) {
      const message = String((e as Error)?.message ?? e).slice(0, 200);
      h.errors.push({ stage: p.name, port, ...coded('INTERNAL'), message });
      hp.results.push({ module: p.name, port, status: 'internal-error', duration_ms: Math.round(performance.now() - t0), code: 'INTERNAL', error: message });
    }
  };
  // A port's probes start as soon as it is found open, not after the host's other checks: the first
  // in the connect check's own slot of the budget, over the connection the check kept open (one
  // connection for the check and the first request); any other probe of the port takes a slot of its own.
  const probePort = async (h: HostRun, port: number, conn: KeptConnection | undefined): Promise<void> => {
    const hp = probesOf(h);
    if (!hp.evidence.openPorts.includes(port)) hp.evidence.openPorts = [...hp.evidence.openPorts, port].sort((a, b) => a - b);
    if (!hp.evidence.makers) { const m = env.makersOf?.(h.ip); if (m?.length) hp.evidence.makers = [...m]; }
    const list = probeList.filter((p) => p.ports.includes(port));
    if (hp.probed.has(port) || !list.length || hostAborted(h)) { dropKept(conn); return; }
    hp.probed.add(port);
    if (conn) hp.kept.set(port, conn);
    for (const p of list.slice(1)) hp.jobs.push(budget(() => runProbe(h, hp, p, port)));
    const first = runProbe(h, hp, list[0], port).finally(() => { dropKept(hp.kept.get(port)); hp.kept.delete(port); });
    hp.jobs.push(first);
    await first;
  };
  const keepable = new Map<number, boolean>();
  const keepPort = (port: number): boolean => {
    let k = keepable.get(port);
    if (k === undefined) keepable.set(port, k = !o.net && probeList.some((p) => p.ports.includes(port)));
    return k;
  };
  /**
   * One connect check of one port: a slot of the budget, a --rate token, the connect, and (an open
   * port) its first probe in the same slot (released when the probe is done: scanOne waits for it
   * among the host's jobs); then, as the check of a port in a host's batch, the stall retries. A
   * sweep keeps a thousand of these pending for a whole connect deadline (long enough for all they hold
   * to be promoted to the old generation), so each is one object, the sink of its own connect, instead
   * of a chain of async functions (an awaiting frame, a promise and two closures at each level: ~2 KB
   * more per pending check, test/pending.test.ts).
   */
  class PortCheck implements ConnectSink {
    private t0 = performance.now();
    private tries = 0;
    constructor(readonly h: HostRun, readonly port: number, private readonly to: CheckSink, private readonly slot: number, private readonly single: boolean) {}
    start(): void {
      if (budget.tryAcquire()) this.acquired();
      else budget.acquire().then(() => this.acquired(), (e: unknown) => this.to.failed(e));
    }
    private acquired(): void {
      if (limited) take().then(() => this.connect(), (e: unknown) => { budget.release(); this.to.failed(e); });
      else this.connect();
    }
    private connect(): void {
      const { h, port } = this;
      // The sweep's own connects share one deadline queue (one timer for all, the deadline read as it
      // adapts); a NetApi given in the options gets the adaptive deadline as a function.
      const signal = h.scope?.signal;
      try {
        if (!o.net) { connectQueuedTo(h.ip, port, deadlines, signal, keepPort(port), this); return; }
        const p = connectTimeout.settled() ? net.connectCheck(h.ip, port, connectTimeout.current(), signal ?? root.signal) : net.connectCheck(h.ip, port, o.timeoutMs, signal ?? root.signal, connectTimeout.current);
        p.then((r) => this.connected(r), (e: unknown) => { budget.release(); this.to.failed(e); });
      } catch (e) { budget.release(); this.to.failed(e); }
    }
    /** The connect's verdict (ConnectSink). */
    connected(x: ConnectResult & { sock?: KeptConnection }): void {
      let r: ConnectResult = x;
      if (x.state !== 'open') { dropKept(x.sock); budget.release(); }
      else {
        const { sock, ...res } = x;
        r = res;
        void probePort(this.h, this.port, sock).then(budget.release, budget.release);
      }
      if (this.single) { this.to.checked(this.slot, this.port, r); return; }
      if (isLocalError(r.code)) {
        guard(this.h, () => connectOnce(this.h, this.port), connectCode, { r }).then((g) => this.tried(g), (e: unknown) => this.to.failed(e));
        return;
      }
      budget.ok();
      this.tried(r);
    }
    private tried(r: ConnectResult): void {
      const { h, port } = this;
      // A timeout during which the process stood still for half its wait says nothing about the
      // host: try again (the stall is usually over), and count it as unseen if it stays in doubt.
      if (r.state === 'filtered' && env.loop && !hostAborted(h)) {
        const t1 = performance.now();
        if (env.loop.stoodStill(this.t0, t1) >= (t1 - this.t0) / 2) {
          if (this.tries >= STALL_RETRIES) blind.push(`${h.ip}:${port}`);
          else { this.tries++; this.t0 = performance.now(); this.start(); return; }
        }
      }
      // A round trip measured while the event loop lagged is the loop's delay, not the network's (and
      // one it answered without ever waiting for I/O, busy, mostly so: adaptiveTimeout).
      if ((r.state === 'open' || r.state === 'closed') && !env.loop?.lagging()) connectTimeout.sample(r.ms, r.busy);
      this.to.checked(this.slot, this.port, r);
    }
  }
  interface CheckSink { checked(slot: number, port: number, r: ConnectResult): void; failed(e: unknown): void }
  /** One try of a connect check (after a local resource error, under guard's pauses). */
  const connectOnce = (h: HostRun, port: number): Promise<ConnectResult> => new Promise((resolve, reject) => {
    new PortCheck(h, port, { checked: (_, __, r) => resolve(r), failed: reject }, 0, true).start();
  });

  /**
   * One host of the sweep, from its first connect check to its record. Its checks report to it (it
   * is their sink) and, until a port answers, nothing else exists for it: an absent host, the common
   * case of a sparse block, is this object, its checks and their sockets, with no async function
   * suspended for it (a frame, a promise and two closures per await, per host, kept for the whole
   * connect deadline: test/pending.test.ts).
   */
  class HostScan implements HostRun, CheckSink {
    readonly at = Date.now();
    readonly errors: HostError[] = [];
    local?: string;
    scope?: Scope;
    probe?: HostProbes;
    private states: Array<{ port: number; r: ConnectResult }> = [];
    private left = 0;
    private second = false;
    private over = false;
    constructor(readonly ip: string) {}
    begin(): void {
      if (eagerHost) scopeOf(this);
      this.checks(ping ? livenessPorts : o.ports);
    }
    /** The checks of `ports`, at once; their results kept in the order of `ports`. */
    private checks(ports: readonly number[]): void {
      const base = this.states.length;
      this.left = ports.length;
      if (!ports.length) { this.checksDone(); return; }
      for (let i = 0; i < ports.length; i++) new PortCheck(this, ports[i], this, base + i, false).start();
    }
    checked(slot: number, port: number, r: ConnectResult): void {
      if (this.over) return;
      this.states[slot] = { port, r };
      if (--this.left === 0) this.checksDone();
    }
    failed(e: unknown): void { this.end(undefined, e); }
    private checksDone(): void {
      if (ping && !this.second) {
        // Host discovery, as nmap does by default: a host that answers none of the first ports (no
        // SYN-ACK, no RST) is taken as down and its other ports are not tried. --no-ping sweeps all.
        // A host whose checks failed locally (EMFILE) is not "down": it was not looked at.
        if (!this.states.some((x) => x.r.state === 'open' || x.r.state === 'closed')) { this.end(undefined); return; }
        this.second = true;
        this.checks(o.ports.filter((p) => !livenessPorts.includes(p)));
        return;
      }
      hostRecord(this, this.states).then((res) => this.end(res), (e: unknown) => this.end(undefined, e));
    }
    private end(res: HostResult | undefined, error?: unknown): void {
      if (this.over) return;
      this.over = true;
      const { ip } = this;
      this.scope?.dispose();
      if (this.local) {
        notScanned.push({ ip, status: 'local-error', code: this.local });
        const r = hostResults.find((x) => x.record.ip === ip);
        r?.errors.push({ stage: 'host', ...coded(this.local), message: `not fully scanned: ${this.local} (a resource of this machine ran out)` });
      }
      hostEnded(ip, res, error);
    }
  }
  /** A host with an open port: its probes waited for, its record and results put in order. */
  const hostRecord = async (h: HostScan, states: Array<{ port: number; r: ConnectResult }>): Promise<HostResult | undefined> => {
    const open = states.filter((s) => s.r.state === 'open').map((s) => s.port).sort((a, b) => a - b);
    const { errors } = h;
    for (const s of states) if (s.r.state === 'error' && s.r.code !== 'ABORTED') errors.push({ stage: 'connect', port: s.port, ...coded(s.r.code ?? 'ERROR'), message: `connect failed (${s.r.code})` });
    if (open.length === 0) return undefined;
    const hp = probesOf(h);
    const { rec, results } = hp;
    for (const s of [...states].sort((a, b) => a.port - b.port)) results.push(connectResult(s.port, s.r));
    rec.open_ports = open;
    await Promise.all(hp.jobs);
    if (h.scope?.timedOut) errors.push({ stage: 'host', ...coded('HOST_TIMEOUT'), message: `host deadline of ${o.hostTimeoutMs} ms reached; results may be partial` });
    rec.http?.sort((a, b) => a.port - b.port);
    rec.rtsp?.sort((a, b) => a.port - b.port);
    results.sort((a, b) => (a.port ?? 0) - (b.port ?? 0) || Number(b.module === 'tcp') - Number(a.module === 'tcp') || a.module.localeCompare(b.module));
    const res: HostResult = { record: rec, errors, results, at: new Date(h.at).toISOString() };
    hostResults.push(res);
    return res;
  };

  // Hosts are taken one at a time from the iterator, at most `workers` at once (a host is taken when
  // another ends), until the targets run out or the sweep is stopped; the sweep ends when the last
  // host taken has ended, or at the first error (as Promise.all over the workers did).
  const iterator = hosts[Symbol.iterator]();
  let running = 0;
  let exhausted = false;
  let failure: { e: unknown } | undefined;
  let settle: { resolve: () => void; reject: (e: unknown) => void } | undefined;
  const finished = new Promise<void>((resolve, reject) => { settle = { resolve, reject }; });
  const pump = (): void => {
    while (!failure && !exhausted && running < workers && !root.aborted) {
      const next = iterator.next();
      if (next.done) { exhausted = true; break; }
      running++;
      try { new HostScan(next.value).begin(); } catch (e) { hostEnded(next.value, undefined, e); }
    }
    if (failure) settle?.reject(failure.e);
    else if (running === 0 && (exhausted || root.aborted)) settle?.resolve();
    else return;
    settle = undefined;
  };
  function hostEnded(ip: string, res: HostResult | undefined, error?: unknown): void {
    running--;
    if (error !== undefined) failure ??= { e: error };
    else {
      done++;
      try {
        hooks.onHostScanned?.(ip, res);
        hooks.onHostDone?.(done, total, hostResults.length);
      } catch (e) { failure ??= { e }; }
    }
    pump();
  }
  try {
    pump();
    await finished;
  } finally {
    root.dispose();
  }
  return { hosts: hostResults, notScanned, recovered, swept: done, blind };
}

/** Tries again of a connect check that timed out while the process stood still. */
export const STALL_RETRIES = 2;

/** The result of one connect check: open is success, closed refused, filtered a timeout (or unreachable). */
export function connectResult(port: number, r: ConnectResult): ModuleResult {
  const status: Status = r.state === 'open' ? 'success' : r.state === 'closed' ? 'refused' : classifyError(r.code ?? 'ETIMEDOUT');
  return { module: 'tcp', port, status, duration_ms: r.ms, ...(status !== 'success' && r.code ? { code: r.code } : {}) };
}

/**
 * The result of one probe on one port: success when it recorded something (truncated when a response
 * it kept was cut), otherwise the status of its first error.
 */
export function probeResult(module: string, port: number, record: Partial<ObservationRecord>, errors: HostError[], ms: number): ModuleResult {
  const mine = errors.filter((e) => e.port === undefined || e.port === port);
  const got = Object.keys(record).length > 0 && !(Object.keys(record).length === 1 && record.tls && !record.http);
  const first = mine[0];
  const statusOf = (e: HostError) => e.status ?? classifyError(e.code);
  let status: Status;
  if (got) status = mine.some((e) => statusOf(e) === 'truncated') ? 'truncated' : 'success';
  else status = first ? statusOf(first) : 'protocol-error';
  const err = status === 'success' ? undefined : mine.find((e) => statusOf(e) === status) ?? first;
  return { module, port, status, duration_ms: ms, ...(err ? { code: err.code, error: err.message } : {}) };
}

/** Ports tried first on every host to tell whether it is there at all. */
export const LIVENESS_PORTS = 2;
const LIVENESS_PREFERENCE = [80, 554, 443, 8080, 8000, 8443, 8554, 37777];

/** The ports used for host discovery: the most commonly open camera ports among those requested. */
export function pickLivenessPorts(ports: readonly number[], n = LIVENESS_PORTS): number[] {
  const pref = LIVENESS_PREFERENCE.filter((p) => ports.includes(p));
  return [...pref, ...ports.filter((p) => !pref.includes(p))].slice(0, n);
}

/**
 * Connect deadline that adapts to the network, as nmap's does: once a few handshakes (SYN-ACK or RST)
 * have been timed, absent hosts are given up on after 10× the 95th-percentile round trip (at least
 * `floor`, --min-timeout, 250 ms by default; never more than --timeout). Reads after a connect keep the
 * full --timeout.
 */
export function adaptiveTimeout(max: number, floor = 250): { current(): number; sample(ms: number, busy?: boolean): void; settled(): boolean } {
  const samples: number[] = [];
  floor = Math.min(floor, max);
  // Until round trips have been measured, start like nmap (1 s initial RTT timeout), capped by --timeout.
  let cached = Math.min(max, Math.max(floor, 1000));
  return {
    current: () => cached,
    settled: () => samples.length >= 8,
    // A busy sample (the loop never waited for I/O between the connect and its answer: a burst of
    // connects being issued, a poll phase full of other answers) is mostly the loop's own delay: that
    // is covered once with a margin of 2 (a fifth of its time, times 10), not multiplied by 10 as a
    // network round trip is. A slow network with a loop that waits gives the full 10x as before;
    // --min-timeout raises the floor for a slow link on a machine too busy to wait.
    sample(ms: number, busy = false) {
      samples.push(busy ? ms / BUSY_SHARE : ms);
      if (samples.length > 256) samples.shift();
      if (samples.length < 8) return;
      const sorted = [...samples].sort((a, b) => a - b);
      const p95 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))];
      cached = Math.min(max, Math.max(floor, Math.ceil(p95 * 10) + 50));
    },
  };
}

/** How much less a busy round-trip sample counts than a network one (adaptiveTimeout). */
const BUSY_SHARE = 5;

/** Back-compatible TCP-only scan: sweep, then judge each host. */
export async function scanHosts(hosts: string[], names: Map<string, string>, o: ScanOptions, k: Knowledge, hooks: ScanHooks = {}, signal?: AbortSignal): Promise<DeviceReport[]> {
  const res = await sweepHosts(hosts, names, o, hooks, signal);
  return res.hosts.map((r) => assess(r.record, k, r.errors)).sort((a, b) => compareIp(a.ip, b.ip));
}

export interface DiscoveryRuntime {
  modules: Partial<Record<DiscoveryName, DiscoveryModule>>;
  udp: UdpApi;
  http: HttpApi;
  /** MAC for an address from the kernel neighbour table (after contact), if on the same link. */
  neighbours?: () => Map<string, string>;
  log?: (msg: string) => void;
}

/** Grace after discovery's hard stop before a module that does not end is left behind. */
const HARD_STOP_GRACE_MS = 1000;

/** The hard stop of discovery: the listening window plus time for follow-up calls. */
export function discoveryHardStopMs(plan: Pick<ScanPlan, 'listenMs' | 'options'>): number {
  return plan.listenMs + plan.options.timeoutMs * 4 + 2000;
}

/**
 * Run every selected discovery module at once; a module that fails is reported, never fatal. Each
 * module has its own scope (one signal per module, its follow-up requests under children of it), and
 * the whole run ends at the hard stop whatever arrives.
 */
export async function runDiscovery(plan: ScanPlan, rt: DiscoveryRuntime, parent?: AbortSignal | Scope, budget?: AdaptiveLimiter, shared?: { rate?: () => Promise<void> }): Promise<{ sightings: Sighting[]; errors: string[]; localErrors: string[]; ms: Record<string, number>; results: ModuleResult[] }> {
  const names = plan.protocols.filter((p): p is DiscoveryName => p !== 'tcp');
  const sightings: Sighting[] = [];
  const errors: string[] = [];
  const localErrors: string[] = [];
  const ms: Record<string, number> = {};
  // Each module's outcome: what went wrong for it (first problem wins), keyed by module name.
  const trouble = new Map<string, { status: Status; code?: string; error: string }>();
  const note = (n: string, status: Status, error: string, code?: string) => { if (!trouble.has(n)) trouble.set(n, { status, error: error.slice(0, 200), ...(code ? { code } : {}) }); };
  const scope = parent instanceof Scope ? parent.child() : Scope.linked(parent);
  const limit = budget ?? adaptiveLimiter(Math.max(1, plan.options.concurrency));
  const rate = shared?.rate ?? rateLimiter(plan.options.rate);
  const inScope = (ip: string) => plan.scope.has(ip) && (plan.allowPublic || !isPublic(ip));
  let open = true;
  const hardMs = discoveryHardStopMs(plan);
  const hard = setTimeout(() => scope.abort(new Error('discovery hard stop')), hardMs);
  let graceTimer: NodeJS.Timeout | undefined;
  const finished = new Set<string>();
  try {
    const all = Promise.all(names.map(async (n) => {
      const m = rt.modules[n];
      if (!m) { errors.push(`${n}: no such discovery module`); note(n, 'internal-error', 'no such discovery module'); finished.add(n); return; }
      const mine = scope.child();
      const http: HttpApi = {
        // Every follow-up request takes a slot of the scan's connection budget and gets its own signal.
        fetch: (url, o) => limit(async () => {
          const g = await pastLocalErrors(() => mine.run((c) => rt.http.fetch(url, { ...o, signal: c.signal })),
            (r: HttpFetchResult | HttpFetchError) => ('error' in r ? r.code : undefined), limit, () => mine.aborted, () => {});
          if (g.local) { localErrors.push(`${n}: request to ${url.slice(0, 80)}: ${g.local}`); note(n, 'local-error', `request to ${url.slice(0, 80)}: ${g.local}`, g.local); }
          return g.r;
        }),
      };
      const ctx: DiscoveryContext = {
        signal: mine.signal, listenMs: plan.listenMs, interfaces: plan.interfaces, unicastTargets: plan.unicastTargets, passive: plan.passive,
        inScope, udp: rt.udp, http, rate, timeoutMs: plan.options.timeoutMs, maxBytes: plan.options.maxBytes,
        userAgent: plan.options.userAgent, credentials: plan.credentials, log: rt.log ?? (() => {}),
        onLocalError: (what, code) => { localErrors.push(`${what}: ${code}`); note(n, 'local-error', what, code); },
      };
      const t0 = performance.now();
      try {
        await m.run(ctx, (s) => { if (open) sightings.push(s); });
      } catch (e) { const msg = String((e as Error)?.message ?? e).slice(0, 200); errors.push(`${n}: ${msg}`); note(n, 'internal-error', msg, 'INTERNAL'); }
      finally { mine.dispose(); }
      ms[n] = Math.round(performance.now() - t0);
      finished.add(n);
    }));
    const late = new Promise<void>((r) => { graceTimer = setTimeout(r, hardMs + HARD_STOP_GRACE_MS); });
    await Promise.race([all, late]);
    for (const n of names) if (!finished.has(n)) { errors.push(`${n}: did not stop at the hard stop (${hardMs} ms); left behind`); ms[n] = hardMs; note(n, 'timeout', `did not stop at the hard stop (${hardMs} ms); left behind`, 'HOST_TIMEOUT'); }
  } finally {
    open = false;
    clearTimeout(hard);
    clearTimeout(graceTimer);
    scope.abort(new Error('discovery over'));
    scope.dispose();
  }
  const aborted = parent instanceof Scope ? parent.aborted : parent?.aborted ?? false;
  const results: ModuleResult[] = names.map((n) => {
    const t = trouble.get(n);
    return { module: n, status: t?.status ?? (aborted ? 'aborted' : 'success'), duration_ms: ms[n] ?? 0, ...(t?.code ? { code: t.code } : {}), ...(t ? { error: t.error } : {}) };
  });
  return { sightings, errors, localErrors, ms, results };
}

/**
 * A discovery sighting as merge input. An IPv6 sighting whose MAC (payload or EUI-64) the neighbour
 * table gives to exactly one IPv4 address also carries that address as an alias, so the two join.
 */
export function toSeen(s: Sighting, neigh?: Map<string, string>): Seen {
  const link = neigh?.get(s.ip);
  const seen: Seen = { ip: s.ip, protocol: s.protocol, mac: s.mac, ...(s.macFrom ? { macFrom: s.macFrom } : {}), ...(link ? { linkMac: link } : {}), serial: s.serial, endpoint: s.endpoint, at: s.at, record: s.record };
  const aliases = [...(s.aliases ?? [])];
  if (neigh && s.mac && s.ip.includes(':')) {
    const mac = s.mac.toUpperCase();
    const v4 = [...neigh].filter(([, m]) => m.toUpperCase() === mac).map(([ip]) => ip);
    if (v4.length === 1 && !aliases.some((a) => ipKey(a) === v4[0])) aliases.push(v4[0]);
  }
  if (aliases.length) seen.aliases = aliases;
  return seen;
}

/** What identifies one formed device across passes: its addresses and MAC. */
function formedKey(ip: string, addresses: readonly string[] | undefined, mac: string | undefined): string {
  return `${(addresses ?? [ip]).join(',')}|${mac ?? ''}`;
}

/**
 * Hands out devices as soon as their verdict is final. A TCP host joins other sightings only by its
 * address (its own record carries no MAC, serial or endpoint), so once discovery has stopped listening,
 * a device is final when every address of it that the sweep covers is done. Devices that share an
 * identifier with another one (a note names the other) wait for the end of the run. Passes are
 * batched (at most one per BATCH_MS, longer as the scan grows) so the cost stays linear-ish.
 */
class DeviceStream {
  private sightings: readonly Sighting[] | undefined;
  private readonly hosts: HostResult[] = [];
  /**
   * Swept addresses that matter: every answering host, and a silent one only when a discovery sighting
   * names it (kept for all until discovery is done, then pruned), so a /8 sweep does not fill memory.
   */
  private readonly done = new Set<string>();
  private interest: Set<string> | undefined;
  private readonly out = new Map<string, DeviceReport>();
  private readonly handed = new Set<DeviceReport>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private lastMs = 0;
  /** What went wrong in a pass (it runs from a timer): thrown by executePlan when the run ends. */
  error: unknown;
  constructor(private readonly plan: ScanPlan, private readonly form: (hosts: readonly HostResult[], sightings: readonly Sighting[], only: (m: MergedDevice) => boolean) => DeviceReport[], private readonly emit: (d: DeviceReport) => void) {
    if (!plan.protocols.some((p) => p !== 'tcp')) { this.sightings = []; this.interest = new Set(); }
  }
  discoveryDone(s: readonly Sighting[]): void {
    this.sightings = s;
    this.interest = new Set(s.flatMap((x) => [x.ip, ...(x.aliases ?? [])]));
    const answering = new Set(this.hosts.map((h) => h.record.ip));
    for (const ip of this.done) if (!answering.has(ip) && !this.interest.has(ip)) this.done.delete(ip);
    this.schedule();
  }
  hostDone(ip: string, r: HostResult | undefined): void {
    if (r || !this.interest || this.interest.has(ip)) this.done.add(ip);
    if (r) { this.hosts.push(r); this.schedule(); }
    else if (this.interest?.has(ip)) this.schedule();
  }
  stop(): void { this.stopped = true; if (this.timer) clearTimeout(this.timer); }
  /** The object handed out for this device, when it was. */
  emitted(d: DeviceReport): DeviceReport | undefined { return this.out.get(formedKey(d.ip, d.addresses, d.mac)); }
  wasEmitted(d: DeviceReport): boolean { return this.handed.has(d); }
  private schedule(): void {
    if (this.stopped || this.timer || !this.sightings) return;
    // A pass over n sightings costs about n; spacing passes by their own cost keeps the total near-linear.
    this.timer = setTimeout(() => {
      this.timer = undefined;
      try { this.pass(); } catch (e) { this.error ??= e; this.stop(); }
    }, Math.max(100, this.lastMs * 4));
  }
  private pass(): void {
    if (this.stopped || !this.sightings) return;
    const t0 = performance.now();
    const final = (m: MergedDevice): boolean => {
      if (m.shared.length) return false;
      const rec = m.record;
      if (this.out.has(formedKey(rec.ip, rec.addresses, rec.mac))) return false;
      for (const x of m.seen) for (const ip of [x.ip, ...(x.aliases ?? [])]) if (this.plan.hosts.has(ip) && !this.done.has(ip)) return false;
      return true;
    };
    for (const d of this.form(this.hosts, this.sightings, final)) {
      const key = formedKey(d.ip, d.addresses, d.mac);
      if (this.out.has(key)) continue;
      this.out.set(key, d);
      this.handed.add(d);
      this.emit(d);
    }
    this.lastMs = performance.now() - t0;
  }
}

/** Apply a plan: discovery and TCP sweep together, merged per physical device, judged. */
export interface ScanStats { duration_ms: number; tcp_ms?: number; discovery_ms?: Record<string, number>; sightings: number }

export interface ScanOutcome {
  devices: DeviceReport[];
  warnings: string[];
  stats: ScanStats;
  /** Devices that answered discovery from outside the targets: what they announced; never contacted. */
  seenNotProbed: SeenNotProbed[];
  /** Hosts a local resource error kept from being scanned (the scan could not see them). */
  notScanned: NotScanned[];
  /** Local resource errors discovery could not get past. */
  localErrors: string[];
  /** Hosts the TCP sweep went through (all of plan.hosts unless interrupted). */
  hostsSwept: number;
  /** How each module of the run went (the TCP sweep and each discovery module). */
  results: ModuleResult[];
  /** A shard's run: every sighting as it came (TCP hosts with their errors and results, every discovery answer), for camsweep merge. */
  raw?: Array<{ seen: Seen; errors?: HostError[]; results?: ModuleResult[] }>;
  /** Why the results cannot be trusted (the event loop was starved while scanning), if so: the scan is incomplete. */
  degraded?: string;
  /**
   * When each part of the run went, in ms from its start (performance clock): discovery (from its
   * first socket to its last follow-up) and the TCP sweep run at once, so the run takes about the
   * longer of the two, not their sum.
   */
  phases: RunPhase[];
}

/** One part of a run: discovery (every module) or the TCP sweep, from start to end in ms after the run began. */
export interface RunPhase { phase: 'discovery' | 'tcp'; start_ms: number; end_ms: number }

/**
 * Sightings -> devices, the one formation a scan and `camsweep merge` share: merged per physical device
 * (mergeDevices), the neighbour-table MAC filled in where no payload gave one, judged, and what the
 * merge did not join noted. A Seen that stands for a device of a saved report carries that device's
 * sightings (`formed`). Pure; devices in address order.
 */
export function formDevices(seen: Seen[], k: Knowledge, a: {
  neigh?: Map<string, string>; errorsByIp?: Map<string, HostError[]>; resultsByIp?: Map<string, ModuleResult[]>;
  /** When the neighbour table was read for an address (a saved report's arp sighting); default now. */
  neighAt?: Map<string, string>; now?: string;
  /** Judge only these merged devices (a streaming pass judges the ones whose verdict became final). */
  only?: (m: MergedDevice) => boolean;
  /** Called after each device is judged (the scan's heap keeper looks there: the loop is held until every device is formed). */
  tick?: () => void;
} = {}): DeviceReport[] {
  const all = mergeDevices(seen);
  const merged = a.only ? all.filter(a.only) : all;
  const index = new Map(merged.map((m, i) => [all.indexOf(m), i]));
  const now = a.now ?? new Date().toISOString();
  const neigh = a.neigh;
  const formed = merged.map((m) => {
    const rec = m.record;
    const sightings: DeviceSighting[] = m.seen.flatMap((s) => s.formed ?? [{ module: s.protocol, address: s.ip, identifier: sightingIdentifier(s), at: s.at ?? now }]);
    if (!rec.mac && neigh) {
      for (const ip of rec.addresses ?? [rec.ip]) {
        const mac = neigh.get(ip);
        if (!mac) continue;
        rec.mac = mac; rec.mac_from = 'arp'; rec.seen_by = [...new Set([...(rec.seen_by ?? []), 'arp'])].sort();
        sightings.push({ module: 'arp', address: ip, identifier: `mac:${mac.toLowerCase()}`, at: a.neighAt?.get(ip) ?? now });
        break;
      }
    }
    return { rec, sightings };
  });
  const assessed = formed.map(({ rec, sightings }) => {
    const errs = (rec.addresses ?? [rec.ip]).flatMap((ip) => a.errorsByIp?.get(ip) ?? []);
    const res = (rec.addresses ?? [rec.ip]).flatMap((ip) => a.resultsByIp?.get(ip) ?? []);
    const dev = assess(rec, k, errs, res, { sightings });
    a.tick?.();
    return dev;
  });
  // What the merge did not join: an identifier shared with another device whose MAC differs.
  const devices = assessed.map((dev, i) => {
    // In the order of the other devices (by address), whatever order the sightings came in.
    const shared = [...merged[i].shared].sort((x, y) => x.other - y.other || x.kind.localeCompare(y.kind) || x.value.localeCompare(y.value));
    const notes = [...new Set(shared.map((x) => {
      const other = assessed[index.get(x.other) ?? -1];
      return `shares ${x.kind} ${x.value} with ${other?.device_id ?? 'another device'} (${other?.ip ?? all[x.other].record.ip}): its MAC differs, so it is another device`;
    }))];
    return notes.length ? withNotes(dev, notes) : dev;
  });
  return devices.sort((x, y) => compareIp(x.ip, y.ip));
}

/** Where the sightings of a run may go: the targets, this shard's part of them, whether answers from outside the targets are dropped. */
export interface AssembleScope {
  scope: { has(ip: string): boolean };
  /** A shard's part (--shard): discovery answers from any other address are not formed into devices here but kept as they came (`foreign`). */
  part?: { has(ip: string): boolean };
  restrictToTargets: boolean;
}

/** What announced itself from outside the targets, one entry per device. */
export function seenNotProbedOf(outside: Seen[]): SeenNotProbed[] {
  return mergeSightings(outside).map((rec) => {
    const { ip, addresses, mac, mac_from: _from, seen_by, hostname, ...announced } = rec;
    return { ip, status: 'not-in-scope' as const, ...(addresses?.length ? { addresses } : {}), ...(mac ? { mac } : {}), ...(hostname ? { hostname } : {}), seen_by: (seen_by ?? []).filter((p) => p !== 'tcp'), announced };
  });
}

/**
 * The sightings of a run -> its devices and what was seen from outside the targets. TCP sightings
 * are always targets. An IPv6 (link-local) answer is never a target itself: it is kept when it is the
 * same device as a target (same MAC, serial, endpoint or declared address), so it merges into that
 * device; any other answer from outside the targets is listed as seen, not probed. A shard keeps the
 * discovery answers from addresses outside its part (multicast answers from other parts' hosts, from
 * outside the targets, IPv6 ones) as they came, for `camsweep merge` to place with every part's
 * sightings before it: forming them here, without the sightings of their own part, could join what
 * one scan keeps apart. Pure.
 */
export function assemble(p: AssembleScope, tcpSeen: Seen[], disc: Seen[], k: Knowledge, f: Parameters<typeof formDevices>[2] = {}): { devices: DeviceReport[]; seenNotProbed: SeenNotProbed[]; foreign: Seen[] } {
  let discSeen = disc;
  let foreign: Seen[] = [];
  if (p.part) {
    const part = p.part;
    foreign = discSeen.filter((s) => !part.has(s.ip));
    discSeen = discSeen.filter((s) => part.has(s.ip));
  }
  let outside: Seen[] = [];
  if (p.restrictToTargets) {
    const inside = discSeen.filter((s) => p.scope.has(s.ip));
    const v6 = discSeen.filter((s) => !p.scope.has(s.ip) && s.ip.includes(':'));
    const linked = new Set<Seen>();
    if (v6.length) {
      const pool = [...tcpSeen, ...inside, ...v6];
      const roots = groupSightings(pool);
      const targetRoots = new Set(roots.slice(0, tcpSeen.length + inside.length));
      v6.forEach((s, i) => { if (targetRoots.has(roots[tcpSeen.length + inside.length + i])) linked.add(s); });
    }
    outside = discSeen.filter((s) => !p.scope.has(s.ip) && !linked.has(s));
    discSeen = discSeen.filter((s) => p.scope.has(s.ip) || linked.has(s));
  }
  return { devices: formDevices([...tcpSeen, ...discSeen], k, f), seenNotProbed: seenNotProbedOf(outside), foreign };
}

export async function executePlan(plan: ScanPlan, k: Knowledge, rt: DiscoveryRuntime | undefined, hooks: ScanHooks = {}, signal?: AbortSignal): Promise<ScanOutcome> {
  const warnings: string[] = [];
  const t0 = performance.now();
  let tcpMs: number | undefined;
  const root = Scope.linked(signal);
  const budget = adaptiveLimiter(Math.max(1, plan.options.concurrency));
  // One --rate for the run: the sweep's new connections and discovery's unicast datagrams take tokens from the same bucket.
  const rate = rateLimiter(plan.options.rate);
  const loop = new LoopHealth().start();
  const heap = new HeapKeeper().start();
  const phases: RunPhase[] = [];
  let dd: Awaited<ReturnType<typeof runDiscovery>> | undefined;
  let t: SweepResult;
  // The neighbour table fills as the run makes contact: read it when devices are formed, never before the run.
  /** The sweep's hosts and discovery's sightings as sightings of one kind, with each host's errors and results. */
  const collect = (hosts: readonly HostResult[], sightings: readonly Sighting[], neigh: Map<string, string> | undefined) => {
    const errorsByIp = new Map<string, HostError[]>();
    const resultsByIp = new Map<string, ModuleResult[]>();
    const tcpSeen: Seen[] = [];
    for (const r of hosts) {
      const link = neigh?.get(r.record.ip);
      tcpSeen.push({ ip: r.record.ip, protocol: 'tcp', record: r.record, at: r.at, ...(link ? { linkMac: link } : {}) });
      errorsByIp.set(r.record.ip, r.errors);
      resultsByIp.set(r.record.ip, r.results);
    }
    return { tcpSeen, discSeen: sightings.map((s) => toSeen(s, neigh)), errorsByIp, resultsByIp };
  };
  // A host on this link is in the neighbour table once its ports answered: its MAC prefix orders the extra vendor requests.
  const neighbours = rt?.neighbours;
  const makersOf = neighbours ? (ip: string) => { const m = makerOfMac(k.kb, k.macVendor, neighbours().get(ip)); return m ? [m] : undefined; } : undefined;
  const scopeOf: AssembleScope = { scope: plan.scope, ...(plan.shard ? { part: plan.hosts } : {}), restrictToTargets: plan.restrictToTargets };
  // Streaming (hooks.onDevice): devices whose verdict can no longer change are judged and handed out
  // while the sweep goes on; the end of the run forms every device again and keeps those objects.
  const stream = hooks.onDevice ? new DeviceStream(plan, (hosts, sightings, only) => {
    const neigh = rt?.neighbours?.();
    const c = collect(hosts, sightings, neigh);
    return assemble(scopeOf, c.tcpSeen, c.discSeen, k, { neigh, errorsByIp: c.errorsByIp, resultsByIp: c.resultsByIp, only }).devices;
  }, hooks.onDevice) : undefined;
  try {
    const since = () => Math.round(performance.now() - t0);
    const phase = <R>(name: RunPhase['phase'], p: () => Promise<R>): Promise<R> => {
      const ph: RunPhase = { phase: name, start_ms: since(), end_ms: -1 };
      phases.push(ph);
      return p().finally(() => { ph.end_ms = since(); });
    };
    const disc = rt && plan.protocols.some((p) => p !== 'tcp') ? phase('discovery', () => runDiscovery(plan, rt, root, budget, { rate })) : Promise.resolve(undefined);
    void disc.then((x) => stream?.discoveryDone(x?.sightings ?? []), () => {});
    const sweepHooks: ScanHooks = { ...hooks, onHostScanned: (ip, r) => { hooks.onHostScanned?.(ip, r); stream?.hostDone(ip, r); } };
    const tcp = plan.protocols.includes('tcp')
      ? phase('tcp', () => sweepHosts(plan.hosts, plan.names, plan.options, sweepHooks, undefined, { budget, loop, scope: root, makersOf, rate })).then((r) => { tcpMs = Math.round(performance.now() - t0); return r; })
      : Promise.resolve({ hosts: [], notScanned: [], recovered: 0, swept: 0 } as SweepResult);
    [dd, t] = await Promise.all([disc, tcp]);
  } finally {
    stream?.stop();
    loop.stop();
    heap.stop();
    root.dispose();
  }
  if (stream?.error) throw stream.error;
  const starved = loop.starvation(plan.options.timeoutMs);
  const blind = t.blind ?? [];
  const degraded = starved ? `${starved} while scanning: deadlines and round trips were the machine's, not the network's, so hosts and ports may have been missed`
    : blind.length ? `${blind.length} connection check(s) timed out while the event loop stood still (the process got no CPU), on every one of ${STALL_RETRIES + 1} tries (${blind.slice(0, 5).join(', ')}${blind.length > 5 ? ', …' : ''}): those ports were not seen`
      : undefined;
  if (degraded) warnings.push(`results may be incomplete: ${degraded}`);
  const d = dd ?? { sightings: [] as Sighting[], errors: [] as string[], localErrors: [] as string[], ms: undefined, results: [] as ModuleResult[] };
  for (const e of d.errors) warnings.push(`discovery ${e}`);
  const neigh = rt?.neighbours?.();
  const { tcpSeen, discSeen, errorsByIp, resultsByIp } = collect(t.hosts, d.sightings, neigh);
  // A shard keeps every sighting as it came (before the merge below changes any record) for camsweep merge.
  const raw = plan.shard ? [
    ...tcpSeen.map((s) => ({ seen: structuredClone(s), errors: errorsByIp.get(s.ip), results: resultsByIp.get(s.ip) })),
    ...discSeen.map((s) => ({ seen: structuredClone(s) })),
  ] : undefined;
  const formed = assemble(scopeOf, tcpSeen, discSeen, k, { neigh, errorsByIp, resultsByIp, tick: () => heap.poll() });
  const { seenNotProbed } = formed;
  if (seenNotProbed.length) warnings.push(`${seenNotProbed.length} device(s) answered discovery from outside the targets: seen, not probed (listed under seen_not_probed)`);
  const devices = formed.devices.map((dev) => {
    const out = stream?.emitted(dev) ?? dev;
    if (!stream?.wasEmitted(out)) hooks.onDevice?.(out);
    return out;
  });
  if (t.recovered) warnings.push(`${t.recovered} connection(s) failed for lack of local resources (EMFILE, ENOBUFS) and succeeded when retried`);
  if (t.notScanned.length) warnings.push(`${t.notScanned.length} host(s) could not be scanned: this machine ran out of resources (${[...new Set(t.notScanned.map((x) => x.code))].join(', ')}); raise ulimit -n or lower --concurrency`);
  for (const e of d.localErrors) warnings.push(`discovery could not look: ${e}`);
  const stats: ScanStats = { duration_ms: Math.round(performance.now() - t0), ...(tcpMs !== undefined ? { tcp_ms: tcpMs } : {}), ...(d.ms ? { discovery_ms: d.ms } : {}), sightings: d.sightings.length };
  const results: ModuleResult[] = [...d.results];
  if (plan.protocols.includes('tcp')) {
    const status: Status = t.notScanned.length ? 'local-error' : root.aborted || signal?.aborted ? 'aborted' : 'success';
    results.push({ module: 'tcp', status, duration_ms: tcpMs ?? 0, ...(t.notScanned.length ? { code: t.notScanned[0].code, error: `${t.notScanned.length} host(s) not scanned` } : {}) });
  }
  return { devices, warnings, stats, seenNotProbed, notScanned: t.notScanned, localErrors: d.localErrors, hostsSwept: t.swept, results, phases, ...(raw ? { raw } : {}), ...(degraded ? { degraded } : {}) };
}
