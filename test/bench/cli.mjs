// `npm run bench [-- options]`: parse the options (test/bench/options.mjs), then run the benchmark files
// (vitest.bench.config.ts: test/bench/*.bench.ts, one at a time) with them in BENCH_CONFIG. The lab
// harness in the vitest worker tears its namespaces down on exit, SIGINT (Ctrl-C reaches the whole
// process group), SIGTERM and SIGHUP; this process forwards SIGTERM/SIGHUP to vitest and waits for it.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, USAGE } from './options.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
let config;
try { config = parseArgs(process.argv.slice(2)); } catch (e) {
  process.stderr.write(`bench: ${e.message}\n\n${USAGE}`);
  process.exit(2);
}
if (config.help) { process.stdout.write(USAGE); process.exit(0); }
if (process.platform !== 'linux' || process.getuid?.() !== 0) {
  process.stderr.write('bench: needs root on Linux (network namespaces); nothing was run\n');
  process.exit(2);
}
// A benchmark that cannot run must say so and fail, not pass with everything skipped.
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const need = ['ip', 'iptables', 'tcpdump', 'openssl', ...(config.nmap ? ['nmap'] : [])].filter((c) => !has(c));
if (!existsSync('/usr/bin/time')) need.push('/usr/bin/time (GNU time)');
if (need.length) {
  process.stderr.write(`bench: missing ${need.join(', ')}: run \`bash test/lab/setup.sh\` (as root) first; nothing was run\n`);
  process.exit(2);
}
if (!existsSync(path.join(REPO, 'dist', 'cli', 'main.js')) || !existsSync(path.join(REPO, 'build', 'test', 'lab', 'run-device.js'))) {
  process.stderr.write('bench: dist/ or build/test/lab/run-device.js is not built (npm run build, then tsc -p tsconfig.tools.json; npm run bench does both); nothing was run\n');
  process.exit(2);
}
process.stderr.write(`bench: ${JSON.stringify(config)}\n`);
const child = spawn(process.execPath, [path.join(REPO, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--config', path.join(REPO, 'vitest.bench.config.ts')], {
  cwd: REPO, stdio: 'inherit', env: { ...process.env, BENCH_CONFIG: JSON.stringify(config) },
});
// Ctrl-C goes to the whole foreground process group (vitest and its worker get it themselves); keep
// this process alive until vitest has cleaned up.
process.on('SIGINT', () => {});
for (const sig of ['SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, sig) => process.exit(code ?? (sig ? 128 + 15 : 1)));
