// The sweep hands an open port's connection to its first probe (issue 11, dense networks): the connect
// check's connection carries the first request, plain or TLS, so a port costs one connection, not two;
// a connection the peer dropped while it waited is replaced and the request still gets its answer (and
// is not taken for a TLS server that closed on a plain request), while a port that closes in answer to
// the request is asked once, with no TLS after it; a port no probe speaks is closed at once. Real sockets
// on 127.77.142.0/24 and 127.203.0.0/24 only, the servers count the connections they accept.
import net from 'node:net';
import tls from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { sweepHosts, type ScanOptions } from '../src/scan/scan.js';
import { httpPaths } from '../src/data/load.js';
import { MAX_EXTRA_PATHS, planPaths } from '../src/probes/http.js';
import { labCertificate } from '../src/lab/x509.js';
import { httpServer } from './helpers/responders.js';

const NET = '127.77.142';
const closers: Array<() => Promise<void>> = [];
afterAll(async () => { await Promise.all(closers.map((c) => c())); });

const PAGE = '<!DOCTYPE html><html><head><title>Handoff</title></head><body>login</body></html>';
const reply = (r: { path: string }) => (r.path === '/' ? { status: 200, headers: { 'Content-Type': 'text/html' }, body: PAGE } : { status: 404, body: 'no' });
const options = (ports: number[], o: Partial<ScanOptions> = {}): ScanOptions => ({
  ports, timeoutMs: 3000, hostTimeoutMs: 20_000, concurrency: 16, rate: 0, maxBytes: 65536, userAgent: 'camsweep-test', ping: false, httpPaths: httpPaths(), ...o,
});

/** A server that counts connections and the first bytes of each; `onConn` decides what it does. */
async function counting(ip: string, port: number, make: (onConn: (s: net.Socket) => void) => net.Server, onConn: (s: net.Socket, n: number) => void) {
  const st = { connections: 0, firstBytes: [] as Buffer[] };
  const socks = new Set<net.Socket>();
  const srv = make((s) => {
    socks.add(s);
    s.on('error', () => {});
    s.on('close', () => socks.delete(s));
    onConn(s, st.connections);
  });
  // TCP connections as accepted (for a TLS server, before and whether or not a handshake follows).
  srv.prependListener('connection', (raw: net.Socket) => { st.connections++; socks.add(raw); raw.on('error', () => {}); raw.once('data', (d) => st.firstBytes.push(d)); });
  await new Promise<void>((r) => srv.listen(port, ip, () => r()));
  closers.push(() => new Promise((r) => { for (const s of socks) s.destroy(); srv.close(() => r()); }));
  return st;
}

/** Minimal keep-alive HTTP over `s`: every request gets `reply`. */
function serveHttp(s: net.Socket): void {
  let buf = '';
  s.on('data', (d) => {
    buf += d.toString('latin1');
    for (let end = buf.indexOf('\r\n\r\n'); end >= 0; end = buf.indexOf('\r\n\r\n')) {
      const head = buf.slice(0, end);
      const len = Number(/content-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
      if (buf.length < end + 4 + len) return;
      buf = buf.slice(end + 4 + len);
      const r = reply({ path: head.split(' ')[1] ?? '/' });
      s.write(`HTTP/1.1 ${r.status} X\r\nContent-Type: ${r.headers?.['Content-Type'] ?? 'text/plain'}\r\nContent-Length: ${Buffer.byteLength(r.body)}\r\nConnection: keep-alive\r\n\r\n${r.body}`);
    }
  });
}

describe('connect check -> first probe: one connection per port', () => {
  it('plain HTTP: the check\'s connection carries the index and every follow-up request', async () => {
    const srv = await httpServer(`${NET}.10`, 8080, reply, { keepAlive: true });
    closers.push(() => srv.close());
    const r = await sweepHosts([`${NET}.10`], new Map(), options([8080]));
    expect(r.hosts).toHaveLength(1);
    expect(r.hosts[0].record.http?.[0]?.title).toBe('Handoff');
    // The index, then what the path plan asks of an HTML page that names no platform: the favicon and
    // the likeliest vendor paths up to the host's cap of extra requests (every one answered with the
    // index page again, so none counts as an answer and the cap is reached).
    const plan = planPaths(httpPaths(), [r.hosts[0].record.http![0]], [8080]);
    const want = ['/', ...plan.always.map((p) => p.path), ...plan.extra.slice(0, MAX_EXTRA_PATHS).map((p) => p.path)];
    expect(want.length).toBeGreaterThan(2);
    expect(srv.requests.map((q) => q.path)).toEqual(want);
    expect(srv.connections).toBe(1);
  });

  it('TLS: the handshake runs over the check\'s connection', async () => {
    const { cert, key } = labCertificate('axis');
    const st = await counting(`${NET}.11`, 8443, (on) => tls.createServer({ cert, key }, on), (s) => serveHttp(s));
    const r = await sweepHosts([`${NET}.11`], new Map(), options([8443]));
    const rec = r.hosts[0].record;
    expect(rec.http?.[0]?.title).toBe('Handoff');
    expect(rec.http?.[0]?.tls).toBe(true);
    expect(rec.tls?.[0]?.subject).toBeTruthy();
    expect(st.connections).toBe(1);
  });

  it('a connection the peer dropped while it waited is replaced: the index is still read, and no TLS is tried', async () => {
    // The first connection (the check's) is closed by the server as soon as it is accepted.
    const st = await counting(`${NET}.12`, 8080, (on) => net.createServer(on), (s, n) => { if (n === 1) s.destroy(); else serveHttp(s); });
    const r = await sweepHosts([`${NET}.12`], new Map(), options([8080]));
    expect(r.hosts[0].record.http?.[0]?.title).toBe('Handoff');
    expect(st.firstBytes.some((b) => b[0] === 0x16)).toBe(false);
    expect(st.connections).toBe(2);
  });

  it('a binary port that closes in answer to the request (Hikvision\'s 8000): the check\'s connection only, asked once, no TLS', async () => {
    // Reads what the client sent, then closes cleanly (127.203.0.0/24: this test's block).
    const st = await counting('127.203.0.10', 8000, (on) => net.createServer(on), (s) => { s.once('data', () => s.end()); });
    const r = await sweepHosts(['127.203.0.10'], new Map(), options([8000]));
    expect(r.hosts[0].record.open_ports).toEqual([8000]);
    expect(r.hosts[0].record.http).toBeUndefined();
    expect(st.connections).toBe(1);
    expect(st.firstBytes.map((b) => b.subarray(0, 4).toString('latin1'))).toEqual(['GET ']);
  });

  it('a TLS-first port that speaks plain HTTP: the failed handshake over the check\'s connection is not tried again, plain follows', async () => {
    // As many HTTP servers do, a ClientHello gets a 400 and the connection closes.
    const st = await counting(`${NET}.14`, 8443, (on) => net.createServer(on), (s) => {
      s.once('data', (d) => {
        if (d[0] === 0x16) { s.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'); return; }
        s.unshift(d);
        serveHttp(s);
      });
    });
    const r = await sweepHosts([`${NET}.14`], new Map(), options([8443]));
    const idx = r.hosts[0].record.http?.[0];
    expect(idx?.title).toBe('Handoff');
    expect(idx?.tls).toBe(false);
    expect(st.firstBytes.filter((b) => b[0] === 0x16)).toHaveLength(1); // one ClientHello, on the check's connection
    expect(st.connections).toBe(2);
  });

  it('a port no probe speaks gets the connect check only, closed at once', async () => {
    const st = await counting(`${NET}.13`, 37777, (on) => net.createServer(on), () => {});
    const r = await sweepHosts([`${NET}.13`], new Map(), options([37777]));
    expect(r.hosts[0].record.open_ports).toEqual([37777]);
    expect(st.connections).toBe(1);
    // Closed by the scanner (not left for the host's deadline): the server sees the end.
    await new Promise((res) => setTimeout(res, 50));
    expect(st.firstBytes).toEqual([]);
  });
});
