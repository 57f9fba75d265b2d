// IPv6 discovery (issue 3: "FF02::C where IPv6 is up", "IPv6 EUI-64 link-local addresses" as a MAC source).
// SAFETY: no real socket is opened here. The engine tests run on a fake UdpApi with a fake interface
// ("eth9"): nothing reaches the OS, so nothing can be multicast on this machine's interfaces.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type os from 'node:os';
import { listInterfaces } from '../../src/net/interfaces.js';
import { macFromEui64 } from '../../src/net/neighbours.js';
import { socketFamily } from '../../src/net/udp.js';
import { ipv6Interfaces, isLinkLocal6, safeEmit, withZone } from '../../src/discovery/engine.js';
import { onvif } from '../../src/discovery/onvif.js';
import { ssdp } from '../../src/discovery/ssdp.js';
import { mdns, ownAddresses, type HostState } from '../../src/discovery/mdns.js';
import { sadp } from '../../src/discovery/sadp.js';
import type { DiscoveryContext, DiscoveryModule, NetIface, Sighting, UdpApi, UdpMessage, UdpSocket, UdpSocketOptions } from '../../src/discovery/types.js';
import { buildProbeMatches, parseWsdMessage } from '../../src/protocols/wsdiscovery.js';
import { buildSsdpResponse, parseSsdp } from '../../src/protocols/ssdp.js';
import { buildResponse, parseQuery } from '../../src/protocols/mdns.js';
import { compareIp as mergeCompare, groupSightings, ip6Groups, mergeSightings, type Seen } from '../../src/scan/merge.js';
import { compareIp, executePlan, planScan, toSeen, type ScanOptions } from '../../src/scan/scan.js';
import { defaultKnowledgeBase } from '../../src/data/load.js';
import { loadPolicy } from '../../src/data/load.js';

const HIK_MAC = '44:19:b6:12:34:56';
const HIK_LL = 'fe80::4619:b6ff:fe12:3456';

describe('EUI-64 and address helpers', () => {
  it('takes the MAC out of a link-local address with or without a zone, brackets or prefix length', () => {
    for (const a of [HIK_LL, `${HIK_LL}%eth0`, `[${HIK_LL}%eth0]`, `${HIK_LL}/64`, 'FE80:0:0:0:4619:B6FF:FE12:3456%12']) expect(macFromEui64(a), a).toBe(HIK_MAC);
    // U/L bit flipped back: 02:… in the interface id is a universal 00:… MAC.
    expect(macFromEui64('fe80::211:22ff:fe33:4455%eth0')).toBe('00:11:22:33:44:55');
    // Not EUI-64 (privacy / stable-privacy ids, no ff:fe in the middle), and not IPv6 at all.
    expect(macFromEui64('fe80::1c2b:3a4d:5e6f:7081%eth0')).toBeUndefined();
    expect(macFromEui64('10.0.0.5')).toBeUndefined();
    expect(macFromEui64('fe80::4619:b6ff:fe12:3456:1:2:3')).toBeUndefined();
  });
  it('knows link-local addresses and adds a missing zone only to them', () => {
    expect(isLinkLocal6(HIK_LL)).toBe(true);
    expect(isLinkLocal6('febf::1')).toBe(true);
    expect(isLinkLocal6('fec0::1')).toBe(false);
    expect(isLinkLocal6('10.0.0.5')).toBe(false);
    expect(withZone(HIK_LL, 'eth0')).toBe(`${HIK_LL}%eth0`);
    expect(withZone(`${HIK_LL}%eth1`, 'eth0')).toBe(`${HIK_LL}%eth1`);
    expect(withZone('2001:db8::1', 'eth0')).toBe('2001:db8::1');
    expect(withZone('10.0.0.5', 'eth0')).toBe('10.0.0.5');
    expect(withZone(HIK_LL, undefined)).toBe(HIK_LL);
  });
  it('safeEmit fills the MAC of an IPv6 sighting from its EUI-64 source, never over a payload MAC', () => {
    const out: Sighting[] = [];
    const c = { log: () => {} } as unknown as DiscoveryContext;
    safeEmit(c, (s) => out.push(s), { protocol: 'onvif', ip: `${HIK_LL}%eth0`, record: {}, at: '' });
    safeEmit(c, (s) => out.push(s), { protocol: 'onvif', ip: `${HIK_LL}%eth0`, mac: 'aa:bb:cc:dd:ee:ff', record: {}, at: '' });
    safeEmit(c, (s) => out.push(s), { protocol: 'onvif', ip: 'fe80::1%eth0', record: {}, at: '' });
    safeEmit(c, (s) => out.push(s), { protocol: 'onvif', ip: '10.0.0.5', record: {}, at: '' });
    expect(out.map((s) => s.mac)).toEqual([HIK_MAC, 'aa:bb:cc:dd:ee:ff', undefined, undefined]);
  });
  it('a udp6 socket is chosen by family or by an IPv6 bind address', () => {
    expect(socketFamily({})).toBe('udp4');
    expect(socketFamily({ bindAddress: '127.0.0.1' })).toBe('udp4');
    expect(socketFamily({ bindAddress: '::' })).toBe('udp6');
    expect(socketFamily({ family: 'udp6' })).toBe('udp6');
  });
});

describe('interfaces with IPv6', () => {
  const v4 = (address: string): os.NetworkInterfaceInfo => ({ address, netmask: '255.255.255.0', family: 'IPv4', mac: '00:11:22:33:44:55', internal: false, cidr: null } as unknown as os.NetworkInterfaceInfo);
  const v6 = (address: string, scopeid: number): os.NetworkInterfaceInfo => ({ address, netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', mac: '00:11:22:33:44:55', internal: false, cidr: null, scopeid } as os.NetworkInterfaceInfo);
  const FAKE = {
    eth0: [v4('192.168.1.23'), v6('2001:db8::5', 0), v6('fe80::211:22ff:fe33:4455', 2)],
    eth1: [v4('192.168.2.23')],
    eth2: [v6('fe80::9', 4), v4('192.168.3.23')],
  };
  it('sets ipv6LinkLocal and scopeId only where an fe80:: address exists; keeps every IPv4 field', () => {
    const l = listInterfaces({ networkInterfaces: () => FAKE, readFlags: () => 0x1003, platform: 'linux' });
    expect(l.find((i) => i.name === 'eth0')).toEqual({ name: 'eth0', address: '192.168.1.23', netmask: '255.255.255.0', cidr: '192.168.1.0/24', mac: '00:11:22:33:44:55', multicast: true, ipv6LinkLocal: 'fe80::211:22ff:fe33:4455', scopeId: 'eth0' });
    expect(l.find((i) => i.name === 'eth1')!.ipv6LinkLocal).toBeUndefined();
    expect(l.find((i) => i.name === 'eth2')).toMatchObject({ ipv6LinkLocal: 'fe80::9', scopeId: 'eth2' });
    expect(ipv6Interfaces(l).map((i) => i.name)).toEqual(['eth0', 'eth2']);
    // Windows zones are interface indexes.
    const w = listInterfaces({ networkInterfaces: () => FAKE, readFlags: () => undefined, platform: 'win32' });
    expect(w.find((i) => i.name === 'eth0')!.scopeId).toBe('2');
  });
});

describe('compare helpers never throw on IPv6', () => {
  it('orders IPv4 numerically, then IPv6 numerically, then anything else', () => {
    const list = ['fe80::2%eth0', '10.0.0.10', 'garbage', '2001:db8::1', '10.0.0.9', 'fe80::10%eth0', '::ffff:10.0.0.1', 'fe80::2%eth1', '9.255.255.255'];
    expect([...list].sort(compareIp)).toEqual(['9.255.255.255', '10.0.0.9', '10.0.0.10', '::ffff:10.0.0.1', '2001:db8::1', 'fe80::2%eth0', 'fe80::2%eth1', 'fe80::10%eth0', 'garbage']);
    expect(ip6Groups('fe80::4619:b6ff:fe12:3456%eth0')).toEqual([0xfe80, 0, 0, 0, 0x4619, 0xb6ff, 0xfe12, 0x3456]);
    expect(ip6Groups('1::2::3')).toBeUndefined();
    expect(ip6Groups('10.0.0.1')).toBeUndefined();
  });
  it('is a consistent total order on random strings and addresses', () => {
    const addr = fc.oneof(fc.ipV4(), fc.ipV6(), fc.ipV6().map((a) => `${a}%eth0`), fc.string());
    fc.assert(fc.property(addr, addr, addr, (a, b, c) => {
      for (const f of [compareIp, mergeCompare]) {
        const ab = f(a, b);
        expect(Number.isFinite(ab)).toBe(true);
        expect(Math.sign(ab)).toBe(-Math.sign(f(b, a)) || 0);
        expect(f(a, a)).toBe(0);
        if (f(a, b) <= 0 && f(b, c) <= 0) expect(f(a, c)).toBeLessThanOrEqual(0);
      }
    }), { numRuns: 500 });
  });
});

describe('merging IPv6 and IPv4 sightings of one device', () => {
  const ll = `${HIK_LL}%eth0`;
  it('joins by ONVIF endpoint and MAC; the record keeps the IPv4 address as ip and lists the IPv6 one', () => {
    const seen: Seen[] = [
      { ip: ll, protocol: 'onvif', mac: HIK_MAC, endpoint: 'urn:uuid:cam-1', record: { onvif: { scopes: ['onvif://www.onvif.org/name/HIK'] } } },
      { ip: '10.0.0.5', protocol: 'tcp', record: { ip: '10.0.0.5', open_ports: [80] } },
      { ip: '10.0.0.5', protocol: 'onvif', endpoint: 'urn:uuid:cam-1', record: { onvif: { manufacturer: 'HIKVISION' } } },
      { ip: '10.0.0.5', protocol: 'sadp', mac: '44-19-b6-12-34-56', record: { sadp: { DeviceType: 'IPC' } } },
    ];
    const out = mergeSightings(seen);
    expect(out).toHaveLength(1);
    expect(out[0]!.ip).toBe('10.0.0.5');
    expect(out[0]!.addresses).toEqual(['10.0.0.5', ll]);
    expect(out[0]!.mac).toBe('44:19:b6:12:34:56');
    expect(out[0]!.seen_by).toEqual(['onvif', 'sadp', 'tcp']);
  });
  it('joins by UPnP UDN, and by addresses the device declares (mDNS A/AAAA), zone or not', () => {
    const out = mergeSightings([
      { ip: '10.0.0.31', protocol: 'mdns', aliases: ['fe80::5054:ff:fe12:3456'], record: { mdns: [{ type: '_http._tcp.local' }] } },
      { ip: 'fe80::5054:ff:fe12:3456%eth0', protocol: 'mdns', mac: '52:54:00:12:34:56', record: { mdns: [{ type: '_rtsp._tcp.local' }] } },
      { ip: '10.0.0.32', protocol: 'ssdp', endpoint: 'uuid:abc', record: {} },
      { ip: 'fe80::1%eth0', protocol: 'ssdp', endpoint: 'UUID:ABC', record: {} },
    ]);
    expect(out.map((r) => [r.ip, r.addresses])).toEqual([
      ['10.0.0.31', ['10.0.0.31', 'fe80::5054:ff:fe12:3456%eth0']],
      ['10.0.0.32', ['10.0.0.32', 'fe80::1%eth0']],
    ]);
    expect(out[0]!.mac).toBe('52:54:00:12:34:56');
  });
  it('never joins over conflicting MACs, even through a declared address', () => {
    const g = groupSightings([
      { ip: '10.0.0.40', protocol: 'sadp', mac: '44:19:b6:00:00:01', record: {} },
      { ip: 'fe80::1%eth0', protocol: 'mdns', mac: '44:19:b6:00:00:02', aliases: ['10.0.0.40'], record: {} },
    ]);
    expect(g[0]).not.toBe(g[1]);
  });
  it('toSeen links an IPv6 sighting to the one IPv4 address the neighbour table gives its MAC', () => {
    const s: Sighting = { protocol: 'onvif', ip: `${HIK_LL}%eth0`, mac: HIK_MAC, record: {}, at: '' };
    expect(toSeen(s, new Map([['10.0.0.5', HIK_MAC], ['10.0.0.6', 'aa:bb:cc:dd:ee:ff']])).aliases).toEqual(['10.0.0.5']);
    // Two IPv4 addresses behind one MAC (proxy ARP, a router): no link.
    expect(toSeen(s, new Map([['10.0.0.5', HIK_MAC], ['10.0.0.7', HIK_MAC]])).aliases).toBeUndefined();
    expect(toSeen({ ...s, ip: '10.0.0.9' }, new Map([['10.0.0.5', HIK_MAC]])).aliases).toBeUndefined();
  });
  it('mDNS: the responder\'s own other addresses, only for host names that list the answering address', () => {
    const st: Pick<HostState, 'services' | 'addrs'> = {
      services: new Map([
        ['a', { instance: 'A', type: '_http._tcp.local', fqdn: 'A._http._tcp.local', host: 'nas.local', txt: {}, addresses: [] }],
        ['b', { instance: 'B', type: '_http._tcp.local', fqdn: 'B._http._tcp.local', host: 'other.local', txt: {}, addresses: ['10.0.0.99', 'fe80::99'] }],
      ]),
      addrs: new Map([['nas.local', ['10.0.0.31', 'FE80::5054:FF:FE12:3456']]]),
    };
    expect(ownAddresses('10.0.0.31', st)).toEqual(['fe80::5054:ff:fe12:3456']);
    expect(ownAddresses('fe80::5054:ff:fe12:3456%eth0', st)).toEqual(['10.0.0.31']);
    expect(ownAddresses('10.0.0.50', st)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------
// The engine on a fake UdpApi: IPv6 sockets, groups and replies without any real socket.

interface FakeSent { family: string; data: Buffer; port: number; address: string }
type Responder = (sent: FakeSent, reply: (m: UdpMessage) => void) => void;

function fakeUdp(responder: Responder = () => {}): UdpApi & { opened: UdpSocketOptions[]; sent: FakeSent[] } {
  const opened: UdpSocketOptions[] = [];
  const sent: FakeSent[] = [];
  return {
    opened, sent,
    async open(opts) {
      opened.push(opts);
      const handlers: Array<(m: UdpMessage) => void> = [];
      const family = opts.family ?? 'udp4';
      const sock: UdpSocket = {
        localPort: 40000 + opened.length,
        async send(data, port, address) {
          const s = { family, data, port, address };
          sent.push(s);
          setTimeout(() => responder(s, (m) => { for (const h of handlers) h(m); }), 5);
        },
        onMessage(fn) { handlers.push(fn); },
        close() { handlers.length = 0; },
      };
      return sock;
    },
  };
}

const ETH9: NetIface = { name: 'eth9', address: '192.0.2.10', netmask: '255.255.255.0', cidr: '192.0.2.0/24', multicast: true, ipv6LinkLocal: 'fe80::1', scopeId: 'eth9' };

function fakeCtx(udp: UdpApi, o: Partial<DiscoveryContext> = {}): DiscoveryContext {
  return {
    signal: new AbortController().signal, listenMs: 60, interfaces: [ETH9], unicastTargets: [], passive: false, udp, inScope: () => false,
    http: { fetch: async () => { throw new Error('no HTTP in this test'); } },
    rate: async () => {}, timeoutMs: 500, maxBytes: 65536, userAgent: 'camsweep-test', credentials: [], log: () => {}, ...o,
  };
}

async function collect(m: DiscoveryModule, c: DiscoveryContext): Promise<Sighting[]> {
  const out: Sighting[] = [];
  await m.run(c, (s) => out.push(s));
  return out;
}

describe('engine: IPv6 multicast per interface (fake sockets)', () => {
  it('ONVIF probes ff02::c%eth9 from a udp6 socket on eth9; a link-local answer without zone gets it, and its MAC', async () => {
    const udp = fakeUdp((s, reply) => {
      if (s.address !== 'ff02::c%eth9') return;
      const w = parseWsdMessage(s.data);
      if (!w || w.kind !== 'probe') return;
      reply({ address: HIK_LL, port: 3702, data: buildProbeMatches({ messageId: 'urn:uuid:00000000-0000-4000-8000-000000000001', relatesTo: w.messageId, matches: [{ endpoint: 'urn:uuid:cam-1', types: ['dn:NetworkVideoTransmitter'], scopes: ['onvif://www.onvif.org/name/HIK'], xaddrs: ['http://192.0.2.5/onvif/device_service'] }] }) });
    });
    const out = await collect(onvif, fakeCtx(udp));
    expect(udp.opened).toContainEqual(expect.objectContaining({ family: 'udp6', port: 0, multicastInterface: '::%eth9' }));
    expect(udp.opened).toContainEqual(expect.objectContaining({ port: 0, multicastInterface: '192.0.2.10' }));
    const v6 = udp.sent.filter((s) => s.family === 'udp6');
    expect(v6.length).toBeGreaterThan(0);
    expect(new Set(v6.map((s) => `${s.address} ${s.port}`))).toEqual(new Set(['ff02::c%eth9 3702']));
    expect(new Set(udp.sent.filter((s) => s.family === 'udp4').map((s) => s.address))).toEqual(new Set(['239.255.255.250']));
    // Fresh MessageIDs for the IPv6 copies: a receiver drops an id it already saw over IPv4 (wsdd does).
    const ids = (fam: string) => udp.sent.filter((s) => s.family === fam).map((s) => parseWsdMessage(s.data)!.messageId);
    expect(ids('udp6').filter((id) => ids('udp4').includes(id))).toEqual([]);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ protocol: 'onvif', ip: `${HIK_LL}%eth9`, mac: HIK_MAC, endpoint: 'urn:uuid:cam-1' });
  });
  it('SSDP searches ff02::c%eth9 with HOST [FF02::C]:1900; mDNS asks ff02::fb%eth9 and keeps the declared IPv4 address of the responder as an alias', async () => {
    const udp = fakeUdp((s, reply) => {
      if (s.address === 'ff02::c%eth9' && s.port === 1900) {
        const m = parseSsdp(s.data);
        if (m?.kind === 'msearch' && m.st === 'upnp:rootdevice') reply({ address: `${HIK_LL}%eth9`, port: 1900, data: buildSsdpResponse({ st: 'upnp:rootdevice', usn: 'uuid:dev-1::upnp:rootdevice', location: 'http://192.0.2.5:49152/rootDesc.xml' }) });
      }
    });
    const found = await collect(ssdp, fakeCtx(udp));
    const search6 = udp.sent.filter((s) => s.family === 'udp6' && s.port === 1900);
    expect(search6.length).toBeGreaterThan(0);
    for (const s of search6) expect(s.data.toString()).toMatch(/^HOST: \[FF02::C\]:1900\r$/m);
    expect(found).toEqual([expect.objectContaining({ protocol: 'ssdp', ip: `${HIK_LL}%eth9`, endpoint: 'uuid:dev-1', mac: HIK_MAC })]);

    const udp2 = fakeUdp((s, reply) => {
      if (s.port === 5353 && s.address === 'ff02::fb%eth9') {
        const q = parseQuery(s.data)!;
        reply({ address: HIK_LL, port: 5353, data: buildResponse({ instance: 'cam', type: '_rtsp._tcp.local', host: 'cam.local', port: 554, txt: { mac: '' }, addresses: ['192.0.2.5', HIK_LL] }, { unicast: true, id: q.id }) });
      }
    });
    const m = await collect(mdns, fakeCtx(udp2));
    expect(udp2.sent.some((s) => s.family === 'udp6' && s.address === 'ff02::fb%eth9' && s.port === 5353)).toBe(true);
    expect(m).toHaveLength(1);
    expect(m[0]).toMatchObject({ protocol: 'mdns', ip: `${HIK_LL}%eth9`, mac: HIK_MAC, aliases: ['192.0.2.5'] });
  });
  it('SADP (no IPv6 group) opens no udp6 socket', async () => {
    const udp = fakeUdp();
    await collect(sadp, fakeCtx(udp));
    expect(udp.opened.some((o) => o.family === 'udp6')).toBe(false);
  });
  it('passive mode joins the IPv6 groups on each IPv6 interface and sends nothing', async () => {
    for (const [m, group, port] of [[onvif, 'ff02::c', 3702], [ssdp, 'ff02::c', 1900], [mdns, 'ff02::fb', 5353]] as const) {
      const udp = fakeUdp();
      await collect(m, fakeCtx(udp, { passive: true }));
      expect(udp.sent).toEqual([]);
      expect(udp.opened).toContainEqual(expect.objectContaining({ family: 'udp6', port, reuseAddr: true, join: [{ group, iface: '::%eth9' }] }));
    }
  });
  it('an interface without IPv6 gets IPv4 only', async () => {
    const udp = fakeUdp();
    await collect(onvif, fakeCtx(udp, { interfaces: [{ ...ETH9, ipv6LinkLocal: undefined, scopeId: undefined }] }));
    expect(udp.opened.some((o) => o.family === 'udp6')).toBe(false);
    expect(udp.sent.length).toBeGreaterThan(0);
  });
});

describe('plan and filtering with explicit IPv4 targets', () => {
  const options: ScanOptions = { ports: [80], timeoutMs: 500, hostTimeoutMs: 2000, concurrency: 4, rate: 0, maxBytes: 65536, userAgent: 't' };
  const k = (() => { const kb = defaultKnowledgeBase(); return { kb, policy: loadPolicy('ndaa', kb.vocab) }; })();
  it('keeps an IPv6 answer that is the same device as a target, drops an unrelated one, merges the pair', async () => {
    const plan = planScan({ hosts: ['192.0.2.5'], explicitTargets: true, protocols: ['onvif', 'mdns'], interfaces: [ETH9], interfaceNamed: false, passive: false, listenMs: 50, options });
    expect(plan.interfaces.map((i) => i.name)).toEqual(['eth9']);
    expect(plan.restrictToTargets).toBe(true);
    const sightings: Sighting[] = [
      { protocol: 'onvif', ip: '192.0.2.5', endpoint: 'urn:uuid:cam-1', record: { onvif: { scopes: ['onvif://www.onvif.org/name/HIK'] } }, at: '' },
      { protocol: 'onvif', ip: `${HIK_LL}%eth9`, mac: HIK_MAC, endpoint: 'urn:uuid:cam-1', record: { onvif: { scopes: ['onvif://www.onvif.org/name/HIK'] } }, at: '' },
      { protocol: 'mdns', ip: 'fe80::5054:ff:fe00:1%eth9', mac: '52:54:00:00:00:01', record: { mdns: [{ type: '_http._tcp.local' }] }, at: '' },
      { protocol: 'onvif', ip: '192.0.2.77', endpoint: 'urn:uuid:other', record: {}, at: '' },
    ];
    const mod = (name: 'onvif' | 'mdns'): DiscoveryModule => ({ name, description: '', async run(_c, emit) { for (const s of sightings) if (s.protocol === name) emit(s); } });
    const udp = fakeUdp();
    const r = await executePlan(plan, k, { modules: { onvif: mod('onvif'), mdns: mod('mdns') }, udp, http: { fetch: async () => ({ error: 'none' }) } });
    expect(r.devices.map((d) => [d.ip, d.addresses])).toEqual([['192.0.2.5', ['192.0.2.5', `${HIK_LL}%eth9`]]]);
    expect(r.devices[0]!.mac).toBe('44:19:b6:12:34:56');
    expect(r.warnings.join('\n')).toMatch(/2 device\(s\) answered discovery from outside the targets/);
  });
});
