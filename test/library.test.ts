// The library entry (src/index.ts, `exports` "." of package.json): the same runner as the CLI, typed.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identify, renderTable, scan, scanRequest, STATUSES } from '../src/index.js';
import { startLab, type Lab } from '../src/lab/index.js';

const REPO = fileURLToPath(new URL('..', import.meta.url));

describe('library entry', () => {
  let lab: Lab;
  beforeAll(async () => { lab = await startLab({ subnet: '127.77.33.0/24', only: ['hikvision-camera', 'axis-camera', 'nginx-server'] }); });
  afterAll(async () => { await lab?.stop(); });

  it('scans with the CLI defaults filled in and returns the report model', async () => {
    const req = scanRequest({ targets: lab.targets, ports: lab.portList, listenMs: 800 });
    expect(req.timeoutMs).toBe(2000);
    expect(req.concurrency).toBe(512);
    expect(req.protocols).toEqual(['onvif', 'ssdp', 'mdns', 'sadp', 'dhip', 'ubnt', 'tdp', 'tcp']);
    const { report, couldNotSee } = await scan(req);
    expect(couldNotSee).toBe(false);
    expect(report.devices.map((d) => d.ip)).toEqual(lab.targets);
    const hik = report.devices[0]!;
    expect(hik.verdict.status).toBe('restricted');
    expect(hik.device_id).toMatch(/^d-[0-9a-f]{12}$/);
    for (const r of [...(hik.results ?? []), ...(report.results ?? [])]) expect(STATUSES).toContain(r.status);
    expect(renderTable(report, { width: 100, color: false })).toMatch(/restricted/);
    // Re-judging the saved records gives the same devices and the same ids.
    const again = identify(report.devices.map((d) => d.observations));
    expect(again.map((d) => [d.device_id, d.verdict.status])).toEqual(report.devices.map((d) => [d.device_id, d.verdict.status]));
  });

  it('is what the package exports, with declaration files', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(pkg.exports['.']).toEqual({ types: './dist/index.d.ts', import: './dist/index.js' });
    expect(readFileSync(new URL('../dist/index.d.ts', import.meta.url), 'utf8')).toMatch(/export declare function scanRequest/);
    // Node resolves the package by its own name through "exports" (self-reference), as a user's import would.
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', "const m = await import('camsweep'); console.log(typeof m.scan, typeof m.identify, m.SCHEMA_VERSION)"], { cwd: REPO, encoding: 'utf8' });
    expect(out.trim()).toMatch(/^function function 1\.\d+$/);
  });
});
