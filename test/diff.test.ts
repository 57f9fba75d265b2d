// `camsweep diff`: joins (device_id, then MAC, serial, address), what counts as changed and as worse,
// the exit codes, the input checks, and the formats — over two real scans of the simulated lab on
// 127.77.131.0/24 and over hand-made reports for the cases a lab cannot stage.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { startLab, type Lab } from '../src/lab/index.js';
import { readReportSide } from '../src/cli/diff.js';
import { diffExit, diffReports, renderDiffMarkdown, renderDiffTable, type ReportSide } from '../src/report/diff.js';
import { InputError } from '../src/util/input.js';
import type { DeviceReport, ScanReport } from '../src/model/types.js';
import { runCli } from './helpers/cli.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'camsweep-diff-'));
const file = (name: string, text: string) => { const f = path.join(tmp, name); writeFileSync(f, text); return f; };

function dev(ip: string, over: Record<string, unknown> = {}): DeviceReport {
  const { verdict, firmware, model, serial, ...rest } = over as { verdict?: string; firmware?: string; model?: string; serial?: string };
  return {
    ip, open_ports: [80], seen_by: ['tcp'], observations: { ip, ...(serial ? { onvif: { serial } } : {}) },
    identification: { maker_score: 0, conflicts: [], evidence: [], reasoning: [], ...(firmware ? { firmware } : {}), ...(model ? { model } : {}) },
    verdict: { status: verdict ?? 'clear', listings: [], reasons: [], policy: 'ndaa' }, errors: [], ...rest,
  } as unknown as DeviceReport;
}
const side = (devices: DeviceReport[], over: Partial<ReportSide> = {}): ReportSide => ({ file: 'x.json', schema_version: '1.3', complete: true, devices, ...over });

describe('joining and comparing', () => {
  it('joins by device_id; falls back to MAC, then serial, then address when the ids differ', () => {
    const old = side([
      dev('10.0.0.1', { device_id: 'd-aaaaaaaaaaaa', mac: '00:11:22:33:44:01' }),
      dev('10.0.0.2', { device_id: 'd-bbbbbbbbbbbb', mac: '00:11:22:33:44:02' }),
      dev('10.0.0.3', { device_id: 'd-cccccccccccc', serial: 'SERIAL-0003' }),
      dev('10.0.0.4', { device_id: 'd-dddddddddddd' }),
    ]);
    const neu = side([
      dev('10.0.0.1', { device_id: 'd-aaaaaaaaaaaa', mac: '00:11:22:33:44:01', firmware: '2.0' }),
      dev('10.0.0.22', { device_id: 'd-bbbbbbbbbbb0', mac: '00-11-22-33-44-02' }),
      dev('10.0.0.33', { device_id: 'd-ccccccccccc0', serial: 'serial-0003' }),
      dev('10.0.0.4', { device_id: 'd-ddddddddddd0', model: 'X1' }),
    ]);
    const d = diffReports(old, neu);
    expect(d.added).toEqual([]);
    expect(d.removed).toEqual([]);
    expect(d.changed.map((c) => [c.ip, c.joined_by, c.changes.map((x) => x.field)])).toEqual([
      ['10.0.0.1', 'device_id', ['firmware']],
      ['10.0.0.22', 'mac', ['address']],
      ['10.0.0.33', 'serial', ['address']],
      ['10.0.0.4', 'address', ['model']],
    ]);
    expect(d.changed[0].changes[0]).toEqual({ field: 'firmware', new: '2.0' });
  });

  it('an address shared by two devices on one side joins neither (they are added and removed)', () => {
    const d = diffReports(side([dev('10.0.0.5', { device_id: 'd-111111111111' })]), side([dev('10.0.0.5', { device_id: 'd-222222222222' }), dev('10.0.0.5', { device_id: 'd-333333333333' })]));
    expect([d.added.length, d.removed.length, d.changed.length]).toEqual([2, 1, 0]);
  });

  it('computes the id of a device from a report without ids (before 1.2) as camsweep does', () => {
    const withId = dev('10.0.0.7', { device_id: undefined, mac: '00:11:22:33:44:07' });
    const d = diffReports(side([withId]), side([dev('10.0.0.8', { mac: '00:11:22:33:44:07', device_id: undefined })]));
    expect(d.changed[0]).toMatchObject({ joined_by: 'device_id', changes: [{ field: 'address', old: '10.0.0.7', new: '10.0.0.8' }] });
  });

  it('worse is a verdict that rose to --fail-on and is not accepted; exit codes 0, 1, 3, 4', () => {
    const old = side([dev('10.0.0.1', { device_id: 'd-aaaaaaaaaaaa', verdict: 'clear' }), dev('10.0.0.2', { device_id: 'd-bbbbbbbbbbbb', verdict: 'unknown' })]);
    const rose = side([dev('10.0.0.1', { device_id: 'd-aaaaaaaaaaaa', verdict: 'restricted' }), dev('10.0.0.2', { device_id: 'd-bbbbbbbbbbbb', verdict: 'suspect' })]);
    const d = diffReports(old, rose);
    expect(d.changed.map((c) => c.worse)).toEqual([true, false]);
    expect(diffExit(d, [old, rose], false)).toBe(1);
    expect(diffReports(old, rose, 'suspect').failing).toBe(2);
    const accepted = side([dev('10.0.0.1', { device_id: 'd-aaaaaaaaaaaa', verdict: 'restricted', acceptance: { status: 'accepted', matched_by: 'device_id', value: 'd-aaaaaaaaaaaa', reason: 'r', accepted_by: 'b', expires: '2099-01-01' } }), old.devices[1]]);
    const da = diffReports(old, accepted);
    expect(da.failing).toBe(0);
    expect(diffExit(da, [old, accepted], false)).toBe(0);
    expect(diffExit(da, [old, accepted], true)).toBe(4);
    expect(diffExit(diffReports(old, old), [old, old], true)).toBe(0);
    const better = diffReports(rose, old);
    expect(diffExit(better, [rose, old], false)).toBe(0);
    const cut = side(old.devices, { complete: false, file: 'cut.json' });
    const dc = diffReports(old, cut);
    expect(diffExit(dc, [old, cut], false)).toBe(3);
    expect(dc.warnings[0]).toMatch(/cut\.json: the scan did not finish.*removed may only have been missed/);
    // An added device at or above the level fails; below it does not.
    const added = side([...old.devices, dev('10.0.0.9', { device_id: 'd-999999999999', verdict: 'restricted' })]);
    expect(diffExit(diffReports(old, added), [old, added], false)).toBe(1);
  });

  it('renders what the network sent inert: no control character, Markdown escaped', () => {
    const evil = dev('10.0.0.1', { device_id: 'd-aaaaaaaaaaaa', model: 'x\u001b[31m|<script>`' });
    const d = diffReports(side([dev('10.0.0.1', { device_id: 'd-aaaaaaaaaaaa' })]), side([evil]));
    for (const t of [renderDiffTable(d, side([]), side([]), 'restricted'), renderDiffMarkdown(d, side([]), side([]), 'restricted')]) expect(t).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(renderDiffMarkdown(d, side([]), side([]), 'restricted')).toContain('\\|\\<script\\>\\`');
  });
});

describe('reading saved scans', () => {
  it('refuses what is not a camsweep report, an unknown major version, a JSON Lines file without its summary: one line each', async () => {
    const cases: Array<[string, RegExp]> = [
      ['{"devices": []}', /no schema_version/],
      ['{"schema_version": "2.0", "devices": []}', /schema_version 2\.0 is not one this camsweep reads \(1\.x\)/],
      ['{"schema_version": "1.2"}', /no "devices" list/],
      ['{"schema_version": "1.2", "devices": [{"ip": "10.0.0.1"}]}', /device 1: device 10\.0\.0\.1 has no verdict/],
      ['[1, 2]', /no "devices" list/],
      ['not json', /not valid JSON/],
      ['', /empty/],
      ['{"type":"device","ip":"10.0.0.1","verdict":{"status":"clear"}}\n', /no summary line/],
      ['{"type":"device","ip":"10.0.0.1","verdict":{"status":"clear"}}\n{"type":"weird"}\n{"type":"summary","schema_version":"1.3"}\n', /:2: not a camsweep JSON Lines report line/],
    ];
    for (const [text, msg] of cases) {
      const err = await readReportSide(file('bad.json', text)).catch((e: unknown) => e);
      expect(err, text).toBeInstanceOf(InputError);
      expect((err as Error).message).toMatch(msg);
      expect((err as Error).message).not.toMatch(/\n/);
    }
  });

  it('never throws anything but a one-line InputError, whatever the bytes', async () => {
    await fc.assert(fc.asyncProperty(fc.oneof(fc.string({ maxLength: 300 }), fc.json({ maxDepth: 4 }).map((j) => `{"schema_version":"1.3","devices":[${j}]}`),
      fc.json({ maxDepth: 3 }).map((j) => `{"type":"device","x":${j}}\n{"type":"summary","schema_version":"1.3"}\n`)), async (s) => {
      try { await readReportSide(file('p.json', s)); } catch (e) {
        expect(e).toBeInstanceOf(InputError);
        expect((e as Error).message).not.toMatch(/[\n\r]/);
      }
    }), { numRuns: 150 });
  });
});

describe('camsweep diff over two real scans (simulated lab on 127.77.131.0/24)', () => {
  let lab: Lab;
  let ports: string;
  const ip: Record<string, string> = {};
  beforeAll(async () => {
    lab = await startLab({ subnet: '127.77.131.0/24', only: ['hikvision-camera', 'nginx-server', 'axis-camera'], discovery: false });
    ports = lab.portList.join(',');
    for (const d of lab.devices) ip[d.persona.name] = d.ip;
  });
  afterAll(async () => { await lab?.stop(); });

  it('lists added, removed and changed devices in every format, with the CI exit codes', async () => {
    const a = await runCli(['scan', ip['nginx-server'], ip['axis-camera'], '-p', ports, '--protocols', 'tcp', '-f', 'json', '-q', '--fail-on', 'never']);
    const b = await runCli(['scan', ip['nginx-server'], ip['hikvision-camera'], '-p', ports, '--protocols', 'tcp', '-f', 'jsonl', '-q', '--fail-on', 'never']);
    expect([a.code, b.code], a.stderr + b.stderr).toEqual([0, 0]);
    const oldF = file('old.json', a.stdout);
    // The nginx server's firmware as a later scan would see it after an upgrade (the lab serves one version).
    const lines = b.stdout.trim().split('\n').map((l) => JSON.parse(l));
    for (const l of lines) if (l.ip === ip['nginx-server']) l.identification.firmware = '1.25.0';
    const newF = file('new.jsonl', lines.map((l) => JSON.stringify(l)).join('\n') + '\n');

    const j = await runCli(['diff', oldF, newF, '-f', 'json']);
    expect(j.code, j.stderr).toBe(1); // the Hikvision camera was added, restricted
    const doc = JSON.parse(j.stdout);
    expect(doc.summary).toEqual({ added: 1, removed: 1, changed: 1, unchanged: 0, failing: 1 });
    expect(doc.added[0]).toMatchObject({ ip: ip['hikvision-camera'], verdict: 'restricted', fails: true });
    expect(doc.removed[0]).toMatchObject({ ip: ip['axis-camera'], verdict: 'clear' });
    expect(doc.changed[0]).toMatchObject({ ip: ip['nginx-server'], joined_by: 'device_id', changes: [{ field: 'firmware', new: '1.25.0' }] });

    const t = await runCli(['diff', oldF, newF, '-f', 'table', '--fail-on', 'never', '--exit-on-change']);
    expect(t.code).toBe(4);
    expect(t.stdout).toMatch(/1 added, 1 removed, 1 changed, 0 unchanged/);
    expect(t.stdout).toMatch(new RegExp(`\\+ ${ip['hikvision-camera'].replace(/\./g, '\\.')} Hikvision`));
    expect(t.stdout).toMatch(/~ .*firmware .* -> 1\.25\.0/);

    const md = await runCli(['diff', oldF, newF, '-f', 'markdown', '-o', path.join(tmp, 'diff.md')]);
    expect(md.code).toBe(1);
    expect(md.stdout).toBe('');
    expect(readFileSync(path.join(tmp, 'diff.md'), 'utf8')).toMatch(/^### camsweep diff: 1 added[\s\S]*\| added \| 127\.77\.131\.\d+ \|/);

    const jl = await runCli(['diff', oldF, newF, '-f', 'jsonl']);
    expect(jl.stdout.trim().split('\n').map((l) => JSON.parse(l).type)).toEqual(['added', 'removed', 'changed', 'summary']);

    const same = await runCli(['diff', oldF, oldF, '--exit-on-change']);
    expect(same.code).toBe(0);
    expect(JSON.parse(same.stdout).summary.unchanged).toBe(2);
  });

  it('a diff against an incomplete scan exits 3 and says why', async () => {
    const a = await runCli(['scan', ip['nginx-server'], '-p', ports, '--protocols', 'tcp', '-f', 'json', '-q']);
    const r = JSON.parse(a.stdout) as ScanReport;
    const cut = file('cut.json', JSON.stringify({ ...r, complete: false, devices: [] }));
    const d = await runCli(['diff', file('full.json', a.stdout), cut]);
    expect(d.code).toBe(3);
    expect(d.stderr).toMatch(/warning: .*cut\.json: the scan did not finish/);
  });

  it('bad inputs and options are one-line errors, exit 2', async () => {
    const good = file('g.json', JSON.stringify({ schema_version: '1.3', devices: [] }));
    for (const args of [['diff', good], ['diff', good, path.join(tmp, 'missing.json')], ['diff', good, good, '-f', 'html'], ['diff', good, file('v9.json', '{"schema_version":"9.1","devices":[]}')]]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')[0]).toMatch(/^(camsweep: )?error/);
    }
  });
});
