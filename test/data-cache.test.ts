import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { cacheKey, readDataYaml, type CacheEntry } from '../src/data-cache.js';
import { DATA_DIR } from '../src/paths.js';

describe('data cache', () => {
  it('serves exactly what the YAML says, for every shipped data file', () => {
    const files: string[] = [];
    const walk = (d: string) => { for (const e of readdirSync(d, { withFileTypes: true })) { const p = path.join(d, e.name); if (e.isDirectory()) walk(p); else if (p.endsWith('.yaml')) files.push(p); } };
    walk(DATA_DIR);
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) expect(readDataYaml(f), f).toEqual(YAML.parse(readFileSync(f, 'utf8')));
  });
  it('never serves a stale entry: a file changed since the build is parsed again', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'camsweep-cache-'));
    const f = path.join(dir, 'x.yaml');
    writeFileSync(f, 'a: 2\n');
    const st = statSync(f);
    const fresh: Record<string, CacheEntry> = { [cacheKey(f)]: { size: st.size, mtimeMs: st.mtimeMs, doc: { a: 'from cache' } } };
    expect(readDataYaml(f, fresh)).toEqual({ a: 'from cache' });
    const stale: Record<string, CacheEntry> = { [cacheKey(f)]: { size: st.size, mtimeMs: st.mtimeMs - 1000, doc: { a: 1 } } };
    expect(readDataYaml(f, stale)).toEqual({ a: 2 });
  });
});
