#!/usr/bin/env node
// The build: TypeScript (src/ -> dist/), then the data cache (dist/data-cache.json).
//   node scripts/build.mjs            build (npm run build; npm test runs it first)
//   node scripts/build.mjs --clean    empty dist/ first: the package build, run by `prepack`
//   node scripts/build.mjs --prepare  as `prepare` (npm ci / npm install in a checkout, git installs):
//                                     builds, except during npm pack / npm publish, whose prepack has
//                                     just made a clean build of what the tarball ships, and except
//                                     under npx / npm exec (`npx camsweep` in a checkout installs the
//                                     checkout as a link, which runs prepare) when dist/ is newer than
//                                     every source file: then it runs what `npm ci` built.
// npm never runs `prepare` or `prepack` when it installs the tarball (from a file, the registry, or
// npx), so users' installs never compile anything.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const cmd = process.env.npm_command;
if (args.has('--prepare') && (cmd === 'pack' || cmd === 'publish')) process.exit(0);
if (args.has('--prepare') && cmd === 'exec' && upToDate()) process.exit(0);

/** dist/ was built after the last change to any TypeScript source or the compiler settings. */
function upToDate() {
  const main = path.join(root, 'dist', 'cli', 'main.js');
  if (!existsSync(main) || !existsSync(path.join(root, 'dist', 'data-cache.json'))) return false;
  const built = statSync(main).mtimeMs;
  const sources = [path.join(root, 'tsconfig.json'), ...readdirSync(path.join(root, 'src'), { recursive: true })
    .filter((f) => String(f).endsWith('.ts')).map((f) => path.join(root, 'src', String(f)))];
  return sources.every((f) => statSync(f).mtimeMs <= built);
}

let tsc;
try { tsc = path.join(path.dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc'); } catch {
  process.stderr.write('camsweep build: TypeScript is not installed; run `npm ci` in the repository first (it installs the dev dependencies and builds)\n');
  process.exit(1);
}
if (args.has('--clean')) rmSync(path.join(root, 'dist'), { recursive: true, force: true });
const r = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.json')], { stdio: 'inherit', cwd: root });
if (r.status !== 0) process.exit(r.status ?? 1);
const { writeDataCache } = await import(new URL('../dist/data/cache.js', import.meta.url).href);
writeDataCache();
if (!existsSync(path.join(root, 'dist', 'cli', 'main.js'))) { process.stderr.write('camsweep build: dist/cli/main.js missing after tsc\n'); process.exit(1); }
