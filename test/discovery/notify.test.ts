// SSDP NOTIFY in an active scan (issue 9 item 5, issue 11): with an interface, the SSDP module also
// listens on 1900 (joined to the group) while its window lasts, so a target that announces itself
// (ssdp:alive) joins the evidence like one that answered M-SEARCH: its description is fetched under the
// same scope rules, a non-target's announcement is kept without any request to it, byebye adds
// nothing, and a flood from one responder is read up to MAX_DATAGRAMS_PER_RESPONDER datagrams.
// Real sockets on 127.77.141.0/24 only: the interface is pretend, the UdpApi (test/helpers/loopback-udp.ts)
// joins no group and drops every send that is not to loopback; announcements go by unicast to the
// listener's address, as the group would carry them.
import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ssdp, MAX_DATAGRAMS_PER_RESPONDER } from '../../src/discovery/ssdp.js';
import { buildNotify } from '../../src/protocols/ssdp.js';
import { createUdpApi } from '../../src/net/udp.js';
import { createHttpApi } from '../../src/net/http-fetch.js';
import type { DiscoveryContext, HttpApi, Sighting } from '../../src/discovery/types.js';
import { loopbackUdp } from '../helpers/loopback-udp.js';
import { httpServer, type HttpServer } from '../helpers/responders.js';

const NET = '127.77.141';
const LISTEN = `${NET}.1`; // where "the group" reaches us
const TARGET = `${NET}.10`; // announces, serves its description
const OUTSIDE = `${NET}.11`; // announces, not a target
const FLOOD = `${NET}.12`; // a target that announces 200 different USNs
const QUIET = `${NET}.13`; // a target that only says byebye
const IFACE = { name: 'lab0', address: LISTEN, netmask: '255.255.255.0', cidr: `${NET}.0/24`, multicast: true };

const DESC = (ip: string) => `<?xml version="1.0"?><root xmlns="urn:schemas-upnp-org:device-1-0"><device><friendlyName>cam ${ip}</friendlyName><manufacturer>Notify Test Maker</manufacturer><modelName>NT-1</modelName><serialNumber>SN-${ip}</serialNumber><UDN>uuid:notify-${ip}</UDN></device></root>`;
const servers: HttpServer[] = [];

beforeAll(async () => {
  for (const ip of [TARGET, OUTSIDE]) servers.push(await httpServer(ip, 8080, (r) => (r.path === '/desc.xml' ? { status: 200, headers: { 'Content-Type': 'text/xml' }, body: DESC(ip) } : { status: 404 })));
});
afterAll(async () => { await Promise.all(servers.map((s) => s.close())); });

/** Send `msgs` from `from` (an ephemeral port of that address) to the listener's port 1900. */
async function announce(from: string, msgs: Buffer[]): Promise<void> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, from, () => r()));
  for (const m of msgs) await new Promise<void>((r, j) => s.send(m, 1900, LISTEN, (e) => (e ? j(e) : r())));
  s.close();
}
const alive = (ip: string, usn = `uuid:notify-${ip}::upnp:rootdevice`) => buildNotify({ nt: 'upnp:rootdevice', nts: 'ssdp:alive', usn, location: `http://${ip}:8080/desc.xml`, server: 'Linux/4.9 UPnP/1.0 NotifyCam/1.0' });

function context(o: { interfaces: DiscoveryContext['interfaces']; udp: DiscoveryContext['udp']; http: HttpApi; listenMs: number }): DiscoveryContext & { logs: string[] } {
  const logs: string[] = [];
  const targets = new Set([TARGET, FLOOD, QUIET]);
  return {
    signal: new AbortController().signal, passive: false, unicastTargets: [], inScope: (ip) => targets.has(ip),
    rate: async () => {}, timeoutMs: 2000, maxBytes: 262144, userAgent: 'camsweep-test', credentials: [], log: (m) => logs.push(m), logs, ...o,
  };
}

describe('SSDP NOTIFY during an active scan', () => {
  it('a target that announces itself is a sighting with its description; a non-target is kept unprobed; byebye and floods are bounded', async () => {
    const udp = loopbackUdp(createUdpApi(), LISTEN);
    const inner = createHttpApi();
    const fetched: string[] = [];
    const http: HttpApi = { fetch: (url, o) => { fetched.push(url); return inner.fetch(url, o); } };
    const c = context({ interfaces: [IFACE], udp, http, listenMs: 1500 });
    const out: Sighting[] = [];
    const running = ssdp.run(c, (s) => out.push(s));
    // Wait for the well-known listener, then announce as devices on the LAN would.
    for (let i = 0; i < 100 && !udp.opened.some((x) => x.port === 1900); i++) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 100));
    await announce(TARGET, [alive(TARGET), alive(TARGET)]);
    await announce(OUTSIDE, [alive(OUTSIDE)]);
    await announce(QUIET, [buildNotify({ nt: 'upnp:rootdevice', nts: 'ssdp:byebye', usn: `uuid:notify-${QUIET}::upnp:rootdevice` })]);
    await announce(FLOOD, Array.from({ length: 200 }, (_, i) => alive(FLOOD, `uuid:flood-${i}::upnp:rootdevice`)));
    await running;

    // The listener: port 1900, SO_REUSEADDR, asked to join the group on the interface (the wrapper drops the join).
    const l = udp.opened.find((x) => x.port === 1900)!;
    expect(l).toBeDefined();
    expect(l.reuseAddr).toBe(true);
    expect(l.join).toEqual([{ group: '239.255.255.250', iface: LISTEN }]);
    // M-SEARCH went to the group (dropped here), never to an address outside loopback otherwise.
    expect(udp.dropped.length).toBeGreaterThan(0);
    expect(udp.dropped.every((d) => d.address === '239.255.255.250' && d.port === 1900)).toBe(true);

    const t = out.filter((s) => s.ip === TARGET);
    expect(t).toHaveLength(1); // one device per responder and UDN, however often it announces
    expect(t[0].record.upnp).toMatchObject({ manufacturer: 'Notify Test Maker', modelName: 'NT-1', serialNumber: `SN-${TARGET}`, st: 'upnp:rootdevice', location: `http://${TARGET}:8080/desc.xml` });
    expect(t[0].endpoint).toBe(`uuid:notify-${TARGET}`);
    expect(t[0].serial).toBe(`SN-${TARGET}`);

    const o = out.filter((s) => s.ip === OUTSIDE);
    expect(o).toHaveLength(1);
    expect(o[0].record.upnp?.manufacturer).toBeUndefined(); // what it announced, nothing fetched
    expect(servers[1].requests).toHaveLength(0);
    expect(fetched.filter((u) => u.includes(OUTSIDE))).toEqual([]);
    expect(servers[0].requests.map((r) => r.path)).toEqual(['/desc.xml']);

    expect(out.filter((s) => s.ip === QUIET)).toEqual([]);
    expect(c.logs.some((x) => x.includes(`${QUIET} said byebye`))).toBe(true);

    const f = out.filter((s) => s.ip === FLOOD);
    expect(f.length).toBeGreaterThan(0);
    expect(f.length).toBeLessThanOrEqual(MAX_DATAGRAMS_PER_RESPONDER);
  });

  it('without an interface (unicast only) nothing listens on 1900', async () => {
    const udp = loopbackUdp(createUdpApi(), LISTEN);
    const c = context({ interfaces: [], udp, http: createHttpApi(), listenMs: 100 });
    await ssdp.run({ ...c, unicastTargets: [TARGET] }, () => {});
    expect(udp.opened.map((x) => x.port)).toEqual([0]);
  });
});
