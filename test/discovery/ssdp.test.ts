// SSDP/UPnP against the lab's responders by unicast on 127.77.21.0/24, plus the LOCATION SSRF guard.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import dgram from 'node:dgram';
import net from 'node:net';
import { startLab, type Lab } from '../../src/lab/index.js';
import { ssdp } from '../../src/discovery/ssdp.js';
import { buildSsdpResponse, parseSsdp } from '../../src/protocols/ssdp.js';
import { createHttpApi } from '../../src/net/http-fetch.js';
import type { HttpApi } from '../../src/discovery/types.js';
import { byIp, ctx, run } from './helpers.js';

let lab: Lab;
const ip = (name: string) => lab.devices.find((d) => d.persona.name === name)!.ip;

function countingHttp(): HttpApi & { urls: string[] } {
  const inner = createHttpApi();
  const urls: string[] = [];
  return { urls, fetch(url, o) { urls.push(url); return inner.fetch(url, o); } };
}

/** A fake SSDP responder on `addr`:1900 answering every M-SEARCH with `location`. */
async function fakeResponder(addr: string, location: (st: string) => string): Promise<() => void> {
  const s = dgram.createSocket({ type: 'udp4', reuseAddr: true });
  s.on('message', (m, r) => {
    const q = parseSsdp(m);
    if (q?.kind !== 'msearch') return;
    s.send(buildSsdpResponse({ st: q.st, usn: `uuid:fake-0001::${q.st}`, location: location(q.st), server: 'Fake/1.0 UPnP/1.0' }), r.port, r.address);
  });
  await new Promise<void>((res) => s.bind(1900, addr, () => res()));
  return () => s.close();
}

beforeAll(async () => { lab = await startLab({ subnet: '127.77.21.0/24' }); });
afterAll(async () => { await lab?.stop(); });

describe('ssdp module (unicast, lab)', () => {
  it('finds the UPnP personas and reads their descriptions (manufacturer, model, serial, friendly name, UDN)', async () => {
    const http = countingHttp();
    const out = await run(ssdp, ctx({ unicastTargets: lab.targets, http }));
    expect(out.map((s) => s.ip).sort()).toEqual([ip('axis-camera'), ip('hanwha-camera')].sort());
    const axis = byIp(out, ip('axis-camera'));
    expect(axis.record.upnp).toMatchObject({
      manufacturer: 'AXIS', modelName: 'AXIS M1065-L', modelNumber: 'M1065-L', serialNumber: 'ACCC8E012345',
      friendlyName: 'AXIS M1065-L - ACCC8E012345', udn: 'uuid:Upnp-BasicDevice-1_0-ACCC8E012345',
      server: 'Linux/4.9.94-axis5, UPnP/1.0, Portable SDK for UPnP devices/1.6.22',
    });
    expect(axis.record.upnp!.location).toMatch(new RegExp(`^http://${ip('axis-camera').replace(/\./g, '\\.')}:\\d+/rootdesc1\\.xml$`));
    expect(axis.endpoint).toBe('uuid:Upnp-BasicDevice-1_0-ACCC8E012345');
    expect(axis.serial).toBe('ACCC8E012345');
    expect(byIp(out, ip('hanwha-camera')).record.upnp).toMatchObject({ manufacturer: 'Hanwha Vision', modelName: 'XNV-6080' });
    // Each device answered several search targets, but each description was fetched once.
    expect(http.urls).toHaveLength(2);
  });

  it('does not fetch a LOCATION on another host (SSRF guard), but still reports the answer', async () => {
    const fake = '127.77.21.200';
    const stop = await fakeResponder(fake, () => `http://${ip('axis-camera')}:${lab.devices.find((d) => d.persona.name === 'axis-camera')!.ports[80]}/rootdesc1.xml`);
    try {
      const http = countingHttp();
      const c = ctx({ unicastTargets: [fake], http });
      const out = await run(ssdp, c);
      expect(http.urls).toEqual([]);
      const s = byIp(out, fake);
      expect(s.record.upnp!.manufacturer).toBeUndefined();
      expect(s.record.upnp!.server).toBe('Fake/1.0 UPnP/1.0');
      expect(c.logs.join('\n')).toMatch(/not on the responding host; not fetched/);
    } finally { stop(); }
  });

  it('the HTTP edge refuses another host even if asked directly, before any connection', async () => {
    let connections = 0;
    const srv = net.createServer((s) => { connections++; s.destroy(); });
    await new Promise<void>((r) => srv.listen(0, '127.77.21.201', () => r()));
    const port = (srv.address() as net.AddressInfo).port;
    const r = await createHttpApi().fetch(`http://127.77.21.201:${port}/x`, { allowHost: '127.77.21.202', timeoutMs: 500, maxBytes: 1000, signal: new AbortController().signal });
    expect(r).toMatchObject({ error: expect.stringMatching(/not the responding address/) });
    for (const bad of [`http://localhost:${port}/`, `file:///etc/passwd`, `http://u:p@127.77.21.201:${port}/`, `gopher://127.77.21.201/`]) {
      expect('error' in await createHttpApi().fetch(bad, { allowHost: '127.77.21.201', timeoutMs: 500, maxBytes: 1000, signal: new AbortController().signal })).toBe(true);
    }
    srv.close();
    expect(connections).toBe(0);
  });

  it('caps the description size', async () => {
    const addr = '127.77.21.203';
    const srv = net.createServer((s) => { s.on('error', () => {}); s.once('data', () => s.end(`HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 3000000\r\n\r\n<root>${'A'.repeat(2_999_000)}`)); });
    await new Promise<void>((r) => srv.listen(0, addr, () => r()));
    const port = (srv.address() as net.AddressInfo).port;
    const stop = await fakeResponder(addr, () => `http://${addr}:${port}/desc.xml`);
    try {
      const out = await run(ssdp, ctx({ unicastTargets: [addr], maxBytes: 65536 }));
      expect(byIp(out, addr).record.upnp!.manufacturer).toBeUndefined();
    } finally { stop(); srv.close(); }
  });
});
