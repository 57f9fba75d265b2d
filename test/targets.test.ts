import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { expand, hostCount, HostSet, intToIp, ipToInt, isPublic, localSubnets, parseTarget, resolveTargets, splitTargetText, TargetError } from '../src/targets/targets.js';

describe('parseTarget', () => {
  it('parses addresses, CIDR blocks, ranges and hostnames', () => {
    expect(parseTarget('192.168.1.7')).toMatchObject({ kind: 'ip', first: ipToInt('192.168.1.7') });
    const c = parseTarget('192.168.1.77/30');
    expect(c.kind).toBe('cidr');
    expect([...expand(c as never)]).toEqual(['192.168.1.77', '192.168.1.78']);
    expect(hostCount(parseTarget('10.0.0.0/24'))).toBe(254);
    expect(hostCount(parseTarget('10.0.0.1/32'))).toBe(1);
    expect([...expand(parseTarget('10.0.0.0/31') as never)]).toEqual(['10.0.0.0', '10.0.0.1']);
    expect([...expand(parseTarget('127.0.0.5-7') as never)]).toEqual(['127.0.0.5', '127.0.0.6', '127.0.0.7']);
    expect(hostCount(parseTarget('10.0.0.250-10.0.1.5'))).toBe(12);
    expect(parseTarget('cam-01.site.example')).toMatchObject({ kind: 'hostname', name: 'cam-01.site.example' });
  });
  it.each(['300.1.1.1', '1.2.3', '0300.0250.0.1', '10.0.0.0/33', '10.0.0.0/x', '10.0.0.9-3', '10.0.0.1-256', '-bad-', 'a..b', '::1', '1.2.3.4/', ''])('rejects %j', (s) => {
    expect(() => parseTarget(s)).toThrow(TargetError);
  });
  it('round-trips every uint32 through dotted quad', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => ipToInt(intToIp(n)) === n));
  });
  it('never throws anything but TargetError on random input', () => {
    fc.assert(fc.property(fc.string({ maxLength: 80 }), (s) => {
      try { parseTarget(s); } catch (e) { if (!(e instanceof TargetError)) throw e; }
    }));
  });
});

describe('safety guards', () => {
  it('classifies public and non-public addresses', () => {
    for (const a of ['8.8.8.8', '1.1.1.1', '100.128.0.1', '172.32.0.1', '192.169.0.1']) expect(isPublic(a), a).toBe(true);
    for (const a of ['10.1.2.3', '127.0.0.1', '172.16.5.4', '192.168.0.1', '169.254.1.1', '100.64.0.1']) expect(isPublic(a), a).toBe(false);
  });
  it('refuses public targets unless allowed', async () => {
    await expect(resolveTargets([parseTarget('8.8.8.8')], { allowPublic: false, maxHosts: 10 })).rejects.toThrow(/public/);
    await expect(resolveTargets([parseTarget('172.0.0.0/8')], { allowPublic: false, maxHosts: 1 << 25 })).rejects.toThrow(/public/);
    const ok = await resolveTargets([parseTarget('8.8.8.8')], { allowPublic: true, maxHosts: 10 });
    expect([...ok.hosts]).toEqual(['8.8.8.8']);
  });
  it('refuses hostnames that resolve to public addresses', async () => {
    const lookup = async () => ['93.184.216.34'];
    await expect(resolveTargets([parseTarget('example.test')], { allowPublic: false, maxHosts: 10, lookup })).rejects.toThrow(/resolves to the public address/);
    const r = await resolveTargets([parseTarget('cam.lan')], { allowPublic: false, maxHosts: 10, lookup: async () => ['127.0.0.9'] });
    expect([...r.hosts]).toEqual(['127.0.0.9']);
    expect(r.names.get('127.0.0.9')).toBe('cam.lan');
  });
  it('refuses more hosts than --max-hosts', async () => {
    await expect(resolveTargets([parseTarget('10.0.0.0/8')], { allowPublic: false, maxHosts: 65536 })).rejects.toThrow(/more than the limit/);
  });
  it('refuses the numeric forms inet_aton would turn into addresses (hex, octal, decimal, short)', () => {
    for (const t of ['0xe0000001', '0xffffffff', '3232235777', '0x7f.1', '0x7f000001', '017700000001', '127.1', '1.2.3.4.']) {
      expect(() => parseTarget(t), t).toThrow(/malformed IPv4 address/);
    }
    expect(parseTarget('cam0x1.lan')).toMatchObject({ kind: 'hostname' });
    expect(parseTarget('0xcafe.example')).toMatchObject({ kind: 'hostname' });
  });
  it.each([['224.0.0.1', /multicast/], ['239.255.255.250', /multicast/], ['255.255.255.255', /limited broadcast/], ['240.0.0.1', /reserved/], ['0.0.0.0', /this network/], ['0.1.2.3', /this network/]])('refuses a hostname resolving to %s, like the literal', async (addr, re) => {
    await expect(resolveTargets([parseTarget('cam.lan')], { allowPublic: true, maxHosts: 10, lookup: async () => ['10.0.0.1', addr] })).rejects.toThrow(re);
    await expect(resolveTargets([parseTarget(addr)], { allowPublic: true, maxHosts: 10 })).rejects.toThrow(re);
  });
  it('counts repeated targets once against --max-hosts, and keeps hosts as ranges (a /8 is not expanded)', async () => {
    const r = await resolveTargets(Array.from({ length: 1000 }, () => parseTarget('10.0.0.0/24')), { allowPublic: false, maxHosts: 254 });
    expect(r.hosts.size).toBe(254);
    const big = await resolveTargets([parseTarget('10.0.0.0/8')], { allowPublic: false, maxHosts: 1 << 24 });
    expect(big.hosts.size).toBe((1 << 24) - 2);
    expect(big.hosts.has('10.200.3.4')).toBe(true);
    expect(big.hosts.has('10.0.0.0')).toBe(false);
    expect(big.hosts.first(2)).toEqual(['10.0.0.1', '10.0.0.2']);
  });
  it('refuses multicast', async () => {
    await expect(resolveTargets([parseTarget('239.255.255.250')], { allowPublic: true, maxHosts: 10 })).rejects.toThrow(/multicast/);
  });
  it('deduplicates overlapping targets', async () => {
    const r = await resolveTargets(['127.0.0.1-3', '127.0.0.2'].map(parseTarget), { allowPublic: false, maxHosts: 10 });
    expect([...r.hosts]).toEqual(['127.0.0.1', '127.0.0.2', '127.0.0.3']);
  });
});

describe('HostSet (property)', () => {
  it('agrees with a plain set: size, membership, order, no duplicates', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 40 })), { maxLength: 20 }), (rs) => {
      const ranges = rs.map(([a, len]) => [a, a + len] as [number, number]);
      const h = HostSet.fromRanges(ranges);
      const naive = new Set<number>();
      for (const [a, b] of ranges) for (let n = a; n <= b; n++) naive.add(n);
      expect(h.size).toBe(naive.size);
      const listed = [...h].map((ip) => ipToInt(ip)!);
      expect(listed).toEqual([...naive].sort((x, y) => x - y));
      for (let n = 0; n <= 345; n++) expect(h.hasInt(n)).toBe(naive.has(n));
    }), { numRuns: 300 });
  });
});

describe('target lists and local subnets', () => {
  it('splits files with comments, commas and blank lines', () => {
    expect(splitTargetText('# site\n10.0.0.1, 10.0.0.2\n\n10.0.1.0/30 # lab\n')).toEqual(['10.0.0.1', '10.0.0.2', '10.0.1.0/30']);
  });
  it('picks up, non-virtual IPv4 interfaces and caps at /16', () => {
    const ifs = {
      lo: [{ address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal: true, cidr: '127.0.0.1/8' }],
      eth0: [{ address: '10.20.30.40', netmask: '255.0.0.0', family: 'IPv4', mac: 'aa:bb:cc:dd:ee:ff', internal: false, cidr: '10.20.30.40/8' }],
      docker0: [{ address: '172.17.0.1', netmask: '255.255.0.0', family: 'IPv4', mac: 'aa:bb:cc:dd:ee:00', internal: false, cidr: '172.17.0.1/16' }],
      veth12: [{ address: '172.18.0.1', netmask: '255.255.0.0', family: 'IPv4', mac: 'aa:bb:cc:dd:ee:01', internal: false, cidr: '172.18.0.1/16' }],
    } as never;
    expect(localSubnets(ifs)).toEqual([{ iface: 'eth0', address: '10.20.30.40', cidr: '10.20.0.0/16' }]);
  });
});
