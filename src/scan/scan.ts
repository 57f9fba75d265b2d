// Orchestration: hosts → TCP sweep → probes on open ports → one observation record per host
// → identification → verdict. Concurrency and deadlines live here, not in the modules.
import { defaultMacLookup } from '../fingerprint/oui.js';
import { identify } from '../fingerprint/engine.js';
import type { KnowledgeBase } from '../fingerprint/rules.js';
import { connectCheck, exchange } from '../net/tcp.js';
import { judge, type Policy } from '../policy/policy.js';
import { probes as registry, type Probe } from '../probes/index.js';
import type { NetApi, ProbeContext } from '../probes/types.js';
import type { DeviceReport, HostError, ObservationRecord } from '../types.js';
import { limiter, rateLimiter } from '../util/limit.js';
import { mergeRecord } from './merge.js';

export const DEFAULT_PORTS = [80, 443, 554, 8000, 8080, 8443, 8554, 37777] as const;

export interface ScanOptions {
  ports: number[];
  /** Per-connection deadline (connect + one response). */
  timeoutMs: number;
  /** Whole-host deadline. */
  hostTimeoutMs: number;
  /** Connections in flight at most. */
  concurrency: number;
  /** New connections per second at most (0 = unlimited). */
  rate: number;
  maxBytes: number;
  userAgent: string;
  probes?: Probe[];
  net?: NetApi;
}

export interface ScanHooks {
  onHostDone?(done: number, total: number, found: number): void;
  onDevice?(d: DeviceReport): void;
}

export interface Knowledge { kb: KnowledgeBase; policy: Policy }

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

export function compareIp(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 4; i++) if (pa[i] !== pb[i]) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return a.localeCompare(b);
}

export async function scanHosts(hosts: string[], names: Map<string, string>, o: ScanOptions, k: Knowledge, hooks: ScanHooks = {}, signal?: AbortSignal): Promise<DeviceReport[]> {
  const net = o.net ?? { exchange, connectCheck };
  const probeList = o.probes ?? Object.values(registry);
  const conn = limiter(Math.max(1, o.concurrency));
  const take = rateLimiter(o.rate);
  const hostLimit = limiter(Math.max(1, Math.min(hosts.length, Math.ceil(o.concurrency / Math.max(1, o.ports.length)) + 4)));
  const devices: DeviceReport[] = [];
  let done = 0;
  const ua = o.userAgent;

  const scanOne = async (ip: string): Promise<void> => {
    const hostSignal = AbortSignal.any([AbortSignal.timeout(o.hostTimeoutMs), ...(signal ? [signal] : [])]);
    const errors: HostError[] = [];
    const states = await Promise.all(o.ports.map((port) => conn(async () => {
      await take();
      return { port, r: await net.connectCheck(ip, port, o.timeoutMs, hostSignal) };
    })));
    const open = states.filter((s) => s.r.state === 'open').map((s) => s.port).sort((a, b) => a - b);
    for (const s of states) if (s.r.state === 'error' && s.r.code !== 'ABORTED') errors.push({ stage: 'connect', port: s.port, code: s.r.code ?? 'ERROR', message: `connect failed (${s.r.code})` });
    if (open.length === 0) return;
    const rec: ObservationRecord = { ip, ...(names.get(ip) ? { hostname: names.get(ip) } : {}), open_ports: open, seen_by: ['tcp'] };
    const ctx: ProbeContext = { timeoutMs: o.timeoutMs, maxBytes: o.maxBytes, signal: hostSignal, net, userAgent: ua };
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
    // Stable order for deterministic output: by port, then path.
    rec.http?.sort((a, b) => a.port - b.port);
    rec.rtsp?.sort((a, b) => a.port - b.port);
    const d = assess(rec, k, errors);
    devices.push(d);
    hooks.onDevice?.(d);
  };

  await Promise.all(hosts.map((ip) => hostLimit(async () => {
    if (!signal?.aborted) await scanOne(ip);
    hooks.onHostDone?.(++done, hosts.length, devices.length);
  })));
  return devices.sort((a, b) => compareIp(a.ip, b.ip));
}
