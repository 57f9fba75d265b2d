// What a sweep keeps in flight (issue 11, flat memory): one deadline queue for the sweep's connect
// checks instead of a timer per connect, the connection budget, and unicast discovery that gives the
// event loop a turn between bursts. Real sockets on 127.77.170.0/24 (loopback only); the discovery
// test sends its datagrams through a counting socket of its own (nothing leaves the process).
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectDeadlines, connectQueued } from '../src/net/tcp.js';
import { adaptiveLimiter } from '../src/util/limit.js';
import { runSession, UNICAST_BURST, UNICAST_BURST_MS } from '../src/discovery/engine.js';
import type { UdpApi, UdpSocket } from '../src/discovery/types.js';
import { ctx } from './discovery/helpers.js';
import { GROWTH_BYTES, HeapKeeper } from '../src/util/heap.js';

const HOST = '127.77.170.10';
let server: net.Server;
let port = 0;
beforeAll(async () => {
  server = net.createServer((c) => { c.on('error', () => {}); c.end('hello\r\n'); });
  await new Promise<void>((r) => server.listen(0, HOST, () => r()));
  port = (server.address() as net.AddressInfo).port;
});
afterAll(async () => { await new Promise((r) => server.close(r)); });

describe('connect checks under one deadline queue', () => {
  it('open, closed and aborted come back as from connectCheck, and the queue empties', async () => {
    const q = new ConnectDeadlines(() => 2000);
    const ac = new AbortController();
    const [open, closed] = await Promise.all([connectQueued(HOST, port, q), connectQueued(HOST, 1, q)]);
    expect(open.state).toBe('open');
    expect(closed.state).toBe('closed');
    expect(closed.code).toBe('ECONNREFUSED');
    ac.abort();
    expect((await connectQueued(HOST, port, q, ac.signal)).code).toBe('ABORTED');
    // Settled entries are skipped, not kept: once the head passes them the queue is empty.
    await new Promise((r) => setTimeout(r, 150));
    expect(q.size).toBe(0);
  });

  it('a kept connection is handed over paused, with what the peer sent still unread', async () => {
    const q = new ConnectDeadlines(() => 2000);
    const r = await connectQueued(HOST, port, q, undefined, true);
    expect(r.state).toBe('open');
    const kept = r.sock;
    expect(kept).toBeDefined();
    expect((await connectQueued(HOST, port, q)).sock).toBeUndefined();
    const data = await new Promise<string>((resolve) => { kept!.once('data', (d) => resolve(String(d))); kept!.resume(); });
    expect(data).toBe('hello\r\n');
    kept!.destroy();
  });

  it('a handshake that completed while the loop was blocked past the deadline is open, not filtered', async () => {
    const q = new ConnectDeadlines(() => 40);
    const checks = Array.from({ length: 20 }, () => connectQueued(HOST, port, q));
    setImmediate(() => { const until = performance.now() + 300; while (performance.now() < until) { /* busy */ } });
    const r = await Promise.all(checks);
    expect(r.map((x) => x.state)).toEqual(Array(20).fill('open'));
  });

  it('abortAll ends every queued connect at once (ABORTED), and any started after it', async () => {
    const q = new ConnectDeadlines(() => 10_000);
    const held = new Promise<string>((resolve) => { q.add((code) => resolve(code)); });
    q.abortAll();
    expect(await held).toBe('ABORTED');
    expect((await connectQueued(HOST, port, q)).code).toBe('ABORTED');
    expect(q.size).toBe(0);
  });

  it('entries expire in order when their deadline passes, a shrinking limit included; cancelled ones never', async () => {
    let limit = 10_000;
    const q = new ConnectDeadlines(() => limit);
    const fired: number[] = [];
    const entries = [0, 1, 2, 3].map((i) => q.add(() => fired.push(i)));
    q.cancel(entries[2]);
    await new Promise((r) => setTimeout(r, 30));
    expect(fired).toEqual([]);
    limit = 5; // round trips became known: the deadline shrank below the time already waited
    await new Promise((r) => setTimeout(r, 250));
    expect(fired).toEqual([0, 1, 3]);
    expect(q.size).toBe(0);
  });
});

describe('connection budget', () => {
  it('runs at most its limit at once, in FIFO order, and passes results and errors through', async () => {
    const budget = adaptiveLimiter(3);
    let active = 0;
    let most = 0;
    const order: number[] = [];
    const task = (i: number) => budget(async () => {
      active++; most = Math.max(most, active); order.push(i);
      await new Promise((r) => setTimeout(r, 5));
      active--;
      if (i === 4) throw new Error('four');
      return i * 2;
    });
    const r = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => task(i)));
    expect(most).toBe(3);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(r[3]).toEqual({ status: 'fulfilled', value: 6 });
    expect(r[4].status).toBe('rejected');
    expect(budget.active).toBe(0);
    expect(budget.pending).toBe(0);
  });

  it('a task that throws synchronously is a rejection, and its slot is given back', async () => {
    const budget = adaptiveLimiter(1);
    await expect(budget(() => { throw new Error('sync'); })).rejects.toThrow('sync');
    expect(await budget(async () => 'next')).toBe('next');
  });
});

describe('unicast discovery gives the event loop a turn', () => {
  const spin = (us: number) => { const end = performance.now() + us / 1000; while (performance.now() < end) { /* a send's own cost */ } };
  it('sends that complete at once do not run as one long microtask chain', async () => {
    // 2,600 loopback targets, 2,500 of them distinct, whose sends "complete at once" (resolved promises,
    // as a datagram that leaves at once does): count the sends made before the loop's next check phase.
    const targets = Array.from({ length: 2600 }, (_, i) => `127.77.${160 + Math.floor((i % 2500) / 250)}.${1 + (i % 250)}`);
    let sends = 0;
    const sock: UdpSocket = { send: async () => { sends++; }, onMessage: () => {}, close: () => {} } as unknown as UdpSocket;
    const udp: UdpApi = { open: async () => sock } as unknown as UdpApi;
    let beforeTurn = -1;
    const c = ctx({ unicastTargets: [...new Set(targets)], udp, listenMs: 0 });
    const session = runSession(c, 'test', { port: 9, group: '239.255.255.250', ttl: 1, multicast: () => [], unicast: () => [Buffer.from('x')], onMessage: () => {} });
    setImmediate(() => { beforeTurn = sends; });
    await session;
    expect(sends).toBe(2500);
    expect(beforeTurn).toBeGreaterThan(0);
    expect(beforeTurn).toBeLessThanOrEqual(UNICAST_BURST);
  });

  it('a burst ends after UNICAST_BURST_MS of sends, and after UNICAST_BURST sends at the most', async () => {
    // 3,000 targets, each send costing at least 50 us: the loop gets a turn within ~4 ms of sends.
    const targets = Array.from({ length: 3000 }, (_, i) => `127.77.${171 + Math.floor(i / 250)}.${1 + (i % 250)}`);
    let sends = 0;
    const sock: UdpSocket = { send: async () => { spin(50); sends++; }, onMessage: () => {}, close: () => {} } as unknown as UdpSocket;
    const udp: UdpApi = { open: async () => sock } as unknown as UdpApi;
    const turns: number[] = [];
    let last = 0;
    const watch = () => { turns.push(sends - last); last = sends; if (sends < 3000) setImmediate(watch); };
    const session = runSession(ctx({ unicastTargets: targets, udp, listenMs: 0 }), 'test', { port: 9, group: '239.255.255.250', ttl: 1, multicast: () => [], unicast: () => [Buffer.from('x')], onMessage: () => {} });
    setImmediate(watch);
    await session;
    expect(sends).toBe(3000);
    // Every burst: at most as many 50-us sends as fit in the budget (+1: the send that crossed it).
    const most = Math.floor((UNICAST_BURST_MS * 1000) / 50) + 1;
    expect(turns.length).toBeGreaterThan(3000 / most / 2);
    expect(Math.max(...turns)).toBeLessThanOrEqual(Math.min(UNICAST_BURST, most));
    // Cheap sends: the count ends a burst.
    let cheap = 0;
    const quick: UdpSocket = { send: async () => { cheap++; }, onMessage: () => {}, close: () => {} } as unknown as UdpSocket;
    const seen: number[] = [];
    let prev = 0;
    const look = () => { seen.push(cheap - prev); prev = cheap; if (cheap < 3000) setImmediate(look); };
    const s2 = runSession(ctx({ unicastTargets: targets, udp: { open: async () => quick } as unknown as UdpApi, listenMs: 0 }), 'test', { port: 9, group: '239.255.255.250', ttl: 1, multicast: () => [], unicast: () => [Buffer.from('x')], onMessage: () => {} });
    setImmediate(look);
    await s2;
    expect(Math.max(...seen)).toBeLessThanOrEqual(UNICAST_BURST);
    // ...and a turn is not given away every few sends (16 before: each a whole turn of a busy loop).
    expect(Math.max(...seen)).toBeGreaterThan(64);
  });
});

describe('heap keeper', () => {
  it('collects once the heap grew; while what grew stays alive, the margin doubles; garbage brings it back', async () => {
    const k = new HeapKeeper().start();
    try {
      // Grow the heap past the keeper's margin again and again, keeping all of it alive.
      const hold: unknown[][] = [];
      for (let n = 0; n < 30 && k.nextMargin === GROWTH_BYTES; n++) {
        hold.push(Array.from({ length: 60_000 }, (_, i) => ({ i, s: `item ${n} ${i}` })));
        await new Promise((r) => setTimeout(r, 120));
      }
      expect(hold.length).toBeGreaterThan(1);
      expect(k.collections).toBeGreaterThan(1);
      expect(k.nextMargin).toBeGreaterThan(GROWTH_BYTES);
      const before = k.collections;
      // Now garbage: allocated and dropped at once, more than the grown margin.
      for (let n = 0; n < 40 && k.nextMargin > GROWTH_BYTES; n++) {
        let junk: unknown[] | undefined = Array.from({ length: 100_000 }, (_, i) => ({ i, s: `junk ${i}` }));
        expect(junk.length).toBe(100_000);
        junk = undefined;
        await new Promise((r) => setTimeout(r, 120));
      }
      expect(k.collections).toBeGreaterThan(before);
      expect(k.nextMargin).toBe(GROWTH_BYTES);
    } finally { k.stop(); }
  });

  it('poll() collects from synchronous work that holds the loop, also after stop(), and at most once per 5 ms', () => {
    const k = new HeapKeeper().start();
    k.stop();
    // One long synchronous stretch (as forming a large scan's devices at its end): the timer cannot run.
    const t0 = performance.now();
    let polls = 0;
    for (let n = 0; n < 200; n++) {
      let junk: unknown[] | undefined = Array.from({ length: 20_000 }, (_, i) => ({ i, s: `junk ${n} ${i}` }));
      expect(junk.length).toBe(20_000);
      junk = undefined;
      k.poll();
      polls++;
    }
    const ms = performance.now() - t0;
    expect(polls).toBe(200);
    expect(k.collections).toBeGreaterThan(0);
    expect(k.collections).toBeLessThanOrEqual(Math.ceil(ms / 5) + 1);
    // A keeper that never started (no collector asked for) does nothing.
    const idle = new HeapKeeper();
    idle.poll();
    expect(idle.collections).toBe(0);
  });
});
