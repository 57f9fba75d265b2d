// Sweep benchmark (`npm run bench`, root, Linux): camsweep's TCP sweep beside nmap, in ONE run, on the
// same namespace LAN, from the same scanner namespace, alternating which goes first. Prints median
// wall times and the ratio camsweep/nmap per layout. It never asserts on times (project rule: speed
// is shown by a benchmark beside a real peer, never by timed tests); it asserts only that both tools
// found the same open host:port pairs.
//
// Safety: every command runs through lab.exec('scanner', ...) = `ip netns exec <lab scanner ns>`,
// against the lab's /24 only (10.213.0.0/24, nothing routes out), and nmap always gets -n. The lab is
// torn down in afterAll and, should the process die, by the harness's exit/signal hooks.
//
// Layouts "sim" and "farm" of `npm run bench -- --layouts sim,farm [--rounds N]` (test/bench/options.mjs);
// BENCH_FULL_REPS (default 3) full default scans per layout.
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanReport } from '../../src/model/types.js';
import { LAB_SUBNET, labUnavailable, sweepStaleLabs } from '../lab/netns.js';
import { CAMSWEEP, RUN_DEVICE } from '../lab/topology.js';
import { buildDense, buildSparse, SCANNER, type BenchLab } from './layouts.js';
import { median, parseNmap, sec } from './measure.js';
import { configFromEnv } from './options.mjs';

const PORTS = [80, 443, 554, 8000, 8080];
const PORT_ARG = PORTS.join(',');
const cfg = configFromEnv() as { layouts: string[]; rounds: number };
const REPS = cfg.rounds;
const FULL_REPS = Math.max(0, Number(process.env.BENCH_FULL_REPS ?? 3));
// (The issue-11 layouts are in compare.bench.ts, the routed /20 of issue 13 in routed.bench.ts.)
const LAYOUTS = cfg.layouts.filter((n): n is 'sim' | 'farm' => n === 'sim' || n === 'farm');

function hasNmap(): boolean {
  try { execFileSync('sh', ['-c', 'command -v nmap'], { stdio: 'ignore' }); return true; } catch { return false; }
}
const why = labUnavailable()
  ?? (fs.existsSync(RUN_DEVICE) ? undefined : `${RUN_DEVICE} is missing (npm run build)`)
  ?? (hasNmap() ? undefined : 'nmap is not installed (run test/lab/setup.sh)')
  ?? (LAYOUTS.length ? undefined : 'layouts sim and farm not selected');

// The only target either tool is ever given.
if (LAB_SUBNET !== '10.213.0.0/24') throw new Error(`unexpected lab subnet ${LAB_SUBNET}`);
const TARGET = LAB_SUBNET;

type Tool = 'camsweep' | 'nmap';
type Variant = 'ping' | 'noping';
interface Run { tool: Tool; variant: Variant; wallMs: number; innerMs?: number; open: Set<string> }
interface FullRun { wallMs: number; innerMs?: number; tcpMs?: number; devices: number; discovery?: Record<string, number> }

const VARIANT_LABEL: Record<Variant, string> = {
  ping: 'host discovery (default)',
  noping: 'every host up (--no-ping / -Pn)',
};

function camsweepArgs(v: Variant): string[] {
  return ['scan', TARGET, '--protocols', 'tcp', '-p', PORT_ARG, '-f', 'json', '-q', ...(v === 'noping' ? ['--no-ping'] : [])];
}
function nmapArgs(v: Variant): string[] {
  return ['-sT', '-n', '-T4', '-p', PORT_ARG, ...(v === 'noping' ? ['-Pn'] : []), TARGET, '-oX', '-'];
}

function openFromReport(r: ScanReport): Set<string> {
  const s = new Set<string>();
  for (const d of r.devices) for (const p of d.open_ports ?? []) if (PORTS.includes(p)) s.add(`${d.ip}:${p}`);
  return s;
}

async function flushNeighbours(b: BenchLab): Promise<void> {
  // Cold ARP cache before every run, so no tool inherits the previous run's neighbour entries.
  await b.lab.exec(SCANNER, ['ip', 'neigh', 'flush', 'all']);
  await new Promise((r) => setTimeout(r, 300));
}

async function timeTool(b: BenchLab, tool: Tool, v: Variant): Promise<Run> {
  await flushNeighbours(b);
  const argv = tool === 'camsweep' ? ['node', CAMSWEEP, ...camsweepArgs(v)] : ['nmap', ...nmapArgs(v)];
  const t0 = performance.now();
  const r = await b.lab.exec(SCANNER, argv, { timeoutMs: 180_000, env: { NO_COLOR: '1' } });
  const wallMs = performance.now() - t0;
  if (tool === 'camsweep') {
    // Exit 1 = finished and found a restricted device (--fail-on restricted), which the sparse lab has.
    if (r.code !== 0 && r.code !== 1) throw new Error(`camsweep ${v} exited ${r.code}: ${r.stderr.slice(-2000)}`);
    let rep: ScanReport;
    try { rep = JSON.parse(r.stdout) as ScanReport; } catch { throw new Error(`camsweep ${v}: no JSON report: ${r.stdout.slice(0, 500)} ${r.stderr.slice(-1000)}`); }
    return { tool, variant: v, wallMs, innerMs: rep.stats?.tcp_ms ?? rep.stats?.duration_ms, open: openFromReport(rep) };
  }
  if (r.code !== 0) throw new Error(`nmap ${v} exited ${r.code}: ${r.stderr.slice(-2000)}`);
  const n = parseNmap(r.stdout);
  return { tool, variant: v, wallMs, innerMs: n.elapsedMs, open: n.open };
}

async function timeFull(b: BenchLab): Promise<FullRun> {
  await flushNeighbours(b);
  const t0 = performance.now();
  const r = await b.lab.exec(SCANNER, ['node', CAMSWEEP, 'scan', TARGET, '-f', 'json', '-q'], { timeoutMs: 180_000, env: { NO_COLOR: '1' } });
  const wallMs = performance.now() - t0;
  if (r.code !== 0 && r.code !== 1) throw new Error(`camsweep (default) exited ${r.code}: ${r.stderr.slice(-2000)}`);
  const rep = JSON.parse(r.stdout) as ScanReport;
  return { wallMs, innerMs: rep.stats?.duration_ms, tcpMs: rep.stats?.tcp_ms, devices: rep.devices.length, discovery: rep.stats?.discovery_ms };
}

/** Fixed cost: one port on the scanner's own lab address (start-up, loading, report; no waiting on the network). */
async function timeFloor(b: BenchLab, tool: Tool): Promise<number> {
  const self = `${TARGET.split('.').slice(0, 3).join('.')}.2`;
  const argv = tool === 'camsweep' ? ['node', CAMSWEEP, 'scan', self, '--protocols', 'tcp', '-p', '80', '-f', 'json', '-q'] : ['nmap', '-sT', '-n', '-p', '80', self, '-oX', '-'];
  const t0 = performance.now();
  const r = await b.lab.exec(SCANNER, argv, { timeoutMs: 60_000, env: { NO_COLOR: '1' } });
  if (r.code !== 0) throw new Error(`${tool} floor run exited ${r.code}: ${r.stderr.slice(-1000)}`);
  return performance.now() - t0;
}

const spread = (xs: number[]) => `${sec(median(xs))} (${sec(Math.min(...xs))}-${sec(Math.max(...xs))})`;

function diff(a: Set<string>, b: Set<string>): { onlyA: string[]; onlyB: string[] } {
  return { onlyA: [...a].filter((x) => !b.has(x)).sort(), onlyB: [...b].filter((x) => !a.has(x)).sort() };
}
const same = (a: Set<string>, b: Set<string>) => a.size === b.size && [...a].every((x) => b.has(x));

interface LayoutResult { layout: BenchLab; runs: Run[]; full: FullRun[]; floor: Record<Tool, number[]>; agreement: string[] }
const results: LayoutResult[] = [];

function table(): string {
  const rows: string[][] = [['layout', 'variant', 'camsweep s (median, min-max)', 'nmap s (median, min-max)', 'camsweep/nmap', 'open pairs']];
  const inner: string[] = [];
  for (const res of results) {
    for (const v of ['ping', 'noping'] as Variant[]) {
      const cs = res.runs.filter((r) => r.tool === 'camsweep' && r.variant === v);
      const nm = res.runs.filter((r) => r.tool === 'nmap' && r.variant === v);
      if (!cs.length || !nm.length) continue;
      const agree = [...cs, ...nm].every((r) => same(r.open, nm[0]!.open));
      rows.push([res.layout.name, VARIANT_LABEL[v], spread(cs.map((r) => r.wallMs)), spread(nm.map((r) => r.wallMs)),
        (median(cs.map((r) => r.wallMs)) / median(nm.map((r) => r.wallMs))).toFixed(2), `${nm[0]!.open.size}${agree ? ' (same)' : ' (DIFFER)'}`]);
      const csIn = cs.map((r) => r.innerMs).filter((x): x is number => x !== undefined);
      const nmIn = nm.map((r) => r.innerMs).filter((x): x is number => x !== undefined);
      inner.push(`  ${res.layout.name} ${v}: camsweep TCP sweep ${csIn.length ? sec(median(csIn)) : '-'} s of ${sec(median(cs.map((r) => r.wallMs)))} s wall ` +
        `(rest: node start-up, loading, report); nmap's own elapsed ${nmIn.length ? sec(median(nmIn)) : '-'} s of ${sec(median(nm.map((r) => r.wallMs)))} s wall`);
    }
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const lines = [fmt(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(fmt)];
  lines.push('', 'inside the tools (medians):', ...inner);
  for (const r of results) {
    if (r.floor.camsweep.length) lines.push(`  ${r.layout.name} fixed cost (one port on the scanner's own address): camsweep ${spread(r.floor.camsweep)} s, nmap ${spread(r.floor.nmap)} s`);
  }
  const full = results.filter((r) => r.full.length);
  if (full.length) {
    lines.push('', 'for information, full default camsweep scan (discovery + TCP on the 8 default ports, --listen-time 3000):');
    for (const r of full) {
      const disc = r.full[0]!.discovery ? Object.entries(r.full[0]!.discovery).map(([k, v]) => `${k} ${sec(v)}`).join(', ') : '-';
      lines.push(`  ${r.layout.name}: wall ${spread(r.full.map((f) => f.wallMs))} s; in-report duration ${sec(median(r.full.map((f) => f.innerMs ?? NaN)))} s, ` +
        `TCP ${sec(median(r.full.map((f) => f.tcpMs ?? NaN)))} s; ${r.full[0]!.devices} devices; discovery (first run) ${disc}`);
    }
  }
  for (const r of results) for (const a of r.agreement) lines.push(a);
  return lines.join('\n');
}

describe.skipIf(why)('sweep benchmark: camsweep beside nmap on the namespace LAN', () => {
  beforeAll(() => {
    const swept = sweepStaleLabs();
    if (swept.length) console.log(`swept stale labs: ${swept.join(', ')}`);
    const nmapVersion = execFileSync('nmap', ['--version'], { encoding: 'utf8' }).split('\n')[0];
    console.log(`${nmapVersion}; node ${process.version}; ${REPS} runs per tool and variant, order alternating; neighbour cache flushed before every run`);
  });

  afterAll(() => {
    if (results.length) console.log(`\n=== sweep benchmark (${TARGET}, ports ${PORT_ARG}, ${REPS} runs each) ===\n${table()}\n`);
  });

  for (const name of LAYOUTS) {
    describe(`${name} layout`, () => {
      let b: BenchLab | undefined;

      beforeAll(async () => {
        b = name === 'sim' ? await buildSparse(PORTS) : await buildDense(PORTS);
        console.log(`${name}: ${b.description}; lab ${b.lab.prefix} ready in ${b.setupSeconds.toFixed(2)} s; ${b.expectedOpen.size} open pairs expected`);
      });

      afterAll(async () => {
        if (!b) return;
        const r = await b.lab.teardown();
        console.log(`${name}: lab ${b.lab.prefix} torn down in ${r.seconds.toFixed(2)} s${r.errors.length ? `; errors: ${r.errors.join('; ')}` : ''}`);
      });

      it('times camsweep and nmap alternately; both find the same open host:port pairs', async () => {
        const lab = b!;
        const res: LayoutResult = { layout: lab, runs: [], full: [], floor: { camsweep: [], nmap: [] }, agreement: [] };
        results.push(res);
        for (let i = 0; i < REPS; i++) {
          for (const v of ['ping', 'noping'] as Variant[]) {
            const order: Tool[] = (i + (v === 'noping' ? 1 : 0)) % 2 === 0 ? ['camsweep', 'nmap'] : ['nmap', 'camsweep'];
            for (const tool of order) {
              const r = await timeTool(lab, tool, v);
              res.runs.push(r);
              console.log(`${name} #${i + 1} ${v.padEnd(6)} ${tool.padEnd(8)} ${sec(r.wallMs)} s wall, ${r.open.size} open`);
            }
          }
        }
        for (let i = 0; i < 3; i++) for (const tool of (i % 2 ? ['nmap', 'camsweep'] : ['camsweep', 'nmap']) as Tool[]) res.floor[tool].push(await timeFloor(lab, tool));
        for (let i = 0; i < FULL_REPS; i++) {
          const f = await timeFull(lab);
          res.full.push(f);
          console.log(`${name} full default scan #${i + 1}: ${sec(f.wallMs)} s wall, ${f.devices} devices`);
        }
        // Agreement: every run of both tools against nmap's first run, and against the layout as built.
        const failures: string[] = [];
        for (const v of ['ping', 'noping'] as Variant[]) {
          const ref = res.runs.find((r) => r.tool === 'nmap' && r.variant === v)!.open;
          const d0 = diff(ref, lab.expectedOpen);
          if (d0.onlyA.length || d0.onlyB.length) res.agreement.push(`note: ${name} ${v}: nmap vs the layout as built: only nmap ${JSON.stringify(d0.onlyA)}, only built ${JSON.stringify(d0.onlyB)}`);
          res.runs.filter((r) => r.variant === v).forEach((r, k) => {
            const d = diff(r.open, ref);
            if (d.onlyA.length || d.onlyB.length) {
              const msg = `DIFFER ${name} ${v} run ${k + 1} ${r.tool} vs nmap run 1: only ${r.tool} ${JSON.stringify(d.onlyA)}, only nmap ${JSON.stringify(d.onlyB)}`;
              res.agreement.push(msg);
              failures.push(msg);
            }
          });
        }
        for (const a of res.agreement) console.log(a);
        expect(failures, failures.join('\n')).toEqual([]);
      });
    });
  }
});
