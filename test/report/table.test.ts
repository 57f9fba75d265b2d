// The human table, rendered from real reports (the lab's observation records through identify, and a
// real scan of the simulated lab on loopback) at 80, 120 and 200 columns with colour forced on and off.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderTable, deviceCells, TABLE_COLUMNS } from '../../src/report/table.js';
import { evidencePhrase, labelBrand } from '../../src/report/evidence.js';
import { visibleWidth } from '../../src/report/layout.js';
import type { CellValue } from '../../src/report/layout.js';
import type { DeviceReport, ObservationRecord, ScanReport } from '../../src/model/types.js';
import { runCli } from '../helpers/cli.js';
import { brokenWords, FIXED_REPORT, identifyLab, plain, tableProblems } from './helpers.js';

const WIDTHS = [80, 120, 200];

function sourceStrings(r: ScanReport): string[] {
  const cells = (v: CellValue): string[] => (typeof v === 'string' ? [v] : [...v.parts, ...(v.short ?? []), 'more']);
  const s = r.summary;
  return [
    ...TABLE_COLUMNS.map((c) => c.header), 'No devices answered.',
    `Policy ${r.policy.name}: ${s.devices} devices device on ${s.hosts_scanned} hosts host, ${s.restricted} restricted, ${s.suspect} suspect, ${s.clear} clear, ${s.unknown} unknown`,
    ...r.devices.flatMap((d) => Object.values(deviceCells(d)).flatMap(cells)),
  ];
}

function checkAllWidths(r: ScanReport, label: string) {
  for (const width of WIDTHS) {
    const off = renderTable(r, { width, color: false });
    const on = renderTable(r, { width, color: true });
    expect(tableProblems(off, { width, colour: false }), `${label} at ${width}, colour off`).toEqual([]);
    expect(tableProblems(on, { width, colour: true }), `${label} at ${width}, colour on`).toEqual([]);
    expect(on, `${label} at ${width}: colour is really on`).toMatch(/\u001b\[1;31mrestricted\u001b\[0m/);
    expect(plain(on), `${label} at ${width}: same visible text with and without colour`).toBe(off);
    expect(brokenWords(off, sourceStrings(r)), `${label} at ${width}: no word cut without an ellipsis`).toEqual([]);
    // One line per device, plus header, rule and the summary (which may wrap: its "0 unknown" is not a device line).
    const lines = off.split('\n');
    const summaryAt = lines.findIndex((l) => l.startsWith(`Policy ${r.policy.name}:`));
    expect(summaryAt, `${label} at ${width}: summary line`).toBeGreaterThan(0);
    expect(lines.slice(0, summaryAt).filter((l) => /^\S+\s+(restricted|suspect|clear|unknown)\b/.test(l))).toHaveLength(r.devices.length);
  }
}

describe('table over the lab records (identify)', () => {
  const report = identifyLab();

  it('fits 80, 120 and 200 columns, colour on and off, escapes whole, no word cut', () => {
    checkAllWidths(report, 'lab identify');
  });

  it('keeps address, verdict and maker at every width; brand, model and evidence from 80; firmware, MAC and ports only when there is room', () => {
    const header = (w: number) => renderTable(report, { width: w, color: false }).split('\n')[0].split(/\s{2,}/);
    expect(header(40)).toEqual(['Address', 'Verdict', 'Maker']);
    expect(header(80)).toEqual(['Address', 'Verdict', 'Maker', 'Brand', 'Model', 'Evidence']);
    expect(header(120)).toEqual(['Address', 'Verdict', 'Maker', 'Brand', 'Model', 'Evidence']);
    expect(header(200)).toEqual(['Address', 'Verdict', 'Maker', 'Brand', 'Model', 'Firmware', 'MAC', 'Ports', 'Evidence']);
  });

  it('at 120 columns nothing needed to read a row is cut: every address, maker, brand and model is whole', () => {
    const t = renderTable(report, { width: 120, color: false });
    for (const d of report.devices) {
      const row = t.split('\n').find((l) => l.startsWith(d.ip + ' '))!;
      expect(row, d.ip).toBeDefined();
      for (const v of [d.identification.maker_name, d.identification.model]) if (v) expect(row, d.ip).toContain(v);
    }
  });

  it('brand only from label evidence: a web-server banner is never a brand, an OEM label is', () => {
    const t = renderTable(report, { width: 200, color: false });
    const row = (ip: string) => t.split('\n').find((l) => l.startsWith(ip + ' '))!.split(/\s{2,}/);
    const nginx = report.devices.find((d) => d.identification.product?.startsWith('nginx/'))!;
    expect(labelBrand(nginx)).toBeUndefined();
    expect(row(nginx.ip).slice(2, 4)).toEqual(['-', '-']); // maker, brand
    const amcrest = report.devices.find((d) => d.identification.brand === 'amcrest')!;
    expect(row(amcrest.ip).slice(1, 4)).toEqual(['restricted', 'Dahua', 'Amcrest']);
    const lts = report.devices.find((d) => d.identification.brand === 'lts')!;
    expect(row(lts.ip).slice(2, 4)).toEqual(['Hikvision', 'LTS']);
    // Huawei's only evidence is its web server banner: the maker is known, the label is not.
    const huawei = report.devices.find((d) => d.identification.maker === 'huawei')!;
    expect(row(huawei.ip).slice(2, 4)).toEqual(['Huawei', '-']);
    expect(t).not.toMatch(/nginx\/1\.24\.0\s{2,}-/); // not in a brand or maker column
  });

  it('evidence is a short phrase, never raw JSON, HTML or header values', () => {
    const t = renderTable(report, { width: 200, color: false });
    expect(t).not.toMatch(/[{}<>"=]/);
    expect(t).toMatch(/answers SADP/);
    expect(t).toMatch(/answers DHIP/);
    expect(t).toMatch(/Hikvision Digest realm/);
    expect(t).toMatch(/Dahua (API reply|RTSP server)/);
    expect(t).toMatch(/UPnP manufacturer/);
    expect(t).not.toMatch(/Response|ResponseURL|apiVersion|nonce|qop/);
  });

  it('ends with counts by verdict', () => {
    const t = renderTable(report, { width: 120, color: false });
    const s = report.summary;
    expect(t.trimEnd().split('\n').pop()).toBe(`Policy ndaa: ${s.devices} devices on ${s.hosts_scanned} hosts, ${s.restricted} restricted, ${s.suspect} suspect, ${s.clear} clear, ${s.unknown} unknown`);
    const narrow = renderTable(report, { width: 40, color: true });
    expect(tableProblems(narrow, { width: 40, colour: true })).toEqual([]);
    expect(plain(narrow)).toMatch(/\n0 unknown\n$|, 0 unknown\n$/); // a count and its label stay together
  });
});

describe('table over a real scan of the simulated lab', () => {
  it('demo -f json, rendered at 80, 120 and 200 columns with colour on and off', async () => {
    const r = await runCli(['demo', '-f', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as ScanReport;
    expect(report.devices.length).toBeGreaterThanOrEqual(14);
    checkAllWidths(report, 'demo scan');
  });

  it('the CLI lays the table out to $COLUMNS when stdout is not a terminal, 100 by default, colour when forced', async () => {
    const input = readFileSync(new URL('../../fixtures/lab/observations.jsonl', import.meta.url), 'utf8');
    const d = await runCli(['identify', '-', '-f', 'table', '--fail-on', 'never'], { input, env: { COLUMNS: '' } });
    expect(Math.max(...d.stdout.trimEnd().split('\n').map((l) => l.length))).toBeLessThanOrEqual(100);
    expect(Math.max(...d.stdout.trimEnd().split('\n').map((l) => l.length))).toBeGreaterThan(90);
    const n = await runCli(['identify', '-', '-f', 'table', '--fail-on', 'never'], { input, env: { COLUMNS: '80' } });
    expect(tableProblems(n.stdout, { width: 80, colour: false })).toEqual([]);
    const c = await runCli(['identify', '-', '-f', 'table', '--fail-on', 'never'], { input, env: { COLUMNS: '120', NO_COLOR: '', FORCE_COLOR: '1' } });
    expect(c.stdout).toContain('\u001b[');
    expect(tableProblems(c.stdout, { width: 120, colour: true })).toEqual([]);
  });
});

describe('table over hostile and unusual data', () => {
  // Devices whose every string came from a hostile network: escapes, controls, bidi overrides, wide
  // characters, combining marks, emoji and words longer than any column.
  const nasty = fc.oneof(
    fc.string({ maxLength: 60 }),
    fc.string({ unit: 'binary', maxLength: 60 }),
    fc.constantFrom('\u001b[31mred\u001b[0m', '\u001b]0;title\u0007', '\u009b2J', 'a\u202eb', '摄像机网络摄像机', 'e\u0301\u0301x', '👨‍👩‍👧 family', '\u0000\u0007\r\n\t',
      'x'.repeat(300), 'Huawei Auth-Http Server 1.0', '{"Response":{"ResponseURL":"/LAPI"}}'),
  );
  const device = fc.record({
    ip: nasty, maker_name: nasty, brand_name: nasty, model: nasty, firmware: nasty, product: nasty, value: nasty, mac: nasty,
    status: fc.constantFrom('restricted', 'suspect', 'clear', 'unknown'), ports: fc.array(fc.integer({ min: 1, max: 65535 }), { maxLength: 30 }),
    field: fc.constantFrom('http.header.server', 'http.header.www-authenticate', 'sadp', 'onvif.scope', 'upnp.manufacturer', 'mdns.txt.x\u001b[1m', 'weird.field\u0007'),
  }).map((x): DeviceReport => ({
    ip: x.ip, mac: x.mac, open_ports: x.ports, seen_by: [], observations: { ip: x.ip } as ObservationRecord, errors: [],
    identification: {
      maker: 'm', maker_name: x.maker_name, maker_score: 1, brand: 'm', brand_name: x.brand_name, model: x.model, firmware: x.firmware, product: x.product,
      conflicts: [], reasoning: [],
      evidence: [{ rule: 'r', field: x.field, where: 'http:80/', value: x.value, extracted: { maker: 'm', brand: 'm' }, confidence: 0.9, description: '', source: '' }],
    },
    verdict: { status: x.status as DeviceReport['verdict']['status'], listings: [], reasons: [], policy: 'ndaa' },
  }));
  const base = identifyLab();

  it('every line fits, escapes are whole, nothing raw reaches the terminal, colour changes nothing visible', () => {
    fc.assert(fc.property(fc.array(device, { minLength: 0, maxLength: 6 }), fc.integer({ min: 20, max: 250 }), fc.string({ maxLength: 30 }), (devs, width, pol) => {
      const r: ScanReport = { ...base, policy: { ...base.policy, name: pol }, devices: devs };
      const off = renderTable(r, { width, color: false });
      const on = renderTable(r, { width, color: true });
      // Wide characters make code-point counting wrong; measure with the module and check it against hand counts below.
      const problems = [...tableProblems(off, { width, colour: false }, visibleWidth), ...tableProblems(on, { width, colour: true }, visibleWidth)];
      if (problems.length) throw new Error(problems.join('\n'));
      if (plain(on) !== off) throw new Error('colour changed the visible text');
    }), { numRuns: 300 });
  });

  it('measures wide and zero-width text as a terminal does', () => {
    expect(visibleWidth('摄像机')).toBe(6);
    expect(visibleWidth('e\u0301')).toBe(1);
    expect(visibleWidth('👍')).toBe(2);
    expect(visibleWidth('👨‍👩‍👧')).toBe(2);
    expect(visibleWidth('\u001b[1;31mabc\u001b[0m')).toBe(3);
    const r: ScanReport = { ...base, devices: [{ ...base.devices[0], identification: { ...base.devices[0].identification, model: '摄像机摄像机摄像机摄像机摄像机' } }] };
    const t = renderTable(r, { width: 80, color: false });
    const row = t.split('\n')[2];
    expect(visibleWidth(row)).toBeLessThanOrEqual(80);
    expect(row).toMatch(/摄像机…|摄…/);
  });

  it('an IPv6 address is never cut at 80 columns; no devices gives a plain sentence', () => {
    const v6 = 'fd12:3456:789a:1:21c:42ff:fe00:a1b2';
    const r: ScanReport = { ...base, devices: [{ ...base.devices[0], ip: v6 }] };
    expect(renderTable(r, { width: 80, color: false })).toContain(v6 + '  ');
    const none: ScanReport = { ...base, devices: [], summary: { ...base.summary, devices: 0, hosts_scanned: 256, restricted: 0, suspect: 0, clear: 0, unknown: 0 } };
    expect(renderTable(none, { width: 80, color: true })).toBe('No devices answered.\nPolicy ndaa: 0 devices on 256 hosts, 0 restricted, 0 suspect, 0 clear, 0 unknown\n');
  });

  it('phrases come from the field and the maker, not the value', () => {
    const p = (field: string, value: string, who?: string, where = 'http:80/') => evidencePhrase({ field, value, where }, who);
    expect(p('http.header.www-authenticate', 'Digest realm="IP Camera(C2183)"', 'Hikvision')).toBe('Hikvision Digest realm');
    expect(p('sadp', 'present', 'Hikvision')).toBe('answers SADP');
    expect(p('rtsp.header.server', 'Dahua Rtsp Server', 'Dahua')).toBe('Dahua RTSP server');
    expect(p('upnp.manufacturer', 'AXIS', 'Axis')).toBe('UPnP manufacturer');
    expect(p('onvif.scope', 'onvif://www.onvif.org/name/HIKVISION', 'Hikvision')).toBe('ONVIF name scope');
    expect(p('http.body', '{"a":1}', 'Uniview', 'http:80/LAPI/V1.0/System/DeviceInfo')).toBe('Uniview API reply');
    expect(p('mac.vendor', 'Hangzhou Hikvision Digital Technology Co.,Ltd.', 'Hikvision')).toBe('Hikvision MAC prefix');
    expect(p('sadp.DeviceDescription', 'DS-2CD\u001b[2J', 'Hikvision')).toBe('SADP device description');
    expect(p('dhip.Vendor', 'Amcrest', 'Dahua')).toBe('DHIP vendor');
  });
});
