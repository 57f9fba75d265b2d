// Golden tests of every registered reporter over one fixed report (fixtures/report/scan-report-1.2.json:
// a demo scan with every volatile field scrubbed; see golden.test.ts). UPDATE_GOLDEN=1 accepts a change:
//   UPDATE_GOLDEN=1 npx vitest run test/golden
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadReporter, reporterForFile, reporters, REPORTER_NAMES, type ReporterName } from '../../src/report/registry.js';
import { renderToString, type Reporter } from '../../src/report/reporter.js';
import { loadFixed12 } from '../report/hostile.js';

/** Every registered reporter, loaded. */
const loaded = Object.fromEntries(await Promise.all(REPORTER_NAMES.map(async (n) => [n, await loadReporter(n)] as const))) as Record<ReporterName, Reporter>;

const HERE = path.dirname(fileURLToPath(import.meta.url));
const report = loadFixed12();

function golden(name: string, got: string): void {
  const file = path.join(HERE, name);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, got);
  expect(existsSync(file), `${file} is missing (UPDATE_GOLDEN=1 writes it)`).toBe(true);
  expect(got, `differs from test/golden/${name} (UPDATE_GOLDEN=1 npx vitest run test/golden to accept)`).toBe(readFileSync(file, 'utf8'));
}

/** The golden file of each format (table, json and jsonl have theirs in golden.test.ts). */
const FILES: Record<string, string> = { html: 'report-1.2.html', csv: 'report-1.2.csv', markdown: 'report-1.2.md', junit: 'report-1.2.junit.xml', sarif: 'report-1.2.sarif' };

describe('golden: every reporter over the fixed 1.2 report', () => {
  for (const name of REPORTER_NAMES) {
    it(name, () => {
      const got = renderToString(loaded[name], report, { width: 100, color: false, failOn: 'restricted' });
      if (FILES[name]) golden(FILES[name], got);
      else if (name === 'table') golden('table-1.2-100.txt', got);
      else if (name === 'json') expect(got).toBe(readFileSync(path.join(HERE, 'report-1.2.json'), 'utf8'));
      else if (name === 'jsonl') expect(got).toBe(readFileSync(path.join(HERE, 'report-1.2.jsonl'), 'utf8'));
      else throw new Error(`no golden file for the ${name} reporter: add one to FILES`);
    });
  }

  it('--fail-on moves JUnit failures and SARIF levels (fail-on never: no failure, only warnings)', () => {
    const j = renderToString(loaded.junit, report, { failOn: 'never' });
    expect(j).not.toContain('<failure');
    expect(j).toMatch(/failures="0"/);
    const s = JSON.parse(renderToString(loaded.sarif, report, { failOn: 'never' })) as { runs: Array<{ results: Array<{ level: string }> }> };
    expect(s.runs[0].results.length).toBe(report.summary.restricted + report.summary.suspect);
    expect(new Set(s.runs[0].results.map((x) => x.level))).toEqual(new Set(['warning']));
  });
});
