// Hostile devices over real TCP sockets on loopback: dripping, flooding, silent, garbage and
// terminal-escaping servers. A scan must finish within its deadlines, keep only bounded bytes, never
// crash, and never let a control character reach the report or the terminal.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import type { ScanReport } from '../src/model/types.js';

const BASE = '127.77.40';
const servers: net.Server[] = [];
const sockets = new Set<net.Socket>();

function serve(ip: string, port: number, onConn: (s: net.Socket) => void): Promise<void> {
  const srv = net.createServer((s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); s.on('error', () => {}); onConn(s); });
  servers.push(srv);
  return new Promise((resolve, reject) => { srv.once('error', reject); srv.listen(port, ip, () => resolve()); });
}

beforeAll(async () => {
  // .10 drips one byte every 100 ms, forever.
  await serve(`${BASE}.10`, 8080, (s) => { s.write('HTTP/1.1 200 OK\r\nServer: drip\r\n'); const t = setInterval(() => { if (!s.destroyed) s.write('x'); }, 100); s.on('close', () => clearInterval(t)); });
  // .11 floods: a 20 MB body behind a valid header.
  await serve(`${BASE}.11`, 8080, (s) => { s.once('data', () => { s.write('HTTP/1.1 200 OK\r\nContent-Length: 20000000\r\n\r\n'); const chunk = Buffer.alloc(65536, 0x41); const pump = () => { while (!s.destroyed && s.write(chunk)); }; s.on('drain', pump); pump(); }); });
  // .12 accepts and never answers.
  await serve(`${BASE}.12`, 8080, () => {});
  // .13 answers with random garbage, then closes.
  await serve(`${BASE}.13`, 8080, (s) => { s.once('data', () => s.end(Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) & 255)))); });
  // .14 tries to take over the terminal from its headers, title and RTSP banner.
  const evil = '\u001b]0;owned\u0007\u001b[2J\u001b[31m';
  await serve(`${BASE}.14`, 8080, (s) => { s.once('data', () => s.end(`HTTP/1.1 401 Unauthorized\r\nServer: App-webs/${evil}\r\nWWW-Authenticate: Digest realm="IP Camera(C2183)${evil}", nonce="1"\r\nContent-Type: text/html\r\nContent-Length: 60\r\n\r\n<title>\u009b31mPwned\r\n${evil}</title>` + ' '.repeat(10))); });
  await serve(`${BASE}.14`, 8554, (s) => { s.once('data', () => s.end(`RTSP/1.0 401 Unauthorized\r\nCSeq: 1\r\nServer: Dahua Rtsp Server${evil}\r\n` + `X-Long: ${'y'.repeat(100000)}\r\n\r\n`)); });
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(() => r(undefined)))));
});

describe('hostile TCP devices', () => {
  it('the scan finishes within its deadlines with bounded, sanitised results', async () => {
    const t0 = Date.now();
    const r = await runCli(['scan', `${BASE}.10-14`, '-p', '8080,8554', '--protocols', 'tcp', '-t', '1000', '--host-timeout', '8000', '--max-bytes', '65536', '-f', 'json', '--fail-on', 'never'], { timeoutMs: 60000 });
    const elapsed = Date.now() - t0;
    expect(r.code, r.stderr).toBe(0);
    // Bounded by --host-timeout (8 s) plus start-up, whatever the devices do.
    expect(elapsed).toBeLessThan(20000);
    expect(r.stdout).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/);
    expect(r.stdout).not.toMatch(/\\u001b|\\u0007|\\u009b/);
    const rep = JSON.parse(r.stdout) as ScanReport;
    const byIp = new Map(rep.devices.map((d) => [d.ip, d]));
    for (const d of rep.devices) for (const h of d.observations.http ?? []) expect((h.body ?? '').length).toBeLessThanOrEqual(16384);
    const evil = byIp.get(`${BASE}.14`)!;
    expect(evil.identification.maker).toBe('hikvision');
    expect(evil.observations.http?.[0]?.headers?.server).toBe('App-webs/'); // escape sequences removed whole
    const rtsp = evil.observations.rtsp?.[0];
    expect(rtsp?.headers?.server).toMatch(/^Dahua Rtsp Server/);
    expect(String(rtsp?.headers?.['x-long'] ?? '').length).toBeLessThanOrEqual(2049);
    // The silent and dripping hosts are reported with their timeouts, not hung on.
    for (const ip of [`${BASE}.10`, `${BASE}.12`]) {
      const d = byIp.get(ip)!;
      expect(d.open_ports).toContain(8080);
      expect(d.errors.map((e) => e.code).join(' ')).toMatch(/ETIMEDOUT|HOST_TIMEOUT|TRUNCATED_TIMEOUT/);
    }
  });
  it('the table renderer prints nothing a terminal would interpret', async () => {
    const r = await runCli(['scan', `${BASE}.14`, '-p', '8080,8554', '--protocols', 'tcp', '-t', '1000', '-f', 'table', '--fail-on', 'never']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/);
    expect(r.stdout).toMatch(/Hikvision/);
  });
});

describe('truncation is reported', () => {
  it('a flood is cut at --max-bytes and says so', async () => {
    const r = await runCli(['scan', `${BASE}.11`, '-p', '8080', '--protocols', 'tcp', '-t', '2000', '--max-bytes', '65536', '-f', 'json', '--fail-on', 'never']);
    const d = (JSON.parse(r.stdout) as ScanReport).devices[0];
    expect(d.errors.some((e) => e.code === 'TRUNCATED_CAP')).toBe(true);
  });
});
