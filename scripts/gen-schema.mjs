#!/usr/bin/env node
// Writes schema/scan-report.schema.json from the report model (src/model/report.ts) and the field
// registry (src/model/fields.ts), as built in dist/. test/model/schema.test.ts keeps the committed copy
// equal to what this prints.   node scripts/gen-schema.mjs [--check]
import { readFileSync, writeFileSync } from 'node:fs';
const { reportSchema } = await import(new URL('../dist/model/report.js', import.meta.url).href);
const file = new URL('../schema/scan-report.schema.json', import.meta.url);
/** One line: `{ "a": 1, "b": [2, 3] }`. */
function line(v) {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(line).join(', ')}]`;
  const e = Object.entries(v);
  return e.length ? `{ ${e.map(([k, x]) => `${JSON.stringify(k)}: ${line(x)}`).join(', ')} }` : '{}';
}

/** JSON with two-space indents, every value that fits in `width` columns on one line. */
function format(v, indent = '', width = 120) {
  const one = line(v);
  if (one.length + indent.length <= width || v === null || typeof v !== 'object') return one;
  const inner = indent + '  ';
  if (Array.isArray(v)) return `[\n${v.map((x) => inner + format(x, inner, width)).join(',\n')}\n${indent}]`;
  return `{\n${Object.entries(v).map(([k, x]) => `${inner}${JSON.stringify(k)}: ${format(x, inner, width - k.length - 4)}`).join(',\n')}\n${indent}}`;
}
const text = format(reportSchema()) + '\n';
if (process.argv.includes('--check')) {
  if (readFileSync(file, 'utf8') !== text) { console.error('schema/scan-report.schema.json is not what src/model generates: run node scripts/gen-schema.mjs'); process.exit(1); }
} else writeFileSync(file, text);
