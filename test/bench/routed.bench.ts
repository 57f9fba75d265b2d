// Issue 13's benchmark (`npm run bench -- --layouts routed-discovery`, root, Linux): on the
// routed /20 of test/bench/layouts.ts (41 live hosts behind a router namespace, absent addresses
// dropped), the default scan (discovery + TCP) beside the TCP-only sweep, alternating which goes
// first. Prints wall times and the ratio default / (TCP-only + the listening window); asserts only
// that both find the same open host:port pairs (no timed assertions).
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanReport } from '../../src/model/types.js';
import { labUnavailable, sweepStaleLabs } from '../lab/netns.js';
import { CAMSWEEP, RUN_DEVICE } from '../lab/topology.js';
import { buildRouted, SCANNER, type RoutedLab } from './layouts.js';
import { median, sec } from './measure.js';
import { configFromEnv } from './options.mjs';

const cfg = configFromEnv() as { layouts: string[]; rounds: number };
const REPS = cfg.rounds;
const LAYOUTS = cfg.layouts;
const LISTEN_MS = 3000;
const why = labUnavailable() ?? (fs.existsSync(RUN_DEVICE) ? undefined : `${RUN_DEVICE} is missing (npm run build)`) ?? (LAYOUTS.includes('routed-discovery') ? undefined : 'layout routed-discovery not selected');


describe.skipIf(why)('routed /20: default scan beside the TCP-only sweep (issue 13)', () => {
  let b: RoutedLab;
  const runs: Record<'tcp' | 'default', Array<{ wall: number; open: number; same: boolean; discovery?: Record<string, number> }>> = { tcp: [], default: [] };

  beforeAll(async () => {
    sweepStaleLabs();
    b = await buildRouted();
    console.log(`${b.description}; lab ${b.lab.prefix} ready in ${b.setupSeconds.toFixed(2)} s`);
  });
  afterAll(async () => {
    if (b) await b.lab.teardown();
    if (!runs.tcp.length) return;
    const t = median(runs.tcp.map((r) => r.wall));
    const d = median(runs.default.map((r) => r.wall));
    console.log([
      `\n=== routed /20 (${b.cidr}, ${b.live.length} live hosts, default ports, ${REPS} runs each, alternating) ===`,
      `TCP-only (--protocols tcp): ${sec(t)} s median (${runs.tcp.map((r) => sec(r.wall)).join(', ')}); open pairs ${runs.tcp.map((r) => r.open).join(', ')} of ${b.expectedOpen.size}`,
      `default (discovery + TCP):  ${sec(d)} s median (${runs.default.map((r) => sec(r.wall)).join(', ')}); open pairs ${runs.default.map((r) => r.open).join(', ')} of ${b.expectedOpen.size}`,
      `default / (TCP-only + ${LISTEN_MS / 1000} s listening window) = ${(d / (t + LISTEN_MS)).toFixed(2)} (target <= 1.5); default / TCP-only = ${(d / t).toFixed(2)}`,
      `discovery module times (first default run, ms): ${JSON.stringify(runs.default[0]?.discovery)}`,
    ].join('\n'));
  });

  it('times both alternately; both find every open pair as built', async () => {
    for (let i = 0; i < REPS; i++) {
      const order: Array<'tcp' | 'default'> = i % 2 ? ['default', 'tcp'] : ['tcp', 'default'];
      for (const mode of order) {
        const args = ['scan', b.cidr, '-f', 'json', '-q', '--fail-on', 'never', ...(mode === 'tcp' ? ['--protocols', 'tcp'] : [])];
        const t0 = performance.now();
        const r = await b.lab.exec(SCANNER, ['node', CAMSWEEP, ...args], { timeoutMs: 300_000, env: { NO_COLOR: '1' } });
        const wall = performance.now() - t0;
        const rep = JSON.parse(r.stdout) as ScanReport;
        const open = new Set(rep.devices.flatMap((d) => d.open_ports.map((p) => `${d.ip}:${p}`)));
        const same = open.size === b.expectedOpen.size && [...open].every((x) => b.expectedOpen.has(x));
        runs[mode].push({ wall, open: open.size, same, discovery: rep.stats?.discovery_ms });
        console.log(`#${i + 1} ${mode.padEnd(7)} ${sec(wall)} s, ${open.size} open pairs${same ? '' : ' (DIFFER)'}, exit ${r.code}`);
      }
    }
    expect([...runs.tcp, ...runs.default].every((r) => r.same)).toBe(true);
  });
});
