// The runner: what `scan`, `demo` and `explain` share. Options -> plan -> run -> report.
//
//   prepare(request, runtime)      the edge: interfaces, target resolution, descriptor budget -> Prepared
//   plan(request, prepared)        pure: what will be scanned, how (src/scan/scan.ts planScan)
//   run(plan, knowledge, runtime)  discovery and the TCP sweep, merged per device, judged -> ScanReport
//
// scan(), demo() and probe() put the three together; judge() is the offline path (identify, explain
// of a saved record). The CLI parses into a request, calls one of these, renders the report and picks
// the exit code; a library caller does the same through src/index.ts.
import type { Credential, DiscoveryName } from '../discovery/types.js';
import { type KnowledgeBase } from '../fingerprint/rules.js';
import { defaultKnowledgeBase, defaultMacLookup, httpPaths, loadPolicy } from '../data/load.js';
import type { NetIface } from '../model/net.js';
import type { DeviceReport, ObservationRecord, ScanReport } from '../model/types.js';
import { type Policy } from '../policy/policy.js';
import type { Baseline } from '../report/baseline.js';
import { buildReport } from '../report/report.js';
import { assess, describePlan, executePlan, PlanError, planScan, type Knowledge, type ProtocolName, type ScanOptions, type ScanOutcome, type ScanPlan } from '../scan/scan.js';
import { shardSightingOf } from '../scan/merge.js';
import { parseTarget, resolveTargets, type ResolvedTargets, type ShardSpec, type TargetSpec } from '../targets/targets.js';
import { clean } from '../util/sanitize.js';
import type { Runtime } from './runtime.js';
import { VERSION } from '../version.js';

export type { Runtime } from './runtime.js';
export { defaultRuntime } from './runtime.js';

/** A problem with what the user asked for (exit 2). */
export class UsageError extends Error {}
/** The run could not be carried out or could not see (exit 3). */
export class RunError extends Error {}

/** Everything a scan needs, every value given (src/cli/options.ts holds the defaults). */
export interface ScanRequest {
  /** Addresses, CIDR blocks, a.b.c.d-e ranges, hostnames. Empty: the local subnets (refused when forbidLocalSubnets). */
  targets: string[];
  ports: number[];
  protocols: ProtocolName[];
  passive: boolean;
  listenMs: number;
  /** Interfaces for multicast discovery (default: up, non-virtual ones holding a target). */
  interfaces?: string[];
  ipv6: boolean;
  timeoutMs: number;
  /** The least the adaptive connect deadline goes down to (--min-timeout; default 250 ms). */
  minTimeoutMs?: number;
  hostTimeoutMs: number;
  concurrency: number;
  /** --concurrency was not given: size it from the descriptor limit (planScan). */
  autoConcurrency?: boolean;
  rate: number;
  maxBytes: number;
  ping: boolean;
  allowPublic: boolean;
  maxHosts: number;
  credentials: Credential[];
  policy: string;
  failOn: string;
  userAgent: string;
  /** Refuse the no-target fallback (test harnesses outside a lab namespace). */
  forbidLocalSubnets?: boolean;
  /** Scan only part `index` of `count` of the targets (--shard K/N; docs/sharding.md). */
  shard?: ShardSpec;
  /** Accepted devices (src/report/baseline.ts): shown as accepted, and they do not fail --fail-on until they expire. */
  baseline?: Baseline;
}

export interface RunHooks {
  /** A line for the user (stderr): the plan, notes, warnings. */
  note?(line: string): void;
  /** What discovery modules log (stderr, indented). */
  log?(line: string): void;
  onHostDone?(done: number, total: number, found: number): void;
  onDevice?(d: DeviceReport): void;
  /** Called once everything the user gave is valid, before the first packet (the CLI checks its output file here). */
  ready?(): void;
  /** The signal that interrupted the run, if one did (SIGINT / SIGTERM): the report says so. */
  interrupted?(): 'SIGINT' | 'SIGTERM' | undefined;
}

export interface RunResult {
  report: ScanReport;
  /** Local resource errors kept hosts or protocols from being looked at (the CLI exits 3). */
  couldNotSee: boolean;
  /** Why, in one line, when couldNotSee. */
  why?: string;
  outcome: ScanOutcome;
  plan: ScanPlan;
}

/** The knowledge base and the policy (the data files are read here, at the edge). */
export function loadKnowledge(policyName: string): Knowledge & { kb: KnowledgeBase; policy: Policy } {
  const kb = defaultKnowledgeBase();
  return { kb, policy: loadPolicy(policyName, kb.vocab), macVendor: defaultMacLookup() };
}

export function scanOptions(r: Pick<ScanRequest, 'ports' | 'timeoutMs' | 'minTimeoutMs' | 'hostTimeoutMs' | 'concurrency' | 'rate' | 'maxBytes' | 'userAgent' | 'ping'>): ScanOptions {
  return {
    ports: r.ports, timeoutMs: r.timeoutMs, ...(r.minTimeoutMs !== undefined ? { minTimeoutMs: r.minTimeoutMs } : {}), hostTimeoutMs: r.hostTimeoutMs, concurrency: Math.max(1, r.concurrency),
    rate: r.rate, maxBytes: Math.max(1024, r.maxBytes), userAgent: r.userAgent, ping: r.ping, httpPaths: httpPaths(),
  };
}

/** What the edge found out for a request: interfaces, resolved targets, the descriptor budget. */
export interface Prepared {
  specs: TargetSpec[];
  explicit: boolean;
  interfaces: NetIface[];
  resolved: ResolvedTargets;
  fds?: { limit: number; open: number };
}

/** The edge part of planning: interfaces, targets (local subnets when none), DNS. Throws UsageError / TargetError / RunError. */
export async function prepare(req: ScanRequest, rt: Runtime, hooks: RunHooks = {}, checkFirst?: () => void): Promise<Prepared> {
  let interfaces: NetIface[];
  try { interfaces = rt.chooseInterfaces(req.interfaces); } catch (e) { throw new UsageError((e as Error).message); }
  if (!req.ipv6) interfaces = interfaces.map(({ ipv6LinkLocal: _v6, scopeId: _z, ...rest }) => rest);
  const explicit = req.targets.length > 0;
  const specs: TargetSpec[] = req.targets.map((w) => parseTarget(w));
  if (req.shard && !explicit) throw new UsageError(`--shard ${req.shard.index}/${req.shard.count} needs the targets named: every shard must split the same set, and each machine's local subnets differ`);
  if (req.shard && req.passive) throw new UsageError('--shard and --passive do not go together: passive listening sends nothing, so there is nothing to split; run it once');
  checkFirst?.();
  if (!explicit) {
    if (req.forbidLocalSubnets) throw new UsageError('no target given, and CAMSWEEP_FORBID_LOCAL_SUBNETS=1 forbids scanning the local subnets');
    const subnets = rt.localSubnets().filter((s) => !req.interfaces || req.interfaces.includes(s.iface));
    if (subnets.length === 0 && !req.passive) throw new RunError('no target given and no local IPv4 subnet found on an up, non-virtual interface; name targets explicitly');
    if (subnets.length) hooks.note?.(`No target given: the local subnets ${subnets.map((s) => `${s.cidr} (${s.iface})`).join(', ')}`);
    for (const sub of subnets) specs.push(parseTarget(sub.cidr));
  }
  const resolved = await resolveTargets(specs, { allowPublic: req.allowPublic, maxHosts: req.maxHosts, lookup: rt.lookup });
  return { specs, explicit, interfaces, resolved, fds: rt.fdBudget() };
}

/** Pure: the plan of a request on what prepare() found. */
export function plan(req: ScanRequest, p: Prepared): ScanPlan {
  try {
    return planScan({
      hosts: p.resolved.hosts, names: p.resolved.names, explicitTargets: p.explicit, protocols: req.protocols, interfaces: p.interfaces, allowPublic: req.allowPublic,
      interfaceNamed: Boolean(req.interfaces), passive: req.passive, listenMs: req.listenMs, options: scanOptions(req), credentials: req.credentials, fds: p.fds, autoConcurrency: req.autoConcurrency,
      ...(req.shard ? { shard: req.shard } : {}),
    });
  } catch (e) { if (e instanceof PlanError) throw new RunError(e.message); throw e; }
}

/** Apply a plan and build the report. */
export async function run(pl: ScanPlan, k: Knowledge, rt: Runtime, hooks: RunHooks, signal: AbortSignal | undefined, report: { command: ScanReport['command']; targets: string[]; options: Record<string, unknown>; hostsScanned?: (o: ScanOutcome) => number; warnings?: string[]; baseline?: Baseline }): Promise<RunResult> {
  const discovery = pl.protocols.some((p) => p !== 'tcp');
  const started = new Date();
  const drt = discovery ? { modules: rt.loadDiscovery ? await rt.loadDiscovery() : rt.discovery, udp: rt.udp(pl.passive), http: rt.http(), log: (m: string) => hooks.log?.(m), neighbours: () => rt.neighbours() } : undefined;
  // A baseline's acceptances are decided once per device, as it is judged (streamed output shows them too).
  const b = report.baseline;
  // Loaded only when a baseline is given: start-up opens as few files as it can.
  const { applyBaseline, BaselineTally } = b ? await import('../report/baseline.js') : { applyBaseline: undefined, BaselineTally: undefined };
  const tally = b && BaselineTally ? new BaselineTally(b) : undefined;
  const accepted = new Map<DeviceReport, DeviceReport>();
  const accept = (d: DeviceReport): DeviceReport => {
    if (!b) return d;
    let x = accepted.get(d);
    if (!x) { x = applyBaseline!(d, b, started); accepted.set(d, x); tally!.add(x); }
    return x;
  };
  const r = await executePlan(pl, k, drt, { onHostDone: hooks.onHostDone, onDevice: hooks.onDevice && ((d) => hooks.onDevice!(accept(d))) }, signal);
  r.devices = r.devices.map(accept);
  const interrupted = hooks.interrupted?.();
  const couldNotSee = r.notScanned.length > 0 || r.localErrors.length > 0 || r.degraded !== undefined;
  const notices = tally?.warnings() ?? [];
  for (const x of notices) hooks.note?.(`warning: ${clean(x, 500)}`);
  const warnings = [...(report.warnings ?? []), ...r.warnings, ...notices];
  if (interrupted && report.command === 'scan') warnings.push(`scan interrupted by ${interrupted}; results are partial`);
  const out = buildReport({
    version: VERSION, command: report.command, started, finished: new Date(), targets: report.targets, policy: k.policy, devices: r.devices,
    hostsScanned: report.hostsScanned ? report.hostsScanned(r) : pl.protocols.includes('tcp') ? r.hostsSwept : pl.hosts.size, warnings,
    options: report.options, ...(report.command === 'scan' ? { stats: r.stats } : {}),
    complete: !interrupted && !couldNotSee, interrupted, notScanned: r.notScanned, seenNotProbed: r.seenNotProbed, results: r.results,
    ...(pl.shard ? { shard: pl.shard, shardSightings: (r.raw ?? []).map((x) => shardSightingOf(x.seen, !pl.scope.has(x.seen.ip), x)) } : {}),
  });
  const why = couldNotSee
    ? (r.notScanned.length ? `${r.notScanned.length} host(s) not scanned (${[...new Set(r.notScanned.map((x) => x.code))].join(', ')})` : r.localErrors.length ? clean(r.localErrors[0], 200) : clean(r.degraded, 300))
    : undefined;
  return { report: out, couldNotSee, why, outcome: r, plan: pl };
}

/** `camsweep scan`: the request's targets (or the local subnets), discovery and the TCP sweep, judged. */
export async function scan(req: ScanRequest, rt: Runtime, hooks: RunHooks = {}, signal?: AbortSignal): Promise<RunResult> {
  let k: Knowledge | undefined;
  const p = await prepare(req, rt, hooks, () => { k = loadKnowledge(req.policy); hooks.ready?.(); });
  const pl = plan(req, p);
  if (req.passive && pl.interfaces.length === 0) {
    // Listening with nothing to listen on would "pass" having heard nothing.
    const named = req.interfaces;
    throw new RunError(`--passive needs an interface to listen on, and there is none${named ? ` among ${named.join(', ')} (up, with MULTICAST${p.explicit ? ', holding a target' : ''})` : ` (up, multicast-capable, not loopback or virtual${p.explicit ? ', holding a target' : ''}; name one with --interface)`}`);
  }
  // The environment: a container whose network cannot carry multicast, when that matters here.
  const warnings: string[] = [];
  const loopbackOnly = p.resolved.hosts.within(0x7f000000, 0x7fffffff);
  const container = rt.containerWarning({ discovery: req.protocols.some((x) => x !== 'tcp'), interfaceNamed: Boolean(req.interfaces), loopbackOnly, passive: req.passive });
  if (container) { warnings.push(container); hooks.note?.(`warning: ${container}`); }
  hooks.note?.(`Scanning ${p.resolved.described.join(', ') || 'nothing (passive listening)'}; policy ${k!.policy.name}`);
  for (const line of describePlan(pl)) hooks.note?.(`  ${line}`);
  const r = await run(pl, k!, rt, hooks, signal, {
    command: 'scan', targets: p.specs.map((x) => x.text), warnings,
    options: {
      ports: req.ports, protocols: pl.protocols, passive: req.passive, listen_time_ms: pl.listenMs, interfaces: pl.interfaces.map((i) => i.name),
      timeout_ms: req.timeoutMs, host_timeout_ms: req.hostTimeoutMs, concurrency: pl.options.concurrency, rate: req.rate, fail_on: req.failOn, credentials: req.credentials.length,
      ...(req.baseline ? { baseline: req.baseline.file } : {}),
    },
    baseline: req.baseline,
  });
  const st = r.outcome.stats;
  hooks.note?.(`Done in ${(st.duration_ms / 1000).toFixed(1)} s${st.tcp_ms !== undefined ? `; TCP sweep ${(st.tcp_ms / 1000).toFixed(1)} s` : ''}${st.discovery_ms ? `; discovery ${Object.entries(st.discovery_ms).map(([n, v]) => `${n} ${(v / 1000).toFixed(1)} s`).join(', ')}` : ''}`);
  for (const x of r.outcome.warnings) hooks.note?.(`warning: ${x}`);
  return r;
}

/** Start the lab on 127.77.0.0/24, or on another loopback /24 if that one is busy (another demo, a test run). */
export async function startLabSomewhere(rt: Runtime) {
  const subnets = ['127.77.0.0/24', ...Array.from({ length: 4 }, () => `127.77.${100 + Math.floor(Math.random() * 150)}.0/24`)];
  let last: Error | undefined;
  for (const subnet of subnets) {
    try { return await rt.startLab({ subnet }); } catch (e) {
      last = e as Error;
      if (!/EADDRINUSE/.test(last.message)) break;
    }
  }
  throw new RunError(`cannot start the simulated lab: ${last?.message ?? 'unknown error'}`);
}

/** `camsweep demo`: start the simulated lab on loopback, scan it (every protocol, unicast), judge it, stop it. */
export async function demo(req: Pick<ScanRequest, 'listenMs' | 'timeoutMs' | 'hostTimeoutMs' | 'concurrency' | 'rate' | 'maxBytes' | 'policy' | 'userAgent' | 'baseline'>, rt: Runtime, hooks: RunHooks = {}, signal?: AbortSignal): Promise<RunResult> {
  const k = loadKnowledge(req.policy);
  hooks.ready?.();
  const lab = await startLabSomewhere(rt);
  try {
    const range = `${lab.targets[0]}-${lab.targets[lab.targets.length - 1].split('.').pop()}`;
    hooks.note?.(`Started the simulated lab: ${lab.devices.length} devices on ${lab.targets[0]}–${lab.targets[lab.targets.length - 1]} (loopback only), ports ${lab.portList.join(',')}`);
    hooks.note?.(`Scanning it as: camsweep scan ${range} -p ${lab.portList.join(',')}`);
    let pl: ScanPlan;
    try {
      pl = planScan({
        hosts: lab.targets, explicitTargets: true, protocols: ['onvif', 'ssdp', 'mdns', 'sadp', 'dhip', 'ubnt', 'tdp', 'tcp'], interfaces: [], interfaceNamed: false,
        passive: false, listenMs: req.listenMs, options: scanOptions({ ...req, ports: lab.portList, ping: true }), fds: rt.fdBudget(),
      });
    } catch (e) { if (e instanceof PlanError) throw new RunError(e.message); throw e; }
    return await run(pl, k, rt, { ...hooks, log: undefined }, signal, {
      command: 'demo', targets: lab.targets, hostsScanned: () => lab.targets.length,
      options: { ports: lab.portList, protocols: pl.protocols, listen_time_ms: pl.listenMs, timeout_ms: req.timeoutMs, concurrency: pl.options.concurrency, ...(req.baseline ? { baseline: req.baseline.file } : {}) },
      baseline: req.baseline,
    });
  } finally {
    await lab.stop();
  }
}

/**
 * `camsweep explain <address>` without a saved scan: look at the device now (TCP probes and unicast
 * discovery to that one address). Returns its devices (none when nothing answered).
 */
export async function probe(address: string, req: Pick<ScanRequest, 'listenMs' | 'ports' | 'timeoutMs' | 'hostTimeoutMs' | 'concurrency' | 'rate' | 'maxBytes' | 'allowPublic' | 'policy' | 'userAgent'>, rt: Runtime, hooks: RunHooks = {}, signal?: AbortSignal, knowledge?: Knowledge): Promise<{ devices: DeviceReport[]; knowledge: Knowledge }> {
  const k = knowledge ?? loadKnowledge(req.policy);
  if (!knowledge) hooks.ready?.();
  const spec = parseTarget(address);
  if (spec.kind !== 'ip') throw new UsageError('explain takes one address (or a JSON record, or an address with --input FILE)');
  const resolved = await resolveTargets([spec], { allowPublic: req.allowPublic, maxHosts: 1 });
  let pl: ScanPlan;
  try {
    pl = planScan({
      hosts: resolved.hosts, explicitTargets: true, protocols: ['onvif', 'ssdp', 'mdns', 'sadp', 'dhip', 'ubnt', 'tdp', 'tcp'], interfaces: [], interfaceNamed: false, allowPublic: req.allowPublic,
      passive: false, listenMs: req.listenMs, options: scanOptions({ ...req, ping: true }), fds: rt.fdBudget(),
    });
  } catch (e) { if (e instanceof PlanError) throw new RunError(e.message); throw e; }
  hooks.note?.(`Probing ${address} (TCP ports ${req.ports.join(',')}, unicast ONVIF/SSDP/mDNS/SADP/DHIP)`);
  const drt = { modules: rt.loadDiscovery ? await rt.loadDiscovery() : rt.discovery, udp: rt.udp(false), http: rt.http(), neighbours: () => rt.neighbours() };
  const r = await executePlan(pl, k, drt, {}, signal);
  if (r.notScanned.length || r.localErrors.length) throw new RunError(`could not probe ${address}: ${r.notScanned[0]?.code ?? clean(r.localErrors[0], 200)} (a resource of this machine ran out)`);
  return { devices: r.devices, knowledge: k };
}

/** Offline: judge one observation record (identify, explain of a saved record), with a baseline's acceptance when given. */
export function judge(rec: ObservationRecord, k: Knowledge, accept?: (d: DeviceReport) => DeviceReport): DeviceReport {
  const d = assess(rec, k);
  return accept ? accept(d) : d;
}

export type { DiscoveryName, Knowledge, ProtocolName, ScanPlan };
export { mergeShards, type MergeOutcome, type ShardInput } from './merge.js';
