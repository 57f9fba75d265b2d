// Issue 11's benchmark (`npm run bench`, root, Linux; options in test/bench/options.mjs): camsweep beside
// nmap on the layouts of test/bench/layouts.ts, in one run, from the same scanner namespace:
//
//   camsweep scan <cidr> --protocols tcp -f json -q            beside  nmap -n -sT -T4 -p <8 ports> <cidr>
//   camsweep scan <cidr> --protocols tcp --no-ping -f json -q  beside  nmap -n -sT -T4 -Pn ...   (the /24s)
//   camsweep scan <cidr> -f json -q   (the default scan: discovery + TCP), for its wall time
//
// Every run goes under GNU time (wall clock, peak RSS from wait4's rusage, CPU), the scanner's
// neighbour cache is flushed before each, and the order of the runs is reversed every other round.
// Every run must report exactly the open host:port set the layout was built with (the test fails,
// listing the differences, when one does not); times are printed, never asserted (project rule).
// Then, per option: --rate accuracy (new connections per second from SYNs captured with tcpdump),
// a CPU profile of camsweep on the dense /24 with a connection trace and the responders' request
// counts, and peak RSS on blocks of absent addresses.
//
// Safety: every command runs through lab.exec('scanner', ...) = `ip netns exec <lab scanner ns>`, the
// only targets are the layouts' constant blocks (10.60.0.0/24, 10.61.0.0/24, 10.50.0.0/16-20,
// 10.70.0.0/16-24), which exist only inside the lab; the scanner namespace has no default route (checked
// before every run) and nmap always gets -n. Labs are torn down in afterAll and, should the process die,
// by the harness's exit/signal hooks.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labUnavailable, sweepStaleLabs } from '../lab/netns.js';
import { CAMSWEEP, REPO } from '../lab/topology.js';
import { configFromEnv } from './options.mjs';
import { BENCH_DIR, BENCH_PORTS, buildAbsentBlock, buildDenseBlock, buildMixedBlock, buildRoutedSparse, SCANNER, type Block, type Kind } from './layouts.js';
import { captureSyns, cpuSeconds, GNU_TIME, load, mb, median, openFromReport, parseNmap, sec, setDiff, synStats, textTable, timedExec, type SynStats, type TimedRun } from './measure.js';
import { requestsPerOpenPort, summariseProfile, summariseTrace, topLevelFunctions, type CpuProfile, type ResponderStats, type Trace } from './profile.js';

interface Config { layouts: string[]; size: number; rounds: number; rates: number[]; profile: boolean; memory: boolean; memorySizes: number[]; nmap: boolean; floor: boolean; out: string }
const cfg = configFromEnv() as Config;
const PORT_ARG = BENCH_PORTS.join(',');
const TRACE_HOOK = path.join(BENCH_DIR, 'trace-hook.mjs');
const LAYOUTS = cfg.layouts.filter((l) => l === 'dense' || l === 'mixed' || l === 'routed');

function has(cmd: string): boolean {
  try { execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }); return true; } catch { return false; }
}
const why = labUnavailable()
  ?? (fs.existsSync(path.join(REPO, 'dist', 'cli', 'main.js')) ? undefined : 'dist/ is missing (npm run build)')
  ?? ['nmap', 'tcpdump', 'iptables', 'openssl'].map((c) => (has(c) ? undefined : `${c} is not installed (run test/lab/setup.sh)`)).find(Boolean)
  ?? (fs.existsSync(GNU_TIME) ? undefined : `${GNU_TIME} is missing (apt-get install time; test/lab/setup.sh)`)
  ?? (LAYOUTS.length || cfg.memory ? undefined : 'no issue-11 layout selected');

if (why && (LAYOUTS.length || cfg.memory)) console.log(`issue 11 benchmark skipped: ${why}`);

type Variant = 'cs-tcp' | 'cs-noping' | 'cs-full' | 'nmap' | 'nmap-Pn' | 'cs-base' | 'floor';
// --floor: test/bench/floor-client.mjs, the same requests with none of camsweep's machinery (dense only).
const FLOOR = path.join(BENCH_DIR, 'floor-client.mjs');
const CS = ['node', CAMSWEEP, 'scan'];
// BENCH_BASELINE=<checkout with dist/ built>: that camsweep's --protocols tcp scan as one more variant,
// in the same rounds (a before/after measured side by side on a noisy machine).
const BASELINE = process.env.BENCH_BASELINE;
const ARGV: Record<Variant, (cidr: string) => string[]> = {
  'cs-tcp': (c) => [...CS, c, '--protocols', 'tcp', '-f', 'json', '-q'],
  'cs-noping': (c) => [...CS, c, '--protocols', 'tcp', '--no-ping', '-f', 'json', '-q'],
  'cs-full': (c) => [...CS, c, '-f', 'json', '-q'],
  nmap: (c) => ['nmap', '-n', '-sT', '-T4', '-p', PORT_ARG, c, '-oX', '-'],
  'nmap-Pn': (c) => ['nmap', '-n', '-sT', '-T4', '-Pn', '-p', PORT_ARG, c, '-oX', '-'],
  'cs-base': (c) => ['node', path.join(BASELINE ?? '.', 'bin', 'camsweep.js'), 'scan', c, '--protocols', 'tcp', '-f', 'json', '-q'],
  floor: (c) => ['node', FLOOR, c, PORT_ARG],
};
const SHOWN: Record<Variant, string> = {
  'cs-tcp': 'camsweep scan <cidr> --protocols tcp', 'cs-noping': 'camsweep scan <cidr> --protocols tcp --no-ping', 'cs-full': 'camsweep scan <cidr> (default: discovery + TCP)',
  nmap: `nmap -n -sT -T4 -p ${PORT_ARG} <cidr>`, 'nmap-Pn': `nmap -n -sT -T4 -Pn -p ${PORT_ARG} <cidr>`,
  'cs-base': `camsweep scan <cidr> --protocols tcp, as built in BENCH_BASELINE (${BASELINE ?? 'not set'})`,
  floor: 'node test/bench/floor-client.mjs <cidr> (--floor: about the requests camsweep makes, nothing else; dense only)',
};

interface Run {
  layout: string; cidr: string; variant: Variant; round: number; wallMs: number; rssKb?: number; cpuS?: number; code: number;
  open: number; same: boolean; onlyTool: string[]; onlyBuilt: string[]; tcpMs?: number; durationMs?: number; nmapMs?: number; up?: number;
  responderCpuS?: number; load1: number; rate?: number;
  /** For a run that did not find the open set as built: what the tool said (and where its full output went). */
  diagnosis?: { summary?: unknown; complete?: unknown; warnings?: unknown; stats?: unknown; notScanned?: number; devices?: number; stderr: string; saved: string };
}
interface RateResult { layout: string; cidr: string; asked: number; stats: SynStats; dropped: number; wallMs: number; same: boolean }
interface MemoryResult { cidr: string; addresses: number; wallMs: number; rssKb?: number; code: number; heap?: Record<string, number> }
const results = { config: cfg, started: new Date().toISOString(), machine: {} as Record<string, unknown>, layouts: [] as Array<{ name: string; cidr: string; description: string; setupSeconds: number }>, runs: [] as Run[], rates: [] as RateResult[], profile: undefined as unknown, memory: [] as MemoryResult[] };

function runTimeoutMs(b: Block, v: Variant): number {
  if (b.name === 'absent') return 60 * 60_000;
  if (b.name !== 'routed') return 10 * 60_000;
  const size = Number(b.cidr.split('/')[1]);
  const f = size >= 20 ? 1 : size >= 18 ? 4 : 16;
  return (v.startsWith('nmap') ? 15 : 5) * 60_000 * f;
}

function assertContained(b: Block): void {
  // The scanner must have no way out of the lab (no default route), and the target must be the layout's block.
  const def = execFileSync('ip', ['-n', b.lab.ns(SCANNER), 'route', 'show', 'default'], { encoding: 'utf8' }).trim();
  if (def) throw new Error(`the scanner namespace has a default route (${def}); refusing to run`);
  if (!/^10\.(50|60|61|70)\.0\.0\/(1[6-9]|2[0-4])$/.test(b.cidr)) throw new Error(`unexpected target ${b.cidr}`);
}

/** --memory runs: camsweep with trace-hook.mjs sampling its heap (connections not recorded). */
const HEAP_HOOK = (file: string) => ({ node: ['--import', TRACE_HOOK], env: { BENCH_TRACE: file, BENCH_TRACE_CONNS: '0' } });

async function runTool(b: Block, variant: Variant, round: number, extra: string[] = [], cidr = b.cidr, hook?: { node: string[]; env: Record<string, string> }): Promise<Run> {
  assertContained(b);
  await b.lab.exec(SCANNER, ['ip', 'neigh', 'flush', 'all']);
  await new Promise((r) => setTimeout(r, 300));
  const argv = [...ARGV[variant](cidr), ...extra];
  if (hook && argv[0] === 'node') argv.splice(1, 0, ...hook.node);
  const cpu0 = b.responders ? cpuSeconds(b.responders.pid) : NaN;
  const load1 = load().load1;
  const r: TimedRun = await timedExec(b.lab, SCANNER, argv, { timeoutMs: runTimeoutMs(b, variant), env: { NO_COLOR: '1', ...hook?.env } });
  const responderCpuS = b.responders ? cpuSeconds(b.responders.pid) - cpu0 : undefined;
  const base = { layout: b.name, cidr, variant, round, wallMs: r.elapsedMs ?? r.wallMs, rssKb: r.maxRssKb, cpuS: (r.userS ?? 0) + (r.sysS ?? 0), code: r.code, responderCpuS, load1 };
  let open: Set<string>;
  let more: Partial<Run> = {};
  if (variant.startsWith('cs') || variant === 'floor') {
    // Exit 1 = finished and found a restricted device; anything else but 0 means it did not finish or could not see.
    if (r.code !== 0 && r.code !== 1) throw new Error(`${argv.join(' ')} exited ${r.code}: ${r.stderr.slice(-2000)}`);
    let rep: { devices: Array<{ ip: string; open_ports?: number[] }>; stats?: { tcp_ms?: number; duration_ms?: number }; summary?: unknown; complete?: unknown; warnings?: unknown; not_scanned?: unknown[] };
    try { rep = JSON.parse(r.stdout); } catch { throw new Error(`${argv.join(' ')}: no JSON report: ${r.stdout.slice(0, 300)} ${r.stderr.slice(-1000)}`); }
    open = openFromReport(rep, BENCH_PORTS);
    more = { tcpMs: rep.stats?.tcp_ms, durationMs: rep.stats?.duration_ms };
    if (!sameSet(open, b.expectedOpen)) {
      more.diagnosis = { summary: rep.summary, complete: rep.complete, warnings: rep.warnings, stats: rep.stats, notScanned: rep.not_scanned?.length, devices: rep.devices.length, stderr: r.stderr.slice(-4000), saved: saveOutput(b, variant, round, r) };
    }
  } else {
    if (r.code !== 0) throw new Error(`${argv.join(' ')} exited ${r.code}: ${r.stderr.slice(-2000)}`);
    const n = parseNmap(r.stdout);
    open = n.open;
    more = { nmapMs: n.elapsedMs, up: n.up };
    if (!sameSet(open, b.expectedOpen)) more.diagnosis = { stderr: r.stderr.slice(-4000), saved: saveOutput(b, variant, round, r) };
  }
  const d = setDiff(open, b.expectedOpen);
  const run: Run = { ...base, ...more, open: open.size, same: !d.onlyA.length && !d.onlyB.length, onlyTool: d.onlyA.slice(0, 20), onlyBuilt: d.onlyB.slice(0, 20) };
  results.runs.push(run);
  if (run.diagnosis) console.log(`${b.name} round ${round + 1} ${variant}: DIFFERS from the layout as built; the tool said: ${JSON.stringify({ ...run.diagnosis, stderr: run.diagnosis.stderr.slice(-600) })}`);
  console.log(`${b.name} round ${round + 1} ${variant.padEnd(9)} ${sec(run.wallMs)} s, peak RSS ${mb(run.rssKb)}, CPU ${run.cpuS?.toFixed(2)} s, ` +
    `${open.size}/${b.expectedOpen.size} open${run.same ? '' : ` DIFFER (only ${variant}: ${d.onlyA.length}, missed: ${d.onlyB.length})`}` +
    `${responderCpuS !== undefined ? `, responders CPU ${responderCpuS.toFixed(2)} s` : ''}, load ${load1}`);
  return run;
}

const sameSet = (a: Set<string>, b: Set<string>) => a.size === b.size && [...a].every((x) => b.has(x));

/** Keep the whole output of a run that went wrong (outside the lab, which is torn down): /tmp/camsweep-bench-<pid>-... */
function saveOutput(b: Block, v: Variant, round: number, r: TimedRun): string {
  const file = path.join('/tmp', `camsweep-bench-${process.pid}-${b.name}-${v}-round${round + 1}-${Date.now()}.txt`);
  fs.writeFileSync(file, `exit ${r.code}; wall ${r.wallMs.toFixed(0)} ms; peak RSS ${r.maxRssKb} kB; CPU ${r.userS}+${r.sysS} s\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}\n`);
  return file;
}

function variantsFor(b: Block): Variant[] {
  const v: Variant[] = b.name === 'routed' ? ['cs-tcp', 'nmap', 'cs-full'] : ['cs-tcp', 'nmap', 'cs-noping', 'nmap-Pn', 'cs-full'];
  if (BASELINE) v.splice(1, 0, 'cs-base');
  if (cfg.floor && b.name === 'dense') v.splice(1, 0, 'floor');
  return cfg.nmap ? v : v.filter((x) => !x.startsWith('nmap'));
}

const GOALS: Record<string, number> = { dense: 0.7, mixed: 0.3, routed: 0.2 };

function comparisonTable(): string {
  const rows: string[][] = [['layout', 'camsweep', 'nmap', 'camsweep s', 'nmap s', 'ratio', 'camsweep RSS', 'nmap RSS', 'open pairs', 'goal']];
  const spread = (xs: number[]) => (xs.length ? `${sec(median(xs))} (${sec(Math.min(...xs))}-${sec(Math.max(...xs))})` : '-');
  for (const l of results.layouts) {
    const runs = results.runs.filter((r) => r.layout === l.name && r.rate === undefined);
    const pairs: Array<[Variant, Variant | undefined]> = [['cs-tcp', 'nmap'], ['cs-base', 'nmap'], ['floor', 'nmap'], ['cs-noping', 'nmap-Pn'], ['cs-full', 'nmap']];
    for (const [c, n] of pairs) {
      const cs = runs.filter((r) => r.variant === c);
      if (!cs.length) continue;
      const nm = n ? runs.filter((r) => r.variant === n) : [];
      const cMed = median(cs.map((r) => r.wallMs));
      const nMed = nm.length ? median(nm.map((r) => r.wallMs)) : NaN;
      const ratio = cMed / nMed;
      const all = [...cs, ...nm];
      const goal = c === 'cs-tcp' && GOALS[l.name] !== undefined && Number.isFinite(ratio)
        ? `<= ${GOALS[l.name]}: ${ratio <= GOALS[l.name]! ? 'met' : 'NOT met'}` : '';
      rows.push([`${l.name} ${l.cidr}`, c.replace('cs-', ''), nm.length ? n! : '-', spread(cs.map((r) => r.wallMs)), spread(nm.map((r) => r.wallMs)),
        Number.isFinite(ratio) ? ratio.toFixed(2) : '-', mb(median(cs.map((r) => r.rssKb ?? NaN))), nm.length ? mb(median(nm.map((r) => r.rssKb ?? NaN))) : '-',
        `${cs[0]!.open}${all.every((r) => r.same) ? ' (same, every run)' : ' (DIFFER)'}`, goal]);
    }
  }
  const lines = [textTable(rows)];
  lines.push('', 'commands:', ...(Object.keys(SHOWN) as Variant[]).map((v) => `  ${v.padEnd(9)} ${SHOWN[v]}`));
  const routed = results.layouts.find((l) => l.name === 'routed');
  if (routed) {
    const size = Number(routed.cidr.split('/')[1]);
    const tcp = median(results.runs.filter((r) => r.layout === 'routed' && r.variant === 'cs-tcp' && r.rate === undefined).map((r) => r.wallMs));
    const full = median(results.runs.filter((r) => r.layout === 'routed' && r.variant === 'cs-full').map((r) => r.wallMs));
    const rss = median(results.runs.filter((r) => r.layout === 'routed' && r.variant === 'cs-tcp' && r.rate === undefined).map((r) => r.rssKb ?? NaN));
    if (Number.isFinite(full)) lines.push(`routed: default / (TCP-only + the 3 s listening window) = ${(full / (tcp + 3000)).toFixed(2)} (issue 13: <= 1.5)`);
    if (size === 16) lines.push(`routed /16 goal: <= 40 s and <= 150 MB at default settings: ${sec(tcp)} s, ${mb(rss)} -> ${tcp <= 40_000 && rss <= 150 * 1024 ? 'met' : 'NOT met'}`);
  }
  const inner = results.runs.filter((r) => r.rate === undefined && (r.tcpMs !== undefined || r.nmapMs !== undefined || r.responderCpuS !== undefined));
  if (inner.length) {
    lines.push('', 'inside the runs (medians): camsweep\'s own duration_ms / tcp_ms from its report, nmap\'s own elapsed, CPU of the tool and of the responders:');
    for (const l of results.layouts) {
      for (const v of ['cs-tcp', 'cs-base', 'floor', 'cs-noping', 'cs-full', 'nmap', 'nmap-Pn'] as Variant[]) {
        const rs = inner.filter((r) => r.layout === l.name && r.variant === v);
        if (!rs.length) continue;
        const m = (f: (r: Run) => number | undefined) => median(rs.map(f).filter((x): x is number => x !== undefined));
        const own = v === 'floor' ? 'no timings of its own' : v.startsWith('nmap') ? `nmap elapsed ${sec(m((r) => r.nmapMs))} s, ${m((r) => r.up)} hosts up` : `duration ${sec(m((r) => r.durationMs))} s, TCP ${sec(m((r) => r.tcpMs))} s`;
        lines.push(`  ${l.name.padEnd(6)} ${v.padEnd(9)} wall ${sec(m((r) => r.wallMs))} s; ${own}; CPU ${m((r) => r.cpuS).toFixed(2)} s; responders ${Number.isFinite(m((r) => r.responderCpuS)) ? `${m((r) => r.responderCpuS).toFixed(2)} s` : '-'}; load ${m((r) => r.load1)}`);
      }
    }
  }
  return lines.join('\n');
}

function rateTable(): string {
  if (!results.rates.length) return '';
  const rows: string[][] = [['layout', '--rate', 'new connections', 'span s', 'achieved /s', 'steady /s (median of 1 s)', 'max in 1 s', 'achieved / asked', 'within 10%', 'SYN retransmits']];
  for (const r of results.rates) {
    const ratio = r.asked ? r.stats.rate / r.asked : NaN;
    rows.push([`${r.layout} ${r.cidr}`, r.asked ? String(r.asked) : '(none)', String(r.stats.connections), r.stats.spanS.toFixed(2), r.stats.rate.toFixed(0), r.stats.steady.toFixed(0),
      String(r.stats.max1s), Number.isFinite(ratio) ? ratio.toFixed(2) : '-', r.asked ? (Math.abs(ratio - 1) <= 0.1 && Math.abs(r.stats.steady / r.asked - 1) <= 0.1 ? 'yes' : 'NO') : '',
      String(r.stats.retransmits) + (r.dropped ? ` (tcpdump dropped ${r.dropped})` : '')]);
  }
  return `--rate accuracy: SYNs (without ACK) captured by tcpdump on the scanner's eth0; a new connection is the first SYN of a (source port, destination, port)\n${textTable(rows)}`;
}

function memoryTable(): string {
  if (!results.memory.length) return '';
  const rows: string[][] = [['block of absent addresses', 'addresses', 'wall s', 'camsweep peak RSS', 'peak heap used', 'peak heap total', 'peak external + array buffers']];
  const m2 = (bytes: number | undefined) => (bytes === undefined ? '-' : mb(bytes / 1024));
  for (const m of results.memory) rows.push([m.cidr, String(m.addresses), sec(m.wallMs), mb(m.rssKb), m2(m.heap?.heapUsed), m2(m.heap?.heapTotal), m2(m.heap ? m.heap.external! + m.heap.arrayBuffers! : undefined)]);
  const pts = results.memory.filter((m) => m.rssKb !== undefined);
  const lines = [`memory: camsweep scan <block> --protocols tcp -f json -q, every address absent (blackholed at the router); heap sampled every 50 ms by trace-hook.mjs\n${textTable(rows)}`];
  if (pts.length >= 2) {
    const n = pts.length;
    const xs = pts.map((p) => p.addresses / 1000);
    const ys = pts.map((p) => p.rssKb! / 1024);
    const mx = xs.reduce((a, b) => a + b) / n;
    const my = ys.reduce((a, b) => a + b) / n;
    const slope = xs.reduce((a, x, i) => a + (x - mx) * (ys[i]! - my), 0) / xs.reduce((a, x) => a + (x - mx) ** 2, 0);
    lines.push(`growth: ${slope.toFixed(2)} MB per 1,000 addresses above ${(my - slope * mx).toFixed(0)} MB (least squares)`);
    const a = pts.find((p) => p.addresses === 4094);
    const z = pts.find((p) => p.addresses === 254);
    if (a && z) lines.push(`4,094 vs 254 absent addresses: ${(a.rssKb! / z.rssKb!).toFixed(2)}x (the Done-when memory test: within 1.10x)`);
  }
  return lines.join('\n');
}

function printAll(): void {
  const parts = [comparisonTable(), rateTable(), memoryTable(), typeof results.profile === 'string' ? results.profile : ''].filter(Boolean);
  console.log(`\n=== issue 11 benchmark: camsweep beside nmap (${cfg.rounds} rounds, order reversed every other round; ${results.machine['nmap']}; node ${process.version}; ${results.machine['cpus']} CPUs) ===\n${parts.join('\n\n')}\n`);
  if (cfg.out) {
    fs.writeFileSync(cfg.out, JSON.stringify(results, null, 1));
    console.log(`measurements written to ${cfg.out}`);
  }
}

const builders: Record<string, () => Promise<Block>> = {
  dense: buildDenseBlock,
  mixed: buildMixedBlock,
  routed: () => buildRoutedSparse(cfg.size),
};

describe.skipIf(why)('issue 11 benchmark: camsweep beside nmap', () => {
  beforeAll(() => {
    const swept = sweepStaleLabs();
    if (swept.length) console.log(`swept stale labs: ${swept.join(', ')}`);
    results.machine = { nmap: execFileSync('nmap', ['--version'], { encoding: 'utf8' }).split('\n')[0], node: process.version, cpus: load().cpus, load1: load().load1 };
    console.log(`${results.machine['nmap']}; node ${process.version}; config ${JSON.stringify(cfg)}`);
    if (load().load1 > load().cpus) console.log(`note: load average ${load().load1} on ${load().cpus} CPUs: other work shares this machine, times will be noisy`);
  });
  afterAll(() => printAll());

  for (const name of LAYOUTS) {
    describe(name, () => {
      let b: Block | undefined;
      beforeAll(async () => {
        b = await builders[name]!();
        results.layouts.push({ name: b.name, cidr: b.cidr, description: b.description, setupSeconds: b.setupSeconds });
        console.log(`${name}: ${b.description}; lab ${b.lab.prefix} ready in ${b.setupSeconds.toFixed(2)} s`);
      }, 600_000);
      afterAll(async () => {
        if (!b) return;
        const r = await b.lab.teardown();
        console.log(`${name}: lab ${b.lab.prefix} torn down in ${r.seconds.toFixed(2)} s${r.errors.length ? `; errors: ${r.errors.join('; ')}` : ''}`);
      });

      it(`times camsweep and nmap in ${cfg.rounds} alternating rounds; every run finds the open set as built`, async () => {
        const order = variantsFor(b!);
        for (let round = 0; round < cfg.rounds; round++) {
          for (const v of round % 2 ? [...order].reverse() : order) await runTool(b!, v, round);
        }
        const bad = results.runs.filter((r) => r.layout === name && !r.same);
        const msg = bad.map((r) => `${r.layout} round ${r.round + 1} ${r.variant}: ${r.open} open of ${b!.expectedOpen.size}; only the tool: ${JSON.stringify(r.onlyTool)}; missed: ${JSON.stringify(r.onlyBuilt)}`).join('\n');
        expect(bad.length, `open host:port sets differ from the layout as built:\n${msg}`).toBe(0);
      }, 24 * 3600_000);

      if ((name === 'dense' || name === 'routed') && cfg.rates.length) {
        it(`--rate ${cfg.rates.join(', ')}: new connections per second counted by tcpdump`, async () => {
          const failures: string[] = [];
          for (const asked of [0, ...cfg.rates]) {
            const cap = await captureSyns(b!.lab, SCANNER);
            const run = await runTool(b!, 'cs-tcp', 0, asked ? ['--rate', String(asked)] : []);
            const got = await cap.stop();
            run.rate = asked;
            const stats = synStats(got.syns);
            results.rates.push({ layout: b!.name, cidr: b!.cidr, asked, stats, dropped: got.dropped, wallMs: run.wallMs, same: run.same });
            console.log(`${name} --rate ${asked || '(none)'}: ${stats.connections} new connections in ${stats.spanS.toFixed(2)} s = ${stats.rate.toFixed(0)}/s (steady ${stats.steady}/s, max ${stats.max1s} in 1 s), ${stats.retransmits} SYN retransmits`);
            if (!run.same) failures.push(`--rate ${asked}: open set differs (only camsweep ${JSON.stringify(run.onlyTool)}, missed ${JSON.stringify(run.onlyBuilt)})`);
          }
          expect(failures, failures.join('\n')).toEqual([]);
        }, 24 * 3600_000);
      }

      if (name === 'dense' && cfg.profile) {
        it('profiles camsweep on the dense /24 (CPU profile, connection trace, requests per open port)', async () => {
          results.profile = await profileDense(b!);
        }, 600_000);
      }
    });
  }

  if (cfg.memory) {
    describe('memory: blocks of absent addresses', () => {
      let b: Block | undefined;
      beforeAll(async () => { b = await buildAbsentBlock(); console.log(`absent: ${b.description}; lab ${b.lab.prefix}`); }, 600_000);
      afterAll(async () => { if (b) await b.lab.teardown(); });
      it(`peak RSS of camsweep for /${cfg.memorySizes.join(', /')} of absent addresses`, async () => {
        for (const size of cfg.memorySizes) {
          const cidr = `10.70.0.0/${size}`;
          const file = path.join(b!.lab.dir(SCANNER, 'heap'), `heap-${size}.json`);
          const r = await runTool({ ...b!, cidr, expectedOpen: new Set() }, 'cs-tcp', 0, [], cidr, HEAP_HOOK(file));
          let heap: Record<string, number> | undefined;
          try { heap = (JSON.parse(fs.readFileSync(file, 'utf8')) as { memPeak?: Record<string, number> }).memPeak; } catch { heap = undefined; }
          results.memory.push({ cidr, addresses: 2 ** (32 - size) - 2, wallMs: r.wallMs, rssKb: r.rssKb, code: r.code, heap });
          results.runs.pop();
          expect(r.same).toBe(true);
        }
      }, 24 * 3600_000);
    });
  }
});

/** One profiled camsweep run on the dense /24, and what it says. */
async function profileDense(b: Block): Promise<string> {
  const dir = b.lab.dir(SCANNER, 'profile');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const traceFile = path.join(dir, 'trace.json');
  const reportFile = path.join(dir, 'report.json');
  const signalStats = async (): Promise<ResponderStats | undefined> => {
    if (!b.responders || !b.statsFile) return undefined;
    fs.rmSync(b.statsFile, { force: true });
    process.kill(b.responders.pid, 'SIGUSR2');
    for (let i = 0; i < 100 && !fs.existsSync(b.statsFile); i++) await new Promise((r) => setTimeout(r, 50));
    return JSON.parse(fs.readFileSync(b.statsFile, 'utf8')) as ResponderStats;
  };
  assertContained(b);
  await b.lab.exec(SCANNER, ['ip', 'neigh', 'flush', 'all']);
  await signalStats(); // reset the counts
  const cap = await captureSyns(b.lab, SCANNER);
  const argv = ['node', '--cpu-prof', '--cpu-prof-dir', dir, '--import', TRACE_HOOK, CAMSWEEP, 'scan', b.cidr, '--protocols', 'tcp', '-f', 'json', '-q', '-o', reportFile];
  const r = await timedExec(b.lab, SCANNER, argv, { timeoutMs: 600_000, env: { NO_COLOR: '1', BENCH_TRACE: traceFile } });
  const syns = await cap.stop();
  const stats = await signalStats();
  if (r.code !== 0 && r.code !== 1) throw new Error(`profiled run exited ${r.code}: ${r.stderr.slice(-2000)}`);
  const report = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
  const open = openFromReport(report, BENCH_PORTS);
  const d = setDiff(open, b.expectedOpen);
  const profFile = fs.readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!profFile) throw new Error('no .cpuprofile written');
  const prof = JSON.parse(fs.readFileSync(path.join(dir, profFile), 'utf8')) as CpuProfile;
  if (cfg.out) fs.copyFileSync(path.join(dir, profFile), `${cfg.out.replace(/\.json$/, '')}.dense.cpuprofile`);
  const fnCache = new Map<string, Array<{ line: number; name: string }> | undefined>();
  const functions = (url: string) => {
    if (!fnCache.has(url)) {
      let v: Array<{ line: number; name: string }> | undefined;
      try { if (url.startsWith(`file://${REPO}/dist/`)) v = topLevelFunctions(fs.readFileSync(new URL(url), 'utf8')); } catch { v = undefined; }
      fnCache.set(url, v);
    }
    return fnCache.get(url);
  };
  const ps = summariseProfile(prof, { repo: REPO, functions, top: 15 });
  const trace = JSON.parse(fs.readFileSync(traceFile, 'utf8')) as Trace;
  const kindAt = (host: string, port: number): Kind | undefined => b.services.get(`${host}:${port}`);
  const ts = summariseTrace(trace, (h, p) => { const k = kindAt(h, p); return k !== undefined && k !== 'https'; });
  const openPorts = new Map<number, number>();
  for (const hp of b.expectedOpen) { const p = Number(hp.split(':')[1]); openPorts.set(p, (openPorts.get(p) ?? 0) + 1); }
  const perPort = stats ? requestsPerOpenPort(stats, openPorts) : [];
  const syn = synStats(syns.syns);

  const L: string[] = [];
  const pct = (x: number) => `${x.toFixed(1)}%`;
  L.push(`profile: ${argv.slice(0, 6).join(' ')} ... scan ${b.cidr} --protocols tcp -f json -q -o report.json (BENCH_TRACE set)`);
  L.push(`  wall ${sec(r.elapsedMs ?? r.wallMs)} s, CPU ${((r.userS ?? 0) + (r.sysS ?? 0)).toFixed(2)} s (user ${r.userS} s, sys ${r.sysS} s), peak RSS ${mb(r.maxRssKb)}; ` +
    `${open.size}/${b.expectedOpen.size} open found${d.onlyA.length || d.onlyB.length ? ' (DIFFER)' : ''}; profile covers ${sec(ps.totalMs)} s`);
  L.push('', 'time by activity (CPU profile samples, attributed to the innermost camsweep function on the stack):');
  L.push(textTable([['activity', 'ms', '% of profile'], ...ps.categories.map((c) => [c.name, c.ms.toFixed(0), pct(c.pct)])]));
  L.push('', 'top self time:');
  L.push(textTable([['function', 'where', 'ms', '%'], ...ps.self.map((f) => [f.fn, f.where, f.ms.toFixed(0), pct(f.pct)])]));
  L.push('', 'top inclusive time:');
  L.push(textTable([['function', 'where', 'ms', '%'], ...ps.inclusive.map((f) => [f.fn, f.where, f.ms.toFixed(0), pct(f.pct)])]));
  L.push('', `timeline (ms since node started): first connection ${ts.firstConnectAt.toFixed(0)} (start-up before it), last connect check ended ${ts.lastCheckEndAt.toFixed(0)}, ` +
    `first probe request ${ts.firstProbeAt.toFixed(0)}, last probe connection ended ${ts.lastProbeEndAt.toFixed(0)}, exit ${ts.exitAt.toFixed(0)} (report after the last connection: ${(ts.exitAt - Math.max(ts.lastCheckEndAt, ts.lastProbeEndAt)).toFixed(0)} ms); ` +
    `at most ${ts.peakInFlight} connections open at once`);
  L.push(`event loop: delay p50 ${trace.loop.p50} ms, p90 ${trace.loop.p90} ms, p99 ${trace.loop.p99} ms, max ${trace.loop.max} ms; ${trace.loop.stalls.length} stalls over 50 ms ` +
    `(${trace.loop.stalls.reduce((a, s) => a + s[1], 0)} ms in all${trace.loop.stalls.length ? `, longest ${Math.max(...trace.loop.stalls.map((s) => s[1]))} ms at ${trace.loop.stalls.reduce((a, s) => (s[1] > a[1] ? s : a))[0]} ms` : ''})`);
  if (trace.memPeak) L.push(`memory (peaks of process.memoryUsage(), sampled every 50 ms, the trace's own records included): rss ${mb(trace.memPeak['rss']! / 1024)}, heap used ${mb(trace.memPeak['heapUsed']! / 1024)}, heap total ${mb(trace.memPeak['heapTotal']! / 1024)}, external ${mb(trace.memPeak['external']! / 1024)}`);
  L.push(`garbage collection: ${trace.gc.count} pauses, ${trace.gc.ms.toFixed(0)} ms in all (${Object.entries(trace.gc.byKind).map(([k, v]) => `${k} ${v.count}x ${v.ms.toFixed(0)} ms`).join(', ')}); ` +
    `${ts.connections} connections -> ${(trace.gc.ms / Math.max(1, ts.connections) * 1000).toFixed(0)} us of GC per connection`);
  L.push(`TLS: ${trace.conns.filter((c) => c.tls).length} TLS connections, ${ts.tlsHandshakesOk} handshakes completed (median ${ts.tlsHandshakeMedianMs.toFixed(1)} ms from connect), ${ts.tlsOnPlainPorts} to ports that speak no TLS`);
  L.push('', `connections camsweep opened, by what they carried (connection trace, ${ts.connections} in all):`);
  L.push(textTable([['kind', 'count', `per open port (of ${b.expectedOpen.size}, any number)`, 'median ms open', 'total ms open'], ...ts.byKind.map((k) => [k.kind, String(k.count), (k.count / b.expectedOpen.size).toFixed(2), k.medianMs.toFixed(1), k.totalMs.toFixed(0)])]));
  if (perPort.length) {
    L.push('', 'requests per open port, counted by the responders (per open port of that number; "connection" = TCP connections accepted):');
    for (const p of perPort) {
      const kinds = Object.entries(p.perPort).sort((a, b2) => b2[1] - a[1]).map(([k, n]) => `${k} ${n}`).join('; ');
      L.push(`  ${String(p.port).padEnd(5)} (${b.services.get([...b.services.keys()].find((hp) => hp.endsWith(`:${p.port}`))!)}, ${p.open} open): ${kinds}`);
    }
  }
  L.push('', `SYNs on the wire (tcpdump): ${syn.connections} new connections (${syn.retransmits} retransmitted SYNs${syns.dropped ? `, tcpdump dropped ${syns.dropped}` : ''}); per destination port: ` +
    Object.entries(syn.byPort).map(([p, n]) => `${p}: ${n} (${openPorts.get(Number(p)) ? `${(n / openPorts.get(Number(p))!).toFixed(2)} per open port` : 'closed everywhere'})`).join(', '));
  return L.join('\n');
}
