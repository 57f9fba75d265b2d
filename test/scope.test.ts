// Scope (issue 7): follow-up traffic and credentials go only to the targets. A device outside the
// targets that answers discovery (here: a loopback neighbour that replies to the scanner from its own
// address, as an unasked-for multicast answer would) gets no TCP connection, no SOAP call, no
// description fetch, no mDNS follow-up, no credential; it is listed as "seen, not probed" with what it
// announced, while the target beside it is fully probed. Real sockets on 127.77.51.0/24 only.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as dnsPacket from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGetServicesResponse, buildProbeMatches, buildSystemDateAndTimeResponse, parseWsdMessage } from '../src/protocols/wsdiscovery.js';
import { buildSsdpResponse, parseSsdp } from '../src/protocols/ssdp.js';
import { parseQuery } from '../src/protocols/mdns.js';
import { onvif } from '../src/discovery/onvif.js';
import { executePlan, planScan, type ScanOptions } from '../src/scan/scan.js';
import { defaultKnowledgeBase } from '../src/data/load.js';
import { loadPolicy } from '../src/data/load.js';
import type { DiscoveryModule, UdpApi } from '../src/discovery/types.js';
import type { ScanReport } from '../src/model/types.js';
import { runCli } from './helpers/cli.js';
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { ctx, run } from './discovery/helpers.js';
import { httpServer, udpPeer, type HttpServer, type UdpPeer } from './helpers/responders.js';

const NET = '127.77.51';
const T = `${NET}.10`; // the target
const O = `${NET}.11`; // a neighbour outside the targets
const tmp = mkdtempSync(path.join(tmpdir(), 'camsweep-scope-'));
const ajv = new Ajv2020.default({ allErrors: true, strict: false });
addFormats.default(ajv);
const validate = ajv.compile(JSON.parse(readFileSync(new URL('../schema/scan-report.schema.json', import.meta.url), 'utf8')));
const servers: HttpServer[] = [];
const peers: UdpPeer[] = [];

const FAULT = (sub: string) => `<?xml version="1.0"?><env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body><env:Fault><env:Code><env:Value>env:Sender</env:Value>${sub ? `<env:Subcode><env:Value xmlns:ter="http://www.onvif.org/ver10/error">${sub}</env:Value></env:Subcode>` : ''}</env:Code><env:Reason><env:Text xml:lang="en">no</env:Text></env:Reason></env:Fault></env:Body></env:Envelope>`;
const SOAP = { 'Content-Type': 'application/soap+xml; charset=utf-8' };

/** An ONVIF device service + UPnP description on ip:8080; GetDeviceInformation answered by `deviceInfo`. */
function camera(ip: string, deviceInfo: (body: string, headers: Record<string, string>) => { status: number; headers?: Record<string, string>; body?: string }) {
  return httpServer(ip, 8080, (r) => {
    if (r.path === '/desc.xml') return { status: 200, headers: { 'Content-Type': 'text/xml' }, body: `<?xml version="1.0"?><root xmlns="urn:schemas-upnp-org:device-1-0"><device><friendlyName>cam ${ip}</friendlyName><manufacturer>Scope Test</manufacturer><modelName>M1</modelName><UDN>uuid:scope-${ip}</UDN></device></root>` };
    if (r.path.startsWith('/onvif/')) {
      if (/GetSystemDateAndTime/.test(r.body)) return { status: 200, headers: SOAP, body: buildSystemDateAndTimeResponse(new Date()) };
      if (/GetServices/.test(r.body)) return { status: 200, headers: SOAP, body: buildGetServicesResponse([{ namespace: 'http://www.onvif.org/ver10/device/wsdl', xaddr: `http://${ip}:8080/onvif/device_service` }]) };
      if (/GetDeviceInformation/.test(r.body)) return deviceInfo(r.body, r.headers);
    }
    return { status: 404, body: 'not here' };
  });
}

const authSent = (s: HttpServer) => s.requests.filter((r) => /UsernameToken/.test(r.body) || r.headers.authorization).length;

/** Answer probes on T's discovery ports, and make O answer the same scanner from its own address. */
async function responders(): Promise<void> {
  const fromO: Record<number, UdpPeer> = {};
  for (const port of [3702, 1900, 5353]) {
    fromO[port] = await udpPeer(O, port);
    peers.push(fromO[port]);
  }
  peers.push(await udpPeer(T, 3702, (m, from, sock) => {
    const w = parseWsdMessage(m);
    if (!w || w.kind !== 'probe') return;
    const match = (ip: string) => buildProbeMatches({
      messageId: `urn:uuid:00000000-0000-4000-8000-${ip.split('.').pop()!.padStart(12, '0')}`, relatesTo: w.messageId,
      matches: [{ endpoint: `urn:uuid:11111111-0000-4000-8000-${ip.split('.').pop()!.padStart(12, '0')}`, types: ['dn:NetworkVideoTransmitter'], scopes: [`onvif://www.onvif.org/name/CAM-${ip.split('.').pop()}`, 'onvif://www.onvif.org/hardware/X1'], xaddrs: [`http://${ip}:8080/onvif/device_service`] }],
    });
    sock.send(match(T), from.port, from.address);
    fromO[3702].sock.send(match(O), from.port, from.address);
  }));
  peers.push(await udpPeer(T, 1900, (m, from, sock) => {
    const s = parseSsdp(m);
    if (!s || s.kind !== 'msearch' || s.st !== 'upnp:rootdevice') return;
    const reply = (ip: string) => buildSsdpResponse({ st: 'upnp:rootdevice', usn: `uuid:scope-${ip}::upnp:rootdevice`, location: `http://${ip}:8080/desc.xml`, server: `Linux UPnP/1.0 scope-${ip.split('.').pop()}` });
    sock.send(reply(T), from.port, from.address);
    fromO[1900].sock.send(reply(O), from.port, from.address);
  }));
  peers.push(await udpPeer(T, 5353, (m, from, sock) => {
    const q = parseQuery(m);
    if (!q) return;
    // Only a DNS-SD meta-query answer naming a type nobody described: a responder in scope gets a PTR follow-up for it.
    const reply = (type: string) => dnsPacket.encode({ type: 'response', id: q.id, flags: dnsPacket.AUTHORITATIVE_ANSWER, questions: [], answers: [{ name: '_services._dns-sd._udp.local', type: 'PTR', ttl: 10, data: type }] });
    if (q.questions.some((x) => x.name === '_services._dns-sd._udp.local')) {
      sock.send(reply('_target-only._tcp.local'), from.port, from.address);
      fromO[5353].sock.send(reply('_outside-only._tcp.local'), from.port, from.address);
    }
  }));
  peers.push(...Object.values(fromO));
  outsideUdp = Object.values(fromO);
  targetUdp5353 = peers.find((p) => p.sock.address().address === T && p.sock.address().port === 5353)!;
}
let outsideUdp: UdpPeer[] = [];
let targetUdp5353: UdpPeer;
let target: HttpServer;
let outside: HttpServer;

beforeAll(async () => {
  target = await camera(T, (body) => (/UsernameToken/.test(body)
    ? { status: 400, headers: SOAP, body: FAULT('ter:NotAuthorized') }
    : { status: 401, headers: { ...SOAP, 'WWW-Authenticate': 'Digest realm="scope", qop="auth", nonce="abc"' }, body: FAULT('ter:NotAuthorized') }));
  outside = await camera(O, () => ({ status: 200, headers: SOAP, body: 'should never be asked' }));
  servers.push(target, outside);
  await responders();
});

afterAll(async () => {
  for (const p of peers) p.close();
  await Promise.all(servers.map((s) => s.close()));
});

describe('follow-up traffic and credentials go only to the targets', () => {
  it('the outside responder gets no connection, no datagram, no credential; the target is fully probed; the outsider is listed as seen, not probed', async () => {
    const creds = path.join(tmp, 'creds.yaml');
    writeFileSync(creds, '- { username: auditor, password: "S3cret-Only-For-Targets" }\n');
    const r = await runCli(['scan', T, '-p', '8080', '--protocols', 'onvif,ssdp,mdns,tcp', '--listen-time', '1200', '--credentials', creds, '-f', 'json', '--fail-on', 'never']);
    expect(r.code, r.stderr).toBe(0);
    const rep = JSON.parse(r.stdout) as ScanReport;
    // The outsider: not one TCP connection, not one datagram (no mDNS follow-up, no SOAP, no description).
    expect(outside.connections, JSON.stringify(outside.requests.map((x) => x.path))).toBe(0);
    for (const p of outsideUdp) expect(p.received.map((x) => `${x.address}:${x.port}`), `UDP ${O}:${p.sock.address().port}`).toEqual([]);
    // The target beside it: every follow-up happened, the credential was tried once (it asked).
    const bodies = target.requests.map((x) => x.body);
    expect(bodies.some((b) => /GetSystemDateAndTime/.test(b))).toBe(true);
    expect(bodies.some((b) => /GetServices/.test(b))).toBe(true);
    expect(bodies.filter((b) => /GetDeviceInformation/.test(b) && !/UsernameToken/.test(b)).length).toBeGreaterThanOrEqual(1);
    expect(authSent(target)).toBe(1);
    expect(target.requests.some((x) => x.path === '/desc.xml')).toBe(true);
    expect(targetUdp5353.received.some((x) => parseQuery(x.data)?.questions.some((q) => q.name === '_target-only._tcp.local'))).toBe(true);
    // The report: one device (the target), and the outsider as seen, not probed, with what it announced.
    expect(rep.devices.map((d) => d.ip)).toEqual([T]);
    expect(rep.devices[0]!.seen_by).toEqual(expect.arrayContaining(['onvif', 'ssdp', 'mdns', 'tcp']));
    expect(rep.devices[0]!.observations.upnp?.manufacturer).toBe('Scope Test');
    const seen = rep.seen_not_probed ?? [];
    expect(seen.map((x) => x.ip)).toEqual([O]);
    expect(seen[0]!.seen_by).toEqual(expect.arrayContaining(['onvif', 'ssdp', 'mdns']));
    expect(seen[0]!.announced.onvif?.xaddrs).toEqual([`http://${O}:8080/onvif/device_service`]);
    expect(seen[0]!.announced.upnp?.location).toBe(`http://${O}:8080/desc.xml`);
    expect(seen[0]!.announced.upnp?.manufacturer).toBeUndefined(); // the description was never fetched
    expect(JSON.stringify(seen)).not.toContain('S3cret');
    expect(seen[0]!.status).toBe('not-in-scope');
    expect(validate(rep), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    expect(rep.warnings.join('\n')).toMatch(/outside the targets: seen, not probed/);
  });

  it('lists outside responders in the table and in JSON Lines too', async () => {
    const t = await runCli(['scan', T, '-p', '8080', '--protocols', 'onvif,tcp', '--listen-time', '600', '-f', 'table', '--fail-on', 'never']);
    expect(t.stdout).toMatch(new RegExp(`Seen, not probed \\(answered discovery from outside the targets\\): ${O.replace(/\./g, '\\.')} \\(onvif\\)`));
    const j = await runCli(['scan', T, '-p', '8080', '--protocols', 'onvif,tcp', '--listen-time', '600', '-f', 'jsonl', '--fail-on', 'never']);
    const lines = j.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; ip?: string });
    expect(lines.filter((l) => l.type === 'seen-not-probed').map((l) => l.ip)).toEqual([O]);
    expect(lines.at(-1)!.type).toBe('summary');
    expect(outside.connections).toBe(0);
  });
});

describe('credentials only after the device asked for authentication, never as Basic', () => {
  const C = `${NET}.12`;
  const D = `${NET}.13`;
  let sender: HttpServer;
  let basic: HttpServer;
  beforeAll(async () => {
    // C refuses GetDeviceInformation with a bare env:Sender fault: a refusal, not a request for credentials.
    sender = await camera(C, () => ({ status: 400, headers: SOAP, body: FAULT('') }));
    // D asks for HTTP Basic only: a credential would travel as Basic over plain HTTP, so none is sent.
    basic = await camera(D, () => ({ status: 401, headers: { ...SOAP, 'WWW-Authenticate': 'Basic realm="cam"' } }));
    servers.push(sender, basic);
    for (const ip of [C, D]) {
      peers.push(await udpPeer(ip, 3702, (m, from, sock) => {
        const w = parseWsdMessage(m);
        if (w?.kind !== 'probe') return;
        sock.send(buildProbeMatches({ messageId: 'urn:uuid:22222222-0000-4000-8000-000000000001', relatesTo: w.messageId, matches: [{ endpoint: `urn:uuid:33333333-0000-4000-8000-0000000000${ip.split('.').pop()}`, types: ['dn:NetworkVideoTransmitter'], scopes: [], xaddrs: [`http://${ip}:8080/onvif/device_service`] }] }), from.port, from.address);
      }));
    }
  });

  it('a device that did not ask (Sender fault) or asks only for Basic gets no credential at all', async () => {
    const credentials = [{ username: 'auditor', password: 'pw' }];
    const c = ctx({ unicastTargets: [C, D], credentials });
    const out = await run(onvif, c);
    expect(out.map((s) => s.ip).sort()).toEqual([C, D]);
    expect(sender.requests.some((r) => /GetDeviceInformation/.test(r.body))).toBe(true);
    expect(authSent(sender)).toBe(0);
    expect(basic.requests.some((r) => /GetDeviceInformation/.test(r.body))).toBe(true);
    expect(authSent(basic)).toBe(0);
    expect(c.logs.join('\n')).toMatch(/asks for HTTP Basic authentication; no credential sent/);
  });

  it('a target in scope that asked gets exactly one attempt per credential; the same device out of scope gets none', async () => {
    const before = authSent(target);
    const c = ctx({ unicastTargets: [T], credentials: [{ username: 'a', password: 'b' }] });
    await run(onvif, c);
    expect(authSent(target) - before).toBe(1);
    const n = target.requests.length;
    await run(onvif, ctx({ unicastTargets: [T], credentials: [{ username: 'a', password: 'b' }], inScope: () => false }));
    expect(target.requests.length).toBe(n);
  });
});

describe('a public address is out of scope without --allow-public', () => {
  const options: ScanOptions = { ports: [80], timeoutMs: 300, hostTimeoutMs: 1000, concurrency: 4, rate: 0, maxBytes: 65536, userAgent: 't' };
  const k = (() => { const kb = defaultKnowledgeBase(); return { kb, policy: loadPolicy('ndaa', kb.vocab) }; })();
  // No traffic: a fake module that only asks the context, and a UDP API that opens nothing.
  const udp: UdpApi = { open: async () => { throw new Error('no sockets in this test'); } };
  const asked = (allowPublic: boolean) => {
    const answers: Record<string, boolean> = {};
    const mod: DiscoveryModule = { name: 'onvif', description: '', async run(c) { for (const ip of ['203.0.114.7', '10.1.2.3', '127.77.51.10']) answers[ip] = c.inScope(ip); } };
    const plan = planScan({ hosts: ['203.0.114.7', '10.1.2.3'], explicitTargets: true, protocols: ['onvif'], interfaces: [], interfaceNamed: false, passive: false, listenMs: 10, options, allowPublic });
    return executePlan(plan, k, { modules: { onvif: mod }, udp, http: { fetch: async () => ({ error: 'none' }) } }).then(() => answers);
  };
  it('inScope: targets only, and a public target only with --allow-public', async () => {
    expect(await asked(false)).toEqual({ '203.0.114.7': false, '10.1.2.3': true, '127.77.51.10': false });
    expect(await asked(true)).toEqual({ '203.0.114.7': true, '10.1.2.3': true, '127.77.51.10': false });
  });
});
