// Small hand-made responders on loopback for the trust tests: an HTTP server that records every
// connection and request, and UDP sockets that record every datagram. Loopback addresses only.
import dgram from 'node:dgram';
import net from 'node:net';

export interface HttpRequestSeen { method: string; path: string; headers: Record<string, string>; body: string }
export interface HttpReply { status: number; headers?: Record<string, string>; body?: string }

export interface HttpServer {
  connections: number;
  requests: HttpRequestSeen[];
  close(): Promise<void>;
}

function loopbackOnly(ip: string): void {
  if (!ip.startsWith('127.')) throw new Error(`test safety: ${ip} is not loopback`);
}

/**
 * An HTTP/1.1 server on ip:port answering each request with `reply(req)`: Connection: close, or with
 * `keepAlive`, as HTTP/1.1 servers do (the connection stays open unless the client asked to close it).
 */
export async function httpServer(ip: string, port: number, reply: (r: HttpRequestSeen) => HttpReply, opts: { keepAlive?: boolean } = {}): Promise<HttpServer> {
  loopbackOnly(ip);
  const socks = new Set<net.Socket>();
  const state: HttpServer = { connections: 0, requests: [], close: async () => {} };
  const srv = net.createServer((s) => {
    state.connections++;
    socks.add(s);
    s.on('close', () => socks.delete(s));
    s.on('error', () => {});
    let buf = Buffer.alloc(0);
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buf.subarray(0, end).toString('latin1').split('\r\n');
      const [method, p] = head[0].split(' ');
      const headers: Record<string, string> = {};
      for (const l of head.slice(1)) { const i = l.indexOf(':'); if (i > 0) headers[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim(); }
      const len = Number(headers['content-length'] ?? 0);
      if (buf.length < end + 4 + len) return;
      const req = { method, path: p, headers, body: buf.subarray(end + 4, end + 4 + len).toString('utf8') };
      buf = buf.subarray(end + 4 + len);
      state.requests.push(req);
      const r = reply(req);
      const body = Buffer.from(r.body ?? '', 'utf8');
      const keep = opts.keepAlive === true && !/close/i.test(headers.connection ?? '');
      const hdrs = { 'Content-Length': String(body.length), Connection: keep ? 'keep-alive' : 'close', ...(r.headers ?? {}) };
      const out = Buffer.concat([Buffer.from(`HTTP/1.1 ${r.status} X\r\n${Object.entries(hdrs).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`, 'latin1'), body]);
      if (!keep) { s.end(out); return; }
      s.write(out);
      }
    });
  });
  await new Promise<void>((res, rej) => { srv.once('error', rej); srv.listen(port, ip, () => res()); });
  state.close = () => new Promise((res) => { for (const s of socks) s.destroy(); srv.close(() => res()); });
  return state;
}

export interface UdpPeer {
  sock: dgram.Socket;
  received: Array<{ data: Buffer; address: string; port: number }>;
  close(): void;
}

/** A UDP socket on ip:port; `onMessage` may answer. Records everything it receives. */
export async function udpPeer(ip: string, port: number, onMessage?: (m: Buffer, from: { address: string; port: number }, sock: dgram.Socket) => void): Promise<UdpPeer> {
  loopbackOnly(ip);
  const sock = dgram.createSocket({ type: 'udp4', reuseAddr: true });
  const peer: UdpPeer = { sock, received: [], close: () => { try { sock.close(); } catch { /* closed */ } } };
  sock.on('error', () => {});
  sock.on('message', (data, r) => { peer.received.push({ data, address: r.address, port: r.port }); onMessage?.(data, r, sock); });
  await new Promise<void>((res) => sock.bind(port, ip, () => res()));
  return peer;
}
