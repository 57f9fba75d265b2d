// Measuring tools for the benchmarks: a command timed under GNU time (wall, peak RSS, CPU), nmap's XML
// report, camsweep's JSON report, SYNs captured with tcpdump (new connections per second), and small
// statistics. The parsers are pure and unit-tested (test/bench/measure.test.ts); the rest runs commands
// only inside a lab namespace (lab.exec / lab.spawn = `ip netns exec <lab ns> ...`).
import fs from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import type { LabProcess, NetnsLab } from '../lab/netns.js';

export const GNU_TIME = '/usr/bin/time';

export interface TimeV {
  /** Peak resident set size of the command (kB), from wait4's rusage. */
  maxRssKb?: number;
  elapsedMs?: number;
  userS?: number;
  sysS?: number;
  exitStatus?: number;
  signal?: number;
}

/** Parse the report of `/usr/bin/time -v` (GNU time). */
export function parseTimeV(text: string): TimeV {
  const num = (re: RegExp) => { const m = re.exec(text); return m ? Number(m[1]) : undefined; };
  const out: TimeV = {};
  const rss = num(/Maximum resident set size \(kbytes\):\s*(\d+)/);
  if (rss !== undefined) out.maxRssKb = rss;
  const u = num(/User time \(seconds\):\s*([\d.]+)/);
  if (u !== undefined) out.userS = u;
  const s = num(/System time \(seconds\):\s*([\d.]+)/);
  if (s !== undefined) out.sysS = s;
  const ex = num(/Exit status:\s*(\d+)/);
  if (ex !== undefined) out.exitStatus = ex;
  const sig = num(/Command terminated by signal (\d+)/);
  if (sig !== undefined) out.signal = sig;
  // "Elapsed (wall clock) time (h:mm:ss or m:ss): 1:02.35" or "1:02:03"
  const el = /Elapsed \(wall clock\) time.*?\):\s*([\d:.]+)/.exec(text)?.[1];
  if (el) {
    const parts = el.split(':').map(Number);
    if (parts.every((x) => Number.isFinite(x))) out.elapsedMs = Math.round(parts.reduce((acc, x) => acc * 60 + x, 0) * 1000);
  }
  return out;
}

export interface TimedRun extends TimeV {
  code: number;
  stdout: string;
  stderr: string;
  /** Wall time seen from here (ip netns exec + GNU time + the command). */
  wallMs: number;
}

let seq = 0;
/** Run argv inside a lab host's namespace under GNU time; its report goes to a file in the lab's state directory. */
export async function timedExec(lab: NetnsLab, host: string, argv: string[], opts: { timeoutMs: number; env?: Record<string, string> }): Promise<TimedRun> {
  const file = path.join(lab.dir(host, 'time'), `run-${process.pid}-${seq++}.txt`);
  const t0 = performance.now();
  const r = await lab.exec(host, [GNU_TIME, '-v', '-o', file, ...argv], { timeoutMs: opts.timeoutMs, env: opts.env });
  const wallMs = performance.now() - t0;
  let tv: TimeV = {};
  try { tv = parseTimeV(fs.readFileSync(file, 'utf8')); fs.rmSync(file, { force: true }); } catch { /* killed before it wrote */ }
  return { ...tv, code: r.code, stdout: r.stdout, stderr: r.stderr, wallMs };
}

// --- reports ------------------------------------------------------------------------------------

interface NmapXml { nmaprun?: { host?: Array<Record<string, unknown>>; runstats?: { finished?: Record<string, string>; hosts?: Record<string, string> } } }
const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (name) => ['host', 'port', 'address'].includes(name) });

/** Open TCP host:port pairs, nmap's own elapsed time and its up/down host counts, from `nmap -oX -`. */
export function parseNmap(out: string): { open: Set<string>; elapsedMs?: number; up?: number; down?: number } {
  const doc = xml.parse(out) as NmapXml;
  if (!doc.nmaprun) throw new Error(`nmap gave no XML report: ${out.slice(0, 500)}`);
  const open = new Set<string>();
  for (const h of doc.nmaprun.host ?? []) {
    const addr = (h['address'] as Array<Record<string, string>> | undefined)?.find((a) => a['@addrtype'] === 'ipv4')?.['@addr'];
    const ports = ((h['ports'] as Record<string, unknown> | undefined)?.['port'] as Array<Record<string, unknown>> | undefined) ?? [];
    for (const p of ports) {
      const state = (p['state'] as Record<string, string> | undefined)?.['@state'];
      if (addr && p['@protocol'] === 'tcp' && state === 'open') open.add(`${addr}:${p['@portid']}`);
    }
  }
  const el = Number(doc.nmaprun.runstats?.finished?.['@elapsed']);
  const up = Number(doc.nmaprun.runstats?.hosts?.['@up']);
  const down = Number(doc.nmaprun.runstats?.hosts?.['@down']);
  return { open, elapsedMs: Number.isFinite(el) ? el * 1000 : undefined, up: Number.isFinite(up) ? up : undefined, down: Number.isFinite(down) ? down : undefined };
}

/** Open host:port pairs of a camsweep JSON report (restricted to `ports` when given). */
export function openFromReport(r: { devices: Array<{ ip: string; open_ports?: number[] }> }, ports?: readonly number[]): Set<string> {
  const s = new Set<string>();
  for (const d of r.devices) for (const p of d.open_ports ?? []) if (!ports || ports.includes(p)) s.add(`${d.ip}:${p}`);
  return s;
}

export function setDiff(a: Set<string>, b: Set<string>): { onlyA: string[]; onlyB: string[] } {
  return { onlyA: [...a].filter((x) => !b.has(x)).sort(), onlyB: [...b].filter((x) => !a.has(x)).sort() };
}

// --- SYNs ---------------------------------------------------------------------------------------

export interface Syn { t: number; src: string; sport: number; dst: string; dport: number }

/** Parse `tcpdump -r <file> -nn -tt` lines of IPv4 TCP SYNs ("1712.123456 IP a.b.c.d.p > e.f.g.h.q: Flags [S], ..."). */
export function parseSynLines(text: string): Syn[] {
  const out: Syn[] = [];
  const re = /^(\d+\.\d+) IP (\d+\.\d+\.\d+\.\d+)\.(\d+) > (\d+\.\d+\.\d+\.\d+)\.(\d+): Flags \[S\]/;
  for (const line of text.split('\n')) {
    const m = re.exec(line);
    if (m) out.push({ t: Number(m[1]), src: m[2]!, sport: Number(m[3]), dst: m[4]!, dport: Number(m[5]) });
  }
  return out;
}

export interface SynStats {
  /** SYNs seen, retransmissions included. */
  syns: number;
  /** New connections: the first SYN of each (source port, destination, destination port). */
  connections: number;
  retransmits: number;
  /** First to last new connection, seconds. */
  spanS: number;
  /** New connections per second over the span. */
  rate: number;
  /** New connections in each whole second from the first (the last, partial second left out). */
  perSecond: number[];
  /** Median of perSecond without its first second (ramp-up). */
  steady: number;
  max1s: number;
  byPort: Record<number, number>;
}

export function synStats(syns: Syn[]): SynStats {
  const seen = new Set<string>();
  const first: Syn[] = [];
  for (const s of [...syns].sort((a, b) => a.t - b.t)) {
    const k = `${s.src}:${s.sport}>${s.dst}:${s.dport}`;
    if (seen.has(k)) continue;
    seen.add(k);
    first.push(s);
  }
  const byPort: Record<number, number> = {};
  for (const s of first) byPort[s.dport] = (byPort[s.dport] ?? 0) + 1;
  const t0 = first[0]?.t ?? 0;
  const spanS = first.length > 1 ? first[first.length - 1]!.t - t0 : 0;
  const whole = Math.floor(spanS);
  const perSecond = Array.from({ length: whole }, () => 0);
  for (const s of first) { const i = Math.floor(s.t - t0); if (i < whole) perSecond[i]!++; }
  const steadyPart = perSecond.length > 2 ? perSecond.slice(1) : perSecond;
  return {
    syns: syns.length, connections: first.length, retransmits: syns.length - first.length, spanS,
    rate: spanS > 0 ? (first.length - 1) / spanS : 0, perSecond, steady: steadyPart.length ? median(steadyPart) : 0,
    max1s: perSecond.length ? Math.max(...perSecond) : first.length, byPort,
  };
}

export interface SynCapture { stop(): Promise<{ syns: Syn[]; dropped: number; stderr: string }> }

/** tcpdump on a lab host's eth0, SYNs without ACK only (new connections and their retransmissions). */
export async function captureSyns(lab: NetnsLab, host: string): Promise<SynCapture> {
  const file = path.join(lab.dir(host, 'pcap'), `syn-${process.pid}-${seq++}.pcap`);
  const proc: LabProcess = await lab.spawn(host, ['tcpdump', '-i', 'eth0', '-Z', 'root', '-nn', '-U', '-B', '32768', '-s', '96', '-w', file, 'tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn'],
    { label: 'bench-tcpdump', ready: /listening on/, readyTimeoutMs: 15_000 });
  return {
    async stop() {
      await new Promise((r) => setTimeout(r, 200));
      await proc.stop('SIGINT', 5000);
      const out = proc.output();
      const dropped = Number(/(\d+) packets dropped by kernel/.exec(out)?.[1] ?? 0);
      const r = await lab.exec(host, ['tcpdump', '-r', file, '-nn', '-tt'], { timeoutMs: 120_000 });
      fs.rmSync(file, { force: true });
      return { syns: parseSynLines(r.stdout), dropped, stderr: out };
    },
  };
}

// --- numbers ------------------------------------------------------------------------------------

export function median(xs: number[]): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export const sec = (ms: number | undefined, digits = 2) => (ms === undefined || !Number.isFinite(ms) ? '-' : (ms / 1000).toFixed(digits));
export const mb = (kb: number | undefined) => (kb === undefined || !Number.isFinite(kb) ? '-' : `${Math.round(kb / 1024)} MB`);

/** A plain-text table with padded columns. */
export function textTable(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (r: string[]) => r.map((c, i) => (c ?? '').padEnd(widths[i]!)).join('  ').trimEnd();
  return [fmt(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(fmt)].join('\n');
}

/** The 1-minute load average and the number of CPUs (the benchmark shares the machine). */
export function load(): { load1: number; cpus: number } {
  let load1 = NaN;
  try { load1 = Number(fs.readFileSync('/proc/loadavg', 'utf8').split(' ')[0]); } catch { /* not Linux */ }
  let cpus = 1;
  try { cpus = fs.readFileSync('/proc/cpuinfo', 'utf8').split('\n').filter((l) => l.startsWith('processor')).length || 1; } catch { /* not Linux */ }
  return { load1, cpus };
}

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  try {
    const st = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch { return NaN; }
}
