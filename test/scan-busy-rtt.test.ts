// Round trips the event loop timed itself (issue 11, the mixed /24): a sweep issues hundreds of
// connects in one turn of the loop and reads their answers in one poll phase full of other answers,
// so a handshake that took a fraction of a millisecond was measured at 40-90 ms. Multiplied by 10,
// that held every absent and filtered host of the mixed /24 to ~650 ms instead of the 250 ms floor.
// A connect answered while the loop never waited for I/O is now marked busy, and counts for 2x its
// time in the adaptive deadline (a round trip the loop waited through still counts 10x).
// Real sockets on loopback (127.230.0.0/24, this file's block); no timed assertions: the loop is held
// busy by a synchronous spin, so "never waited" is certain, whatever the machine's speed.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectDeadlines, connectQueued } from '../src/net/tcp.js';
import { adaptiveTimeout } from '../src/scan/scan.js';

const HOST = '127.230.0.10';
let server: net.Server;
let port = 0;
beforeAll(async () => {
  server = net.createServer((s) => { s.destroy(); });
  await new Promise<void>((r) => server.listen({ host: HOST, port: 0 }, r));
  port = (server.address() as net.AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** Hold the loop for `ms` without yielding (a burst of work: no I/O wait can happen meanwhile). */
function spin(ms: number): void { const t = performance.now(); while (performance.now() - t < ms) { /* busy */ } }

describe('connects the loop answered without waiting (busy)', () => {
  it('marks an answer read only after the loop was held busy since the connect, over a real socket', async () => {
    const deadlines = new ConnectDeadlines(() => 5000);
    const p = connectQueued(HOST, port, deadlines);
    // The connect is issued on the next tick; hold the loop from there until well after the handshake.
    await new Promise<void>((r) => process.nextTick(() => { process.nextTick(() => { spin(30); r(); }); }));
    const r = await p;
    expect(r.state).toBe('open');
    expect(r.busy).toBe(true);
  });

  it('marks a refused port read after the same burst busy too (an RST is a round trip sample as well)', async () => {
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen({ host: HOST, port: 0 }, r));
    const cport = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const deadlines = new ConnectDeadlines(() => 5000);
    const p = connectQueued(HOST, cport, deadlines);
    await new Promise<void>((r) => process.nextTick(() => { process.nextTick(() => { spin(30); r(); }); }));
    const r = await p;
    expect(r.state).toBe('closed');
    expect(r.busy).toBe(true);
  });
});

describe('adaptive connect deadline with busy samples', () => {
  it('busy samples count 2x their time, network samples 10x, as measured on the mixed /24 before', () => {
    const busy = adaptiveTimeout(2000);
    const waited = adaptiveTimeout(2000);
    // The mixed /24's first answers, as the loop timed them: 37-94 ms.
    const seen = [37, 40, 43, 46, 52, 60, 73, 94];
    for (const ms of seen) { busy.sample(ms, true); waited.sample(ms); }
    expect(waited.current()).toBe(990); // 10 x 94 + 50: what every absent host waited for
    expect(busy.current()).toBe(250); // 2 x 94 + 50 = 238: the floor
    // A slow link: answers the loop waited for keep the full margin, whatever busy samples came first.
    for (let i = 0; i < 40; i++) busy.sample(150);
    expect(busy.current()).toBe(1550);
    // A slow link timed by a saturated loop: still at least twice what was seen.
    const slowBusy = adaptiveTimeout(5000);
    for (let i = 0; i < 20; i++) slowBusy.sample(400, true);
    expect(slowBusy.current()).toBe(850);
  });

  it('--min-timeout raises the floor (and the start) for a slow link; never above --timeout', () => {
    const t = adaptiveTimeout(3000, 2000);
    expect(t.current()).toBe(2000);
    for (let i = 0; i < 20; i++) t.sample(1, true);
    expect(t.current()).toBe(2000);
    const capped = adaptiveTimeout(500, 2000);
    expect(capped.current()).toBe(500);
    for (let i = 0; i < 20; i++) capped.sample(1);
    expect(capped.current()).toBe(500);
  });
});
