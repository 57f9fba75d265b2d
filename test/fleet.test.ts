// Extra vendor requests across the hosts of one scan (src/probes/fleet.ts), over real sockets on
// loopback (127.77.187.0/24 only): a fleet of devices serving one index page that names no platform is
// asked each vendor path by at most FLEET_CONFIRM of its hosts while the path gives nothing, the budget
// of the others goes to the next paths (so the fleet tries them all), a path that gives something is
// asked of every host, and hosts whose pages differ share nothing.
import { afterAll, describe, expect, it } from 'vitest';
import { httpPaths } from '../src/data/load.js';
import { MAX_EXTRA_PATHS } from '../src/probes/http.js';
import { FLEET_CONFIRM, MAX_KEYS, ScanFleet } from '../src/probes/fleet.js';
import { sweepHosts, type ScanOptions } from '../src/scan/scan.js';
import type { AskOutcome } from '../src/probes/types.js';
import { httpServer, type HttpReply, type HttpRequestSeen, type HttpServer } from './helpers/responders.js';

const NET = '127.77.187';
const closers: Array<() => Promise<void>> = [];
afterAll(async () => { await Promise.all(closers.map((c) => c())); });

const PAGE = '<!DOCTYPE html><html><head><title>Web Client</title></head><body><form><input name="user"><input name="pass" type="password"></form></body></html>';
const page = (body = PAGE): HttpReply => ({ status: 200, headers: { 'Content-Type': 'text/html', Server: 'webserver' }, body });
const none: HttpReply = { status: 404, headers: { 'Content-Type': 'text/html' }, body: '<html><body>Not Found</body></html>' };

async function server(ip: string, reply: (r: HttpRequestSeen) => HttpReply): Promise<HttpServer> {
  const s = await httpServer(ip, 8080, reply, { keepAlive: true });
  closers.push(() => s.close());
  return s;
}
const options: ScanOptions = { ports: [8080], timeoutMs: 2000, hostTimeoutMs: 20000, concurrency: 64, rate: 0, maxBytes: 262144, userAgent: 'camsweep-test', ping: false, httpPaths: httpPaths() };
const extra = (q: HttpRequestSeen) => q.path !== '/' && q.path !== '/favicon.ico';
const vendorPaths = httpPaths().filter((d) => d.hints?.length || d.likely?.length || d.ports?.length || d.makers?.length);

describe('the extra vendor requests of a fleet of one kind of device', () => {
  it('each path is asked of FLEET_CONFIRM hosts at most while it gives nothing; together the hosts try every path, each host fewer', async () => {
    const ips = Array.from({ length: 12 }, (_, i) => `${NET}.${10 + i}`);
    const servers = await Promise.all(ips.map((ip) => server(ip, (q) => (q.path === '/' ? page() : none))));
    const res = await sweepHosts(ips, new Map(), options);
    expect(res.hosts).toHaveLength(ips.length);
    const asked = new Map<string, number>();
    for (const s of servers) for (const q of s.requests.filter(extra)) asked.set(`${q.method} ${q.path}`, (asked.get(`${q.method} ${q.path}`) ?? 0) + 1);
    // Without the fleet: 12 hosts x 4 extra requests, all of them the four most likely paths.
    const total = [...asked.values()].reduce((a, b) => a + b, 0);
    expect(Math.max(...asked.values())).toBeLessThanOrEqual(FLEET_CONFIRM);
    expect(asked.size).toBe(vendorPaths.length);
    expect(total).toBe(FLEET_CONFIRM * vendorPaths.length);
    expect(total).toBeLessThan(ips.length * MAX_EXTRA_PATHS);
    for (const s of servers) expect(s.requests.filter(extra).length).toBeLessThanOrEqual(MAX_EXTRA_PATHS);
    // Every host still got its index and favicon.
    for (const s of servers) expect(s.requests.filter((q) => !extra(q)).map((q) => q.path)).toEqual(['/', '/favicon.ico']);
  });

  it('a path that gives something is asked of every host serving the page (the answer is per device)', async () => {
    const ips = Array.from({ length: 6 }, (_, i) => `${NET}.${40 + i}`);
    const info = (ip: string) => `<?xml version="1.0" encoding="UTF-8"?>\n<DeviceInfo xmlns="http://www.hikvision.com/ver20/XMLSchema"><deviceName>cam ${ip}</deviceName><model>DS-2CD2143G2-I</model><serialNumber>DS-2CD2143G2-I20230101AAWR${ip.split('.')[3]}</serialNumber></DeviceInfo>`;
    const servers = await Promise.all(ips.map((ip) => server(ip, (q) => (q.path === '/' ? page() : q.path === '/ISAPI/System/deviceInfo' ? { status: 200, headers: { 'Content-Type': 'application/xml' }, body: info(ip) } : none))));
    const res = await sweepHosts(ips, new Map(), options);
    for (const s of servers) expect(s.requests.filter((q) => q.path === '/ISAPI/System/deviceInfo')).toHaveLength(1);
    for (const h of res.hosts) expect(h.record.http?.some((o) => o.path === '/ISAPI/System/deviceInfo' && o.body?.includes(h.record.ip))).toBe(true);
  });

  it('hosts whose index pages differ share nothing: each gets its own extra requests', async () => {
    const ips = Array.from({ length: 4 }, (_, i) => `${NET}.${60 + i}`);
    const servers = await Promise.all(ips.map((ip) => server(ip, (q) => (q.path === '/' ? page(PAGE.replace('Web Client', `Web Client ${ip}`)) : none))));
    await sweepHosts(ips, new Map(), options);
    for (const s of servers) expect(s.requests.filter(extra)).toHaveLength(MAX_EXTRA_PATHS);
  });
});

describe('ScanFleet (the memo itself)', () => {
  const outcome = (kind: AskOutcome['kind']) => Promise.resolve({ kind } as AskOutcome);
  const claimOf = (f: ScanFleet, k: string) => { const l = f.look(k); if (l.kind !== 'ask') throw new Error(`expected ask, got ${l.kind}`); return l.claim; };
  it('counts an ask as in flight from the look: a third host is told busy, and the settled outcome once two found nothing', async () => {
    const f = new ScanFleet();
    const a = claimOf(f, 'k');
    const b = claimOf(f, 'k');
    const third = f.look('k');
    expect(third.kind).toBe('busy');
    a.settle(outcome('nothing'));
    b.settle(outcome('nothing'));
    expect(third.kind === 'busy' && await third.settled).toBe('nothing');
    expect(f.look('k').kind).toBe('empty');
  });
  it('busy settles as kept when one of the asks gave something, unknown when they failed', async () => {
    const f = new ScanFleet();
    const a = claimOf(f, 'k'); const b = claimOf(f, 'k');
    const l = f.look('k');
    a.settle(outcome('kept')); b.settle(outcome('nothing'));
    expect(l.kind === 'busy' && await l.settled).toBe('kept');
    const g = new ScanFleet();
    const c = claimOf(g, 'j'); const d = claimOf(g, 'j');
    const m = g.look('j');
    c.settle(outcome('failed')); d.cancel();
    expect(m.kind === 'busy' && await m.settled).toBe('unknown');
    expect(g.look('j').kind).toBe('ask');
  });
  it('a path kept once is asked always', async () => {
    const f = new ScanFleet();
    claimOf(f, 'k').settle(outcome('nothing'));
    claimOf(f, 'k').settle(outcome('kept'));
    await new Promise((r) => setTimeout(r, 0));
    claimOf(f, 'k').settle(outcome('nothing'));
    await new Promise((r) => setTimeout(r, 0));
    expect(f.look('k').kind).toBe('ask');
  });
  it('is bounded: past MAX_KEYS pairs every host asks as if alone', async () => {
    const f = new ScanFleet();
    for (let i = 0; i < MAX_KEYS; i++) claimOf(f, `k${i}`).settle(outcome('nothing'));
    for (let n = 0; n < FLEET_CONFIRM + 2; n++) claimOf(f, 'late').settle(outcome('nothing'));
    await new Promise((r) => setTimeout(r, 0));
    expect(f.look('late').kind).toBe('ask');
  });
});
