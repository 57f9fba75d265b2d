// Orchestration: a pure plan (what will be scanned, how), then its application: discovery modules and
// the TCP sweep run together, their sightings are merged into one record per physical device, and each
// device is identified and judged. Concurrency, rate and deadlines live here, not in the modules.
import { ipToInt } from '../targets/targets.js';
import { defaultMacLookup } from '../fingerprint/oui.js';
import { identify } from '../fingerprint/engine.js';
import type { KnowledgeBase } from '../fingerprint/rules.js';
import { connectCheck, exchange } from '../net/tcp.js';
import { judge, type Policy } from '../policy/policy.js';
import { probes as registry, type Probe } from '../probes/index.js';
import type { NetApi, ProbeContext } from '../probes/types.js';
import type { Credential, DiscoveryContext, DiscoveryModule, DiscoveryName, HttpApi, NetIface, Sighting, UdpApi } from '../discovery/types.js';
import type { DeviceReport, HostError, ObservationRecord } from '../types.js';
import { limiter, rateLimiter } from '../util/limit.js';
import { compareIp as compareAddresses, groupSightings, ipKey, mergeRecord, mergeSightings, type Seen } from './merge.js';

export const DEFAULT_PORTS = [80, 443, 554, 8000, 8080, 8443, 8554, 37777] as const;
export type ProtocolName = DiscoveryName | 'tcp';
export const ALL_PROTOCOLS: readonly ProtocolName[] = ['onvif', 'ssdp', 'mdns', 'sadp', 'dhip', 'tcp'];

export interface ScanOptions {
  ports: number[];
  /** Per-connection deadline (connect + one response). */
  timeoutMs: number;
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
}

export interface ScanHooks {
  onHostDone?(done: number, total: number, found: number): void;
  onDevice?(d: DeviceReport): void;
}

export interface Knowledge { kb: KnowledgeBase; policy: Policy }

/** Everything decided before the first packet: printed, then applied. */
export interface ScanPlan {
  hosts: string[];
  names: Map<string, string>;
  protocols: ProtocolName[];
  /** Interfaces for multicast discovery (empty: unicast only). */
  interfaces: NetIface[];
  /** Hosts that get unicast discovery probes. */
  unicastTargets: string[];
  passive: boolean;
  listenMs: number;
  /** Keep only devices inside the target hosts (false when scanning "my local subnets"). */
  restrictToTargets: boolean;
  options: ScanOptions;
  credentials: Credential[];
  notes: string[];
}

/** Pure: decide interfaces, unicast targets and protocols from the resolved targets and the options. */
export function planScan(a: {
  hosts: string[]; names?: Map<string, string>; explicitTargets: boolean; protocols: ProtocolName[]; interfaces: NetIface[];
  interfaceNamed: boolean; passive: boolean; listenMs: number; options: ScanOptions; credentials?: Credential[]; maxUnicast?: number;
}): ScanPlan {
  const notes: string[] = [];
  const discovery = a.protocols.filter((p) => p !== 'tcp');
  const hostSet = a.hosts;
  let interfaces = a.interfaces.filter((i) => i.multicast);
  if (a.explicitTargets && !a.interfaceNamed) {
    // Multicast only on interfaces whose subnet holds at least one target; loopback targets get unicast only.
    interfaces = interfaces.filter((i) => hostSet.some((h) => inCidr(h, i.cidr)));
  }
  const maxUnicast = a.maxUnicast ?? 4096;
  let unicastTargets = a.passive || discovery.length === 0 ? [] : hostSet;
  if (unicastTargets.length > maxUnicast) {
    notes.push(`unicast discovery skipped: ${unicastTargets.length} hosts is more than ${maxUnicast}; multicast still runs`);
    unicastTargets = [];
  }
  if (a.passive && a.protocols.includes('tcp')) notes.push('passive mode: the TCP sweep is off (nothing is sent)');
  const protocols = a.passive ? discovery : a.protocols;
  if (discovery.length && interfaces.length === 0 && unicastTargets.length === 0) notes.push('no interface for multicast and no unicast target: discovery protocols will find nothing');
  return {
    hosts: a.passive ? [] : hostSet, names: a.names ?? new Map(), protocols, interfaces, unicastTargets, passive: a.passive,
    listenMs: a.listenMs, restrictToTargets: a.explicitTargets, options: a.options, credentials: a.credentials ?? [], notes,
  };
}

export function describePlan(p: ScanPlan): string[] {
  const lines: string[] = [];
  const disc = p.protocols.filter((x) => x !== 'tcp');
  if (p.protocols.includes('tcp')) lines.push(`TCP sweep: ${p.hosts.length} host${p.hosts.length === 1 ? '' : 's'}, ports ${p.options.ports.join(',')}`);
  if (disc.length) {
    lines.push(`Discovery${p.passive ? ' (passive: listening only, nothing sent)' : ''}: ${disc.join(', ')}; listening ${p.listenMs} ms`);
    lines.push(p.interfaces.length ? `  multicast on ${p.interfaces.map((i) => `${i.name} (${i.cidr}${i.ipv6LinkLocal ? ', IPv6 link-local' : ''})`).join(', ')}` : '  no multicast interface');
    if (p.unicastTargets.length) lines.push(`  unicast to ${p.unicastTargets.length} host${p.unicastTargets.length === 1 ? '' : 's'}`);
  }
  return [...lines, ...p.notes.map((n) => `note: ${n}`)];
}

export function inCidr(ip: string, cidr: string): boolean {
  const [base, p] = cidr.split('/');
  const a = ipToInt(ip);
  const b = ipToInt(base);
  const prefix = Number(p);
  if (a === undefined || b === undefined || !(prefix >= 0 && prefix <= 32)) return false;
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return ((a & mask) >>> 0) === ((b & mask) >>> 0);
}

/** Judge a finished observation record: pure apart from reading the (cached) OUI table. */
export function assess(rec: ObservationRecord, k: Knowledge, errors: HostError[] = []): DeviceReport {
  const identification = identify(rec, k.kb, defaultMacLookup());
  const verdict = judge(identification, k.policy, k.kb.vocab);
  return {
    ip: rec.ip, ...(rec.addresses?.length ? { addresses: rec.addresses } : {}), ...(rec.mac ? { mac: rec.mac } : {}),
    ...(rec.hostname ? { hostname: rec.hostname } : {}),
    open_ports: rec.open_ports ?? [], seen_by: rec.seen_by ?? [], observations: rec, identification, verdict, errors,
  };
}

/** IPv4 numerically, then IPv6 (link-local with zone included), then anything else; never throws. */
export function compareIp(a: string, b: string): number {
  return compareAddresses(a, b);
}

export interface HostResult { record: ObservationRecord; errors: HostError[] }

/** TCP sweep + probes on open ports. Returns one record per host with at least one open port. */
export async function sweepHosts(hosts: string[], names: Map<string, string>, o: ScanOptions, hooks: ScanHooks = {}, signal?: AbortSignal): Promise<HostResult[]> {
  const net = o.net ?? { exchange, connectCheck };
  const probeList = o.probes ?? Object.values(registry);
  const conn = limiter(Math.max(1, o.concurrency));
  const take = rateLimiter(o.rate);
  const ping = o.ping !== false && o.ports.length > LIVENESS_PORTS;
  const perHost = ping ? LIVENESS_PORTS : Math.max(1, o.ports.length);
  const hostLimit = limiter(Math.max(1, Math.min(hosts.length || 1, Math.ceil(o.concurrency / perHost) + 4)));
  const livenessPorts = ping ? pickLivenessPorts(o.ports) : [];
  const results: HostResult[] = [];
  let done = 0;
  const connectTimeout = adaptiveTimeout(o.timeoutMs);

  const scanOne = async (ip: string): Promise<void> => {
    const hostSignal = AbortSignal.any([AbortSignal.timeout(o.hostTimeoutMs), ...(signal ? [signal] : [])]);
    const errors: HostError[] = [];
    const check = (ports: number[]) => Promise.all(ports.map((port) => conn(async () => {
      await take();
      const r = await net.connectCheck(ip, port, connectTimeout.current(), hostSignal);
      if (r.state === 'open' || r.state === 'closed') connectTimeout.sample(r.ms);
      return { port, r };
    })));
    let states = await check(ping ? livenessPorts : o.ports);
    if (ping) {
      // Host discovery, as nmap does by default: a host that answers none of the first ports (no
      // SYN-ACK, no RST) is taken as down and its other ports are not tried. --no-ping sweeps all.
      if (!states.some((x) => x.r.state === 'open' || x.r.state === 'closed')) return;
      states = [...states, ...(await check(o.ports.filter((p) => !livenessPorts.includes(p))))];
    }
    const open = states.filter((s) => s.r.state === 'open').map((s) => s.port).sort((a, b) => a - b);
    for (const s of states) if (s.r.state === 'error' && s.r.code !== 'ABORTED') errors.push({ stage: 'connect', port: s.port, code: s.r.code ?? 'ERROR', message: `connect failed (${s.r.code})` });
    if (open.length === 0) return;
    const rec: ObservationRecord = { ip, ...(names.get(ip) ? { hostname: names.get(ip) } : {}), open_ports: open, seen_by: ['tcp'] };
    const ctx: ProbeContext = { timeoutMs: o.timeoutMs, maxBytes: o.maxBytes, signal: hostSignal, net, userAgent: o.userAgent };
    const jobs: Array<Promise<void>> = [];
    for (const port of open) {
      for (const p of probeList) {
        if (!p.ports.includes(port)) continue;
        jobs.push(conn(async () => {
          await take();
          try {
            const r = await p.run({ ip, port, hostname: names.get(ip) }, ctx);
            mergeRecord(rec, r.record);
            if (Object.keys(r.record).length) mergeRecord(rec, { seen_by: [p.name] });
            errors.push(...r.errors);
          } catch (e) {
            errors.push({ stage: p.name, port, code: 'INTERNAL', message: String((e as Error)?.message ?? e).slice(0, 200) });
          }
        }));
      }
    }
    await Promise.all(jobs);
    if (hostSignal.aborted && !signal?.aborted) errors.push({ stage: 'host', code: 'HOST_TIMEOUT', message: `host deadline of ${o.hostTimeoutMs} ms reached; results may be partial` });
    rec.http?.sort((a, b) => a.port - b.port);
    rec.rtsp?.sort((a, b) => a.port - b.port);
    results.push({ record: rec, errors });
  };

  await Promise.all(hosts.map((ip) => hostLimit(async () => {
    if (!signal?.aborted) await scanOne(ip);
    hooks.onHostDone?.(++done, hosts.length, results.length);
  })));
  return results;
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
 * 250 ms, never more than --timeout). Reads after a connect keep the full --timeout.
 */
export function adaptiveTimeout(max: number, floor = 250): { current(): number; sample(ms: number): void } {
  const samples: number[] = [];
  // Until round trips have been measured, start like nmap (1 s initial RTT timeout), capped by --timeout.
  let cached = Math.min(max, 1000);
  return {
    current: () => cached,
    sample(ms: number) {
      samples.push(ms);
      if (samples.length > 256) samples.shift();
      if (samples.length < 8) return;
      const sorted = [...samples].sort((a, b) => a - b);
      const p95 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))];
      cached = Math.min(max, Math.max(floor, Math.ceil(p95 * 10) + 50));
    },
  };
}

/** Back-compatible TCP-only scan: sweep, then judge each host. */
export async function scanHosts(hosts: string[], names: Map<string, string>, o: ScanOptions, k: Knowledge, hooks: ScanHooks = {}, signal?: AbortSignal): Promise<DeviceReport[]> {
  const res = await sweepHosts(hosts, names, o, hooks, signal);
  return res.map((r) => assess(r.record, k, r.errors)).sort((a, b) => compareIp(a.ip, b.ip));
}

export interface DiscoveryRuntime {
  modules: Partial<Record<DiscoveryName, DiscoveryModule>>;
  udp: UdpApi;
  http: HttpApi;
  /** MAC for an address from the kernel neighbour table (after contact), if on the same link. */
  neighbours?: () => Map<string, string>;
  log?: (msg: string) => void;
}

/** Run every selected discovery module at once; a module that fails is reported, never fatal. */
export async function runDiscovery(plan: ScanPlan, rt: DiscoveryRuntime, signal?: AbortSignal): Promise<{ sightings: Sighting[]; errors: string[]; ms: Record<string, number> }> {
  const names = plan.protocols.filter((p): p is DiscoveryName => p !== 'tcp');
  const sightings: Sighting[] = [];
  const errors: string[] = [];
  const ms: Record<string, number> = {};
  const ac = new AbortController();
  const all = AbortSignal.any([ac.signal, ...(signal ? [signal] : [])]);
  const ctx: DiscoveryContext = {
    signal: all, listenMs: plan.listenMs, interfaces: plan.interfaces, unicastTargets: plan.unicastTargets, passive: plan.passive,
    udp: rt.udp, http: rt.http, rate: rateLimiter(plan.options.rate), timeoutMs: plan.options.timeoutMs, maxBytes: plan.options.maxBytes,
    userAgent: plan.options.userAgent, credentials: plan.credentials, log: rt.log ?? (() => {}),
  };
  // Hard stop: the listening window plus time for follow-up calls.
  const hard = setTimeout(() => ac.abort(), plan.listenMs + plan.options.timeoutMs * 4 + 2000);
  try {
    await Promise.all(names.map(async (n) => {
      const m = rt.modules[n];
      if (!m) { errors.push(`${n}: no such discovery module`); return; }
      const t0 = performance.now();
      try { await m.run(ctx, (s) => sightings.push(s)); } catch (e) { errors.push(`${n}: ${String((e as Error)?.message ?? e).slice(0, 200)}`); }
      ms[n] = Math.round(performance.now() - t0);
    }));
  } finally { clearTimeout(hard); }
  return { sightings, errors, ms };
}

/**
 * A discovery sighting as merge input. An IPv6 sighting whose MAC (payload or EUI-64) the neighbour
 * table gives to exactly one IPv4 address also carries that address as an alias, so the two join.
 */
export function toSeen(s: Sighting, neigh?: Map<string, string>): Seen {
  const seen: Seen = { ip: s.ip, protocol: s.protocol, mac: s.mac, ...(s.macFrom ? { macFrom: s.macFrom } : {}), serial: s.serial, endpoint: s.endpoint, record: s.record };
  const aliases = [...(s.aliases ?? [])];
  if (neigh && s.mac && s.ip.includes(':')) {
    const mac = s.mac.toUpperCase();
    const v4 = [...neigh].filter(([, m]) => m.toUpperCase() === mac).map(([ip]) => ip);
    if (v4.length === 1 && !aliases.some((a) => ipKey(a) === v4[0])) aliases.push(v4[0]);
  }
  if (aliases.length) seen.aliases = aliases;
  return seen;
}

/** Apply a plan: discovery and TCP sweep together, merged per physical device, judged. */
export interface ScanStats { duration_ms: number; tcp_ms?: number; discovery_ms?: Record<string, number>; sightings: number }

export async function executePlan(plan: ScanPlan, k: Knowledge, rt: DiscoveryRuntime | undefined, hooks: ScanHooks = {}, signal?: AbortSignal): Promise<{ devices: DeviceReport[]; warnings: string[]; stats: ScanStats }> {
  const warnings: string[] = [];
  const t0 = performance.now();
  let tcpMs: number | undefined;
  const disc = rt && plan.protocols.some((p) => p !== 'tcp') ? runDiscovery(plan, rt, signal) : Promise.resolve(undefined);
  const tcp = plan.protocols.includes('tcp')
    ? sweepHosts(plan.hosts, plan.names, plan.options, hooks, signal).then((r) => { tcpMs = Math.round(performance.now() - t0); return r; })
    : Promise.resolve([] as HostResult[]);
  const [dd, t] = await Promise.all([disc, tcp]);
  const d = dd ?? { sightings: [] as Sighting[], errors: [] as string[], ms: undefined };
  for (const e of d.errors) warnings.push(`discovery ${e}`);
  const targetSet = new Set(plan.hosts.length ? plan.hosts : plan.unicastTargets);
  const neigh = rt?.neighbours?.();
  const errorsByIp = new Map<string, HostError[]>();
  const tcpSeen: Seen[] = [];
  for (const r of t) { tcpSeen.push({ ip: r.record.ip, protocol: 'tcp', record: r.record }); errorsByIp.set(r.record.ip, r.errors); }
  let discSeen: Seen[] = d.sightings.map((s) => toSeen(s, neigh));
  if (plan.restrictToTargets && targetSet.size) {
    // An IPv6 (link-local) answer is never a target itself: keep it when it is the same device as a
    // target (same MAC, serial, endpoint or declared address), so it merges into that device.
    const inside = discSeen.filter((s) => targetSet.has(s.ip));
    const v6 = discSeen.filter((s) => !targetSet.has(s.ip) && s.ip.includes(':'));
    const linked = new Set<Seen>();
    if (v6.length) {
      const pool = [...tcpSeen, ...inside, ...v6];
      const roots = groupSightings(pool);
      const targetRoots = new Set(roots.slice(0, tcpSeen.length + inside.length));
      v6.forEach((s, k) => { if (targetRoots.has(roots[tcpSeen.length + inside.length + k])) linked.add(s); });
    }
    const outside = discSeen.filter((s) => !targetSet.has(s.ip) && !linked.has(s));
    if (outside.length) warnings.push(`${new Set(outside.map((s) => s.ip)).size} device(s) answered discovery from outside the targets and were left out`);
    discSeen = discSeen.filter((s) => targetSet.has(s.ip) || linked.has(s));
  }
  const seen: Seen[] = [...tcpSeen, ...discSeen];
  const records = mergeSightings(seen);
  const devices = records.map((rec) => {
    if (!rec.mac && neigh) {
      for (const ip of rec.addresses ?? [rec.ip]) { const m = neigh.get(ip); if (m) { rec.mac = m; rec.mac_from = 'arp'; rec.seen_by = [...new Set([...(rec.seen_by ?? []), 'arp'])].sort(); break; } }
    }
    const errs = (rec.addresses ?? [rec.ip]).flatMap((ip) => errorsByIp.get(ip) ?? []);
    const dev = assess(rec, k, errs);
    hooks.onDevice?.(dev);
    return dev;
  });
  const stats: ScanStats = { duration_ms: Math.round(performance.now() - t0), ...(tcpMs !== undefined ? { tcp_ms: tcpMs } : {}), ...(d.ms ? { discovery_ms: d.ms } : {}), sightings: d.sightings.length };
  return { devices: devices.sort((a, b) => compareIp(a.ip, b.ip)), warnings, stats };
}
