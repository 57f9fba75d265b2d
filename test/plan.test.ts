import { describe, expect, it } from 'vitest';
import { describePlan, inCidr, PlanError, planScan, type ScanOptions } from '../src/scan/scan.js';
import type { NetIface } from '../src/discovery/types.js';

const options: ScanOptions = { ports: [80], timeoutMs: 1000, hostTimeoutMs: 5000, concurrency: 10, rate: 0, maxBytes: 65536, userAgent: 't' };
const eth0: NetIface = { name: 'eth0', address: '10.213.0.2', netmask: '255.255.255.0', cidr: '10.213.0.0/24', multicast: true };
const eth1: NetIface = { name: 'eth1', address: '10.99.0.2', netmask: '255.255.255.0', cidr: '10.99.0.0/24', multicast: true };
const all = ['onvif', 'ssdp', 'mdns', 'sadp', 'dhip', 'tcp'] as const;

describe('scan plan (pure)', () => {
  it('multicasts only on interfaces that hold a target; loopback targets get unicast only', () => {
    const p = planScan({ hosts: ['10.213.0.7'], explicitTargets: true, protocols: [...all], interfaces: [eth0, eth1], interfaceNamed: false, passive: false, listenMs: 2000, options });
    expect(p.interfaces.map((i) => i.name)).toEqual(['eth0']);
    expect([...p.unicastTargets]).toEqual(['10.213.0.7']);
    const lo = planScan({ hosts: ['127.77.0.10'], explicitTargets: true, protocols: [...all], interfaces: [eth0], interfaceNamed: false, passive: false, listenMs: 2000, options });
    expect(lo.interfaces).toEqual([]);
  });
  it('with no explicit target, multicasts on every chosen interface; answers from outside the local subnets are seen, not probed', () => {
    const p = planScan({ hosts: ['10.213.0.1'], explicitTargets: false, protocols: [...all], interfaces: [eth0, eth1], interfaceNamed: false, passive: false, listenMs: 2000, options });
    expect(p.interfaces).toHaveLength(2);
    expect(p.restrictToTargets).toBe(true);
    expect(p.scope.has('10.213.0.1')).toBe(true);
    expect(p.scope.has('10.213.0.9')).toBe(false);
    // Passive listening without targets keeps everything it hears (nothing is contacted anyway).
    const q = planScan({ hosts: [], explicitTargets: false, protocols: [...all], interfaces: [eth0], interfaceNamed: false, passive: true, listenMs: 2000, options });
    expect(q.restrictToTargets).toBe(false);
  });
  it('fits the connection budget to the file descriptor limit, and refuses to run with almost none', () => {
    const p = planScan({ hosts: ['10.213.0.7'], explicitTargets: true, protocols: [...all], interfaces: [eth0], interfaceNamed: false, passive: false, listenMs: 1, options: { ...options, concurrency: 512 }, fds: { limit: 128, open: 20 } });
    expect(p.options.concurrency).toBeGreaterThanOrEqual(4);
    expect(p.options.concurrency).toBeLessThan(128 - 20);
    expect(p.notes.join(' ')).toMatch(/file descriptor limit 128/);
    const roomy = planScan({ hosts: ['10.213.0.7'], explicitTargets: true, protocols: [...all], interfaces: [eth0], interfaceNamed: false, passive: false, listenMs: 1, options: { ...options, concurrency: 512 }, fds: { limit: 1 << 20, open: 20 } });
    expect(roomy.options.concurrency).toBe(512);
    expect(() => planScan({ hosts: ['10.213.0.7'], explicitTargets: true, protocols: [...all], interfaces: [eth0], interfaceNamed: false, passive: false, listenMs: 1, options, fds: { limit: 64, open: 20 } })).toThrow(PlanError);
  });
  it('passive mode sends nothing: no unicast targets, no TCP sweep', () => {
    const p = planScan({ hosts: ['10.213.0.7'], explicitTargets: true, protocols: [...all], interfaces: [eth0], interfaceNamed: true, passive: true, listenMs: 5000, options });
    expect([...p.unicastTargets]).toEqual([]);
    expect(p.hosts.size).toBe(0);
    expect(p.protocols).not.toContain('tcp');
    expect(describePlan(p).join('\n')).toMatch(/passive: listening only, nothing sent/);
  });
  it('skips unicast discovery past the limit and says so', () => {
    const hosts = Array.from({ length: 300 }, (_, i) => `10.213.${i >> 8}.${i & 255}`);
    const p = planScan({ hosts, explicitTargets: true, protocols: [...all], interfaces: [], interfaceNamed: false, passive: false, listenMs: 1, options, maxUnicast: 100 });
    expect([...p.unicastTargets]).toEqual([]);
    expect(p.notes.join(' ')).toMatch(/unicast discovery skipped/);
  });
  it('tcp-only plans do no discovery', () => {
    const p = planScan({ hosts: ['10.0.0.1'], explicitTargets: true, protocols: ['tcp'], interfaces: [eth0], interfaceNamed: false, passive: false, listenMs: 1, options });
    expect([...p.unicastTargets]).toEqual([]);
    expect(describePlan(p).join('\n')).not.toMatch(/Discovery/);
  });
  it('inCidr', () => {
    expect(inCidr('10.213.0.7', '10.213.0.0/24')).toBe(true);
    expect(inCidr('10.213.1.7', '10.213.0.0/24')).toBe(false);
    expect(inCidr('1.2.3.4', '0.0.0.0/0')).toBe(true);
    expect(inCidr('x', '10.0.0.0/8')).toBe(false);
  });
});

describe('adaptive connect deadline', () => {
  it('starts at --timeout, then follows 10x the p95 round trip within [250 ms, --timeout]', async () => {
    const { adaptiveTimeout } = await import('../src/scan/scan.js');
    const t = adaptiveTimeout(2000);
    expect(t.current()).toBe(1000);
    for (let i = 0; i < 7; i++) t.sample(1);
    expect(t.current()).toBe(1000);
    t.sample(1);
    expect(t.current()).toBe(250);
    for (let i = 0; i < 40; i++) t.sample(120);
    expect(t.current()).toBe(1250);
    for (let i = 0; i < 40; i++) t.sample(900);
    expect(t.current()).toBe(2000);
  });
});

describe('host discovery ports', () => {
  it('prefers the camera ports most often open', async () => {
    const { pickLivenessPorts } = await import('../src/scan/scan.js');
    expect(pickLivenessPorts([80, 443, 554, 8000, 8080, 8443, 8554, 37777])).toEqual([80, 554]);
    expect(pickLivenessPorts([9000, 8443, 22])).toEqual([8443, 9000]);
  });
});

describe('--no-ipv6', () => {
  it('is in the option table and documented', async () => {
    const { OPTIONS } = await import('../src/cli/options.js');
    expect(OPTIONS.find((o) => o.flags === '--no-ipv6')?.commands).toContain('scan');
  });
});
