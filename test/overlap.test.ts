// Discovery runs beside the TCP sweep, not before or after it (issue 11): on a loopback lab whose sweep
// is held up by one slow host (a port that accepts and never answers), the run's phase log shows
// discovery starting with the sweep and ending inside it, the run ends with the sweep (nothing of
// discovery's length after it), a target's SSDP NOTIFY heard while the sweep runs joins its device, and
// the streamed devices wait for discovery (DeviceStream's rule) yet come before the slow host is done.
// Event order only, no wall-clock threshold. Real sockets on 127.77.140.0/24 only: the multicast
// interface is pretend (test/helpers/loopback-udp.ts joins no group and drops every send that is not to
// loopback); the lab answers unicast discovery from its own addresses.
import dgram from 'node:dgram';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../src/lab/index.js';
import { discoveryModules } from '../src/discovery/index.js';
import { createUdpApi } from '../src/net/udp.js';
import { createHttpApi } from '../src/net/http-fetch.js';
import { buildNotify } from '../src/protocols/ssdp.js';
import { executePlan, planScan, type Knowledge } from '../src/scan/scan.js';
import { loadKnowledge } from '../src/runner/index.js';
import { httpPaths } from '../src/data/load.js';
import type { DiscoveryModule, DiscoveryName } from '../src/discovery/types.js';
import type { DeviceReport } from '../src/model/types.js';
import { loopbackUdp } from './helpers/loopback-udp.js';
import { httpServer, type HttpServer } from './helpers/responders.js';

const NET = '127.77.140';
const LISTEN = `${NET}.1`;
const SLOW = `${NET}.200`; // accepts on its HTTP port and never answers: the sweep's slowest host
const ANN = `${NET}.201`; // answers HTTP, says nothing to M-SEARCH, announces itself with NOTIFY
const IFACE = { name: 'lab0', address: LISTEN, netmask: '255.255.255.0', cidr: `${NET}.0/24`, multicast: true };
const TIMEOUT = 4000;
const LISTEN_MS = 600;

let lab: Lab;
let k: Knowledge;
let port: number;
let ann: HttpServer;
let slow: net.Server;
const held = new Set<net.Socket>();
let notified = false;

const notify = async () => {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, ANN, () => r()));
  const m = buildNotify({ nt: 'upnp:rootdevice', nts: 'ssdp:alive', usn: `uuid:overlap-${ANN}::upnp:rootdevice`, location: `http://${ANN}:${port}/desc.xml`, server: 'Linux/4.9 UPnP/1.0 OverlapCam/1.0' });
  await new Promise<void>((r, j) => s.send(m, 1900, LISTEN, (e) => (e ? j(e) : r())));
  s.close();
};

beforeAll(async () => {
  lab = await startLab({ subnet: `${NET}.0/24` });
  k = loadKnowledge('ndaa');
  port = lab.portList.find((p) => [80, 8080, 8000, 81].includes(p)) ?? lab.portList[0];
  ann = await httpServer(ANN, port, (r) => (r.path === '/desc.xml'
    ? { status: 200, headers: { 'Content-Type': 'text/xml' }, body: `<?xml version="1.0"?><root xmlns="urn:schemas-upnp-org:device-1-0"><device><friendlyName>overlap</friendlyName><manufacturer>Overlap Test Maker</manufacturer><modelName>OV-1</modelName><UDN>uuid:overlap-${ANN}</UDN></device></root>` }
    : { status: 200, headers: { 'Content-Type': 'text/html' }, body: '<html><head><title>overlap</title></head><body>hello</body></html>' }));
  slow = net.createServer((s) => {
    held.add(s);
    s.on('error', () => {});
    s.on('close', () => held.delete(s));
    // The sweep has reached the slow host: the announcement comes while it runs.
    if (!notified) { notified = true; void notify(); }
  });
  await new Promise<void>((r) => slow.listen(port, SLOW, () => r()));
}, 60_000);
afterAll(async () => {
  for (const s of held) s.destroy();
  await new Promise<void>((r) => slow?.close(() => r()));
  await ann?.close();
  await lab?.stop();
});

describe('discovery overlapped with the sweep', () => {
  it('the run takes the sweep\'s time, discovery inside it; a NOTIFY heard meanwhile joins; streaming waits for discovery', async () => {
    // Count the discovery modules that have returned, to check when devices are streamed.
    let modulesDone = 0;
    const names = Object.keys(discoveryModules) as DiscoveryName[];
    const modules = Object.fromEntries(names.map((n) => [n, { ...discoveryModules[n], run: async (c, e) => { try { await discoveryModules[n].run(c, e); } finally { modulesDone++; } } } satisfies DiscoveryModule]));
    const plan = planScan({
      hosts: [...lab.targets, SLOW, ANN], explicitTargets: true, protocols: [...names, 'tcp'], interfaces: [IFACE], interfaceNamed: false, passive: false, listenMs: LISTEN_MS,
      options: { ports: lab.portList, timeoutMs: TIMEOUT, hostTimeoutMs: 30_000, concurrency: 64, rate: 0, maxBytes: 262144, userAgent: 'camsweep-test', ping: false, httpPaths: httpPaths() },
    });
    expect(plan.interfaces.map((i) => i.name)).toEqual(['lab0']);
    const udp = loopbackUdp(createUdpApi(), LISTEN);
    const streamed: Array<{ d: DeviceReport; modulesDone: number; slowDone: boolean }> = [];
    let slowDone: string | undefined;
    const out = await executePlan(plan, k, { modules, udp, http: createHttpApi() }, {
      onDevice: (d) => streamed.push({ d, modulesDone, slowDone: slowDone !== undefined }),
      onHostScanned: (ip) => { if (ip === SLOW) slowDone = new Date().toISOString(); },
    });

    // The multicast rounds ran (and were dropped by the wrapper): every send outside loopback was to a group.
    expect(udp.dropped.length).toBeGreaterThan(0);
    expect(udp.dropped.every((d) => /^2(2[4-9]|3\d)\./.test(d.address))).toBe(true);
    const disc = out.phases.find((p) => p.phase === 'discovery')!;
    const tcp = out.phases.find((p) => p.phase === 'tcp')!;
    expect(disc).toBeDefined();
    expect(tcp).toBeDefined();
    // Both started together; discovery (window and follow-ups) ended while the sweep still ran.
    expect(tcp.start_ms).toBeLessThan(disc.end_ms);
    expect(disc.start_ms).toBeLessThan(tcp.end_ms);
    expect(disc.end_ms).toBeLessThanOrEqual(tcp.end_ms);
    // The run ended with the sweep: what came after it is far shorter than discovery (window + sum would not be).
    expect(out.stats.duration_ms - tcp.end_ms).toBeLessThan(disc.end_ms - disc.start_ms);
    expect(out.results.filter((r) => r.module !== 'tcp').every((r) => r.status === 'success')).toBe(true);

    // The slow host held the sweep up; the lab and the announcer were found by discovery and the sweep.
    expect(slowDone).toBeDefined();
    const annDev = out.devices.find((d) => d.ip === ANN)!;
    expect(annDev.seen_by).toEqual(expect.arrayContaining(['ssdp', 'tcp']));
    expect(annDev.observations.upnp?.manufacturer).toBe('Overlap Test Maker');
    const annSighting = annDev.sightings!.find((s) => s.module === 'ssdp')!;
    expect(annSighting.at < slowDone!).toBe(true); // heard while the sweep ran
    expect(ann.requests.map((r) => r.path)).toContain('/desc.xml');
    for (const d of lab.devices.filter((x) => x.persona.discovery?.onvif)) expect(out.devices.find((x) => x.ip === d.ip)?.seen_by).toContain('onvif');

    // Streaming: every device once, the report's own objects, none before every discovery module had
    // returned; the announcer's (with its NOTIFY evidence) before the slow host was done.
    expect(streamed.map((x) => x.d).sort((a, b) => a.ip.localeCompare(b.ip))).toEqual([...out.devices].sort((a, b) => a.ip.localeCompare(b.ip)));
    for (const x of streamed) expect(out.devices).toContain(x.d);
    expect(streamed.every((x) => x.modulesDone === names.length)).toBe(true);
    const annStreamed = streamed.find((x) => x.d.ip === ANN)!;
    expect(annStreamed.d.seen_by).toContain('ssdp');
    expect(annStreamed.slowDone).toBe(false);
  }, 60_000);
});
