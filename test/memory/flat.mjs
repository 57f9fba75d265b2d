#!/usr/bin/env node
// Flat memory (issue 11): the peak resident memory of a scan of 4,096 absent addresses must stay within
// 10% of a scan of 256. Run by .ci/run (root, Linux); `node test/memory/flat.mjs` by hand.
//
// Safety: every packet stays on the loopback interface of a network namespace created here (only `lo`,
// up; no other interface, no route out) and removed afterwards, also on failure or a signal. Inside it,
// every packet to 127.77.96.0/20 arriving on lo is dropped, so each of those addresses is absent the
// way a host that is not there is on a real network: the SYN goes unanswered and the connect times
// out. (The namespace is private: the /20 cannot meet another test's listeners.)
//
// Each size is scanned ROUNDS times, alternating; the medians of GNU time's maximum resident set size
// are compared. Exit 0 when flat, 1 when not, 2 when it could not run.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = path.join(REPO, 'bin', 'camsweep.js');
const ROUNDS = Number(process.env.FLAT_ROUNDS ?? 3);
/** Issue 11's goal: within 10%. */
const GOAL = 1.10;
/**
 * What this run fails at: the goal. Before a sweep's pending connect check became one object (it had
 * been a chain of suspended async functions, ~4.3 KB of heap per pending host-check against ~1.1 KB
 * now: test/pending.test.ts), six runs of three rounds gave 1.070-1.112 and the gate was a 1.15
 * regression limit. After it, five runs of FLAT_ROUNDS=5 gave 1.064, 1.087, 1.043, 1.074 and 1.076
 * (the 256-address scan's peak alone moves between 73 and 75 MB from run to run; past 4,096 addresses
 * the peak stays where it is: 75.5 MB for a /20 and 76.1 MB for a /18, --protocols tcp): 1.3% of room
 * at the worst of them; with the OUI table read only on a MAC look-up, two more gave 1.053 and 1.065.
 * FLAT_LIMIT may only tighten it.
 */
const REGRESSION_LIMIT = GOAL;
const asked = Number(process.env.FLAT_LIMIT ?? REGRESSION_LIMIT);
const LIMIT = Number.isFinite(asked) && asked < REGRESSION_LIMIT ? asked : REGRESSION_LIMIT;
if (process.env.FLAT_LIMIT !== undefined && LIMIT !== asked) process.stdout.write(`flat-memory: FLAT_LIMIT=${process.env.FLAT_LIMIT} ignored: it may only tighten the limit (${REGRESSION_LIMIT})\n`);
const SMALL = '127.77.100.0/24';
const LARGE = '127.77.96.0/20';

function fail(code, msg) { process.stderr.write(`flat-memory: ${msg}\n`); process.exit(code); }
if (process.platform !== 'linux' || process.getuid?.() !== 0) fail(2, 'needs root on Linux (a network namespace); nothing was run');
for (const f of ['/usr/bin/time']) if (!fs.existsSync(f)) fail(2, `${f} (GNU time) missing: run test/lab/setup.sh; nothing was run`);
if (spawnSync('sh', ['-c', 'command -v iptables && command -v ip'], { stdio: 'ignore' }).status !== 0) fail(2, 'ip and iptables are needed; nothing was run');
if (!fs.existsSync(path.join(REPO, 'dist', 'cli', 'main.js'))) fail(2, 'dist/ is not built (npm run build); nothing was run');

const ns = `csmem${process.pid}`;
const sh = (args) => execFileSync(args[0], args.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
let made = false;
const teardown = () => { if (made) { try { sh(['ip', 'netns', 'del', ns]); } catch { /* gone */ } made = false; } };
process.on('exit', teardown);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => { teardown(); process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGTERM' ? 15 : 1)); });

sh(['ip', 'netns', 'add', ns]);
made = true;
sh(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
const links = sh(['ip', '-n', ns, '-o', 'link', 'show']).trim().split('\n');
if (links.length !== 1 || !/: lo:/.test(links[0])) fail(2, `namespace ${ns} has interfaces other than lo: ${links.join('; ')}`);
sh(['ip', 'netns', 'exec', ns, 'iptables', '-A', 'INPUT', '-i', 'lo', '-d', LARGE, '-j', 'DROP']);

function scanOnce(cidr) {
  const out = path.join(os.tmpdir(), `${ns}-${cidr.replace(/[./]/g, '_')}.time`);
  const t0 = Date.now();
  const r = spawnSync('ip', ['netns', 'exec', ns, '/usr/bin/time', '-f', '%M', '-o', out, process.execPath, BIN, 'scan', cidr, '-f', 'jsonl', '-q', '--fail-on', 'never'], {
    encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 180_000, maxBuffer: 64 << 20,
  });
  const ms = Date.now() - t0;
  const kb = Number(fs.readFileSync(out, 'utf8').trim().split('\n').pop());
  fs.rmSync(out, { force: true });
  // Every address is absent: the scan must have finished (exit 0) and found nothing.
  if (r.status !== 0) fail(1, `camsweep scan ${cidr} exited ${r.status}: ${String(r.stderr).slice(-800)}`);
  if (r.stdout.split('\n').some((l) => /"type"\s*:\s*"device"/.test(l))) fail(1, `camsweep scan ${cidr} found a device among absent addresses`);
  if (!Number.isFinite(kb) || kb <= 0) fail(2, `no peak RSS from GNU time for ${cidr}`);
  return { kb, ms };
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const runs = { [SMALL]: [], [LARGE]: [] };
for (let i = 0; i < ROUNDS; i++) {
  for (const cidr of i % 2 ? [LARGE, SMALL] : [SMALL, LARGE]) {
    const r = scanOnce(cidr);
    runs[cidr].push(r);
    process.stdout.write(`flat-memory: round ${i + 1} ${cidr.padEnd(16)} peak RSS ${(r.kb / 1024).toFixed(1)} MB, ${(r.ms / 1000).toFixed(1)} s\n`);
  }
}
teardown();
const small = median(runs[SMALL].map((r) => r.kb));
const large = median(runs[LARGE].map((r) => r.kb));
const ratio = large / small;
process.stdout.write(`flat-memory: median peak RSS: 256 addresses ${(small / 1024).toFixed(1)} MB, 4096 addresses ${(large / 1024).toFixed(1)} MB; ratio ${ratio.toFixed(3)} (limit ${LIMIT})\n`);
if (ratio > LIMIT) fail(1, `peak RSS grows with the number of addresses scanned: ${ratio.toFixed(3)} > ${LIMIT}`);
process.stdout.write('flat-memory: flat\n');
