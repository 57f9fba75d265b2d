// The engine on a dense network (issue 11): one kept connection per port for the HTTP and RTSP probes,
// TLS only where the port speaks it, vendor paths chosen from what the index said, and a scan whose
// event loop was starved reporting itself incomplete (exit 3) instead of passing.
// Real sockets on loopback, 127.77.100.0/24 - 127.77.102.0/24.
import net from 'node:net';
import { spawn, spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { httpProbe, choosePaths, keepsAlive, tryOtherScheme, MAX_EXTRA_PATHS } from '../src/probes/http.js';
import { rtspProbe } from '../src/probes/rtsp.js';
import { connectCheck, exchange, session } from '../src/net/tcp.js';
import { httpPaths } from '../src/data/load.js';
import { parseResponse } from '../src/protocols/response.js';
import { LoopHealth } from '../src/util/loop.js';
import type { HttpObservation, ScanReport } from '../src/model/types.js';
import type { NetApi } from '../src/model/net.js';
import type { ProbeContext } from '../src/probes/types.js';
import { httpServer, type HttpServer } from './helpers/responders.js';
import { BIN, runCli } from './helpers/cli.js';

const closers: Array<() => Promise<void>> = [];
afterAll(async () => { await Promise.all(closers.map((c) => c())); });

const PAGE = '<!DOCTYPE html><html><head><title>Login</title></head><body>login</body></html>';
const ctxFor = (o: Partial<ProbeContext> = {}): ProbeContext => ({
  timeoutMs: 3000, maxBytes: 65536, signal: new AbortController().signal, userAgent: 'camsweep-test',
  net: { exchange, connectCheck, session }, httpPaths: httpPaths(), ...o,
});

async function started(ip: string, port: number, reply: Parameters<typeof httpServer>[2], keepAlive: boolean): Promise<HttpServer> {
  const s = await httpServer(ip, port, reply, { keepAlive });
  closers.push(() => s.close());
  return s;
}

/** A TCP server that counts connections and does what `onData` says with the first bytes. */
async function rawServer(ip: string, port: number, onData: (sock: net.Socket, d: Buffer) => void): Promise<{ connections: number; firstBytes: Buffer[] }> {
  const st = { connections: 0, firstBytes: [] as Buffer[] };
  const socks = new Set<net.Socket>();
  const srv = net.createServer((s) => {
    st.connections++;
    socks.add(s);
    s.on('error', () => {});
    s.on('close', () => socks.delete(s));
    s.once('data', (d) => { st.firstBytes.push(d); onData(s, d); });
  });
  await new Promise<void>((r) => srv.listen(port, ip, () => r()));
  closers.push(() => new Promise((r) => { for (const s of socks) s.destroy(); srv.close(() => r()); }));
  return st;
}

describe('HTTP probe: one kept connection per port', () => {
  it('asks the index, the favicon and the vendor paths over one connection when the server keeps it open', async () => {
    const srv = await started('127.77.100.10', 8080, (r) => (r.path === '/' ? { status: 200, headers: { 'Content-Type': 'text/html' }, body: PAGE } : { status: 404, body: 'no' }), true);
    const r = await httpProbe.run({ ip: '127.77.100.10', port: 8080 }, ctxFor());
    expect(r.record.http?.[0]?.title).toBe('Login');
    // The index named no platform: the favicon, then the most likely vendor paths up to the per-host cap (choosePaths).
    const paths = choosePaths(httpPaths(), r.record.http!.slice(0, 1), [8080]);
    expect(paths.length).toBe(1 + MAX_EXTRA_PATHS);
    expect(srv.requests.map((q) => q.path)).toEqual(['/', ...paths.map((p) => p.path)]);
    expect(srv.connections).toBe(1);
    expect(srv.requests.every((q) => /keep-alive/i.test(q.headers.connection ?? ''))).toBe(true);
  });

  it('opens a new connection per request when the server closes each one (Connection: close)', async () => {
    const srv = await started('127.77.100.11', 8080, (r) => (r.path === '/' ? { status: 200, headers: { 'Content-Type': 'text/html' }, body: PAGE } : { status: 404, body: 'no' }), false);
    const r = await httpProbe.run({ ip: '127.77.100.11', port: 8080 }, ctxFor());
    expect(r.errors).toEqual([]);
    expect(srv.requests.length).toBe(2 + MAX_EXTRA_PATHS);
    expect(srv.connections).toBe(srv.requests.length);
  });

  it('asks only the vendor paths the index hints at, and no favicon after a non-HTML index', async () => {
    const srv = await started('127.77.100.12', 8080, (r) => (r.path === '/' ? { status: 401, headers: { Server: 'App-webs/', 'WWW-Authenticate': 'Digest realm="IP Camera(C2183)"', 'Content-Type': 'application/json' }, body: '{}' } : { status: 404, body: '' }), true);
    await httpProbe.run({ ip: '127.77.100.12', port: 8080 }, ctxFor());
    expect(srv.requests.map((q) => q.path)).toEqual(['/', '/ISAPI/System/deviceInfo']);
    expect(srv.connections).toBe(1);
  });

  it('counts every new connection through the session hook (what --rate is charged for), not every request', async () => {
    const srv = await started('127.77.100.13', 8080, () => ({ status: 200, headers: { 'Content-Type': 'text/html' }, body: PAGE }), true);
    let connects = 0;
    const base: NetApi = { exchange, connectCheck, session };
    const counting: NetApi = { ...base, session: (o) => session({ ...o, beforeConnect: async () => { connects++; } }) };
    const r = await httpProbe.run({ ip: '127.77.100.13', port: 8080 }, ctxFor({ net: counting }));
    // Every vendor path was answered with the index page again: asked, and not kept (it adds nothing).
    expect(srv.requests.length).toBeGreaterThan(1);
    expect(r.record.http?.length).toBe(1);
    expect(connects).toBe(1);
  });

  it('replaces a kept connection the server dropped while idle, and the request still gets its answer', async () => {
    let n = 0;
    const st = await rawServer('127.77.100.14', 8081, (s) => {
      n++;
      // First connection: answer keep-alive, then drop the connection before the next request.
      s.write(`HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok`);
      if (n === 1) setTimeout(() => s.destroy(), 20);
      else s.end();
    });
    const sess = session({ host: '127.77.100.14', port: 8081 });
    const a = await sess.request({ request: 'GET / HTTP/1.1\r\nHost: x\r\n\r\n', timeoutMs: 2000, maxBytes: 4096, isComplete: (b) => b.includes('ok') });
    await new Promise((r) => setTimeout(r, 80));
    const b = await sess.request({ request: 'GET / HTTP/1.1\r\nHost: x\r\n\r\n', timeoutMs: 2000, maxBytes: 4096, isComplete: (b2) => b2.includes('ok') });
    sess.close();
    expect([a.end, b.end]).toEqual(['complete', 'complete']);
    expect(st.connections).toBe(2);
  });
});

describe('HTTP probe: TLS only where the port speaks it', () => {
  it('sends no ClientHello to a plain port that answered with another protocol or stayed silent', async () => {
    const binary = await rawServer('127.77.100.20', 8000, (s) => { s.end(Buffer.from([0x00, 0x00, 0x00, 0x10, 0x01, 0x02])); });
    const silent = await rawServer('127.77.100.21', 8000, () => { /* never answers */ });
    await httpProbe.run({ ip: '127.77.100.20', port: 8000 }, ctxFor());
    await httpProbe.run({ ip: '127.77.100.21', port: 8000 }, ctxFor({ timeoutMs: 300 }));
    for (const st of [binary, silent]) {
      expect(st.connections).toBe(1);
      expect(st.firstBytes.some((b) => b[0] === 0x16)).toBe(false);
    }
  });

  it('tries TLS once on a plain port that reset the connection on the plain request without a byte (as a TLS server may)', async () => {
    // Reads the first bytes only and closes with the rest unread: the kernel answers with a reset.
    const st = await rawServer('127.77.100.22', 8000, (s) => { s.resetAndDestroy(); });
    await httpProbe.run({ ip: '127.77.100.22', port: 8000 }, ctxFor());
    expect(st.connections).toBe(2);
    expect(st.firstBytes[1]?.[0]).toBe(0x16); // a TLS handshake record
  });

  it('no TLS on a plain port that closed cleanly in answer to the plain request (a binary vendor port): one connection', async () => {
    const st = await rawServer('127.202.0.23', 8000, (s) => { s.end(); });
    const r = await httpProbe.run({ ip: '127.202.0.23', port: 8000 }, ctxFor());
    expect(r.record.http).toBeUndefined();
    expect(st.connections).toBe(1);
    expect(st.firstBytes.some((b) => b[0] === 0x16)).toBe(false);
  });

  it('choosing the other scheme: pure rules', () => {
    expect(tryOtherScheme({ timedOut: true }, false)).toBe(false);
    expect(tryOtherScheme({ timedOut: true }, true)).toBe(false);
    expect(tryOtherScheme({ silentClose: true }, false)).toBe(true); // reset without a byte
    expect(tryOtherScheme({ looksTls: true }, false)).toBe(true);
    expect(tryOtherScheme({}, false)).toBe(false); // a binary answer of another protocol
    expect(tryOtherScheme({}, true)).toBe(true); // a TLS port that failed the handshake: plain once
    const o400 = (body: string): HttpObservation => ({ port: 8000, tls: false, path: '/', status: 400, headers: {}, body });
    expect(tryOtherScheme({ obs: o400('The plain HTTP request was sent to HTTPS port') }, false)).toBe(true);
    expect(tryOtherScheme({ obs: o400('Bad Request') }, false)).toBe(false);
  });
});

describe('vendor paths from what the index said (choosePaths)', () => {
  const defs = httpPaths();
  const obs = (o: Partial<HttpObservation>): HttpObservation => ({ port: 80, tls: false, path: '/', status: 200, headers: {}, ...o });
  const ids = (xs: readonly { id: string }[]) => xs.map((x) => x.id);
  it('an HTML index that names no platform gets the favicon and the most likely vendor paths, at most MAX_EXTRA_PATHS', () => {
    const idx = [obs({ headers: { 'content-type': 'text/html' }, body: PAGE, title: 'Login' })];
    expect(ids(choosePaths(defs, idx))).toEqual(['favicon', 'hikvision-isapi-deviceinfo', 'dahua-rpc2-login', 'axis-basicdeviceinfo', 'uniview-lapi-deviceinfo']);
    expect(ids(choosePaths(defs, idx, [554], defs.length)).sort()).toEqual(ids(defs).sort());
  });
  it('a hinted platform narrows the vendor paths to its own', () => {
    const dahua = choosePaths(defs, [obs({ headers: { 'content-type': 'text/html' }, body: '<html><script src="/RPC2_Login"></script></html>' })]);
    expect(ids(dahua)).toEqual(['favicon', 'dahua-rpc2-login', 'dahua-oem-custom-lang']);
    const axis = choosePaths(defs, [obs({ status: 401, headers: { 'www-authenticate': 'Digest realm="AXIS_ACCC8E000000"' } })]);
    expect(ids(axis)).toEqual(['axis-basicdeviceinfo']);
  });
  it('never throws and returns paths of the file, each once, at most MAX_EXTRA_PATHS beyond the favicon, whatever the index held', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), fc.string({ maxLength: 100 }), fc.option(fc.string({ maxLength: 40 })), fc.array(fc.integer({ min: 1, max: 65535 }), { maxLength: 8 }), (body, server, ct, ports) => {
      const r = choosePaths(defs, [obs({ body, headers: { server, ...(ct !== null ? { 'content-type': ct } : {}) } })], ports);
      const order = r.map((d) => defs.indexOf(d));
      expect(order.every((i) => i >= 0)).toBe(true);
      expect(new Set(order).size).toBe(order.length);
      expect(r.filter((d) => d.id !== 'favicon').length).toBeLessThanOrEqual(Math.max(MAX_EXTRA_PATHS, defs.filter((d) => d.hints?.length).length));
    }), { numRuns: 300 });
  });
  it('keep-alive as HTTP says: 1.1 unless close, 1.0 only when asked', () => {
    const p = (s: string) => parseResponse(Buffer.from(s))!;
    expect(keepsAlive(p('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'))).toBe(true);
    expect(keepsAlive(p('HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n'))).toBe(false);
    expect(keepsAlive(p('HTTP/1.0 200 OK\r\n\r\n'))).toBe(false);
    expect(keepsAlive(p('HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\n\r\n'))).toBe(true);
  });
});

describe('RTSP probe: OPTIONS and DESCRIBE over one connection', () => {
  it('sends both requests on one connection to a persistent RTSP server', async () => {
    let conns = 0;
    const methods: string[] = [];
    const srv = net.createServer((s) => {
      conns++;
      s.on('error', () => {});
      let buf = '';
      s.on('data', (d) => {
        buf += d.toString('latin1');
        for (let i = buf.indexOf('\r\n\r\n'); i >= 0; i = buf.indexOf('\r\n\r\n')) {
          const head = buf.slice(0, i);
          buf = buf.slice(i + 4);
          const m = head.split(' ')[0];
          methods.push(m);
          const cseq = /CSeq:\s*(\d+)/i.exec(head)?.[1] ?? '0';
          s.write(m === 'OPTIONS' ? `RTSP/1.0 200 OK\r\nCSeq: ${cseq}\r\nPublic: OPTIONS, DESCRIBE\r\n\r\n` : `RTSP/1.0 401 Unauthorized\r\nCSeq: ${cseq}\r\nWWW-Authenticate: Digest realm="IP Camera(C2183)", nonce="1"\r\n\r\n`);
        }
      });
    });
    await new Promise<void>((r) => srv.listen(554, '127.77.100.30', () => r()));
    closers.push(() => new Promise((r) => srv.close(() => r())));
    const r = await rtspProbe.run({ ip: '127.77.100.30', port: 554 }, ctxFor());
    expect(r.record.rtsp?.map((x) => x.status)).toEqual([200, 401]);
    expect(methods).toEqual(['OPTIONS', 'DESCRIBE']);
    expect(conns).toBe(1);
  });
});

describe('a starved event loop makes the scan incomplete, never a pass', () => {
  it('the loop monitor tells a process that stood still from one that was only busy', async () => {
    const healthy = new LoopHealth().start();
    const h0 = performance.now();
    await new Promise((r) => setTimeout(r, 300));
    expect(healthy.stoodStill(h0, performance.now())).toBeLessThan(200);
    healthy.stop();
    expect(healthy.starvation(500)).toBeUndefined();
    // Busy with its own work: only the lateness the CPU time does not explain counts (on a machine
    // loaded enough that this busy loop itself is not scheduled all along, that part counts).
    const busy = new LoopHealth().start();
    await new Promise((r) => setTimeout(r, 150));
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    while (performance.now() < w0 + 2300) { /* the process's own work */ }
    const c1 = process.cpuUsage(c0);
    const unexplained = performance.now() - w0 - (c1.user + c1.system) / 1000;
    await new Promise((r) => setTimeout(r, 150));
    expect(busy.stoodStill(w0, performance.now())).toBeLessThanOrEqual(Math.max(0, unexplained) + 250);
    busy.stop();
    // Standing still (no CPU: not scheduled, or a blocking call).
    const still = new LoopHealth().start();
    await new Promise((r) => setTimeout(r, 150));
    const s0 = performance.now();
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2300);
    expect(still.stoodStill(s0, performance.now())).toBeGreaterThanOrEqual(2000);
    // One stall longer than the limit and nothing measured can be trusted.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5200);
    await new Promise((r) => setTimeout(r, 150));
    still.stop();
    expect(still.starvation(500)).toMatch(/event loop stalled for \d+ ms at once without using the CPU/);
  }, 30000);

  // A filtered port needs dropped SYNs: a namespace of this test's own (lo only, no route out) whose
  // iptables drops every packet to 127.77.102.10; removed afterwards. Root on Linux only.
  const canNetns = process.platform === 'linux' && process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v ip && command -v iptables'], { stdio: 'ignore' }).status === 0;
  it.skipIf(!canNetns)('a port that timed out while the scanner stood still on every try exits 3 and says so; the same timeout with a healthy loop, or a port found despite the stalls, exits 0', async () => {
    const ns = `cseng${process.pid}`;
    const sh = (...a: string[]) => { const r = spawnSync(a[0], a.slice(1), { encoding: 'utf8' }); if (r.status !== 0) throw new Error(`${a.join(' ')}: ${r.stderr}`); };
    sh('ip', 'netns', 'add', ns);
    try {
      sh('ip', '-n', ns, 'link', 'set', 'lo', 'up');
      sh('ip', 'netns', 'exec', ns, 'iptables', '-A', 'INPUT', '-i', 'lo', '-d', '127.77.102.10', '-j', 'DROP');
      const cli = (args: string[], blockLoop: boolean) => new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const c = spawn('ip', ['netns', 'exec', ns, process.execPath, ...(blockLoop ? ['--import', new URL('./helpers/block-loop.mjs', import.meta.url).pathname] : []), BIN, ...args], {
          env: { ...process.env, NO_COLOR: '1', CAMSWEEP_FORBID_LOCAL_SUBNETS: '1', CAMSWEEP_TEST_BLOCK_MS: '900', CAMSWEEP_TEST_BLOCK_EVERY: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = ''; let stderr = '';
        c.stdout.on('data', (d) => { stdout += d; }); c.stderr.on('data', (d) => { stderr += d; });
        c.on('close', (code) => resolve({ code, stdout, stderr }));
      });
      const args = ['scan', '127.77.102.10', '-p', '8080', '--protocols', 'tcp', '-t', '500', '-f', 'json', '--fail-on', 'never'];
      // A filtered port and a healthy loop: a finished scan that saw everything.
      const healthy = await cli(args, false);
      expect(healthy.code, healthy.stderr).toBe(0);
      expect((JSON.parse(healthy.stdout) as ScanReport).complete).toBe(true);
      // The same port while the scanner stands still through every try: not seen, so not a pass.
      const blind = await cli(args, true);
      expect(blind.code, blind.stderr).toBe(3);
      expect(blind.stderr).toMatch(/timed out while the event loop stood still .*127\.77\.102\.10:8080/);
      const rep = JSON.parse(blind.stdout) as ScanReport;
      expect(rep.complete).toBe(false);
      expect(rep.warnings?.some((w) => /results may be incomplete: 1 connection check/.test(w))).toBe(true);
    } finally {
      spawnSync('ip', ['netns', 'del', ns]);
    }
    // A port that answers is found despite the same stalls (its handshake is read before the deadline).
    await started('127.77.102.11', 8080, () => ({ status: 200, headers: { 'Content-Type': 'text/html' }, body: PAGE }), true);
    const found = await runCli(['scan', '127.77.102.11', '-p', '8080', '--protocols', 'tcp', '-t', '500', '-f', 'json', '--fail-on', 'never'], { nodeArgs: ['--import', new URL('./helpers/block-loop.mjs', import.meta.url).pathname], env: { CAMSWEEP_TEST_BLOCK_MS: '900', CAMSWEEP_TEST_BLOCK_EVERY: '1' } });
    expect(found.code, found.stderr).toBe(0);
    expect((JSON.parse(found.stdout) as ScanReport).devices.map((d) => d.open_ports)).toEqual([[8080]]);
  }, 90000);
});
