// Reading the shipped data files (src/data/**/*.yaml). Parsing ~250 YAML rules costs about 0.3 s at every
// start, so the build also writes dist/data-cache.json: the parsed documents keyed by path, with the
// size and SHA-256 of the bytes they were parsed from. A file whose bytes differ (edited since the
// build) is parsed from YAML, so an edit is never hidden by a stale cache; a file whose times changed
// but whose bytes did not (npm pack, a fresh clone, a copy) is still served from the cache.
// User-supplied YAML (policy files) never goes through here.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseYaml } from '../util/yaml.js';
import { DATA_DIR, ROOT } from '../paths.js';

export const CACHE_FILE = path.join(ROOT, 'dist', 'data-cache.json');

export interface CacheEntry { size: number; sha256: string; doc: unknown }
let cache: Record<string, CacheEntry> | undefined;

function entries(): Record<string, CacheEntry> {
  if (cache) return cache;
  try { cache = JSON.parse(readFileSync(CACHE_FILE, 'utf8')) as Record<string, CacheEntry>; } catch { cache = {}; }
  return cache;
}

export function cacheKey(file: string): string {
  return path.relative(ROOT, path.resolve(file)).split(path.sep).join('/');
}

export function contentHash(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Parsed YAML of a shipped data file, from the build cache when its bytes are those the cache was built from. */
export function readDataYaml(file: string, from: Record<string, CacheEntry> = entries()): unknown {
  const bytes = readFileSync(file);
  const hit = from[cacheKey(file)];
  if (hit && hit.size === bytes.length && hit.sha256 === contentHash(bytes)) return structuredClone(hit.doc);
  return parseYaml(bytes.toString('utf8'));
}

/** Parse every src/data/**\/*.yaml and write dist/data-cache.json (run by the build after tsc). Returns the entry count. */
export function writeDataCache(dir = DATA_DIR, out = CACHE_FILE): number {
  const all: Record<string, CacheEntry> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.yaml')) {
        const bytes = readFileSync(p);
        all[cacheKey(p)] = { size: bytes.length, sha256: contentHash(bytes), doc: parseYaml(bytes.toString('utf8')) };
      }
    }
  };
  walk(dir);
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(all));
  return Object.keys(all).length;
}
