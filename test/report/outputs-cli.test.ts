// Several outputs in one run, the format from each file's extension, every destination checked before
// the scan starts; --summary-file; `camsweep report SCAN.json` re-rendering a saved scan. The real
// binary; scans only on loopback (127.77.120.0/24 - 127.77.121.0/24).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { httpServer } from '../helpers/responders.js';
import { loadReporter, reporterForFile, reporters, REPORTER_NAMES, type ReporterName } from '../../src/report/registry.js';
import { renderToString, type Reporter } from '../../src/report/reporter.js';
import { parseSavedReport } from '../../src/cli/saved-report.js';
import { FIXED_12, hostileReport, loadFixed12, parseCsv } from './hostile.js';

/** Every registered reporter, loaded. */
const loaded = Object.fromEntries(await Promise.all(REPORTER_NAMES.map(async (n) => [n, await loadReporter(n)] as const))) as Record<ReporterName, Reporter>;

const tmp = mkdtempSync(path.join(tmpdir(), 'camsweep-outputs-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const LAB = 'fixtures/lab/observations.jsonl';
const f = (name: string) => path.join(tmp, name);

describe('several outputs in one run', () => {
  it('identify -o r.html -o d.csv -o s.md -o t.xml -o x.sarif -o r.json -f jsonl: every file in its format, JSON Lines on stdout', async () => {
    const files = ['r.html', 'd.csv', 's.md', 't.xml', 'x.sarif', 'r.json'].map((n) => f(`a-${n}`));
    const r = await runCli(['identify', LAB, ...files.flatMap((x) => ['-o', x]), '-f', 'jsonl', '--fail-on', 'never']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string });
    expect(lines.at(-1)!.type).toBe('summary');
    expect(lines.filter((l) => l.type === 'device').length).toBeGreaterThan(5);
    const [html, csv, md, xml, sarif, json] = files.map((x) => readFileSync(x, 'utf8'));
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(parseCsv(csv)[0][0]).toBe('device_id');
    expect(md).toMatch(/^## camsweep: /);
    expect(xml).toMatch(/^<\?xml [^>]*>\n<testsuites /);
    expect((JSON.parse(sarif) as { version: string }).version).toBe('2.1.0');
    // The saved JSON re-renders to the same HTML and CSV (one report model behind every format).
    const saved = parseSavedReport(json, 'r.json');
    expect(renderToString(loaded.html, saved, { failOn: 'never' })).toBe(html);
    expect(renderToString(loaded.csv, saved)).toBe(csv);
  });

  it('with -o and no -f nothing goes to stdout; -f naming a format a file already has adds nothing either', async () => {
    const a = await runCli(['identify', LAB, '-o', f('b.csv'), '--fail-on', 'never']);
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout).toBe('');
    const b = await runCli(['identify', LAB, '-o', f('b.json'), '-f', 'json', '--fail-on', 'never']);
    expect(b.stdout).toBe('');
    expect(JSON.parse(readFileSync(f('b.json'), 'utf8'))).toHaveProperty('schema_version');
  });

  it('a file whose extension names no format takes -f (as before: -f jsonl -o out.log)', async () => {
    const r = await runCli(['identify', LAB, '-f', 'jsonl', '-o', f('out.log'), '--fail-on', 'never']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(readFileSync(f('out.log'), 'utf8').trim().split('\n').at(-1)).toMatch(/^\{"type":"summary"/);
  });

  it('the same file twice is a usage error', async () => {
    const r = await runCli(['identify', LAB, '-o', f('c.csv'), '-o', f('./c.csv')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^camsweep: error: -o .*c\.csv is given twice\n$/);
  });

  it('scan: an unwritable second -o is found out before any connection is made, and no file is written', async () => {
    const srv = await httpServer('127.77.120.10', 8080, () => ({ status: 200, body: 'x' }));
    try {
      const r = await runCli(['scan', '127.77.120.10', '-p', '8080', '--protocols', 'tcp', '-o', f('ok.html'), '-o', f('no-such-dir/d.csv')]);
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/cannot write .*no-such-dir\/d\.csv: no such directory \(ENOENT\)/);
      expect(srv.connections).toBe(0);
      expect(existsSync(f('ok.html'))).toBe(false);
      const s = await runCli(['scan', '127.77.120.10', '-p', '8080', '--protocols', 'tcp', '-o', f('ok.html'), '--summary-file', f('no-such-dir/s.md')]);
      expect(s.code).toBe(3);
      expect(srv.connections).toBe(0);
    } finally { await srv.close(); }
  });

  it('scan writes every -o file after a real scan on loopback', async () => {
    const srv = await httpServer('127.77.121.10', 8080, () => ({ status: 401, headers: { 'www-authenticate': 'Digest realm="IP Camera(C2183)", nonce="1"', server: 'App-webs/' } }));
    try {
      const r = await runCli(['scan', '127.77.121.10', '-p', '8080', '--protocols', 'tcp', '-q', '-o', f('s.html'), '-o', f('s.csv'), '-o', f('s.junit.xml')]);
      expect(r.code, r.stderr).toBe(1);
      expect(parseCsv(readFileSync(f('s.csv'), 'utf8'))[1][1]).toBe('127.77.121.10');
      expect(readFileSync(f('s.junit.xml'), 'utf8')).toMatch(/<failure type="restricted"/);
      expect(readFileSync(f('s.html'), 'utf8')).toContain('127.77.121.10');
    } finally { await srv.close(); }
  });
});

describe('--summary-file', () => {
  it('appends the Markdown summary to the file, and with no file to $GITHUB_STEP_SUMMARY', async () => {
    writeFileSync(f('sum.md'), '# earlier step\n');
    const a = await runCli(['identify', LAB, '--summary-file', f('sum.md'), '-f', 'json', '--fail-on', 'never']);
    expect(a.code, a.stderr).toBe(0);
    expect(JSON.parse(a.stdout)).toHaveProperty('devices');
    const text = readFileSync(f('sum.md'), 'utf8');
    expect(text).toMatch(/^# earlier step\n## camsweep: \d+ restricted/);
    const b = await runCli(['identify', LAB, '--summary-file', '-f', 'json', '--fail-on', 'never'], { env: { GITHUB_STEP_SUMMARY: f('gh.md') } });
    expect(b.code, b.stderr).toBe(0);
    expect(readFileSync(f('gh.md'), 'utf8')).toMatch(/^## camsweep: /);
  });
  it('with no file and no $GITHUB_STEP_SUMMARY it is a usage error', async () => {
    const r = await runCli(['identify', LAB, '--summary-file'], { env: { GITHUB_STEP_SUMMARY: '' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/GITHUB_STEP_SUMMARY, which is not set/);
  });
});

describe('camsweep report SCAN.json', () => {
  const saved = f('saved.json');
  const complete = { ...loadFixed12(), complete: true, not_scanned: undefined };
  writeFileSync(saved, JSON.stringify(complete));

  it.each(['html', 'csv', 'markdown', 'junit', 'sarif', 'table', 'json', 'jsonl'] as const)('-f %s prints what the reporter renders from the saved report', async (fmt) => {
    const r = await runCli(['report', saved, '-f', fmt, '--fail-on', 'never']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(renderToString(loaded[fmt], parseSavedReport(readFileSync(saved, 'utf8'), 'x'), { width: 100, failOn: 'never' }));
  });

  it('exits as the scan would have: 1 with a restricted device at --fail-on restricted; reads stdin', async () => {
    const r = await runCli(['report', '-', '-o', f('rep.csv')], { input: readFileSync(saved, 'utf8') });
    expect(r.code, r.stderr).toBe(1);
    expect(parseCsv(readFileSync(f('rep.csv'), 'utf8')).length).toBe(complete.devices.length + 1);
  });

  it('a saved scan that did not see everything exits 3 (never 0), after writing the report', async () => {
    const r = await runCli(['report', FIXED_12, '-f', 'markdown', '--fail-on', 'never']);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/incomplete/);
    expect(r.stderr).toMatch(/did not see everything/);
  });

  it('the hostile report re-renders safely', async () => {
    writeFileSync(f('hostile.json'), JSON.stringify(hostileReport()));
    const r = await runCli(['report', f('hostile.json'), '-f', 'csv', '--fail-on', 'never']);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain(`"'=cmd|' /C calc'!A0"`);
  });

  it.each([
    ['not JSON', 'hello', /not a JSON document/],
    ['JSON Lines', '{"type":"device"}\n{"type":"summary"}\n', /JSON Lines\?/],
    ['an array of records', '[{"ip":"10.0.0.1"}]', /not a camsweep scan report/],
    ['records without a version', '{"ip":"10.0.0.1"}', /no schema_version/],
    ['a newer major version', JSON.stringify({ ...loadFixed12(), schema_version: '2.0' }), /schema_version "2\.0" is not supported \(this camsweep reads 1\.x/],
    ['a verdict outside the vocabulary', JSON.stringify({ ...loadFixed12(), devices: [{ ...loadFixed12().devices[0], verdict: { ...loadFixed12().devices[0].verdict, status: 'evil\u001b[31m' } }] }), /devices\[0\]\.verdict\.status: must be one of/],
    ['a missing summary', JSON.stringify({ ...loadFixed12(), summary: undefined }), /"summary" is missing/],
  ])('%s: exit 2, one line', async (_l, text, re) => {
    writeFileSync(f('bad.json'), text);
    const r = await runCli(['report', f('bad.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(re);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toContain('\u001b');
  });

  it('a file over the document cap is refused without reading it whole', async () => {
    const r = await runCli(['report', '/dev/zero']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/larger than 64 MiB/);
  });
  it('a missing file: exit 2', async () => {
    const r = await runCli(['report', f('none.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot read saved scan report .*: no such file/);
  });
});

describe('help', () => {
  it('-f choices and the format list come from the registry', async () => {
    const r = await runCli(['scan', '--help']);
    for (const name of Object.keys(reporters)) expect(r.stdout).toContain(name);
    expect(r.stdout).toMatch(/Output formats \(-f NAME; -o FILE picks one by its extension\):\n {2}table/);
    expect(r.stdout.replace(/\s+/g, ' ')).toContain(`choices: ${Object.keys(reporters).map((n) => `"${n}"`).join(', ')})`);
  });
});

describe('start-up under a descriptor limit too low even to load the modules', () => {
  it('one line and exit 3, not a stack trace (prlimit --nofile=24)', async () => {
    const r = await runCli(['scan', '127.77.120.20', '-p', '8080', '--protocols', 'tcp'], { nofile: 24 });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^camsweep: error: only \d+ file descriptors are free \(limit 24\)/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('a saved report, mutated at random, is refused with an InputError or read, never a crash', () => {
  it('property: parseSavedReport over mutated fixtures', async () => {
    const fc = (await import('fast-check')).default;
    const { InputError } = await import('../../src/util/input.js');
    const base = loadFixed12();
    const paths: Array<(string | number)[]> = [];
    (function walk(v: unknown, p: (string | number)[]) {
      if (p.length > 7 || paths.length > 4000) return;
      paths.push(p);
      if (Array.isArray(v)) v.slice(0, 3).forEach((x, i) => walk(x, [...p, i]));
      else if (v && typeof v === 'object') for (const k of Object.keys(v)) walk((v as Record<string, unknown>)[k], [...p, k]);
    })(base, []);
    const junk = fc.oneof(fc.constant(null), fc.constant(undefined), fc.integer(), fc.double(), fc.string(), fc.boolean(), fc.array(fc.string(), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 8 }), fc.string(), { maxKeys: 3 }), fc.constant('__proto__'));
    fc.assert(fc.property(fc.constantFrom(...paths.slice(1)), junk, (p, value) => {
      const doc = structuredClone(base) as unknown as Record<string | number, unknown>;
      let o = doc as Record<string | number, unknown>;
      for (const k of p.slice(0, -1)) o = o[k] as Record<string | number, unknown>;
      if (value === undefined) delete o[p[p.length - 1]]; else o[p[p.length - 1]] = value;
      try {
        const r = parseSavedReport(JSON.stringify(doc), 'm.json');
        // What is read renders in every format without throwing.
        for (const n of REPORTER_NAMES) renderToString(loaded[n], r);
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
        expect((e as Error).message).not.toMatch(/\n/);
      }
    }), { numRuns: 400 });
  }, 60000);
});
