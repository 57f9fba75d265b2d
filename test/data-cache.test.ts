import { mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { CACHE_FILE, cacheKey, contentHash, readDataYaml, type CacheEntry } from '../src/data/cache.js';
import { DATA_DIR } from '../src/paths.js';

describe('data cache', () => {
  it('serves exactly what the YAML says, for every shipped data file', () => {
    const files: string[] = [];
    const walk = (d: string) => { for (const e of readdirSync(d, { withFileTypes: true })) { const p = path.join(d, e.name); if (e.isDirectory()) walk(p); else if (p.endsWith('.yaml')) files.push(p); } };
    walk(DATA_DIR);
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) expect(readDataYaml(f), f).toEqual(YAML.parse(readFileSync(f, 'utf8')));
  });
  it('never serves a stale entry: a file whose bytes changed since the build is parsed again', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'camsweep-cache-'));
    const f = path.join(dir, 'x.yaml');
    writeFileSync(f, 'a: 2\n');
    const bytes = readFileSync(f);
    const fresh: Record<string, CacheEntry> = { [cacheKey(f)]: { size: bytes.length, sha256: contentHash(bytes), doc: { a: 'from cache' } } };
    expect(readDataYaml(f, fresh)).toEqual({ a: 'from cache' });
    // Same size, different bytes (an edit that keeps the length): parsed, not served.
    writeFileSync(f, 'a: 3\n');
    expect(readDataYaml(f, fresh)).toEqual({ a: 3 });
    const stale: Record<string, CacheEntry> = { [cacheKey(f)]: { size: bytes.length + 1, sha256: contentHash(bytes), doc: { a: 1 } } };
    expect(readDataYaml(f, stale)).toEqual({ a: 3 });
  });
  it('survives a change of file times (npm pack, a fresh clone): keyed by content, not mtime', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'camsweep-cache-'));
    const f = path.join(dir, 'x.yaml');
    writeFileSync(f, 'a: 2\n');
    const bytes = readFileSync(f);
    const c: Record<string, CacheEntry> = { [cacheKey(f)]: { size: bytes.length, sha256: contentHash(bytes), doc: { a: 'from cache' } } };
    utimesSync(f, new Date('1985-10-26T08:15:00Z'), new Date('1985-10-26T08:15:00Z')); // npm pack sets this date
    expect(readDataYaml(f, c)).toEqual({ a: 'from cache' });
  });
  it('the built cache covers every shipped data file and matches its bytes', () => {
    const built = JSON.parse(readFileSync(CACHE_FILE, 'utf8')) as Record<string, CacheEntry>;
    const files: string[] = [];
    const walk = (d: string) => { for (const e of readdirSync(d, { withFileTypes: true })) { const p = path.join(d, e.name); if (e.isDirectory()) walk(p); else if (p.endsWith('.yaml')) files.push(p); } };
    walk(DATA_DIR);
    for (const f of files) expect(built[cacheKey(f)]?.sha256, `${cacheKey(f)} (run npm run build)`).toBe(contentHash(readFileSync(f)));
  });
});
