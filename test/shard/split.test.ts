// --shard K/N: the split of the targets (pure), the plan of a shard, and the merge of shard reports
// against the single-scan device formation it must reproduce (fast-check over generated networks).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HostSet, ipToInt, parseShard, shardOfInt, TargetError, MAX_SHARDS } from '../../src/targets/targets.js';
import { assemble, describePlan, planScan, type ScanOptions } from '../../src/scan/scan.js';
import { shardSightingOf, type Seen } from '../../src/scan/merge.js';
import { loadKnowledge, mergeShards, type ShardInput } from '../../src/runner/index.js';
import type { DeviceReport, ScanReport } from '../../src/model/types.js';
import type { NetIface } from '../../src/model/net.js';

const ip = (s: string) => ipToInt(s)!;

describe('shardOfInt: a fixed function of the address alone', () => {
  it('gives the same parts on every machine and in every version (pinned values)', () => {
    // If this changes, shard reports written before no longer merge with new ones: change SHARD_METHOD too.
    const sample = ['10.0.0.1', '10.0.0.2', '10.0.0.3', '192.168.1.10', '172.16.5.77', '127.77.110.10'].map((a) => [shardOfInt(ip(a), 3), shardOfInt(ip(a), 16)]);
    expect(sample).toEqual(PINNED);
  });
  it('is within [0, N) and depends on nothing but the address and N', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 1, max: MAX_SHARDS }), (n, count) => {
      const s = shardOfInt(n, count);
      return Number.isInteger(s) && s >= 0 && s < count && s === shardOfInt(n, count);
    }));
  });
  // A part's size is binomial: for N = 16 on a /16 one standard deviation is 1.5% of the share, so 6% is 4 of them.
  it('spreads a /16 evenly: every part within 6% of its share, for N = 2..16', () => {
    const set = HostSet.fromRanges([[ip('10.20.0.1'), ip('10.20.255.254')]]);
    for (let n = 2; n <= 16; n++) {
      const sizes = Array.from({ length: n }, (_, k) => set.shard(k + 1, n).size);
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(set.size);
      for (const s of sizes) expect(Math.abs(s - set.size / n) / (set.size / n), `N=${n}: ${sizes.join(',')}`).toBeLessThan(0.06);
    }
  });
});
const PINNED = [[0, 4], [1, 13], [1, 13], [0, 11], [0, 2], [0, 1]]; // lowbias32(address) % 3 and % 16, checked against a Python rendering of the C reference

describe('HostSet.shard: N disjoint parts whose union is the set', () => {
  const ranges = fc.array(fc.tuple(fc.integer({ min: ip('10.0.0.0'), max: ip('10.0.3.255') }), fc.integer({ min: 0, max: 300 })).map(([a, len]) => [a, a + len] as const), { minLength: 0, maxLength: 6 });
  it('parts are disjoint, cover the set, and agree with themselves (size, has, order, intersects, within)', () => {
    fc.assert(fc.property(ranges, fc.integer({ min: 1, max: 9 }), fc.tuple(fc.integer({ min: ip('10.0.0.0'), max: ip('10.0.4.255') }), fc.integer({ min: 0, max: 600 })), (rs, n, [qa, qlen]) => {
      const set = HostSet.fromRanges(rs);
      const all = [...set];
      const owner = new Map<string, number>();
      for (let k = 1; k <= n; k++) {
        const part = set.shard(k, n);
        const list = [...part];
        expect(part.size).toBe(list.length);
        expect(part.shardOf).toEqual(n === 1 ? undefined : { index: k, count: n });
        for (let i = 1; i < list.length; i++) expect(ip(list[i])).toBeGreaterThan(ip(list[i - 1]));
        for (const a of list) {
          expect(owner.has(a), `${a} in two parts`).toBe(false);
          owner.set(a, k);
          expect(part.has(a)).toBe(true);
          expect(set.has(a)).toBe(true);
        }
        const qb = qa + qlen;
        const inQ = list.filter((a) => ip(a) >= qa && ip(a) <= qb);
        expect(part.intersects(qa, qb)).toBe(inQ.length > 0);
        expect(part.within(qa, qb)).toBe(list.length > 0 && inQ.length === list.length);
        expect(part.first(3)).toEqual(list.slice(0, 3));
      }
      expect([...owner.keys()].sort()).toEqual([...all].sort());
      // A host of the set that is not in a part is in another one; nothing outside the set is in any.
      for (const a of all) for (let k = 1; k <= n; k++) expect(set.shard(k, n).has(a)).toBe(owner.get(a) === k);
      expect(set.shard(1, n).has('10.9.9.9')).toBe(false);
    }), { numRuns: 150 });
  });
  it('does not depend on how the targets were written (order, overlap, duplicates, a list instead of a block)', () => {
    const block = HostSet.fromRanges([[ip('10.1.0.1'), ip('10.1.0.254')]]);
    const list = HostSet.of([...block].reverse().concat([...block].slice(0, 50)));
    const split = HostSet.fromRanges([[ip('10.1.0.100'), ip('10.1.0.254')], [ip('10.1.0.1'), ip('10.1.0.120')]]);
    for (let k = 1; k <= 4; k++) {
      expect([...list.shard(k, 4)]).toEqual([...block.shard(k, 4)]);
      expect([...split.shard(k, 4)]).toEqual([...block.shard(k, 4)]);
    }
    // An address stays in its part when the targets grow.
    const bigger = HostSet.fromRanges([[ip('10.1.0.1'), ip('10.1.3.254')]]);
    for (const a of block.shard(2, 4)) expect(bigger.shard(2, 4).has(a)).toBe(true);
  });
  it('splits a /8 without expanding it (counted as integers; the part is iterated lazily)', () => {
    const eight = HostSet.fromRanges([[ip('10.0.0.1'), ip('10.255.255.254')]]);
    const before = process.memoryUsage().heapUsed;
    const part = eight.shard(3, 64);
    const grew = process.memoryUsage().heapUsed - before;
    expect(part.size).toBeGreaterThan(eight.size / 64 * 0.99);
    expect(part.size).toBeLessThan(eight.size / 64 * 1.01);
    expect(part.first(4).every((a) => shardOfInt(ip(a), 64) === 2)).toBe(true);
    // 16 million addresses as strings would be hundreds of megabytes; the split holds a few numbers.
    expect(grew).toBeLessThan(32 * 1024 * 1024);
  });
  it('refuses to split a part again or a bad part', () => {
    const s = HostSet.fromRanges([[1, 100]]);
    expect(() => s.shard(1, 2).shard(1, 2)).toThrow(/cannot be split again/);
    expect(() => s.shard(0, 2)).toThrow();
    expect(() => s.shard(3, 2)).toThrow();
  });
});

describe('parseShard', () => {
  it('reads K/N', () => {
    expect(parseShard('1/1')).toEqual({ index: 1, count: 1 });
    expect(parseShard(' 3 / 8 ')).toEqual({ index: 3, count: 8 });
    expect(parseShard(`${MAX_SHARDS}/${MAX_SHARDS}`)).toEqual({ index: MAX_SHARDS, count: MAX_SHARDS });
  });
  it.each([['0/4', /K must be 1 to 4.*JOB_COMPLETION_INDEX is 0-based/], ['5/4', /K must be 1 to 4/], ['1/0', /N must be 1 to/], [`1/${MAX_SHARDS + 1}`, /N must be 1 to/], ['1', /takes K\/N/], ['-1/2', /takes K\/N/], ['1/2/3', /takes K\/N/], ['x', /takes K\/N/]])('refuses %s', (v, msg) => {
    expect(() => parseShard(v)).toThrow(TargetError);
    expect(() => parseShard(v)).toThrow(msg);
  });
});

const OPTS: ScanOptions = { ports: [80, 554], timeoutMs: 1000, hostTimeoutMs: 5000, concurrency: 64, rate: 0, maxBytes: 65536, userAgent: 't' };
const IFACE: NetIface = { name: 'eth0', address: '10.30.0.2', cidr: '10.30.0.0/24', multicast: true } as NetIface;

describe('the plan of a shard', () => {
  const hosts = HostSet.fromRanges([[ip('10.30.0.1'), ip('10.30.0.254')]]);
  const plan = (k: number, n: number) => planScan({ hosts, explicitTargets: true, protocols: ['onvif', 'ssdp', 'tcp'], interfaces: [IFACE], interfaceNamed: false, passive: false, listenMs: 1000, options: OPTS, shard: { index: k, count: n } });
  it('sweeps and unicasts to its part only, keeps every target in scope, multicasts in part 1 only', () => {
    const seen = new Set<string>();
    for (let k = 1; k <= 3; k++) {
      const p = plan(k, 3);
      expect(p.hosts.size).toBe(hosts.shard(k, 3).size);
      expect([...p.unicastTargets]).toEqual([...hosts.shard(k, 3)]);
      expect(p.scope).toBe(hosts);
      expect(p.interfaces.map((i) => i.name)).toEqual(k === 1 ? ['eth0'] : []);
      expect(p.shard).toEqual({ index: k, count: 3, method: 'address-hash-1', hosts: p.hosts.size, total_hosts: 254, multicast: k === 1 });
      const text = describePlan(p).join('\n');
      expect(text).toMatch(new RegExp(`Shard ${k} of 3 \\(address-hash-1\\): ${p.hosts.size} of the 254 target hosts`));
      if (k > 1) expect(text).toMatch(/multicast discovery runs in shard 1 of 3 only/);
      for (const a of p.hosts) { expect(seen.has(a)).toBe(false); seen.add(a); }
    }
    expect(seen.size).toBe(254);
  });
  it('without --shard: the whole set, as before', () => {
    const p = planScan({ hosts, explicitTargets: true, protocols: ['onvif', 'tcp'], interfaces: [IFACE], interfaceNamed: false, passive: false, listenMs: 1000, options: OPTS });
    expect(p.hosts).toBe(hosts);
    expect(p.shard).toBeUndefined();
    expect(p.interfaces).toHaveLength(1);
  });
});

// ---- merge of shard reports against the single-scan formation ----

const k = loadKnowledge('ndaa');
const NOW = '2026-01-02T03:04:05.000Z';
const hex = (n: number) => n.toString(16).padStart(2, '0');

interface Dev { ips: number; payloadMac: boolean; arpMac: boolean; serial: boolean; endpoint: boolean; protos: string[]; sharesEndpoint: boolean }

/**
 * Sightings of a generated network as a scan receives them: every device answers TCP on each of its
 * addresses and each discovery protocol it speaks from each address (SADP carries its MAC and serial,
 * ONVIF its endpoint, SSDP its UDN and serial); a device without a payload MAC may have one in the
 * neighbour table. Devices that share one ONVIF endpoint (wsdd, cheap firmware) all have a known MAC:
 * where a MAC-less host shares an identifier with hosts of different MACs, which one it joins depends
 * on the order of arrival, in one scan as across shards (docs/sharding.md).
 */
function network(devs: Dev[]) {
  const seen: Array<Seen & { multicast: boolean }> = [];
  const neigh = new Map<string, string>();
  const tcp: Seen[] = [];
  devs.forEach((d, i) => {
    const mac = `c0:56:e3:00:00:${hex(i)}`;
    const addrs = Array.from({ length: d.ips }, (_, j) => `10.40.${i}.${j + 1}`);
    const hasPayload = d.payloadMac && d.protos.includes('sadp');
    const known = hasPayload || d.arpMac;
    for (const a of addrs) {
      if (!hasPayload && d.arpMac) neigh.set(a, mac);
      const link = neigh.get(a);
      tcp.push({ ip: a, protocol: 'tcp', record: { ip: a, open_ports: [80] }, at: NOW, ...(link ? { linkMac: link } : {}) });
      for (const p of d.protos) {
        const base = { ip: a, protocol: p, at: NOW, ...(link ? { linkMac: link } : {}), multicast: false };
        const serial = d.serial ? `SN${hex(i)}XYZ` : undefined;
        if (p === 'sadp') seen.push({ ...base, ...(hasPayload ? { mac } : {}), ...(serial ? { serial } : {}), record: { ip: a, ...(hasPayload ? { mac, mac_from: 'sadp' } : {}), sadp: { ...(serial ? { DeviceSN: serial } : {}), DeviceType: 'IPC' } } });
        if (p === 'onvif') {
          const endpoint = d.sharesEndpoint && known ? 'urn:uuid:shared-0000' : d.endpoint ? `urn:uuid:e-${hex(i)}` : undefined;
          seen.push({ ...base, ...(endpoint ? { endpoint } : {}), record: { ip: a, onvif: { ...(endpoint ? { endpoint } : {}), manufacturer: 'Acme' } } });
        }
        if (p === 'ssdp') {
          const udn = d.endpoint ? `uuid:u-${hex(i)}` : undefined;
          seen.push({ ...base, ...(udn ? { endpoint: udn } : {}), ...(serial ? { serial } : {}), record: { ip: a, upnp: { ...(udn ? { udn } : {}), ...(serial ? { serialNumber: serial } : {}), manufacturer: 'Acme' } } });
        }
      }
    }
  });
  return { tcp, disc: seen, neigh };
}

const TARGETS = { has: (a: string) => a.startsWith('10.40.') };

/** One scan of everything, as executePlan assembles it. */
function single(tcp: Seen[], disc: Seen[], neigh: Map<string, string>): DeviceReport[] {
  return assemble({ scope: TARGETS, restrictToTargets: true }, tcp.map((x) => structuredClone(x)), disc.map((x) => structuredClone(x)), k, { neigh, now: NOW }).devices;
}

/** Part `index` of `count`: what a shard run assembles from what it saw, as its report holds it (through JSON). */
function shardRun(index: number, count: number, tcp: Seen[], disc: Seen[], neigh: Map<string, string>): ShardInput {
  const part = { has: (a: string) => TARGETS.has(a) && shardOfInt(ip(a), count) === index - 1 };
  const r = assemble({ scope: TARGETS, part, restrictToTargets: true }, tcp.map((x) => structuredClone(x)), disc.map((x) => structuredClone(x)), k, { neigh, now: NOW });
  return shardReport(index, count, r.devices, [...tcp, ...disc].map((x) => shardSightingOf(x, !TARGETS.has(x.ip))));
}

function shardReport(index: number, count: number, devices: DeviceReport[], sightings: ScanReport['shard_sightings'] = []): ShardInput {
  const report = {
    schema_version: '1.3', tool: { name: 'camsweep', version: 't' }, command: 'scan', started_at: NOW, finished_at: NOW, targets: ['10.40.0.0/16'],
    policy: { name: k.policy.name, lists: [] }, options: {}, devices: JSON.parse(JSON.stringify(devices)) as DeviceReport[],
    summary: { hosts_scanned: 0, devices: devices.length, restricted: 0, suspect: 0, clear: 0, unknown: 0 }, warnings: [], complete: true,
    shard: { index, count, method: 'address-hash-1', hosts: 0, total_hosts: 0, multicast: index === 1 },
    ...(sightings?.length ? { shard_sightings: JSON.parse(JSON.stringify(sightings)) } : {}),
  } as ScanReport & { shard: NonNullable<ScanReport['shard']> };
  return { source: `shard-${index}.json`, report };
}

const view = (d: DeviceReport) => ({
  id: d.device_id, ip: d.ip, addresses: d.addresses, mac: d.mac, mac_from: d.observations.mac_from, seen_by: d.seen_by, ports: d.open_ports, notes: d.notes,
  sightings: (d.sightings ?? []).map((s) => `${s.module} ${s.address} ${s.identifier} ${s.at}`).sort(),
  maker: d.identification.maker, verdict: d.verdict.status, upnp: d.observations.upnp, onvif: d.observations.onvif, sadp: d.observations.sadp,
});

describe('one scan: hosts sharing an endpoint whose MACs only another protocol gave', () => {
  it('stay apart whatever order the sightings came in (the SADP answer from the same address gives each its MAC)', () => {
    const { tcp, disc, neigh } = network([0, 1].map(() => ({ ips: 1, payloadMac: true, arpMac: false, serial: false, endpoint: false, protos: ['onvif', 'sadp'], sharesEndpoint: true })));
    for (const order of [disc, [...disc].reverse()]) {
      const devices = single(tcp, order, neigh);
      expect(devices.map((d) => [d.ip, d.addresses, d.mac])).toEqual([['10.40.0.1', undefined, 'c0:56:e3:00:00:00'], ['10.40.1.1', undefined, 'c0:56:e3:00:00:01']]);
      expect(devices[0].notes).toEqual([`shares endpoint urn:uuid:shared-0000 with ${devices[1].device_id} (10.40.1.1): its MAC differs, so it is another device`]);
    }
  });
});

describe('merge of shard reports = one scan (generated networks)', () => {
  const dev = fc.record({
    ips: fc.integer({ min: 1, max: 2 }), payloadMac: fc.boolean(), arpMac: fc.boolean(), serial: fc.boolean(), endpoint: fc.boolean(),
    protos: fc.subarray(['onvif', 'ssdp', 'sadp']), sharesEndpoint: fc.boolean(),
  });
  it('gives the same devices, ids, notes, sightings and verdicts, whichever shard heard each answer', () => {
    fc.assert(fc.property(fc.array(dev, { minLength: 1, maxLength: 10 }), fc.integer({ min: 2, max: 5 }), fc.array(fc.boolean(), { minLength: 64, maxLength: 64 }), (devs, n, multicast) => {
      const { tcp, disc, neigh } = network(devs);
      // A discovery answer is heard either by multicast (shard 1) or by unicast (the shard of its address).
      disc.forEach((s, i) => { s.multicast = multicast[i % 64]; });
      const strip = (s: Seen & { multicast?: boolean }): Seen => { const { multicast: _m, ...rest } = s; return rest; };
      const one = single(tcp, disc.map(strip), neigh);
      const inputs: ShardInput[] = [];
      for (let part = 1; part <= n; part++) {
        const mine = (a: string) => shardOfInt(ip(a), n) === part - 1;
        inputs.push(shardRun(part, n, tcp.filter((s) => mine(s.ip)), disc.filter((s) => (s.multicast ? part === 1 : mine(s.ip))).map(strip), neigh));
      }
      // The reports in any order.
      const merged = mergeShards([...inputs].reverse(), k, new Date(NOW)).report;
      expect(merged.devices.map(view)).toEqual(one.map(view));
      expect(merged.complete).toBe(true);
    }), { numRuns: 200 });
  });
  it('hosts sharing one endpoint with distinct MACs stay separate devices across shards, each with a note naming the other', () => {
    const devs: Dev[] = Array.from({ length: 4 }, () => ({ ips: 1, payloadMac: false, arpMac: true, serial: false, endpoint: false, protos: ['onvif'], sharesEndpoint: true }));
    const { tcp, disc, neigh } = network(devs);
    const inputs = [1, 2].map((part) => {
      const mine = (a: string) => shardOfInt(ip(a), 2) === part - 1;
      return shardRun(part, 2, tcp.filter((s) => mine(s.ip)), disc.filter((s) => mine(s.ip)), neigh);
    });
    // The split puts some of the four hosts in each part (else this test would show less).
    expect(inputs.map((x) => x.report.devices.length).sort()).not.toContain(0);
    const merged = mergeShards(inputs, k, new Date(NOW)).report.devices;
    expect(merged).toHaveLength(4);
    for (const d of merged) {
      expect(d.notes ?? []).toHaveLength(3);
      for (const other of merged.filter((o) => o !== d)) expect((d.notes ?? []).join('\n')).toContain(`with ${other.device_id} (${other.ip})`);
    }
  });
  it('a device seen by two shards (multicast in shard 1, TCP in its own) is one device with every sighting', () => {
    const { tcp, disc, neigh } = network([{ ips: 2, payloadMac: true, arpMac: false, serial: true, endpoint: true, protos: ['sadp', 'onvif', 'ssdp'], sharesEndpoint: false }]);
    // N = 7 puts its two addresses in different parts (shards 4 and 7), neither of them part 1.
    const n = 7;
    const owner = (a: string) => shardOfInt(ip(a), n) + 1;
    expect(tcp.map((s) => owner(s.ip))).toEqual([4, 7]);
    // Every discovery answer heard by multicast in shard 1, whichever part its address is in.
    const inputs = Array.from({ length: n }, (_, i) => i + 1).map((p) => shardRun(p, n, tcp.filter((s) => owner(s.ip) === p), p === 1 ? disc : [], neigh));
    expect(inputs[0].report.devices).toHaveLength(0);
    expect(inputs[0].report.shard_sightings).toHaveLength(disc.length);
    const merged = mergeShards(inputs, k, new Date(NOW)).report.devices;
    expect(merged).toHaveLength(1);
    expect(merged[0].addresses).toEqual(['10.40.0.1', '10.40.0.2']);
    expect(merged[0].sightings).toHaveLength(tcp.length + disc.length);
    expect(merged[0].seen_by).toEqual(['onvif', 'sadp', 'ssdp', 'tcp']);
  });
});
