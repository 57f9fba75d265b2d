// Unit tests for the network edge: interface choice (fake os.networkInterfaces()), container detection,
// neighbour table, EUI-64, the HTTP edge's request and caps, the UDP edge's datagram cap and errors.
import { describe, expect, it } from 'vitest';
import type os from 'node:os';
import dgram from 'node:dgram';
import { chooseInterfaces, detectContainer, listInterfaces, networkCidr, skippedInterfaces } from '../../src/net/interfaces.js';
import { macFromEui64, readNeighbours } from '../../src/net/neighbours.js';
import { checkUrl, createHttpApi } from '../../src/net/http-fetch.js';
import { createUdpApi } from '../../src/net/udp.js';
import type { ExchangeOptions } from '../../src/net/tcp.js';
import { discoveryModules } from '../../src/discovery/index.js';
import { DISCOVERY_NAMES } from '../../src/discovery/types.js';

const v4 = (address: string, netmask = '255.255.255.0', internal = false, mac = '00:11:22:33:44:55'): os.NetworkInterfaceInfo =>
  ({ address, netmask, family: 'IPv4', mac, internal, cidr: null } as unknown as os.NetworkInterfaceInfo);
const FAKE: NodeJS.Dict<os.NetworkInterfaceInfo[]> = {
  lo: [v4('127.0.0.1', '255.0.0.0', true, '00:00:00:00:00:00')],
  eth0: [v4('192.168.1.23'), { address: 'fe80::1', netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', mac: '00:11:22:33:44:55', internal: false, cidr: null, scopeid: 2 } as os.NetworkInterfaceInfo],
  wlan0: [v4('10.20.30.40', '255.255.0.0')],
  docker0: [v4('172.17.0.1', '255.255.0.0')],
  'br-0a1b2c': [v4('172.18.0.1', '255.255.0.0')],
  veth1234: [v4('169.254.9.9', '255.255.0.0')],
  virbr0: [v4('192.168.122.1')],
  tun0: [v4('10.8.0.2')], wg0: [v4('10.9.0.2')], tailscale0: [v4('100.64.0.2', '255.192.0.0')], zt0: [v4('10.147.17.2')],
  eth1: [v4('192.168.50.2')],
};
const FLAGS: Record<string, number> = { eth1: 0x1002 /* MULTICAST but not UP */ };

describe('interfaces', () => {
  const all = listInterfaces({ networkInterfaces: () => FAKE, readFlags: (n) => FLAGS[n] ?? (n === 'lo' ? 0x9 : 0x1003) });
  it('lists IPv4 interfaces with the network CIDR and flags', () => {
    expect(all.find((i) => i.name === 'eth0')).toEqual({ name: 'eth0', address: '192.168.1.23', netmask: '255.255.255.0', cidr: '192.168.1.0/24', mac: '00:11:22:33:44:55', multicast: true, ipv6LinkLocal: 'fe80::1', scopeId: 'eth0' });
    expect(all.find((i) => i.name === 'lo')!.multicast).toBe(false);
    expect(all.find((i) => i.name === 'eth1')!.multicast).toBe(false);
    expect(all.some((i) => i.address.includes(':'))).toBe(false);
    expect(networkCidr('10.20.30.40', '255.255.0.0')).toBe('10.20.0.0/16');
  });
  it('by default keeps only up, multicast LAN interfaces (no loopback, bridges, veths, VPNs)', () => {
    expect(chooseInterfaces(undefined, all).map((i) => i.name).sort()).toEqual(['eth0', 'wlan0']);
    const why = Object.fromEntries(skippedInterfaces(all).map((s) => [s.iface.name, s.reason]));
    expect(why).toMatchObject({ lo: 'loopback', docker0: 'container/VM bridge', 'br-0a1b2c': 'container/VM bridge', virbr0: 'container/VM bridge', veth1234: 'virtual ethernet (container end)', tun0: 'VPN tunnel', wg0: 'VPN tunnel', tailscale0: 'VPN tunnel', zt0: 'VPN tunnel', eth1: 'down or no MULTICAST flag' });
  });
  it('--interface names override the filter; an unknown name is an error listing the known ones', () => {
    expect(chooseInterfaces(['docker0', 'eth0'], all).map((i) => i.name)).toEqual(['eth0', 'docker0']);
    expect(() => chooseInterfaces(['eth9'], all)).toThrow(/unknown interface eth9.*eth0/);
  });
  it('without /sys flags, non-internal interfaces count as multicast-capable', () => {
    const l = listInterfaces({ networkInterfaces: () => ({ en0: [v4('192.168.0.5')], lo0: [v4('127.0.0.1', '255.0.0.0', true)] }), readFlags: () => undefined });
    expect(chooseInterfaces(undefined, l).map((i) => i.name)).toEqual(['en0']);
  });
  it('the real host listing does not throw', () => {
    expect(Array.isArray(listInterfaces())).toBe(true);
  });
});

describe('detectContainer', () => {
  const bridge = [{ name: 'eth0', address: '172.17.0.3', netmask: '255.255.0.0', cidr: '172.17.0.0/16', multicast: true }];
  const lan = [{ name: 'eth0', address: '192.168.1.5', netmask: '255.255.255.0', cidr: '192.168.1.0/24', multicast: true }];
  it('warns inside Docker on a bridge network and says to use host networking', () => {
    const w = detectContainer({ exists: (p) => p === '/.dockerenv', readFile: () => undefined, interfaces: bridge });
    expect(w).toMatch(/Docker.*bridge network.*172\.17\.0\.3.*--network host/);
  });
  it('recognises Podman and cgroup hints', () => {
    expect(detectContainer({ exists: (p) => p === '/run/.containerenv', interfaces: bridge })).toMatch(/Podman/);
    expect(detectContainer({ exists: () => false, readFile: () => '0::/system.slice/docker-abc.scope\n', interfaces: bridge })).toMatch(/Docker/);
  });
  it('says nothing on a host, or in a container with host networking', () => {
    expect(detectContainer({ exists: () => false, readFile: () => '0::/init.scope\n', interfaces: bridge })).toBeUndefined();
    expect(detectContainer({ exists: (p) => p === '/.dockerenv', interfaces: lan })).toBeUndefined();
  });
});

describe('neighbours', () => {
  it('reads /proc/net/arp, ignoring incomplete entries', () => {
    const t = 'IP address       HW type     Flags       HW address            Mask     Device\n'
      + '192.168.1.1      0x1         0x2         a0:b1:c2:d3:e4:f5     *        eth0\n'
      + '192.168.1.77     0x1         0x0         00:00:00:00:00:00     *        eth0\n'
      + '192.168.1.64     0x1         0x2         44:19:b6:12:34:56     *        eth0\n'
      + 'garbage\n';
    expect([...readNeighbours(t)]).toEqual([['192.168.1.1', 'a0:b1:c2:d3:e4:f5'], ['192.168.1.64', '44:19:b6:12:34:56']]);
    expect(readNeighbours('')).toEqual(new Map());
  });
  it('extracts the MAC from an EUI-64 link-local address', () => {
    expect(macFromEui64('fe80::3eef:8cff:fe41:6cce')).toBe('3c:ef:8c:41:6c:ce');
    expect(macFromEui64('fe80::3eef:8cff:fe41:6cce/64')).toBe('3c:ef:8c:41:6c:ce');
    expect(macFromEui64('[fe80::4619:b6ff:fe12:3456%eth0]')).toBe('44:19:b6:12:34:56');
    expect(macFromEui64('fe80:0:0:0:200:5eff:fe00:5301')).toBe('00:00:5e:00:53:01');
    expect(macFromEui64('fe80::1')).toBeUndefined();
    expect(macFromEui64('fe80::a1b2:c3d4:e5f6:1234')).toBeUndefined(); // privacy address
    expect(macFromEui64('192.168.1.1')).toBeUndefined();
    expect(macFromEui64('1:2:3:4:5:6:7:8:9')).toBeUndefined();
  });
});

describe('http edge', () => {
  it('checkUrl enforces scheme, literal IP host equal to the responder, port', () => {
    expect(checkUrl('http://10.0.0.5:8080/desc.xml?a=1', '10.0.0.5')).toEqual({ host: '10.0.0.5', port: 8080, tls: false, path: '/desc.xml?a=1' });
    expect(checkUrl('https://[fe80::1]/x', 'fe80::1')).toMatchObject({ host: 'fe80::1', port: 443, tls: true });
    expect(checkUrl('http://10.0.0.6/', '10.0.0.5')).toHaveProperty('error');
    expect(checkUrl('http://cam.local/', 'cam.local')).toHaveProperty('error');
    expect(checkUrl('ftp://10.0.0.5/', '10.0.0.5')).toHaveProperty('error');
    expect(checkUrl('not a url', '10.0.0.5')).toHaveProperty('error');
  });
  it('builds one bounded request with the given headers and parses the reply', async () => {
    let seen: ExchangeOptions | undefined;
    const api = createHttpApi({ exchange: async (o) => { seen = o; return { data: Buffer.from('HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Digest realm="r", nonce="n"\r\nContent-Length: 2\r\n\r\nno'), end: 'complete', ms: 1 }; } });
    const r = await api.fetch('http://10.0.0.5:8080/onvif/device_service', { method: 'POST', body: '<x/>', contentType: 'application/soap+xml', headers: { Authorization: 'Digest x' }, allowHost: '10.0.0.5', timeoutMs: 999_999, maxBytes: 10, signal: new AbortController().signal });
    expect(r).toMatchObject({ status: 401, body: Buffer.from('no') });
    const req = String(seen!.request);
    expect(req).toMatch(/^POST \/onvif\/device_service HTTP\/1\.1\r\nHost: 10\.0\.0\.5:8080\r\n/);
    expect(req).toContain('Authorization: Digest x\r\n');
    expect(req).toMatch(/Content-Length: 4\r\n\r\n<x\/>$/);
    expect(seen!.timeoutMs).toBeLessThanOrEqual(60_000);
    expect(seen!.maxBytes).toBeGreaterThanOrEqual(1024);
    const inj = await api.fetch('http://10.0.0.5/', { headers: { X: 'a\r\nEvil: 1' }, allowHost: '10.0.0.5', timeoutMs: 10, maxBytes: 10, signal: new AbortController().signal });
    expect(inj).toHaveProperty('error');
  });
  it('reports a non-HTTP answer or no answer as an error, never throws', async () => {
    const bad = createHttpApi({ exchange: async () => ({ data: Buffer.from('\x16\x03\x01garbage'), end: 'closed', ms: 1 }) });
    expect(await bad.fetch('http://10.0.0.5/', { allowHost: '10.0.0.5', timeoutMs: 10, maxBytes: 10, signal: new AbortController().signal })).toHaveProperty('error');
    const boom = createHttpApi({ exchange: async () => { throw new Error('boom'); } });
    expect(await boom.fetch('http://10.0.0.5/', { allowHost: '10.0.0.5', timeoutMs: 10, maxBytes: 10, signal: new AbortController().signal })).toEqual({ error: 'boom' });
  });
});

describe('udp edge', () => {
  it('drops datagrams over the cap, delivers the rest, rejects on bind errors and closes on abort', async () => {
    const api = createUdpApi();
    const ac = new AbortController();
    const s = await api.open({ bindAddress: '127.77.26.1', port: 0, maxDatagram: 100 }, ac.signal);
    const got: number[] = [];
    s.onMessage((m) => got.push(m.data.length));
    s.onMessage(() => { throw new Error('handler bug'); }); // must not escape
    const tx = dgram.createSocket('udp4');
    await new Promise<void>((r) => tx.bind(0, '127.77.26.2', () => r()));
    tx.send(Buffer.alloc(50), s.localPort, '127.77.26.1');
    tx.send(Buffer.alloc(500), s.localPort, '127.77.26.1');
    tx.send(Buffer.alloc(60), s.localPort, '127.77.26.1');
    await new Promise((r) => setTimeout(r, 100));
    expect(got).toEqual([50, 60]);
    await expect(api.open({ bindAddress: '127.77.26.1', port: s.localPort }, ac.signal)).rejects.toThrow();
    await expect(api.open({ bindAddress: '203.0.113.1', port: 0 }, ac.signal)).rejects.toThrow();
    ac.abort();
    await expect(s.send(Buffer.from('x'), 9, '127.77.26.2')).rejects.toThrow(/closed/);
    tx.close();
  });
  it('a send error comes back as a rejection', async () => {
    const ac = new AbortController();
    const s = await createUdpApi().open({ bindAddress: '127.77.26.3', port: 0 }, ac.signal);
    await expect(s.send(Buffer.alloc(70000), 9, '127.77.26.4')).rejects.toThrow();
    ac.abort();
  });
});

describe('registry', () => {
  it('has one module per discovery name', () => {
    expect(Object.keys(discoveryModules).sort()).toEqual([...DISCOVERY_NAMES].sort());
    for (const n of DISCOVERY_NAMES) expect(discoveryModules[n].name).toBe(n);
  });
});
