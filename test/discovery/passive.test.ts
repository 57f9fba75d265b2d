// Passive mode on loopback (127.77.25.0/24): the passive wrapper refuses every send; the modules bind the
// well-known ports (rebound from 0.0.0.0 to 127.77.25.1 so nothing listens beyond loopback), join no group
// (no interfaces), and pick up the lab's announcements sent by unicast to 127.77.25.1.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../src/lab/index.js';
import { discoveryModules } from '../../src/discovery/index.js';
import { createPassiveUdpApi, createUdpApi, PassiveSendError } from '../../src/net/udp.js';
import type { DiscoveryName, HttpApi, Sighting } from '../../src/discovery/types.js';
import { ctx, rebind } from './helpers.js';
import { startDiscoveryResponders } from '../../src/lab/discovery.js';
import { getPersona } from '../../src/lab/personas.js';

let lab: Lab;
const LISTEN = '127.77.25.1';

beforeAll(async () => { lab = await startLab({ subnet: '127.77.25.0/24' }); });
afterAll(async () => { await lab?.stop(); });

describe('passive mode', () => {
  it('the passive UdpApi wrapper listens but refuses every send before it reaches the OS', async () => {
    const api = createPassiveUdpApi(createUdpApi());
    const ac = new AbortController();
    const s = await api.open({ bindAddress: LISTEN, port: 0 }, ac.signal);
    await expect(s.send(Buffer.from('x'), 9, '127.77.25.2')).rejects.toBeInstanceOf(PassiveSendError);
    await expect(s.send(Buffer.from('x'), 9, '127.77.25.2')).rejects.toThrow(/passive/);
    expect(api.sendAttempts).toBe(2);
    expect(s.localPort).toBeGreaterThan(0);
    ac.abort(); // closes the socket
  });

  it('every module hears the announcements and sends nothing (no UDP, no HTTP follow-up)', async () => {
    const inner = rebind(createUdpApi(), LISTEN);
    const udp = createPassiveUdpApi(inner);
    const httpCalls: string[] = [];
    const http: HttpApi = { fetch: async (url) => { httpCalls.push(url); return { error: 'passive' }; } };
    const found = new Map<DiscoveryName, Sighting[]>();
    const c = ctx({ unicastTargets: [], passive: true, listenMs: 700, udp, http });
    const runs = (Object.keys(discoveryModules) as DiscoveryName[]).map(async (n) => {
      const out: Sighting[] = [];
      await discoveryModules[n].run(c, (s) => out.push(s));
      found.set(n, out);
    });
    await new Promise((r) => setTimeout(r, 200));
    await lab.announce(LISTEN);
    await Promise.all(runs);

    expect(udp.sendAttempts).toBe(0);
    expect(httpCalls).toEqual([]);
    for (const o of inner.opened) {
      expect(o.reuseAddr).toBe(true);
      expect(o.join).toEqual([]); // no interfaces given: no multicast group joined
    }
    expect(inner.opened.map((o) => o.port).sort((a, b) => a! - b!)).toEqual([1900, 3702, 5353, 10001, 37020, 37810]);

    const ips = (n: DiscoveryName) => found.get(n)!.map((s) => s.ip).sort();
    const withData = (k: 'onvif' | 'upnp' | 'mdns' | 'sadp' | 'dhip' | 'ubnt') => lab.devices.filter((d) => d.persona.discovery?.[k]).map((d) => d.ip).sort();
    expect(ips('onvif')).toEqual(withData('onvif'));
    expect(ips('ssdp')).toEqual(withData('upnp'));
    expect(ips('mdns')).toEqual(withData('mdns'));
    expect(ips('sadp')).toEqual(withData('sadp'));
    expect(ips('dhip')).toEqual(withData('dhip'));
    expect(ips('ubnt')).toEqual(withData('ubnt'));
    expect(ips('ubnt').length).toBe(1);
    const hello = found.get('onvif')!.find((s) => s.ip === lab.devices[0].ip)!;
    expect(hello.record.x_onvif).toBeUndefined(); // no follow-up calls in passive mode
    expect(hello.record.onvif!.xaddrs![0]).toContain('/onvif/device_service');
    expect(found.get('ssdp')![0].record.upnp!.location).toMatch(/^http:\/\/127\.77\.25\./);
    expect(found.get('mdns')!.find((s) => s.mac)?.mac).toBe('ac:cc:8e:01:23:45');
  });

  it('announce() to the multicast groups is refused without a namespace interface', async () => {
    const r = await startDiscoveryResponders({ persona: getPersona('axis-camera')!, ip: '127.77.25.200', ports: { 80: 8080, 554: 8554 } }, {});
    try {
      await expect(r.announce()).rejects.toThrow(/multicastIface/);
    } finally { await r.stop(); }
  });
});
