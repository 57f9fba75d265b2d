// The simulated camera lab: every persona bound on its own loopback address (127.x.y.z), speaking raw
// HTTP / HTTPS / RTSP / TCP so replies are byte-exact and vendor-quirky. Loopback only, unprivileged.
import { tcpServer, tlsServer, type TcpServer, type TcpSocket } from '../net/serve.js';
import { mapPort, type LabDevice } from './devices.js';
import { PERSONAS, type CertName, type Persona, type PortSpec, type Responder } from './personas.js';
import { httpResponse, type LabRequest } from './wire.js';
import { startDiscoveryResponders, upnpDescriptionFor, type DiscoveryResponders } from './discovery.js';
import { labCertificate, prepareLabKeys } from './x509.js';

export type { LabDevice };
export { mapPort };

export interface Lab {
  devices: LabDevice[];
  /** Device IPs, in persona order. */
  targets: string[];
  /** Every bound port (sorted, unique): the port list to scan. */
  portList: number[];
  /** Discovery announcements (ONVIF Hello, SSDP NOTIFY, mDNS, SADP, DHIP) from every device, by unicast to `to` (see DiscoveryResponders.announce). */
  announce(to?: string): Promise<void>;
  stop(): Promise<void>;
}

export interface StartLabOptions {
  /** IPv4 /24 inside 127.0.0.0/8; device i (persona order) gets .(10+i). Default 127.77.0.0/24. */
  subnet?: string;
  /** Bind the standard port numbers (80, 443, 554 need root/CAP_NET_BIND_SERVICE). Default false. */
  realPorts?: boolean;
  /** Persona names to start (default: all). IPs stay those of the full list. */
  only?: string[];
  /** Also answer ONVIF/SSDP/mDNS/SADP/DHIP on each device's IP (UDP, all ports >= 1024). Default true. */
  discovery?: boolean;
}

export const DEFAULT_SUBNET = '127.77.0.0/24';

const MAX_HEADER = 16 * 1024;
const MAX_BODY = 64 * 1024;
const IDLE_MS = 10_000;

/** Parse "127.a.b.0/24" (or "127.a.b.c") into its first three octets; reject anything outside loopback. */
export function parseLabSubnet(subnet: string): [number, number, number] {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/.exec(subnet.trim());
  if (!m) throw new Error(`lab: subnet "${subnet}" is not an IPv4 /24 like 127.77.0.0/24`);
  const o = m.slice(1, 5).map(Number);
  if (o.some((x) => x > 255)) throw new Error(`lab: subnet "${subnet}" is not a valid IPv4 address`);
  if (o[0] !== 127) throw new Error(`lab: subnet "${subnet}" is outside 127.0.0.0/8; the lab only ever uses loopback addresses`);
  if (m[5] !== undefined && Number(m[5]) > 24) throw new Error(`lab: subnet "${subnet}" must be a /24 or larger`);
  return [o[0]!, o[1]!, o[2]!];
}

/**
 * A persona's certificate chain and key, made in memory on first use (src/lab/x509.ts): the Dahua
 * leaf is served with its CA, as Dahua devices send the chain. No key is read from or written to disk.
 */
export function loadCert(name: CertName): { cert: Buffer; key: Buffer } {
  return labCertificate(name);
}

function resolve(r: Responder, req: LabRequest): Buffer {
  const out = typeof r === 'function' ? r(req) : r;
  return typeof out === 'string' ? Buffer.from(out, 'latin1') : out;
}

function splitTarget(target: string): { path: string; query: string } {
  let t = target;
  const abs = /^[a-z][a-z0-9+.-]*:\/\/[^/]*/i.exec(t); // rtsp://host:port/path or absolute-form HTTP
  if (abs) t = t.slice(abs[0].length) || '/';
  const q = t.indexOf('?');
  return q < 0 ? { path: t, query: '' } : { path: t.slice(0, q), query: t.slice(q + 1) };
}

interface ParsedHead { method: string; target: string; version: string; headers: Record<string, string>; headerEnd: number }

/** Parse request line + headers from buf; undefined if incomplete; null if malformed. */
function parseHead(buf: Buffer): ParsedHead | undefined | null {
  const end = buf.indexOf('\r\n\r\n');
  const lfEnd = end < 0 ? buf.indexOf('\n\n') : -1;
  if (end < 0 && lfEnd < 0) return buf.length > MAX_HEADER ? null : undefined;
  const headerEnd = end >= 0 ? end + 4 : lfEnd + 2;
  if (headerEnd > MAX_HEADER) return null;
  const lines = buf.subarray(0, headerEnd).toString('latin1').split(/\r?\n/);
  const m = /^([A-Za-z_-]{1,32}) (\S{1,8192}) ([A-Z]{2,8}\/\d\.\d)$/.exec(lines[0] ?? '');
  if (!m) return null;
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    if (!line) continue;
    const c = line.indexOf(':');
    if (c <= 0) continue;
    const k = line.slice(0, c).trim().toLowerCase();
    const v = line.slice(c + 1).trim();
    headers[k] = headers[k] !== undefined ? `${headers[k]}, ${v}` : v;
  }
  return { method: m[1]!.toUpperCase(), target: m[2]!, version: m[3]!, headers, headerEnd };
}

interface Ctx { ip: string; spec: PortSpec; boundPort: number; tls: boolean; sockets: Set<TcpSocket> }

function track(sock: TcpSocket, ctx: Ctx): void {
  ctx.sockets.add(sock);
  sock.on('close', () => ctx.sockets.delete(sock));
  sock.on('error', () => { /* client went away; nothing to do */ });
  sock.setTimeout(IDLE_MS, () => sock.destroy());
}

function makeRequest(h: ParsedHead, body: Buffer, ctx: Ctx): LabRequest {
  const { path: p, query } = splitTarget(h.target);
  return {
    method: h.method, target: h.target, path: p, query, version: h.version, headers: h.headers, body,
    cseq: h.headers['cseq'], tls: ctx.tls, ip: ctx.ip, port: ctx.spec.port, boundPort: ctx.boundPort,
    host: h.headers['host'] || `${ctx.ip}:${ctx.boundPort}`,
  };
}

function findHttpRoute(spec: PortSpec, req: LabRequest): { r: Responder; stripBody: boolean } | undefined {
  const routes = spec.routes ?? {};
  const look = (method: string) => routes[`${method} ${req.target}`] ?? routes[`${method} ${req.path}`] ?? routes[`* ${req.target}`] ?? routes[`* ${req.path}`];
  const direct = look(req.method);
  if (direct) return { r: direct, stripBody: req.method === 'HEAD' };
  if (req.method === 'HEAD') {
    const g = look('GET');
    if (g) return { r: g, stripBody: true };
  }
  return undefined;
}

function stripHttpBody(b: Buffer): Buffer {
  const i = b.indexOf('\r\n\r\n');
  return i < 0 ? b : b.subarray(0, i + 4);
}

/** HTTP/1.x over a raw socket: one request per connection, then close (keep-alive off). */
function handleHttp(sock: TcpSocket, ctx: Ctx): void {
  track(sock, ctx);
  let buf = Buffer.alloc(0);
  let head: ParsedHead | undefined;
  let done = false;
  const answer = (out: Buffer) => {
    if (done) return;
    done = true;
    sock.end(out);
  };
  const onData = (chunk: Buffer) => {
    if (done) return;
    buf = Buffer.concat([buf, chunk]);
    if (!head) {
      const h = parseHead(buf);
      if (h === null) return answer(httpResponse('400 Bad Request', [['Content-Type', 'text/html'], ['Content-Length', '{len}']], '<html><body>400 Bad Request</body></html>'));
      if (h === undefined) return;
      head = h;
    }
    const want = Math.min(Number.parseInt(head.headers['content-length'] ?? '0', 10) || 0, MAX_BODY);
    if (buf.length - head.headerEnd < want && buf.length < head.headerEnd + MAX_BODY) return; // wait for the body
    const req = makeRequest(head, buf.subarray(head.headerEnd, head.headerEnd + want), ctx);
    let out: Buffer;
    try {
      const route = findHttpRoute(ctx.spec, req);
      if (route) {
        out = resolve(route.r, req);
        if (route.stripBody) out = stripHttpBody(out);
      } else if (ctx.spec.fallback) {
        out = resolve(ctx.spec.fallback, req);
        if (req.method === 'HEAD') out = stripHttpBody(out);
      } else {
        out = httpResponse('404 Not Found', [['Content-Type', 'text/html'], ['Content-Length', '{len}']], req.method === 'HEAD' ? '' : '<html><body>404 Not Found</body></html>');
      }
    } catch (e) {
      out = httpResponse('500 Internal Server Error', [['Content-Type', 'text/plain'], ['Content-Length', '{len}']], `lab persona error: ${(e as Error).message}\n`);
    }
    answer(out);
  };
  sock.on('data', onData);
}

/** RTSP/1.0: many requests per connection (clients send OPTIONS then DESCRIBE on one socket); CSeq echoed by the persona. */
function handleRtsp(sock: TcpSocket, ctx: Ctx): void {
  track(sock, ctx);
  let buf = Buffer.alloc(0);
  sock.on('data', (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk]);
    for (;;) {
      const h = parseHead(buf);
      if (h === undefined) return;
      if (h === null) {
        sock.end('RTSP/1.0 400 Bad Request\r\n\r\n');
        buf = Buffer.alloc(0);
        return;
      }
      const want = Math.min(Number.parseInt(h.headers['content-length'] ?? '0', 10) || 0, MAX_BODY);
      if (buf.length - h.headerEnd < want) return;
      const req = makeRequest(h, buf.subarray(h.headerEnd, h.headerEnd + want), ctx);
      buf = buf.subarray(h.headerEnd + want);
      const routes = ctx.spec.routes ?? {};
      const r = routes[req.method] ?? routes['*'] ?? ctx.spec.fallback;
      let out: Buffer;
      try {
        out = r ? resolve(r, req) : Buffer.from(`RTSP/1.0 404 Not Found\r\nCSeq: ${req.cseq ?? '0'}\r\n\r\n`, 'latin1');
      } catch (e) {
        out = Buffer.from(`RTSP/1.0 500 Internal Server Error\r\nCSeq: ${req.cseq ?? '0'}\r\n\r\n`, 'latin1');
        void e;
      }
      if (!sock.destroyed) sock.write(out);
      if (req.method === 'TEARDOWN') { sock.end(); return; }
    }
  });
}

function handleBanner(sock: TcpSocket, ctx: Ctx): void {
  track(sock, ctx);
  const { banner, reply } = ctx.spec;
  if (banner !== undefined) {
    if (reply === undefined) { sock.end(banner); return; }
    sock.write(banner);
  }
  if (reply === undefined) { sock.end(); return; }
  sock.once('data', () => sock.end(reply));
}

function handleOpen(sock: TcpSocket, ctx: Ctx): void {
  track(sock, ctx);
  sock.end();
}

function makeServer(ctx: Ctx): TcpServer {
  const { spec } = ctx;
  switch (spec.protocol) {
    case 'http': return tcpServer((s) => handleHttp(s, ctx));
    case 'https': {
      const { cert, key } = loadCert(spec.cert ?? 'hikvision');
      const srv = tlsServer({ cert, key, minVersion: 'TLSv1.2' }, (s) => handleHttp(s, ctx));
      // Count raw TCP sockets too, so stop() can destroy half-open handshakes.
      srv.on('connection', (raw: TcpSocket) => { ctx.sockets.add(raw); raw.on('close', () => ctx.sockets.delete(raw)); raw.on('error', () => {}); });
      srv.on('tlsClientError', () => { /* scanners abort handshakes; ignore */ });
      return srv;
    }
    case 'rtsp': return tcpServer((s) => handleRtsp(s, ctx));
    case 'tcp-banner': return tcpServer((s) => handleBanner(s, ctx));
    case 'tcp-open': return tcpServer((s) => handleOpen(s, ctx));
  }
}

function listen(srv: TcpServer, ip: string, port: number, what: string): Promise<void> {
  return new Promise((resolveP, reject) => {
    const onError = (e: NodeJS.ErrnoException) => {
      srv.off('listening', onListening);
      const hint = e.code === 'EACCES' ? ' (ports below 1024 need root; start without realPorts)'
        : e.code === 'EADDRINUSE' ? ' (already in use: another lab or service on this address? choose another subnet)'
          : e.code === 'EADDRNOTAVAIL' ? ' (address not available: this OS may not route all of 127.0.0.0/8 to loopback)' : '';
      reject(new Error(`lab: cannot bind ${what} on ${ip}:${port}: ${e.code ?? e.message}${hint}`));
    };
    const onListening = () => { srv.off('error', onError); resolveP(); };
    srv.once('error', onError);
    srv.once('listening', onListening);
    srv.listen({ host: ip, port, exclusive: true });
  });
}

function closeServer(srv: TcpServer): Promise<void> {
  return new Promise((r) => {
    if (!srv.listening) return r();
    srv.close(() => r());
  });
}

/** An HTTP port spec that also serves the persona's UPnP description at its LOCATION path, unless a route already does. */
function withUpnpDescription(persona: Persona, spec: PortSpec): PortSpec {
  const u = persona.discovery?.upnp;
  if (!u || spec.protocol !== 'http' || spec.port !== 80 || spec.routes?.[`GET ${u.locationPath}`]) return spec;
  const doc = upnpDescriptionFor(persona) ?? '';
  return { ...spec, routes: { ...spec.routes, [`GET ${u.locationPath}`]: () => httpResponse('200 OK', [['Content-Type', 'text/xml; charset="utf-8"'], ['Server', u.server], ['Content-Length', '{len}'], ['Connection', 'close']], doc) } };
}

/** Start the lab. Rejects with a message naming the address on any bind error (and releases what it bound). */
/** Bind every TCP service of one persona on `ip`; returns standard port → bound port. */
async function bindPersona(persona: Persona, ip: string, realPorts: boolean, servers: TcpServer[], sockets: Set<TcpSocket>): Promise<Record<number, number>> {
  const ports: Record<number, number> = {};
  const seen = new Set<number>();
  for (const rawSpec of persona.ports) {
    const spec = withUpnpDescription(persona, rawSpec);
    const bound = mapPort(spec.port, realPorts);
    if (seen.has(bound)) throw new Error(`lab: persona ${persona.name} maps two services to port ${bound}`);
    seen.add(bound);
    const ctx: Ctx = { ip, spec, boundPort: bound, tls: spec.protocol === 'https', sockets };
    const srv = makeServer(ctx);
    servers.push(srv);
    await listen(srv, ip, bound, `${persona.name} ${spec.protocol}/${spec.port}`);
    ports[spec.port] = bound;
  }
  return ports;
}

/**
 * One persona's TCP services on an address of the caller's choosing — for the namespace LAN only
 * (test/lab/run-device.ts, which refuses to run outside a lab namespace). Discovery responders are
 * started separately by the caller on that address. The loopback lab (startLab) never uses this.
 */
export async function startDevice(persona: Persona, ip: string, opts: { realPorts?: boolean } = {}): Promise<Lab> {
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(ip) || ip.split('.').some((o) => Number(o) > 255)) throw new Error(`lab: "${ip}" is not an IPv4 address`);
  const servers: TcpServer[] = [];
  const sockets = new Set<TcpSocket>();
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const s of sockets) s.destroy();
    await Promise.all(servers.map(closeServer));
  };
  let ports: Record<number, number>;
  if (persona.ports.some((p) => p.protocol === 'https')) await prepareLabKeys();
  try { ports = await bindPersona(persona, ip, opts.realPorts ?? false, servers, sockets); } catch (e) { await stop(); throw e; }
  const devices: LabDevice[] = [{ persona, ip, ports }];
  return { devices, targets: [ip], portList: [...new Set(Object.values(ports))].sort((x, y) => x - y), announce: async () => {}, stop };
}

export async function startLab(opts: StartLabOptions = {}): Promise<Lab> {
  const [a, b, c] = parseLabSubnet(opts.subnet ?? DEFAULT_SUBNET);
  const realPorts = opts.realPorts ?? false;
  if (opts.only) {
    const unknown = opts.only.filter((n) => !PERSONAS.some((p) => p.name === n));
    if (unknown.length) throw new Error(`lab: unknown persona(s) ${unknown.join(', ')}; known: ${PERSONAS.map((p) => p.name).join(', ')}`);
  }
  if (PERSONAS.length + 10 > 254) throw new Error('lab: too many personas for one /24');

  const servers: TcpServer[] = [];
  const responders: DiscoveryResponders[] = [];
  const sockets = new Set<TcpSocket>();
  const devices: LabDevice[] = [];
  let stopped = false;

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const s of sockets) s.destroy();
    await Promise.all([...servers.map(closeServer), ...responders.map((r) => r.stop())]);
    for (const s of sockets) s.destroy();
  };

  const chosen = PERSONAS.filter((p) => !opts.only || opts.only.includes(p.name));
  // The TLS keys are made in the background while nothing else runs (two RSA keys at once).
  if (chosen.some((p) => p.ports.some((x) => x.protocol === 'https'))) await prepareLabKeys();
  try {
    for (const [i, persona] of PERSONAS.entries()) {
      if (!chosen.includes(persona)) continue;
      const ip = `${a}.${b}.${c}.${10 + i}`;
      const ports = await bindPersona(persona, ip, realPorts, servers, sockets);
      devices.push({ persona, ip, ports });
      if ((opts.discovery ?? true) && persona.discovery) responders.push(await startDiscoveryResponders({ persona, ip, ports }));
    }
  } catch (e) {
    await stop();
    throw e;
  }

  const portList = [...new Set(devices.flatMap((d) => Object.values(d.ports)))].sort((x, y) => x - y);
  const announce = async (to?: string) => { await Promise.all(responders.map((r) => r.announce(to))); };
  return { devices, targets: devices.map((d) => d.ip), portList, announce, stop };
}
