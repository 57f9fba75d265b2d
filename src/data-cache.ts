// Reading the shipped data files (src/data/**/*.yaml). Parsing ~250 YAML rules costs about 0.3 s at every
// start, so `npm run build` also writes dist/data-cache.json: the parsed documents keyed by path, size
// and modification time. A file whose key does not match (edited since the build) is parsed from YAML,
// so an edit is never hidden by a stale cache. User-supplied YAML (policy files) never goes through here.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { ROOT } from './paths.js';

export const CACHE_FILE = path.join(ROOT, 'dist', 'data-cache.json');

export interface CacheEntry { size: number; mtimeMs: number; doc: unknown }
let cache: Record<string, CacheEntry> | undefined;

function entries(): Record<string, CacheEntry> {
  if (cache) return cache;
  try { cache = JSON.parse(readFileSync(CACHE_FILE, 'utf8')) as Record<string, CacheEntry>; } catch { cache = {}; }
  return cache;
}

export function cacheKey(file: string): string {
  return path.relative(ROOT, path.resolve(file)).split(path.sep).join('/');
}

/** Parsed YAML of a shipped data file, from the build cache when the file is unchanged. */
export function readDataYaml(file: string, from: Record<string, CacheEntry> = entries()): unknown {
  const st = statSync(file);
  const hit = from[cacheKey(file)];
  if (hit && hit.size === st.size && hit.mtimeMs === st.mtimeMs) return structuredClone(hit.doc);
  return YAML.parse(readFileSync(file, 'utf8'));
}
