// The package as users get it: `npm pack` of the working tree (which runs prepack: a clean build),
// then installed into a fresh prefix by an UNPRIVILEGED user (nobody), offline, from a cache filled
// from the repository's lockfile, and run from there: `camsweep --version` and `camsweep demo`
// (loopback only). Needs root to switch user; skipped, saying so, otherwise.
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanReport } from '../src/model/types.js';
import { tableProblems } from './report/helpers.js';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const isRoot = process.getuid?.() === 0;
const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string; license: string; dependencies: Record<string, string>; bin: Record<string, string>; engines: Record<string, string> };
const NOBODY = 65534;

if (!isRoot) process.stderr.write('test/package.test.ts: skipped: installing the packed tarball as an unprivileged user needs root (to switch to "nobody"); run npm test as root to include it\n');

interface LockEntry { version: string; integrity?: string; dev?: boolean; link?: boolean; resolved?: string; [k: string]: unknown }

/** The files of the working tree as git sees them (tracked and untracked, not ignored), copied to `dest`. */
function exportTree(dest: string): void {
  const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO, maxBuffer: 64 * 1024 * 1024 }).toString();
  for (const f of out.split('\0').filter(Boolean)) {
    const from = path.join(REPO, f);
    if (!existsSync(from) || !statSync(from).isFile()) continue; // deleted but not yet committed
    mkdirSync(path.dirname(path.join(dest, f)), { recursive: true });
    copyFileSync(from, path.join(dest, f));
  }
  symlinkSync(path.join(REPO, 'node_modules'), path.join(dest, 'node_modules'));
}

/** Where npm's content-addressed cache keeps the bytes of `integrity` (cacache content-v2 layout). */
function cachePath(cacheDir: string, integrity: string): string {
  const [algo, b64] = integrity.split(' ')[0].split(/-(.*)/s);
  const hex = Buffer.from(b64, 'base64').toString('hex');
  return path.join(cacheDir, '_cacache', 'content-v2', algo, hex.slice(0, 2), hex.slice(2, 4), hex.slice(4));
}

function run(cmd: string, args: string[], o: { cwd: string; env?: Record<string, string>; asNobody?: boolean; timeout?: number }): SpawnSyncReturns<string> {
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', ...o.env };
  // env -i: nothing of the parent's npm_config_* (the repo's cache and config) reaches the install.
  const full = o.asNobody ? ['runuser', ['-u', 'nobody', '--', 'env', '-i', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), cmd, ...args]] as const
    : [cmd, args] as const;
  return spawnSync(full[0], [...full[1]], { cwd: o.cwd, encoding: 'utf8', timeout: o.timeout ?? 120_000, env: o.asNobody ? undefined : { ...process.env, ...env } });
}

describe.skipIf(!isRoot)('the packed tarball, installed by an unprivileged user', () => {
  let T = '';
  let tarball = '';
  let files: string[] = [];
  let installLog = '';
  let prefix = '';
  const execChecks = { upToDateKept: false, staleRebuilt: false };
  const home = () => path.join(T, 'home');
  const nobodyEnv = () => ({ HOME: home(), npm_config_cache: path.join(T, 'cache'), npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false', CAMSWEEP_FORBID_LOCAL_SUBNETS: '1' });

  beforeAll(() => {
    T = mkdtempSync(path.join(tmpdir(), 'camsweep-pack-'));
    chmodSync(T, 0o755);
    // 1. Pack a copy of the working tree, so the clean build prepack makes never touches the dist/ other tests use.
    const tree = path.join(T, 'tree');
    exportTree(tree);
    const packed = run('npm', ['pack', '--pack-destination', T, '--foreground-scripts', '--json'], { cwd: tree, env: { npm_config_update_notifier: 'false' }, timeout: 300_000 });
    if (packed.status !== 0) throw new Error(`npm pack failed:\n${packed.stdout}\n${packed.stderr}`);
    expect(packed.stdout + packed.stderr, 'prepack built the package').toMatch(/prepack[\s\S]*build\.mjs --clean/);
    const info = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('[\n'))) as Array<{ filename: string; files: Array<{ path: string }> }>;
    tarball = path.join(T, info[0].filename);
    files = info[0].files.map((f) => f.path);
    // `npx camsweep` in a checkout runs prepare with npm_command=exec: it must not rebuild an up-to-date dist/,
    // and must rebuild once a source is newer.
    const main = path.join(tree, 'dist', 'cli', 'main.js');
    const prepare = () => run(process.execPath, [path.join(tree, 'scripts', 'build.mjs'), '--prepare'], { cwd: tree, env: { npm_command: 'exec' } });
    const before = statSync(main).mtimeMs;
    const fresh = prepare();
    execChecks.upToDateKept = fresh.status === 0 && statSync(main).mtimeMs === before;
    const later = new Date(Date.now() + 5000);
    utimesSync(path.join(tree, 'src', 'version.ts'), later, later);
    const stale = prepare();
    execChecks.staleRebuilt = stale.status === 0 && statSync(main).mtimeMs !== before;
    rmSync(tree, { recursive: true, force: true });

    // 2. An offline npm cache with exactly the tarballs the lockfile pins for production, copied from
    //    the cache `npm ci` filled (so this passes with no network, e.g. in a loopback-only namespace).
    const lock = JSON.parse(readFileSync(path.join(REPO, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
    const rootCache = execFileSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } }).trim();
    const cache = path.join(T, 'cache');
    const registry = 'https://registry.npmjs.org/';
    const tgzIntegrity = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
    const packages: Record<string, unknown> = {
      '': { name: 'camsweep-install-test', dependencies: { camsweep: `file:../${path.basename(tarball)}` } },
      'node_modules/camsweep': { version: pkg.version, resolved: `file:../${path.basename(tarball)}`, integrity: tgzIntegrity, license: pkg.license, dependencies: pkg.dependencies, bin: pkg.bin, engines: pkg.engines },
    };
    const missing: string[] = [];
    for (const [k, v] of Object.entries(lock.packages)) {
      if (!k.startsWith('node_modules/') || v.dev || v.link || !v.integrity) continue;
      const name = k.slice(k.lastIndexOf('node_modules/') + 'node_modules/'.length);
      const src = cachePath(rootCache, v.integrity);
      if (!existsSync(src)) { missing.push(`${name}@${v.version}`); continue; }
      mkdirSync(path.dirname(cachePath(cache, v.integrity)), { recursive: true });
      copyFileSync(src, cachePath(cache, v.integrity));
      packages[k] = { ...v, resolved: `${registry}${name}/-/${name.split('/').pop()}-${v.version}.tgz` };
    }
    if (missing.length) {
      // Not in the local cache (node_modules came from elsewhere): fetch them into the test cache, online.
      const add = run('npm', ['cache', 'add', ...missing, '--cache', cache], { cwd: T, env: { npm_config_update_notifier: 'false' } });
      if (add.status !== 0) throw new Error(`the lockfile's tarballs ${missing.join(', ')} are not in ${rootCache} and cannot be fetched:\n${add.stderr}`);
    }
    prefix = path.join(T, 'prefix');
    mkdirSync(prefix);
    mkdirSync(home());
    writeFileSync(path.join(prefix, 'package.json'), JSON.stringify(packages[''], null, 2));
    writeFileSync(path.join(prefix, 'package-lock.json'), JSON.stringify({ name: 'camsweep-install-test', lockfileVersion: 3, requires: true, packages }, null, 2));
    for (const p of [prefix, cache, home(), tarball]) chownTree(p);

    // 3. Install as nobody, offline.
    const inst = run('npm', ['ci', '--offline', '--foreground-scripts'], { cwd: prefix, asNobody: true, env: nobodyEnv() });
    installLog = inst.stdout + inst.stderr;
    if (inst.status !== 0) throw new Error(`npm ci of the tarball as nobody failed:\n${installLog}`);
  }, 400_000);
  afterAll(() => { if (T) rmSync(T, { recursive: true, force: true }); });

  it('ships only what users run: no private keys, no source maps, no tests, tools or lab oracle; a LICENSE', () => {
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json', 'bin/camsweep.js', 'dist/cli/main.js', 'dist/data-cache.json', 'dist/lab/x509.js', 'src/data/vendors.yaml']));
    expect(files.filter((f) => /\.(map|key|pem|ts)$/.test(f) && !f.endsWith('.d.ts'))).toEqual([]);
    expect(files.filter((f) => /^(test|tools|fixtures|scripts|\.ci)\//.test(f) || f.startsWith('src/lab') || f === 'dist/lab/run-device.js')).toEqual([]);
    const license = readFileSync(path.join(prefix, 'node_modules', 'camsweep', 'LICENSE'), 'utf8');
    expect(license).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} camsweep authors\n/);
    expect(pkg.license).toBe('MIT');
    const personas = readFileSync(path.join(prefix, 'node_modules', 'camsweep', 'dist', 'lab', 'personas.js'), 'utf8');
    expect(personas).not.toMatch(/expectedUk|verdict: 'restricted'/);
  });

  it('installs without compiling anything (no prepare, no prepack, no TypeScript)', () => {
    expect(installLog).not.toMatch(/prepare|prepack|build\.mjs|tsc/);
    expect(existsSync(path.join(prefix, 'node_modules', 'typescript'))).toBe(false);
    expect(readdirSync(path.join(prefix, 'node_modules', 'camsweep', 'dist')).length).toBeGreaterThan(5);
  });

  it('npx camsweep in a checkout (prepare under npm exec) keeps an up-to-date dist/ and rebuilds a stale one', () => {
    expect(execChecks).toEqual({ upToDateKept: true, staleRebuilt: true });
  });

  it('the shipped data cache matches the shipped data files byte for byte, so it is used', () => {
    const root = path.join(prefix, 'node_modules', 'camsweep');
    const cache = JSON.parse(readFileSync(path.join(root, 'dist', 'data-cache.json'), 'utf8')) as Record<string, { sha256: string }>;
    const keys = Object.keys(cache);
    expect(keys.length).toBeGreaterThan(10);
    for (const k of keys) expect(createHash('sha256').update(readFileSync(path.join(root, k))).digest('hex'), k).toBe(cache[k].sha256);
  });

  it('camsweep --version and camsweep demo run as nobody from that prefix', () => {
    const bin = path.join(prefix, 'node_modules', '.bin', 'camsweep');
    const v = run(bin, ['--version'], { cwd: home(), asNobody: true, env: nobodyEnv() });
    expect(v.status, v.stderr).toBe(0);
    expect(v.stdout.trim()).toBe(pkg.version);
    const j = run(bin, ['demo', '-f', 'json'], { cwd: home(), asNobody: true, env: nobodyEnv() });
    expect(j.status, j.stderr).toBe(0);
    const report = JSON.parse(j.stdout) as ScanReport;
    expect(report.devices).toHaveLength(19);
    expect(report.summary.restricted).toBeGreaterThanOrEqual(6);
    const t = run(bin, ['demo', '-f', 'table'], { cwd: home(), asNobody: true, env: { ...nobodyEnv(), COLUMNS: '80', FORCE_COLOR: '1' } });
    expect(t.status, t.stderr).toBe(0);
    expect(tableProblems(t.stdout, { width: 80, colour: true })).toEqual([]);
    expect(t.stdout).toMatch(/Policy ndaa: 19 devices on 19 hosts/);
  });
});

function chownTree(p: string): void {
  chownSync(p, NOBODY, NOBODY);
  if (statSync(p).isDirectory()) for (const e of readdirSync(p)) chownTree(path.join(p, e));
}

// Keep the helper honest where it cannot run: the lockfile must pin what the package needs.
describe('package metadata', () => {
  it('every runtime dependency is pinned to the version the lockfile installs', () => {
    const lock = JSON.parse(readFileSync(path.join(REPO, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
    for (const [name, version] of Object.entries(pkg.dependencies)) expect(lock.packages[`node_modules/${name}`]?.version, name).toBe(version);
  });
  it('builds at prepack; prepare builds only for a checkout (never during pack/publish, never for a tarball install)', () => {
    const scripts = (JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.prepack).toBe('node scripts/build.mjs --clean');
    expect(scripts.prepare).toBe('node scripts/build.mjs --prepare');
    expect(scripts.postinstall ?? scripts.install ?? scripts.preinstall).toBeUndefined();
    const r = spawnSync(process.execPath, [path.join(REPO, 'scripts', 'build.mjs'), '--prepare'], { env: { ...process.env, npm_command: 'pack' }, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout + r.stderr).toBe('');
  });
});
