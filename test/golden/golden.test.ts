// Golden tests of the renderers over fixed reports: the table (80, 120 and 200 columns, colour off and
// on), the JSON report, JSON Lines and explain. The reports are frozen (fixtures/report/), so a rule or
// data change does not move them; only a renderer change does, and then on purpose:
//   UPDATE_GOLDEN=1 npx vitest run test/golden       accept the new output
//   REGENERATE_REPORT=1 npx vitest run test/golden   re-freeze the fixed reports (then UPDATE_GOLDEN=1)
// scan-report.json: the lab's records plus an IPv6 host, a brand-only suspect and an OEM realm, judged
// once, observations reduced to the address. scan-report-1.2.json: a real `demo` scan (device_id,
// sightings, per-module results), with every volatile field (times, durations, version) scrubbed, plus
// one host not scanned, one responder seen but not probed and one merge note, so every footer and field
// is rendered.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ObservationRecord, ScanReport } from '../../src/model/types.js';
import { renderExplain } from '../../src/report/explain.js';
import { renderJson, renderJsonl, renderJsonPieces } from '../../src/report/json.js';
import { renderTable } from '../../src/report/table.js';
import { loadKnowledge } from '../../src/runner/index.js';
import { FIXED_REPORT, identifyLab, tableProblems } from '../report/helpers.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const FIXED_12 = fileURLToPath(new URL('../../fixtures/report/scan-report-1.2.json', import.meta.url));
const AT = '2025-06-01T12:00:00.000Z';

function golden(name: string, got: string): void {
  const file = path.join(HERE, name);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, got);
  expect(existsSync(file), `${file} is missing (UPDATE_GOLDEN=1 writes it)`).toBe(true);
  expect(got, `differs from test/golden/${name} (UPDATE_GOLDEN=1 npx vitest run test/golden to accept)`).toBe(readFileSync(file, 'utf8'));
}

/** Times, durations and the version fixed; the rest as the scan gave it. */
function scrub(r: ScanReport): ScanReport {
  const { stats: _s, ...rest } = r;
  return {
    ...rest, tool: { name: 'camsweep', version: '0.0.0-test' }, started_at: AT, finished_at: AT,
    results: (r.results ?? []).map((x) => ({ ...x, duration_ms: 0 })),
    devices: r.devices.map((d) => ({
      ...d,
      sightings: (d.sightings ?? []).map((s) => ({ ...s, at: AT })),
      results: (d.results ?? []).map((x) => ({ ...x, duration_ms: 0 })),
    })),
  };
}

if (process.env.REGENERATE_REPORT === '1') {
  const extra: ObservationRecord[] = [
    { ip: 'fd00::a1b2', open_ports: [80, 443, 554] },
    { ip: '10.9.8.8', open_ports: [80], http: [{ port: 80, path: '/', status: 200, title: 'Honeywell IP-Camera login', headers: { server: 'lighttpd/1.4.35' } }] },
    { ip: '10.9.8.9', open_ports: [80, 554], http: [{ port: 80, path: '/', status: 401, headers: { 'www-authenticate': 'Digest realm="Login to ND021808019141", nonce="1"' } }] },
  ];
  const r = identifyLab(extra);
  const { stats: _s, ...rest } = r;
  const frozen: ScanReport = { ...rest, tool: { name: 'camsweep', version: '0.0.0-test' }, devices: r.devices.map((d) => ({ ...d, observations: { ip: d.ip } })) };
  mkdirSync(path.dirname(FIXED_REPORT), { recursive: true });
  writeFileSync(FIXED_REPORT, JSON.stringify(frozen, null, 1) + '\n');
  const { demo, defaultRuntime } = await import('../../src/runner/index.js');
  const { VERSION } = await import('../../src/version.js');
  void VERSION;
  const d = await demo({ listenMs: 1500, timeoutMs: 2000, hostTimeoutMs: 30000, concurrency: 64, rate: 0, maxBytes: 262144, policy: 'ndaa', userAgent: 'camsweep/test' }, await defaultRuntime());
  const s = scrub(d.report);
  const [first, second] = s.devices;
  s.devices[0] = { ...first!, notes: [`shares endpoint urn:uuid:00000000-0000-4000-8000-000000000001 with ${second!.device_id} (${second!.ip}): its MAC differs, so it is another device`] };
  s.not_scanned = [{ ip: '127.77.0.99', status: 'local-error', code: 'EMFILE' }];
  s.seen_not_probed = [{ ip: '10.9.9.9', status: 'not-in-scope', mac: 'aa:bb:cc:00:11:22', seen_by: ['onvif'], announced: { onvif: { scopes: ['onvif://www.onvif.org/name/Outside'] } } }];
  s.complete = false;
  writeFileSync(FIXED_12, JSON.stringify(s, null, 1) + '\n');
}

const report = JSON.parse(readFileSync(FIXED_REPORT, 'utf8')) as ScanReport;
const report12 = JSON.parse(readFileSync(FIXED_12, 'utf8')) as ScanReport;

describe('golden tables', () => {
  for (const [label, r, prefix] of [['scan-report.json', report, 'table'], ['scan-report-1.2.json', report12, 'table-1.2']] as const) {
    for (const width of [80, 120, 200]) {
      for (const color of [false, true]) {
        it(`${label} at ${width} columns, colour ${color ? 'on' : 'off'}`, () => {
          const got = renderTable(r, { width, color });
          expect(tableProblems(got, { width, colour: color })).toEqual([]);
          golden(`${prefix}-${width}${color ? '-colour' : ''}.txt`, got);
        });
      }
    }
  }

  it('the firmware, MAC and ports columns are in the wide table (a blanked column breaks the golden)', () => {
    const t = renderTable(report12, { width: 200, color: false });
    const hik = report12.devices.find((d) => d.identification.maker === 'hikvision' && d.identification.firmware)!;
    const row = t.split('\n').find((l) => l.startsWith(hik.ip + ' '))!;
    expect(row).toContain(hik.identification.firmware!);
    expect(row).toContain(hik.mac!);
    expect(row).toContain(hik.open_ports.join(','));
  });
});

describe('golden JSON and JSON Lines', () => {
  it('the JSON report', () => golden('report-1.2.json', renderJson(report12)));
  it('the JSON report in pieces (how it is written) is the same document, a piece per device', () => {
    const pieces = [...renderJsonPieces(report12)];
    expect(pieces.length).toBe(report12.devices.length + 2);
    golden('report-1.2.json', pieces.join(''));
    const none = { ...report12, devices: [] };
    expect([...renderJsonPieces(none)].join('')).toBe(renderJson(none));
  });
  it('JSON Lines', () => golden('report-1.2.jsonl', renderJsonl(report12)));
});

describe('golden explain', () => {
  it('every device of the 1.2 report', () => {
    const k = loadKnowledge('ndaa');
    golden('explain-1.2.txt', report12.devices.map((d) => renderExplain(d, k, new Date(AT))).join('\n'));
  });
});
