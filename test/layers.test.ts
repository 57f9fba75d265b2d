// The layer rules (.dependency-cruiser.cjs, also run by .ci/run as `npm run layers`): only src/net opens
// sockets, the pure layers do no I/O, lower folders never import higher ones, no module or folder cycle.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const DEPCRUISE = path.join(REPO, 'node_modules', '.bin', 'depcruise');

function cruise(cwd: string): { code: number; out: string; json?: { modules: Array<{ source: string; dependencies: Array<{ resolved: string; coreModule: boolean }> }> } } {
  const r = spawnSync(DEPCRUISE, ['src', '--config', '.dependency-cruiser.cjs', '--output-type', 'json'], { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
  let json;
  try { json = JSON.parse(r.stdout); } catch { /* reported below */ }
  return { code: r.status ?? 1, out: r.stdout + r.stderr, json };
}

describe('layers', () => {
  it('src/ obeys every rule', () => {
    const r = spawnSync(DEPCRUISE, ['src', '--config', '.dependency-cruiser.cjs', '--output-type', 'err'], { cwd: REPO, encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });

  it('no folder of src/ imports a folder that imports it back (folder graph is acyclic)', () => {
    const { json } = cruise(REPO);
    expect(json).toBeDefined();
    const folder = (f: string) => (/^src\/([^/]+)\//.exec(f)?.[1]);
    const edges = new Map<string, Set<string>>();
    for (const m of json!.modules) {
      const a = folder(m.source);
      if (!a) continue;
      for (const d of m.dependencies) {
        const b = folder(d.resolved);
        if (b && b !== a) edges.set(a, new Set([...(edges.get(a) ?? []), b]));
      }
    }
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (n: string, trail: string[]) => {
      if (state.get(n) === 'done') return;
      if (state.get(n) === 'open') { cycles.push([...trail.slice(trail.indexOf(n)), n].join(' -> ')); return; }
      state.set(n, 'open');
      for (const m of edges.get(n) ?? []) visit(m, [...trail, n]);
      state.set(n, 'done');
    };
    for (const n of edges.keys()) visit(n, []);
    expect(cycles).toEqual([]);
    expect(edges.get('net')?.has('discovery') ?? false).toBe(false);
  });

  it('the rules catch a socket outside src/net, I/O in a pure layer, an upward import and a cycle', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'camsweep-layers-'));
    try {
      cpSync(path.join(REPO, '.dependency-cruiser.cjs'), path.join(dir, '.dependency-cruiser.cjs'));
      cpSync(path.join(REPO, 'tsconfig.json'), path.join(dir, 'tsconfig.json'));
      for (const d of ['protocols', 'model', 'discovery', 'report', 'lab']) mkdirSync(path.join(dir, 'src', d), { recursive: true });
      writeFileSync(path.join(dir, 'src/protocols/bad.ts'), "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n");
      writeFileSync(path.join(dir, 'src/discovery/bad.ts'), "import dgram from 'node:dgram';\nexport const y = dgram;\n");
      writeFileSync(path.join(dir, 'src/model/bad.ts'), "import { z } from '../report/bad.js';\nexport const w = z;\n");
      writeFileSync(path.join(dir, 'src/report/bad.ts'), "export const z = 1;\n");
      writeFileSync(path.join(dir, 'src/lab/a.ts'), "import { b } from './b.js';\nexport const a = () => b;\n");
      writeFileSync(path.join(dir, 'src/lab/b.ts'), "import { a } from './a.js';\nexport const b = () => a;\n");
      const r = spawnSync(DEPCRUISE, ['src', '--config', '.dependency-cruiser.cjs', '--output-type', 'err'], { cwd: dir, encoding: 'utf8' });
      expect(r.status).not.toBe(0);
      for (const rule of ['pure-layers-do-no-io', 'sockets-only-in-net', 'layer-model', 'no-circular']) expect(r.stdout, rule).toContain(rule);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is part of CI', () => {
    expect(execFileSync('grep', ['-c', 'npm run layers', path.join(REPO, '.ci', 'run')], { encoding: 'utf8' }).trim()).not.toBe('0');
  });
});
