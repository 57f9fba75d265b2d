// Device identity on a real LAN (issue 8): hosts that share one endpoint UUID but have distinct MACs are
// distinct devices. Four real wsdd daemons, each in its own namespace, run without -U: wsdd derives its
// endpoint UUID from the host name (uuid5 of gethostname()), and namespaces share the host name, so all
// four announce the same urn:uuid — as cheap firmware images do. Beside them, a simulated camera seen over
// ONVIF, SSDP, mDNS, TCP, HTTP and RTSP must still be one device. Root only; skipped otherwise.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceReport, ScanReport } from '../../src/model/types.js';
import { startWsdd } from './daemons.js';
import { labUnavailable, NetnsLab, sweepStaleLabs } from './netns.js';
import { CAMERAS, CAMSWEEP, ipOf, RUN_DEVICE, startCamera } from './topology.js';

const why = labUnavailable() ?? (fs.existsSync(RUN_DEVICE) ? undefined : `${RUN_DEVICE} is missing (npm run build)`);
const WSDD_HOSTS = [41, 42, 43, 44].map((octet, i) => ({ name: `wsdd${i + 1}`, octet, mac: `02:5a:00:00:00:${octet.toString(16)}` }));
const AXIS = CAMERAS.find((c) => c.host === 'axis')!;

function rowsFor(report: ScanReport, ip: string): DeviceReport[] {
  return report.devices.filter((d) => d.ip === ip || (d.addresses ?? []).includes(ip));
}

describe.skipIf(why)('device identity on the namespace LAN', () => {
  let lab: NetnsLab;
  let report: ScanReport;
  let stderr = '';

  beforeAll(async () => {
    sweepStaleLabs();
    lab = NetnsLab.create([{ name: 'scanner', octet: 2 }, { name: AXIS.host, octet: AXIS.octet, mac: AXIS.mac }, ...WSDD_HOSTS]);
    await Promise.all([...WSDD_HOSTS.map((h) => startWsdd(lab, h.name, { hostName: `CAMLAB-${h.name.toUpperCase()}` })), startCamera(lab, AXIS)]);
    const r = await lab.exec('scanner', ['node', CAMSWEEP, 'scan', '10.213.0.0/24', '-f', 'json', '--listen-time', '3000', '--fail-on', 'never'], { timeoutMs: 90_000, env: { NO_COLOR: '1' } });
    stderr = r.stderr;
    report = JSON.parse(r.stdout) as ScanReport;
    for (const d of report.devices) console.log(`  ${d.device_id} ${d.ip} ${(d.addresses ?? []).join(' ')} mac ${d.mac} seen_by ${d.seen_by.join(',')} ${JSON.stringify(d.notes ?? [])}`);
  });

  afterAll(async () => { if (lab) await lab.teardown(); });

  it('the four wsdd hosts really share one endpoint UUID (the precondition)', () => {
    const endpoints = WSDD_HOSTS.map((h) => rowsFor(report, ipOf(h.octet))[0]?.observations.onvif?.endpoint);
    expect(endpoints.every((e) => typeof e === 'string' && e.startsWith('urn:uuid:')), `${JSON.stringify(endpoints)}\n${stderr.slice(-2000)}`).toBe(true);
    expect(new Set(endpoints).size).toBe(1);
  });

  it('each wsdd host is its own device, with its own MAC and device_id, and a note naming the endpoint it shares', () => {
    const rows = WSDD_HOSTS.map((h) => rowsFor(report, ipOf(h.octet)));
    for (const [i, r] of rows.entries()) expect(r.length, WSDD_HOSTS[i]!.name).toBe(1);
    const devices = rows.map((r) => r[0]!);
    expect(new Set(devices).size).toBe(4);
    expect(devices.map((d) => d.mac?.toLowerCase())).toEqual(WSDD_HOSTS.map((h) => h.mac));
    expect(new Set(devices.map((d) => d.device_id)).size).toBe(4);
    const ep = devices[0]!.observations.onvif!.endpoint!;
    for (const d of devices) {
      const others = devices.filter((x) => x !== d).map((x) => x.device_id);
      for (const o of others) expect((d.notes ?? []).some((n) => n.includes(`shares endpoint ${ep} with ${o}`)), `${d.ip}: ${JSON.stringify(d.notes)}`).toBe(true);
    }
    // 4 wsdd hosts + the camera: 5 devices (not 2).
    expect(report.devices.length).toBe(5);
  });

  it('a camera seen over ONVIF, SSDP, mDNS, TCP, HTTP and RTSP is one device, with the sightings that formed it', () => {
    const rows = rowsFor(report, ipOf(AXIS.octet));
    expect(rows.length).toBe(1);
    const d = rows[0]!;
    for (const p of ['onvif', 'ssdp', 'mdns', 'tcp', 'http', 'rtsp']) expect(d.seen_by, p).toContain(p);
    const modules = new Set((d.sightings ?? []).map((s) => s.module));
    for (const p of ['onvif', 'ssdp', 'mdns', 'tcp']) expect(modules, p).toContain(p);
    expect(d.mac?.toLowerCase()).toBe(AXIS.mac);
    expect(d.notes ?? []).toEqual([]);
  });
});
