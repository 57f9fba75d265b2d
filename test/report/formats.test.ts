// Every reporter against hostile device strings: formulas stay inert in CSV, markup shows as text in
// HTML and JUnit, no raw control character reaches any format; and the structure each format promises
// (RFC 4180 CSV with the documented columns, well-formed JUnit, SARIF 2.1.0, a CSP that forbids fetches).
import { readFileSync } from 'node:fs';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reportSchema } from '../../src/model/report.js';
import type { ScanReport } from '../../src/model/types.js';
import { firstSchemaError } from '../../src/model/validate.js';
import { CSV_COLUMNS, csvCell } from '../../src/report/csv.js';
import { loadReporter, reporterForFile, reporters, REPORTER_NAMES, type ReporterName } from '../../src/report/registry.js';
import { renderToString, type Reporter } from '../../src/report/reporter.js';
import { CONTROLS, FORMULA, hostileReport, loadFixed12, parseCsv, rawControls, SCRIPT } from './hostile.js';

/** Every registered reporter, loaded. */
const loaded = Object.fromEntries(await Promise.all(REPORTER_NAMES.map(async (n) => [n, await loadReporter(n)] as const))) as Record<ReporterName, Reporter>;

const hostile = hostileReport();
const render = (name: keyof typeof reporters, r: ScanReport = hostile, failOn: 'restricted' | 'unknown' | 'never' = 'restricted') =>
  renderToString(loaded[name], r, { width: 100, color: false, failOn });

describe('the hostile report is a valid report (so camsweep report would read it)', () => {
  it('passes the schema checker', () => expect(firstSchemaError(hostile, reportSchema())).toBeUndefined());
});

describe('no raw control character in any format', () => {
  for (const name of REPORTER_NAMES) {
    it(name, () => {
      const out = render(name);
      expect(rawControls(out, name === 'csv')).toEqual([]);
      // The escape sequences' payloads were removed with them, not left for a terminal to act on.
      expect(out).not.toContain('\u001b');
    });
  }
  it('with colour on, the table has only whole SGR sequences (no device-supplied escape)', () => {
    const out = renderToString(loaded.table, hostile, { width: 120, color: true });
    // eslint-disable-next-line no-control-regex
    expect(out.replace(/\u001b\[[0-9;]*m/g, '')).not.toContain('\u001b');
  });
});

describe('CSV', () => {
  const rows = parseCsv(render('csv'));
  it('is RFC 4180: a header of the documented columns, the same number of cells in every row, CRLF line ends', () => {
    expect(rows[0]).toEqual(CSV_COLUMNS.map((c) => c.name));
    for (const r of rows) expect(r).toHaveLength(CSV_COLUMNS.length);
    expect(rows).toHaveLength(hostile.devices.length + 1);
  });
  it(`a device model ${FORMULA} comes out inert: quoted, with a leading apostrophe`, () => {
    const model = rows[1][CSV_COLUMNS.findIndex((c) => c.name === 'model')];
    expect(model).toBe(`'${FORMULA}`);
  });
  it('no cell starts with = + - @ TAB or CR', () => {
    for (const r of rows) for (const cell of r) expect(cell, cell).not.toMatch(/^[=+\-@\t\r]/);
  });
  it('quotes, commas and line breaks inside a value survive as one cell', () => {
    const maker = rows[2][CSV_COLUMNS.findIndex((c) => c.name === 'maker')];
    expect(maker).toBe('"quoted", with comma and newline');
  });
  it('property: any string is one cell that parses back to its cleaned value, never a formula', () => {
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom('=', '+', '-', '@', '\t', '\r', '\n', '"', ',', "'", 'a', ' ', '\u0085', '\u202e', '|') , maxLength: 20 }), (s) => {
      const line = csvCell(s) + '\r\n';
      const parsed = parseCsv(line);
      expect(parsed).toHaveLength(1);
      expect(parsed[0]).toHaveLength(1);
      expect(parsed[0][0]).not.toMatch(/^[=+\-@\t\r]/);
      expect(rawControls(parsed[0][0])).toEqual([]);
    }), { numRuns: 2000 });
  });
});

describe('HTML', () => {
  const html = render('html');
  it(`a value ${SCRIPT} shows as text: no script element but the report's own`, () => {
    expect(html).not.toContain(SCRIPT);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html.match(/<script\b/g)).toHaveLength(1);
    // Only the report's own tags: none is an image, none has an event handler.
    const tags = [...html.matchAll(/<[a-zA-Z][^>]*>/g)].map((m) => m[0].replace(/"[^"]*"/g, '""'));
    expect(tags.filter((t) => /^<img\b/i.test(t) || /\son[a-z]+=/i.test(t))).toEqual([]);
  });
  it('the CSP meta forbids every network fetch and allows only its own style and script (by hash)', () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? '';
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
    expect(csp).toMatch(/form-action 'none'/);
    // The hashes are of the style and script the page carries.
    const { createHash } = require('node:crypto') as typeof import('node:crypto');
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1];
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1];
    expect(csp).toContain(`'sha256-${createHash('sha256').update(style).digest('base64')}'`);
    expect(csp).toContain(`'sha256-${createHash('sha256').update(script).digest('base64')}'`);
  });
  it('refers to nothing outside the file (no src, no stylesheet link, no external href)', () => {
    const tags = [...html.matchAll(/<[a-zA-Z][^>]*>/g)].map((m) => m[0].replace(/"[^"]*"/g, '""'));
    expect(tags.filter((t) => /\ssrc=/.test(t) || /^<link\b/.test(t))).toEqual([]);
    for (const m of html.matchAll(/href="([^"]*)"/g)) expect(m[1]).toMatch(/^#/);
  });
  it('summary first: counts, chart, policy and citations, scope come before the device table and the evidence', () => {
    const at = (s: string) => html.indexOf(s);
    expect(at('id="summary"')).toBeGreaterThan(0);
    expect(at('<svg')).toBeGreaterThan(at('id="summary"'));
    expect(at('id="policy"')).toBeGreaterThan(at('<svg'));
    expect(at('id="scope"')).toBeGreaterThan(at('id="policy"'));
    expect(at('id="devices"')).toBeGreaterThan(at('id="scope"'));
    expect(at('id="chains"')).toBeGreaterThan(at('id="devices"'));
    expect(html).toContain('Pub. L. 115-232');
  });
});

describe('JUnit XML', () => {
  const xml = render('junit');
  const parse = (x: string) => new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' }).parse(x) as { testsuites: { testsuite: { testcase: Array<Record<string, unknown>>; '@tests': string; '@failures': string } } };
  it('is well-formed XML, with markup from devices as text', () => {
    expect(XMLValidator.validate(xml)).toBe(true);
    // Only characters XML 1.0 allows (fast-xml-parser does not check the ranges itself).
    expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/);
    expect(xml).not.toContain(SCRIPT);
  });
  it('one test case per device (and the coverage case); failures exactly the devices at or above --fail-on', () => {
    const r = loadFixed12();
    for (const [failOn, n] of [['restricted', r.summary.restricted], ['unknown', r.summary.restricted + r.summary.suspect + r.summary.unknown], ['never', 0]] as const) {
      const doc = parse(render('junit', r, failOn));
      const cases = doc.testsuites.testsuite.testcase;
      expect(cases).toHaveLength(r.devices.length + 1);
      expect(cases.filter((c) => c.failure !== undefined)).toHaveLength(n);
      expect(Number(doc.testsuites.testsuite['@failures'])).toBe(n);
    }
  });
  it('the failure message carries the verdict and the evidence', () => {
    const r = loadFixed12();
    const doc = parse(render('junit', r));
    const f = doc.testsuites.testsuite.testcase.find((c) => c.failure !== undefined)!.failure as { '@message': string; '#text': string };
    expect(f['@message']).toMatch(/^restricted: /);
    expect(f['#text']).toMatch(/evidence: 0\.\d\d /);
  });
});

describe('SARIF 2.1.0', () => {
  type Sarif = { version: string; $schema: string; runs: Array<{ tool: { driver: { name: string; rules: Array<{ id: string }> } }; results: Array<{ ruleId: string; ruleIndex: number; level: string; message: { text: string }; locations: Array<{ physicalLocation: { artifactLocation: { uri: string } }; logicalLocations: Array<{ name: string }> }>; partialFingerprints?: Record<string, string> }>; invocations: Array<{ executionSuccessful: boolean }> }> };
  it('has the structure the standard requires, and a result per restricted or suspect device', () => {
    const r = loadFixed12();
    const s = JSON.parse(render('sarif', r)) as Sarif;
    expect(s.version).toBe('2.1.0');
    expect(s.$schema).toMatch(/sarif-schema-2\.1\.0\.json$/);
    expect(s.runs).toHaveLength(1);
    const run = s.runs[0];
    expect(run.tool.driver.name).toBe('camsweep');
    expect(run.results).toHaveLength(r.summary.restricted + r.summary.suspect);
    for (const x of run.results) {
      expect(run.tool.driver.rules[x.ruleIndex].id).toBe(x.ruleId);
      expect(['none', 'note', 'warning', 'error']).toContain(x.level);
      expect(x.message.text.length).toBeGreaterThan(0);
      expect(x.locations[0].physicalLocation.artifactLocation.uri).toMatch(/^devices\/[0-9A-Za-z._-]+$/);
      expect(x.partialFingerprints?.deviceId).toMatch(/^d-[0-9a-f]{12}$/);
    }
    expect(run.invocations[0].executionSuccessful).toBe(false); // the fixed report has a host not scanned
  });
  it('--fail-on unknown adds the unidentified-device rule; never leaves no error-level result', () => {
    const r = loadFixed12();
    const un = JSON.parse(render('sarif', r, 'unknown')) as Sarif;
    expect(un.runs[0].tool.driver.rules.map((x) => x.id)).toContain('camsweep/unidentified-device');
    const never = JSON.parse(render('sarif', r, 'never')) as Sarif;
    expect(never.runs[0].results.every((x) => x.level === 'warning')).toBe(true);
  });
  it('hostile text stays text in the JSON', () => {
    const s = JSON.parse(render('sarif')) as Sarif;
    expect(s.runs[0].results[0].message.text).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/);
  });
});

describe('Markdown', () => {
  it('escapes what Markdown or HTML would act on (a device cannot add a tag, link, table cell or mention)', () => {
    const m = render('markdown');
    expect(m).not.toMatch(/(?<!\\)<script>/);
    expect(m).not.toMatch(/(?<!\\)<img/);
    for (const line of m.split('\n').filter((l) => l.startsWith('| 127.77.0.10'))) expect(line.split(/(?<!\\)\|/).length).toBe(9);
  });
  it('summarises counts by verdict and maker', () => {
    const r = loadFixed12();
    const m = render('markdown', r);
    expect(m).toContain(`| restricted | ${r.summary.restricted} |`);
    expect(m).toMatch(/\| Hikvision \| \d+ \|/);
  });
});

describe('the registry', () => {
  it('every format has a name, at least one extension, and extensions are not shared', () => {
    const exts = REPORTER_NAMES.flatMap((n) => reporters[n].extensions);
    expect(new Set(exts).size).toBe(exts.length);
    for (const n of REPORTER_NAMES) expect(loaded[n].name).toBe(n);
  });
  it.each([['r.html', 'html'], ['R.HTM', 'html'], ['d.csv', 'csv'], ['s.md', 'markdown'], ['t.junit.xml', 'junit'], ['t.xml', 'junit'], ['x.sarif', 'sarif'], ['x.sarif.json', 'sarif'], ['r.json', 'json'], ['r.jsonl', 'jsonl'], ['r.ndjson', 'jsonl'], ['t.txt', 'table']])('%s is %s', (f, n) => {
    expect(reporterForFile(f)).toBe(n);
  });
  it.each(['report', 'report.out', '.html'])('%s names no format', (f) => expect(reporterForFile(f)).toBeUndefined());
});

describe('docs/csv-columns.md lists the CSV columns in order', () => {
  it('matches CSV_COLUMNS', () => {
    const doc = readFileSync(new URL('../../docs/csv-columns.md', import.meta.url), 'utf8');
    const names = [...doc.matchAll(/^\| (\d+) \| `([a-z_]+)` \|/gm)].map((m) => m[2]);
    expect(names).toEqual(CSV_COLUMNS.map((c) => c.name));
  });
});

void CONTROLS;

describe('the library entry exports every format', () => {
  it('renderToString(await loadReporter(name), report) from src/index.ts is what the module renders', async () => {
    const lib = await import('../../src/index.js');
    const r = loadFixed12();
    for (const n of lib.REPORTER_NAMES) expect(lib.renderToString(await lib.loadReporter(n), r)).toBe(renderToString(loaded[n], r));
    expect(lib.renderToString(await lib.loadReporter('csv'), r)).toBe(lib.renderCsv(r));
  });
});
