// The repository stands alone: no code, doc, data or fixture points at the project's private notes
// or at paths outside the repository (../shared, /work/...). Every citation is public.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.join(import.meta.dirname, '..');
/**
 * The project's own notes and machine paths: ../shared, /work/..., and the notes files by name when
 * not part of someone else's URL or path (a public repository may well have its own research/ folder).
 */
const NOTES = /\.\.\/shared\b|(?<![\w.-])\/work\/|(?<![\/\w.-])(?:research\/)?(?:fingerprints|peers|lab|node-libs|style-anchors|dev-common|corpus-common|rules-common)\.md\b/i;
const SKIP_DIRS = new Set(['node_modules', 'dist', 'build', 'artifacts', '.git', 'coverage']);
// The files that define or exercise the pattern itself.
const SKIP_FILES = new Set(['test/kb-sources.test.ts', 'test/standalone.test.ts']);
const TEXT = /\.(?:ts|mts|mjs|cjs|js|json|jsonl|ya?ml|md|txt|sh|html|csv|xml|sarif)$|^\.ci\/run$/;

function walk(dir: string, out: string[]): string[] {
  for (const name of readdirSync(dir)) {
    if (SKIP_DIRS.has(name)) continue;
    const full = path.join(dir, name);
    const rel = path.relative(ROOT, full);
    if (statSync(full).isDirectory()) walk(full, out);
    else if (TEXT.test(rel) && !SKIP_FILES.has(rel)) out.push(rel);
  }
  return out;
}

describe('the repository stands alone', () => {
  const files = walk(ROOT, []);
  it('has files to look at', () => { expect(files.length).toBeGreaterThan(100); });
  it('no file cites the project notes or a path outside the repository', () => {
    const bad: string[] = [];
    for (const f of files) {
      const lines = readFileSync(path.join(ROOT, f), 'utf8').split('\n');
      lines.forEach((l, i) => { if (NOTES.test(l)) bad.push(`${f}:${i + 1}: ${l.trim().slice(0, 120)}`); });
    }
    expect(bad).toEqual([]);
  });
});
