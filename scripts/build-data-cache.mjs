#!/usr/bin/env node
// Writes dist/data-cache.json: every src/data/**/*.yaml parsed, keyed by path with its size and mtime
// (see src/data-cache.ts). Run by `npm run build` after tsc.
import { readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = {};
const walk = (dir) => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name.endsWith('.yaml')) {
      const st = statSync(p);
      out[path.relative(root, p).split(path.sep).join('/')] = { size: st.size, mtimeMs: st.mtimeMs, doc: YAML.parse(readFileSync(p, 'utf8')) };
    }
  }
};
walk(path.join(root, 'src', 'data'));
mkdirSync(path.join(root, 'dist'), { recursive: true });
writeFileSync(path.join(root, 'dist', 'data-cache.json'), JSON.stringify(out));
