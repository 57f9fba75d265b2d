#!/usr/bin/env node
// Regenerates fixtures/lab/observations.jsonl: the observation records of a `camsweep demo` scan of the
// simulated lab, one per line, each tagged with the persona it came from (x_persona). Used by the
// identify tests: re-judging saved records offline must give every lab device its expected verdict.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
const bin = new URL('../bin/camsweep.js', import.meta.url).pathname;
const report = JSON.parse(execFileSync(process.execPath, [bin, 'demo', '-f', 'json', '-q'], { encoding: 'utf8', maxBuffer: 64 << 20 }));
const { PERSONAS } = await import(new URL('../dist/lab/index.js', import.meta.url).href);
const lines = report.devices.map((d) => {
  const last = Number(d.ip.split('.').pop());
  const persona = PERSONAS[last - 10];
  return JSON.stringify({ ...d.observations, x_persona: persona.name });
});
mkdirSync(new URL('../fixtures/lab/', import.meta.url), { recursive: true });
writeFileSync(new URL('../fixtures/lab/observations.jsonl', import.meta.url), lines.join('\n') + '\n');
console.error(`wrote ${lines.length} records`);
