// Checks every rendered table must pass, whatever the data and the width.
import { VERSION } from '../../src/version.js';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defaultKnowledgeBase, defaultMacLookup } from '../../src/data/load.js';
import { loadPolicy } from '../../src/data/load.js';
import { buildReport } from '../../src/report/report.js';
import { assess } from '../../src/scan/scan.js';
import type { ObservationRecord, ScanReport } from '../../src/model/types.js';

export const LAB_OBSERVATIONS = fileURLToPath(new URL('../../fixtures/lab/observations.jsonl', import.meta.url));
export const FIXED_REPORT = fileURLToPath(new URL('../../fixtures/report/scan-report.json', import.meta.url));

/** The lab's observation records judged as `camsweep identify` does. */
export function identifyLab(extra: ObservationRecord[] = [], policyName = 'ndaa'): ScanReport {
  const records = readFileSync(LAB_OBSERVATIONS, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as ObservationRecord);
  const kb = defaultKnowledgeBase();
  const policy = loadPolicy(policyName, kb.vocab);
  const all = [...records, ...extra];
  const devices = all.map((r) => assess(r, { kb, policy, macVendor: defaultMacLookup() }));
  const at = new Date('2025-06-01T12:00:00Z');
  return buildReport({ version: VERSION, command: 'identify', started: at, finished: at, targets: ['fixtures/lab/observations.jsonl'], policy, devices, hostsScanned: all.length, warnings: [], options: {} });
}

// Independent of src/report/layout.ts on purpose: SGR stripping and, for text that is ASCII or
// Latin-1, one column per code point. (Tables of wide characters are checked against hand counts.)
// eslint-disable-next-line no-control-regex
const SGR = /\u001b\[[0-9;]*m/g;
export const plain = (s: string) => s.replace(SGR, '');

export interface TableCheck { width: number; colour: boolean }

/** Every property the issue asks of a table: returns a list of failures (empty when all hold). */
export function tableProblems(text: string, o: TableCheck, measure: (s: string) => number = (s) => [...plain(s)].length): string[] {
  const problems: string[] = [];
  if (!text.endsWith('\n')) problems.push('output does not end with a newline');
  const lines = text.slice(0, -1).split('\n');
  lines.forEach((line, i) => {
    const w = measure(line);
    if (w > o.width) problems.push(`line ${i + 1} is ${w} columns wide (> ${o.width}): ${JSON.stringify(plain(line))}`);
    // Every ESC begins a complete SGR sequence, and nothing else escapes.
    for (let j = line.indexOf('\u001b'); j >= 0; j = line.indexOf('\u001b', j + 1)) {
      if (!/^\u001b\[[0-9;]*m/.test(line.slice(j))) problems.push(`line ${i + 1}: broken escape at column ${j}: ${JSON.stringify(line.slice(j, j + 12))}`);
    }
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u0008\u000b-\u001a\u001c-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(line)) problems.push(`line ${i + 1} has a raw control character`);
    if (!o.colour && line.includes('\u001b')) problems.push(`line ${i + 1} is coloured with colour off`);
    // A painted span never runs past its line: after the last SGR, attributes are reset.
    const codes = line.match(SGR) ?? [];
    if (codes.length && codes[codes.length - 1] !== '\u001b[0m') problems.push(`line ${i + 1} does not end with a reset`);
    if (line !== line.trimEnd()) problems.push(`line ${i + 1} has trailing spaces`);
  });
  return problems;
}

/**
 * Words of the rendered text that are not whole words of `source` (the strings the table was made
 * from): a word cut in two without an ellipsis would show up here. Words ending in "…" are truncations.
 */
export function brokenWords(text: string, source: string[]): string[] {
  const known = new Set<string>();
  for (const s of source) for (const w of s.split(/[\s,]+/)) if (w) known.add(w);
  const bad: string[] = [];
  for (const w of plain(text).split(/[\s,]+/)) {
    if (!w || w.endsWith('…') || /^-+$/.test(w) || /^\+\d+$/.test(w) || known.has(w)) continue;
    bad.push(w);
  }
  return [...new Set(bad)];
}
