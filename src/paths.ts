import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/**
 * Package root: the nearest folder above this file that holds package.json. This file is src/paths.ts,
 * dist/paths.js (the package), or build/src/paths.js (the developer tools' build).
 */
function findRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const up = path.dirname(dir);
    if (existsSync(path.join(up, 'package.json'))) return up;
    dir = up;
  }
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
}

export const ROOT = findRoot();
/** Data files (knowledge base, policy packs, vocabulary) ship as source, never compiled. */
export const DATA_DIR = path.join(ROOT, 'src', 'data');
