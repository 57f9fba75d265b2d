#!/usr/bin/env node
// Thin launcher: the CLI is compiled from src/ to dist/ by `npm ci` or `npm run build` in a checkout, and
// shipped compiled in the package (built at prepack), so an install never compiles.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import v8 from 'node:v8';
// A scan keeps many short-lived objects per connection; V8 otherwise doubles its young generation
// (each of its two semi-spaces) up to 16 MB as they survive, and a busy scan touches all of it: ~25 MB
// of peak memory on a dense /24 for a few percent of CPU. Keep the young generation at its initial size
// (V8's --semi-space-growth-factor, src/flags/flag-definitions.h; set at run time as the Node.js
// documentation of v8.setFlagsFromString shows), on the Node.js versions known to have the flag.
if (Number(process.versions.node.split('.')[0]) <= 24) v8.setFlagsFromString('--semi-space-growth-factor=1');
const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('camsweep: not built yet; run `npm run build` (npm ci does it for you)\n');
  process.exit(3);
}
let main;
try {
  ({ main } = await import(entry.href));
} catch (e) {
  // Loading the modules needs file descriptors too (Node reads several at once): under a limit too
  // low even for that, say so in one line and exit 3 (the scan could not run), not with a stack trace.
  if (e?.code !== 'EMFILE' && e?.code !== 'ENFILE') throw e;
  await new Promise((resolve) => setTimeout(resolve, 100)); // the other reads in flight finish and close
  let limit = 'unknown';
  let free = 0;
  try {
    limit = /^Max open files\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1] ?? limit;
    free = Math.max(0, (Number(limit) || 0) - readdirSync('/proc/self/fd').length);
  } catch { /* no /proc, or no descriptor left to read it */ }
  process.stderr.write(`camsweep: error: only ${free} file descriptors are free (limit ${limit}): too few to start (raise ulimit -n)\n`);
  process.exit(3);
}
process.exitCode = await main(process.argv.slice(2));
