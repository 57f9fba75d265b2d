// Baselines of accepted devices: the file format and its one-line errors, matching by device_id, MAC
// and serial, expiry, and what the CLI does with them (shown as accepted, the gate, the notices) over
// real sockets against the simulated lab on 127.77.130.0/24.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { startLab, type Lab } from '../src/lab/index.js';
import { acceptanceFor, applyBaselineAll, BaselineError, holds, parseBaseline } from '../src/report/baseline.js';
import { fails, gateExit } from '../src/model/fail-on.js';
import type { DeviceReport, ScanReport } from '../src/model/types.js';
import { runCli } from './helpers/cli.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'camsweep-baseline-'));
const schema = JSON.parse(readFileSync(new URL('../schema/scan-report.schema.json', import.meta.url), 'utf8'));
const ajv = new Ajv2020.default({ allErrors: true, strict: false });
addFormats.default(ajv);
const validate = ajv.compile(schema);

function dev(over: Partial<DeviceReport> & { serial?: string } = {}): DeviceReport {
  const { serial, ...rest } = over;
  return {
    ip: '127.77.130.10', device_id: 'd-0123456789ab', mac: '44:19:b6:12:34:56', open_ports: [80], seen_by: ['tcp'], observations: { ip: '127.77.130.10' },
    identification: { evidence: [], claims: [], ...(serial ? { serial } : {}) } as unknown as DeviceReport['identification'],
    verdict: { status: 'restricted', listings: [], reasons: [], policy: 'ndaa' }, errors: [], ...rest,
  } as DeviceReport;
}

const ENTRY = 'reason: replacement ordered\n    accepted_by: j.doe@example.org\n    expires: 2026-03-31';

describe('the baseline file', () => {
  it('reads YAML and JSON, normalises MACs, keeps the first entry for an identifier', () => {
    const y = parseBaseline(`accepted:\n  - mac: 44-19-B6-12-34-56\n    ${ENTRY}\n  - mac: 44:19:b6:12:34:56\n    reason: later\n    accepted_by: x\n    expires: 2099-01-01\n`, 'b.yaml');
    expect(y.entries[0]).toEqual({ mac: '44:19:b6:12:34:56', reason: 'replacement ordered', accepted_by: 'j.doe@example.org', expires: '2026-03-31' });
    expect(acceptanceFor(dev(), y, new Date('2026-03-01T00:00:00Z'))?.reason).toBe('replacement ordered');
    const j = parseBaseline(JSON.stringify({ accepted: [{ serial: 'abc123456', reason: 'r', accepted_by: 'b', expires: '2026-01-01' }] }), 'b.json');
    expect(j.entries[0].serial).toBe('abc123456');
    expect(parseBaseline('[]', 'empty.json').entries).toEqual([]);
  });

  it.each([
    ['accepted: 3', /b\.yaml: expected "accepted:" with a list/],
    ['acceptd: []', /b\.yaml: unknown key "acceptd"/],
    [`accepted:\n  - ${ENTRY.replace(/\n {4}/g, '\n    ')}`, /entry 1: needs one of device_id, mac or serial/],
    [`accepted:\n  - mac: 44:19:b6:12:34:56\n    reason: r\n    accepted_by: b`, /entry 1: needs "expires: YYYY-MM-DD"/],
    [`accepted:\n  - mac: 44:19:b6:12:34:56\n    reason: r\n    accepted_by: b\n    expires: 2026-02-30`, /entry 1: expires "2026-02-30" is not a date/],
    [`accepted:\n  - mac: nope\n    ${ENTRY}`, /entry 1: mac "nope" is not a MAC address/],
    [`accepted:\n  - device_id: x\n    ${ENTRY}`, /entry 1: device_id "x" is not d- and 12 hex digits/],
    [`accepted:\n  - mac: 44:19:b6:12:34:56\n    accepted_by: b\n    expires: 2026-01-01`, /entry 1: needs a "reason"/],
    [`accepted:\n  - mac: 44:19:b6:12:34:56\n    reason: r\n    expires: 2026-01-01`, /entry 1: needs "accepted_by"/],
    [`accepted:\n  - mac: 44:19:b6:12:34:56\n    ${ENTRY}\n    note: hi`, /entry 1: unknown key "note"/],
    [`accepted:\n  - mac: [1, 2]\n    ${ENTRY}`, /entry 1: "mac" must be a string/],
    ['accepted: [', /b\.yaml: not valid YAML\/JSON/],
  ])('refuses %j with a one-line error', (text, msg) => {
    let err: unknown;
    try { parseBaseline(text, 'b.yaml'); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(BaselineError);
    expect((err as Error).message).toMatch(msg);
    expect((err as Error).message).not.toMatch(/\n/);
  });

  it('never crashes and never lets a control character through, whatever the text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 400 }), (s) => {
      try {
        const b = parseBaseline(`accepted:\n  - serial: "${s.replace(/["\\]/g, '')}"\n    ${ENTRY}\n`, 'f');
        for (const e of b.entries) expect(JSON.stringify(e)).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
      } catch (e) {
        expect(e).toBeInstanceOf(BaselineError);
        expect((e as Error).message).not.toMatch(/[\n\r]/);
      }
    }), { numRuns: 300 });
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => {
      try { parseBaseline(s, 'f'); } catch (e) { expect(e).toBeInstanceOf(BaselineError); }
    }), { numRuns: 300 });
  });
});

describe('acceptances', () => {
  const b = parseBaseline(`accepted:\n  - device_id: d-0123456789ab\n    ${ENTRY}\n  - serial: ds-2cd2143g0-i20190923aawrd12345678\n    reason: s\n    accepted_by: b\n    expires: 2099-12-31\n  - mac: 00:11:22:33:44:55\n    reason: gone\n    accepted_by: b\n    expires: 2099-12-31\n`, 'b.yaml');

  it('matches by device_id, then MAC, then serial (serials case-insensitively)', () => {
    expect(acceptanceFor(dev(), b, new Date('2026-01-01'))).toMatchObject({ status: 'accepted', matched_by: 'device_id', value: 'd-0123456789ab', baseline: 'b.yaml' });
    const bySerial = acceptanceFor(dev({ device_id: 'd-ffffffffffff', mac: undefined, serial: 'DS-2CD2143G0-I20190923AAWRD12345678' }), b, new Date('2026-01-01'));
    expect(bySerial).toMatchObject({ status: 'accepted', matched_by: 'serial' });
    expect(acceptanceFor(dev({ device_id: 'd-ffffffffffff', mac: 'aa:bb:cc:dd:ee:ff' }), b, new Date('2026-01-01'))).toBeUndefined();
  });

  it('holds through its last day (UTC) and expires after it', () => {
    expect(holds('2026-03-31', new Date('2026-03-31T23:59:59.999Z'))).toBe(true);
    expect(holds('2026-03-31', new Date('2026-04-01T00:00:00Z'))).toBe(false);
    expect(acceptanceFor(dev(), b, new Date('2026-04-01T00:00:00Z'))?.status).toBe('expired');
  });

  it('an accepted device passes the gate; an expired one fails again; a clear one is never failed', () => {
    const r = applyBaselineAll([dev()], b, new Date('2026-03-01'));
    expect(fails(r.devices[0], 'restricted')).toBe(false);
    expect(gateExit(r.devices, 'restricted')).toBe(0);
    const late = applyBaselineAll([dev()], b, new Date('2026-05-01'));
    expect(fails(late.devices[0], 'restricted')).toBe(true);
    expect(gateExit(late.devices, 'restricted')).toBe(1);
    expect(late.warnings.join('\n')).toMatch(/acceptance of 127\.77\.130\.10 \(device_id d-0123456789ab, accepted by j\.doe@example\.org: replacement ordered\) expired on 2026-03-31/);
    expect(gateExit([dev({ verdict: { status: 'clear', listings: [], reasons: [], policy: 'ndaa' } })], 'unknown')).toBe(0);
  });

  it('names the entries that matched no device', () => {
    const r = applyBaselineAll([dev()], b, new Date('2026-03-01'));
    expect(r.warnings).toEqual([expect.stringMatching(/b\.yaml: 2 entries matched no device: serial ds-2cd2143g0-i20190923aawrd12345678, mac 00:11:22:33:44:55$/)]);
  });
});

describe('--baseline on the command line (simulated lab on 127.77.130.0/24)', () => {
  let lab: Lab;
  let ports: string;
  let hik: string;
  let nginx: string;
  beforeAll(async () => {
    lab = await startLab({ subnet: '127.77.130.0/24', only: ['hikvision-camera', 'nginx-server'], discovery: false });
    ports = lab.portList.join(',');
    hik = lab.devices.find((d) => d.persona.name === 'hikvision-camera')!.ip;
    nginx = lab.devices.find((d) => d.persona.name === 'nginx-server')!.ip;
  });
  afterAll(async () => { await lab?.stop(); });

  const file = (name: string, text: string) => { const f = path.join(tmp, name); writeFileSync(f, text); return f; };

  it('an accepted device is shown as accepted and does not fail; an expired one fails again and is called out', async () => {
    const first = await runCli(['scan', hik, nginx, '-p', ports, '--protocols', 'tcp', '-f', 'json', '-q']);
    expect(first.code, first.stderr).toBe(1);
    const saved = file('scan.json', first.stdout);
    const hikDev = (JSON.parse(first.stdout) as ScanReport).devices.find((d) => d.ip === hik)!;
    expect(hikDev.device_id).toMatch(/^d-[0-9a-f]{12}$/);

    const ok = file('ok.yaml', `accepted:\n  - device_id: ${hikDev.device_id}\n    reason: dock camera, replacement ordered\n    accepted_by: it@example.org\n    expires: 2099-12-31\n`);
    const a = await runCli(['scan', hik, nginx, '-p', ports, '--protocols', 'tcp', '-f', 'json', '--baseline', ok]);
    expect(a.code, a.stderr).toBe(0);
    const rep = JSON.parse(a.stdout) as ScanReport;
    expect(validate(rep), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    const d = rep.devices.find((x) => x.ip === hik)!;
    expect(d.verdict.status).toBe('restricted');
    expect(d.acceptance).toMatchObject({ status: 'accepted', matched_by: 'device_id', reason: 'dock camera, replacement ordered', accepted_by: 'it@example.org', expires: '2099-12-31' });
    expect(rep.summary.accepted).toBe(1);
    expect(rep.devices.find((x) => x.ip === nginx)!.acceptance).toBeUndefined();
    // --fail-on unknown: the nginx server is clear, the camera accepted: still passes.
    expect((await runCli(['identify', saved, '-f', 'json', '--baseline', ok, '--fail-on', 'unknown'])).code).toBe(0);

    const table = await runCli(['identify', saved, '-f', 'table', '--baseline', ok], { env: { COLUMNS: '120' } });
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/restricted \(accepted\)|restricted\*/);
    expect(table.stdout).toMatch(/Accepted by the baseline: 1 device/);

    const old = file('old.yaml', `accepted:\n  - device_id: ${hikDev.device_id}\n    reason: dock camera\n    accepted_by: it@example.org\n    expires: 2020-01-31\n`);
    const e = await runCli(['identify', saved, '-f', 'jsonl', '--baseline', old]);
    expect(e.code).toBe(1);
    const lines = e.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.find((l) => l.ip === hik).acceptance).toMatchObject({ status: 'expired', expires: '2020-01-31' });
    expect(lines.at(-1).type).toBe('summary');
    expect(lines.at(-1).warnings.join('\n')).toMatch(/expired on 2020-01-31; it counts against --fail-on again/);
    expect(e.stderr).toMatch(/warning: baseline .*old\.yaml: the acceptance of 127\.77\.130\.\d+ .*expired on 2020-01-31/);

    const scanExpired = await runCli(['scan', hik, '-p', ports, '--protocols', 'tcp', '-f', 'json', '--baseline', old]);
    expect(scanExpired.code).toBe(1);
    expect(scanExpired.stderr).toMatch(/expired on 2020-01-31/);
    expect((JSON.parse(scanExpired.stdout) as ScanReport).warnings.join('\n')).toMatch(/expired on 2020-01-31/);
  });

  it('identify matches a record by its MAC (any spelling) and by serial', async () => {
    const recs = file('recs.jsonl', [
      JSON.stringify({ ip: '127.77.130.200', mac: '00-11-22-AA-BB-CC', open_ports: [80] }),
      JSON.stringify({ ip: '127.77.130.201', open_ports: [80], onvif: { serial: 'SN-ACCEPT-0001' } }),
    ].join('\n') + '\n');
    const without = await runCli(['identify', recs, '-f', 'json', '--fail-on', 'unknown']);
    expect(without.code).toBe(1);
    const bl = file('mac.yaml', `accepted:\n  - mac: 00:11:22:aa:bb:cc\n    ${ENTRY.replace('2026-03-31', '2099-01-01')}\n  - serial: sn-accept-0001\n    ${ENTRY.replace('2026-03-31', '2099-01-01')}\n`);
    const withBl = await runCli(['identify', recs, '-f', 'json', '--fail-on', 'unknown', '--baseline', bl]);
    expect(withBl.code, withBl.stdout).toBe(0);
    const rep = JSON.parse(withBl.stdout) as ScanReport;
    expect(rep.devices.map((x) => x.acceptance?.matched_by)).toEqual(['mac', 'serial']);
    expect(rep.summary.accepted).toBe(2);
  });

  it('an entry that matches no device is reported, and does not change the gate', async () => {
    const none = file('none.yaml', 'accepted:\n  - serial: NOSUCHSERIAL99\n    reason: r\n    accepted_by: b\n    expires: 2099-01-01\n');
    const r = await runCli(['scan', hik, '-p', ports, '--protocols', 'tcp', '-f', 'json', '--baseline', none]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/warning: baseline .*none\.yaml: 1 entry matched no device: serial NOSUCHSERIAL99/);
    expect((JSON.parse(r.stdout) as ScanReport).summary.accepted).toBeUndefined();
  });

  it('a bad or missing baseline is a one-line error (exit 2) before any packet', async () => {
    const bad = file('bad.yaml', 'accepted:\n  - mac: 44:19:b6:12:34:56\n    reason: r\n    accepted_by: b\n    expires: tomorrow\n');
    for (const [f, msg] of [[bad, /bad\.yaml: entry 1: expires "tomorrow" is not a date YYYY-MM-DD/], [path.join(tmp, 'missing.yaml'), /cannot read baseline .*missing\.yaml: no such file/]] as const) {
      const r = await runCli(['scan', hik, '-p', ports, '--baseline', f]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(msg);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stdout).toBe('');
    }
  });
});
