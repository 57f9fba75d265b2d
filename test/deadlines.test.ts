// Deadlines that hold (issue 7, issue 13): per-host deadlines under forced garbage collection, mDNS decode
// budgets against compression-pointer chains, discovery's hard stop, a constant number of abort
// listeners whatever the number of unicast targets, and connect verdicts that survive a busy event loop.
// Real sockets on 127.77.60.0/22 (loopback only).
import dgram from 'node:dgram';
import { getEventListeners } from 'node:events';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectCheck } from '../src/net/tcp.js';
import { createUdpApi } from '../src/net/udp.js';
import { DNS_BUDGET, parseMdns, withinDecodeBudget } from '../src/protocols/mdns.js';
import { mdns } from '../src/discovery/mdns.js';
import { sadp } from '../src/discovery/sadp.js';
import { runSession, UnicastSlots } from '../src/discovery/engine.js';
import { discoveryHardStopMs, executePlan, planScan, runDiscovery, type ScanOptions } from '../src/scan/scan.js';
import { Scope } from '../src/util/deadline.js';
import { LoopHealth } from '../src/util/loop.js';
import type { DiscoveryModule, UdpApi } from '../src/discovery/types.js';
import type { ScanReport } from '../src/model/types.js';
import { runCli } from './helpers/cli.js';
import { ctx, run } from './discovery/helpers.js';

const GC = fileURLToPath(new URL('./helpers/gc-hammer.mjs', import.meta.url));
const servers: net.Server[] = [];
const conns = new Set<net.Socket>();

beforeAll(async () => {
  // A slow-body server: a valid header promising a megabyte, then one byte every 200 ms.
  const s = net.createServer((c) => {
    conns.add(c); c.on('close', () => conns.delete(c)); c.on('error', () => {});
    c.once('data', () => {
      c.write('HTTP/1.1 200 OK\r\nServer: slowbody\r\nContent-Type: text/html\r\nContent-Length: 1000000\r\n\r\n<html>');
      const t = setInterval(() => { if (!c.destroyed) c.write('x'); }, 200);
      c.on('close', () => clearInterval(t));
    });
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(8080, '127.77.60.10', () => r()));
});
afterAll(async () => {
  for (const c of conns) c.destroy();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

describe('per-host deadline under forced garbage collection', () => {
  it('a slow-body host ends within --host-timeout, with a full GC every 5 ms (node --expose-gc)', async () => {
    const hostTimeout = 2500;
    const r = await runCli(['scan', '127.77.60.10', '-p', '8080', '--protocols', 'tcp', '-t', '60000', '--host-timeout', String(hostTimeout), '-f', 'json', '--fail-on', 'never'],
      { nodeArgs: ['--expose-gc', '--import', GC], timeoutMs: 90000 });
    expect(r.code, r.stderr).toBe(0);
    const d = (JSON.parse(r.stdout) as ScanReport).devices[0]!;
    expect(d.errors.map((e) => e.code)).toContain('HOST_TIMEOUT');
    // Start-up and the report take well under 5 s; the 60 s connection deadline never gets a say.
    expect(r.ms).toBeLessThan(hostTimeout + 5000);
  });

  it('a Scope deadline fires while its only owner is the timer, under forced GC', async () => {
    const { spawnSync } = await import('node:child_process');
    const script = `import { Scope } from ${JSON.stringify(new URL('../dist/util/deadline.js', import.meta.url).href)};
      const t0 = Date.now(); let fired = 0;
      for (let i = 0; i < 200; i++) { const s = new Scope(undefined, 300); s.signal.addEventListener('abort', () => { fired++; }); }
      const done = () => { console.log(JSON.stringify({ fired, ms: Date.now() - t0 })); };
      setTimeout(done, 1500);`;
    const r = spawnSync(process.execPath, ['--expose-gc', '--import', GC, '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20000 });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).fired).toBe(200);
  });
});

/** A datagram whose records all name the end of a 16 KB compression-pointer chain. */
function pointerChain(size = 65000): Buffer {
  const b = Buffer.alloc(size);
  b.writeUInt16BE(0x8400, 2);
  let o = 12;
  const L = Math.min(16336, Math.floor((size - 12) / 2)) & ~1;
  b[o++] = 0; b.writeUInt16BE(10, o); o += 2; b.writeUInt16BE(1, o); o += 2; o += 4; b.writeUInt16BE(L, o); o += 2;
  const rd = o;
  for (let p = rd + 2; p + 1 < rd + L; p += 2) b.writeUInt16BE(0xc000 | (p - 2), p);
  const deepest = rd + L - 2;
  o = rd + L;
  let n = 1;
  while (o + 12 <= size) { b.writeUInt16BE(0xc000 | deepest, o); b.writeUInt16BE(10, o + 2); b.writeUInt16BE(1, o + 4); o += 12; n++; }
  b.writeUInt16BE(n, 6);
  return b.subarray(0, o);
}

describe('mDNS decode budget', () => {
  it('a pointer-chain datagram is refused before decoding; legitimate compression is accepted', () => {
    const evil = pointerChain();
    expect(withinDecodeBudget(evil)).toBe(false);
    expect(parseMdns(evil)).toBeNull();
    // A chain within the per-name hop budget is fine.
    const ok = Buffer.from([0, 1, 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0, 4, 0x5f, 0x66, 0x6f, 0x6f, 5, 0x6c, 0x6f, 0x63, 0x61, 0x6c, 0, 0, 12, 0, 1, 0, 0, 0, 10, 0, 2, 0xc0, 12]);
    expect(withinDecodeBudget(ok)).toBe(true);
    expect(parseMdns(ok)).not.toBeNull();
  });

  it('property: any datagram is decided within the step budget, never throws', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 0, maxLength: 2048 }), (bytes) => {
      const b = Buffer.from(bytes);
      const verdict = withinDecodeBudget(b);
      const parsed = parseMdns(b);
      if (!verdict) expect(parsed).toBeNull();
    }), { numRuns: 2000 });
    // Pointer chains of every length up to the datagram limit: refused or accepted, and cheap either way.
    fc.assert(fc.property(fc.integer({ min: 100, max: 65000 }), (n) => { withinDecodeBudget(pointerChain(n)); }), { numRuns: 50 });
    expect(DNS_BUDGET.hopsPerName).toBeLessThanOrEqual(32);
  });

  it('twenty pointer-chain replies leave the mDNS session within its window', async () => {
    const addr = '127.77.60.20';
    const s = dgram.createSocket({ type: 'udp4', reuseAddr: true });
    s.on('error', () => {});
    const evil = pointerChain();
    s.on('message', (_m, r) => { for (let i = 0; i < 20; i++) s.send(evil, r.port, r.address); });
    await new Promise<void>((res) => s.bind(5353, addr, () => res()));
    try {
      const listenMs = 1000;
      const t0 = performance.now();
      const out = await run(mdns, ctx({ unicastTargets: [addr], listenMs }));
      const ms = performance.now() - t0;
      expect(out).toEqual([]);
      expect(ms).toBeLessThan(listenMs + 1500);
    } finally { s.close(); }
  });
});

describe('discovery hard stop', () => {
  const options: ScanOptions = { ports: [80], timeoutMs: 100, hostTimeoutMs: 1000, concurrency: 4, rate: 0, maxBytes: 65536, userAgent: 't' };
  it('holds against a module that never ends: the scan moves on and says so', async () => {
    const stuck: DiscoveryModule = { name: 'onvif', description: '', run: () => new Promise(() => {}) };
    const plan = planScan({ hosts: ['127.77.60.30'], explicitTargets: true, protocols: ['onvif'], interfaces: [], interfaceNamed: false, passive: false, listenMs: 200, options });
    const udp: UdpApi = createUdpApi();
    const t0 = performance.now();
    const r = await runDiscovery(plan, { modules: { onvif: stuck }, udp, http: { fetch: async () => ({ error: 'x' }) } });
    const ms = performance.now() - t0;
    expect(ms).toBeGreaterThanOrEqual(discoveryHardStopMs(plan) - 50);
    expect(ms).toBeLessThan(discoveryHardStopMs(plan) + 3000);
    expect(r.errors.join(' ')).toMatch(/onvif: did not stop at the hard stop/);
  });
  it('a sighting emitted after the hard stop is not kept', async () => {
    let late: ((s: never) => void) | undefined;
    const mod: DiscoveryModule = { name: 'sadp', description: '', run: (_c, emit) => { late = emit as never; return new Promise(() => {}); } };
    const plan = planScan({ hosts: ['127.77.60.31'], explicitTargets: true, protocols: ['sadp'], interfaces: [], interfaceNamed: false, passive: false, listenMs: 50, options });
    const r = await runDiscovery(plan, { modules: { sadp: mod }, udp: createUdpApi(), http: { fetch: async () => ({ error: 'x' }) } });
    late!({ protocol: 'sadp', ip: '127.77.60.31', record: {}, at: '' } as never);
    expect(r.sightings).toEqual([]);
  });
});

describe('unicast pacing (issue 13)', () => {
  const targets = (n: number) => Array.from({ length: n }, (_, i) => `127.77.${61 + (i >> 8)}.${i & 255}`).filter((ip) => !ip.endsWith('.0'));

  async function maxListeners(n: number): Promise<{ max: number; warnings: string[] }> {
    const ac = new AbortController();
    const warnings: string[] = [];
    const onWarn = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarn);
    let max = 0;
    const t = setInterval(() => { max = Math.max(max, getEventListeners(ac.signal, 'abort').length); }, 1);
    try {
      await run(sadp, ctx({ unicastTargets: targets(n), signal: ac.signal, listenMs: 50 }));
    } finally { clearInterval(t); process.off('warning', onWarn); }
    return { max, warnings };
  }

  it('the number of abort listeners on the session signal does not grow with the number of targets', async () => {
    const few = await maxListeners(50);
    const many = await maxListeners(1000);
    expect(many.max).toBeLessThanOrEqual(Math.max(few.max, 3));
    expect(many.warnings.filter((w) => /MaxListeners/.test(w))).toEqual([]);
  });

  it('a send slot is given back on completion or after its wait, whichever comes first', async () => {
    const slots = new UnicastSlots(2, 100);
    const ac = new AbortController();
    slots.hold(new Promise(() => {})); // never completes
    slots.hold(Promise.resolve());
    await new Promise((r) => setImmediate(r));
    expect(slots.inFlight).toBe(1);
    slots.hold(new Promise(() => {}));
    const t0 = performance.now();
    await slots.free(ac.signal); // both held slots are stuck: wait for the first to age out
    expect(performance.now() - t0).toBeGreaterThanOrEqual(50);
    await slots.drain(ac.signal);
    expect(slots.inFlight).toBe(0);
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
  });
});

describe('event-loop health', () => {
  it('a connect whose handshake completed while the loop was blocked is open, not filtered', async () => {
    const s = net.createServer((c) => { c.on('error', () => {}); c.end(); });
    await new Promise<void>((r) => s.listen(8081, '127.77.60.40', () => r()));
    try {
      const checks = Array.from({ length: 20 }, () => connectCheck('127.77.60.40', 8081, 40));
      // Block the loop for longer than the deadline, after the connects were issued.
      setImmediate(() => { const until = performance.now() + 300; while (performance.now() < until) { /* busy */ } });
      const r = await Promise.all(checks);
      expect(r.map((x) => x.state)).toEqual(Array(20).fill('open'));
    } finally { await new Promise((r) => s.close(r)); }
  });

  it('LoopHealth reports a lag spell, then recovers', async () => {
    const h = new LoopHealth().start();
    try {
      await new Promise((r) => setTimeout(r, 250));
      expect(h.lagging()).toBe(false);
      const until = performance.now() + 200; while (performance.now() < until) { /* busy */ }
      expect(h.lagging()).toBe(true);
      await new Promise((r) => setTimeout(r, 700));
      expect(h.lagging()).toBe(false);
    } finally { h.stop(); }
  });

  it('scopes: children abort with the parent, dispose detaches, and no listener is added to the parent', () => {
    const root = Scope.linked(undefined);
    const kids = Array.from({ length: 1000 }, () => root.child(60000));
    expect(getEventListeners(root.signal, 'abort')).toHaveLength(0);
    expect(root.children).toBe(1000);
    for (const k of kids.slice(0, 500)) k.dispose();
    expect(root.children).toBe(500);
    root.abort();
    expect(kids.slice(500).every((k) => k.aborted)).toBe(true);
    expect(kids.slice(0, 500).some((k) => k.aborted)).toBe(false);
  });
});

void executePlan;
void runSession;
