// What one host is asked over HTTP (issue 11), over real sockets on loopback (127.91.50.0/24), counted
// at the responders: the HTTP probe runs on Synology DSM's ports 5000/5001, and a host that serves the
// same page on several ports is not asked the favicon and the vendor paths again on each of them.
import { afterAll, describe, expect, it } from 'vitest';
import { httpServer, type HttpServer, type HttpReply, type HttpRequestSeen } from './helpers/responders.js';
import { runCli } from './helpers/cli.js';
import type { ScanReport } from '../src/model/types.js';

const closers: Array<() => Promise<void>> = [];
afterAll(async () => { await Promise.all(closers.map((c) => c())); });
async function http(ip: string, port: number, reply: (r: HttpRequestSeen) => HttpReply): Promise<HttpServer> {
  const s = await httpServer(ip, port, reply, { keepAlive: true });
  closers.push(() => s.close());
  return s;
}
const notFound: HttpReply = { status: 404, headers: { 'Content-Type': 'text/html' }, body: '<html><body>Not Found</body></html>' };
const scan = async (ip: string, ports: number[]) => {
  const r = await runCli(['scan', ip, '-p', ports.join(','), '--protocols', 'tcp', '-f', 'json', '-q']);
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as ScanReport;
};

describe('HTTP ports', () => {
  it('probes a Synology DSM on port 5000 over HTTP and asks its API path', async () => {
    const ip = '127.91.50.1';
    const DSM = '<!DOCTYPE html><html><head><title>Synology DiskStation - nas</title><script src="webman/login.js"></script></head><body></body></html>';
    const s = await http(ip, 5000, (r) => r.path === '/' ? { status: 200, headers: { 'Content-Type': 'text/html' }, body: DSM }
      : r.path.startsWith('/webapi/query.cgi') ? { status: 200, headers: { 'Content-Type': 'application/json' }, body: '{"data":{"SYNO.API.Info":{"maxVersion":1,"minVersion":1,"path":"query.cgi"}},"success":true}' }
        : notFound);
    const rep = await scan(ip, [5000]);
    const paths = s.requests.map((q) => q.path);
    expect(paths).toContain('/');
    expect(paths.some((p) => p.startsWith('/webapi/query.cgi?api=SYNO.API.Info'))).toBe(true);
    const dev = rep.devices.find((d) => d.ip === ip)!;
    expect(dev.observations.http?.some((o) => o.port === 5000 && o.title?.includes('Synology'))).toBe(true);
  });
});

describe('no redundant requests per host', () => {
  const ICON = Buffer.from('00000100010010100000010020006804000016000000', 'hex').toString('latin1');
  const page = (title: string) => `<!DOCTYPE html><html><head><title>${title}</title></head><body><form><input name="user"></form></body></html>`;
  const site = (title: string) => (r: HttpRequestSeen): HttpReply => r.path === '/' ? { status: 200, headers: { 'Content-Type': 'text/html' }, body: page(title) }
    : r.path === '/favicon.ico' ? { status: 200, headers: { 'Content-Type': 'image/x-icon' }, body: ICON } : notFound;
  const counts = (servers: HttpServer[]) => {
    const c = new Map<string, number>();
    for (const q of servers.flatMap((s) => s.requests)) c.set(`${q.method} ${q.path}`, (c.get(`${q.method} ${q.path}`) ?? 0) + 1);
    return c;
  };

  it('the same page on two ports: the favicon and each vendor path are asked once for the host, and both ports carry the favicon hash', async () => {
    const ip = '127.91.50.2';
    const a = await http(ip, 8080, site('Login'));
    const b = await http(ip, 8081, site('Login'));
    const rep = await scan(ip, [8080, 8081]);
    const c = counts([a, b]);
    expect(c.get('GET /')).toBe(2);
    expect(c.get('GET /favicon.ico')).toBe(1);
    const vendor = [...c.entries()].filter(([k]) => k !== 'GET /' && k !== 'GET /favicon.ico');
    expect(vendor.length).toBeGreaterThan(0); // the unnamed page's extra paths were asked ...
    for (const [k, n] of vendor) expect(n, k).toBe(1); // ... each of them once, on one of the two ports
    const idx = rep.devices.find((d) => d.ip === ip)!.observations.http!.filter((o) => o.path === '/');
    expect(idx.map((o) => o.port).sort()).toEqual([8080, 8081]);
    expect(new Set(idx.map((o) => o.favicon_md5)).size).toBe(1);
    expect(idx[0].favicon_md5).toMatch(/^[0-9a-f]{32}$/);
  });

  it('different pages on two ports: each port is asked its own favicon', async () => {
    const ip = '127.91.50.3';
    const a = await http(ip, 8080, site('Camera'));
    const b = await http(ip, 8081, site('Router'));
    await scan(ip, [8080, 8081]);
    expect(counts([a]).get('GET /favicon.ico')).toBe(1);
    expect(counts([b]).get('GET /favicon.ico')).toBe(1);
  });
});
