// TLS end to end: the real CLI scans the simulated lab's HTTPS ports on loopback (a real TLS handshake
// with the lab's certificates, made in memory at start-up), records each certificate, fingerprints it,
// and shows it in the JSON report, in explain and in the table.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../src/lab/index.js';
import type { ScanReport } from '../src/model/types.js';
import { runCli } from './helpers/cli.js';

let lab: Lab;
const dev = (name: string) => lab.devices.find((d) => d.persona.name === name)!;
beforeAll(async () => { lab = await startLab({ subnet: '127.77.34.0/24', only: ['dahua-camera', 'axis-camera', 'hp-printer'], discovery: false }); });
afterAll(async () => { await lab?.stop(); });

describe('TLS end to end', () => {
  it('scan over HTTPS only: every certificate is recorded, cleaned, and the TLS rules fire', async () => {
    const port = dev('dahua-camera').ports[443]!;
    const r = await runCli(['scan', ...lab.targets, '-p', String(port), '--protocols', 'tcp', '-f', 'json', '-q', '--fail-on', 'never']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as ScanReport;
    expect(report.devices.map((d) => d.ip)).toEqual(lab.targets);
    const byName = (n: string) => report.devices.find((d) => d.ip === dev(n).ip)!;
    const dahua = byName('dahua-camera');
    const tls = dahua.observations.tls?.[0];
    expect(tls?.port).toBe(port);
    // The lab sends the leaf with its CA; the issuer's no-break spaces arrive cleaned to plain spaces.
    expect(tls?.subject).toMatch(/^CN=192\.168\.1\.108\b/);
    expect(tls?.issuer).toMatch(/Dahua Device NVR CA/);
    expect(tls?.issuer).not.toMatch(/\u00a0/);
    expect(tls?.version).toMatch(/^TLSv1\.[23]$/);
    expect(tls?.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(dahua.observations.http?.every((h) => h.tls === true)).toBe(true);
    const ev = dahua.identification.evidence.find((e) => e.field === 'tls.issuer');
    expect(ev?.rule).toBe('dahua.tls.issuer.device-ca');
    expect(ev?.where).toBe(`tls:${port}`);
    expect(dahua.identification.maker).toBe('dahua');
    expect(dahua.verdict.status).toBe('restricted');
    const axis = byName('axis-camera');
    expect(axis.observations.tls?.[0]?.subject).toMatch(/O=Axis Communications AB/);
    expect(axis.identification.evidence.some((e) => e.field.startsWith('tls.') && e.extracted.maker === 'axis')).toBe(true);
    expect(byName('hp-printer').observations.tls?.[0]?.subject).toMatch(/CN=NPI7A2B3C/);
    // The probe's result for the port is a success over TLS.
    expect(dahua.results?.find((x) => x.module === 'http' && x.port === port)?.status).toBe('success');
  });

  it('explain shows the certificate evidence with its rule and where it was seen', async () => {
    const port = dev('dahua-camera').ports[443]!;
    const r = await runCli(['explain', dev('dahua-camera').ip, '-p', String(port), '-q', '--no-color']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`seen at tls:${port}: tls\\.issuer = "[^"]*Dahua Device NVR CA`));
    expect(r.stdout).toMatch(/\[rule dahua\.tls\.issuer\.device-ca, confidence/);
  });

  it('the table names the certificate among the evidence when there is room', async () => {
    const port = dev('axis-camera').ports[443]!;
    const r = await runCli(['scan', dev('axis-camera').ip, '-p', String(port), '--protocols', 'tcp', '-f', 'table', '--no-color', '-q', '--fail-on', 'never'], { env: { COLUMNS: '200' } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/TLS certificate|certificate issuer/);
  });
});
