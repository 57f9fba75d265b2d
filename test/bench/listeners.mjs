// TCP responders for the benchmark layouts: one socket per <ip>:<port>[=<kind>] given on the command
// line, each bound to that address only (so the other addresses of the namespace answer RST). Run only
// inside a benchmark namespace (`ip netns exec cs<pid>...-farm`); prints `ready <n>` once every socket
// listens, exits on SIGTERM/SIGINT.
//
// Kinds (camera-like where it is cheap, so camsweep's probes do real work):
//   plain   (the default) one short answer once the client speaks (RTSP-shaped if the request is RTSP,
//           HTTP otherwise), then close: the probes on open ports finish at once.
//   http    an HTTP/1.1 server: GET / is a small login page, /favicon.ico a 318-byte icon, anything
//           else 404; persistent as HTTP/1.1 servers are (RFC 9112 §9.3): the connection stays open
//           for the next request unless the client sent Connection: close (or spoke HTTP/1.0).
//   https   the same behind TLS (--tls-cert/--tls-key; an ECDSA P-256 key keeps the responder's share
//           of the 2-core machine small).
//   rtsp    an RTSP/1.0 server: OPTIONS 200 with Public, DESCRIBE 401 with a Digest challenge, others
//           405; several requests per connection.
//   sdk     a binary vendor port (Hikvision's 8000): reads what the client sends and closes without a
//           byte, as such a port does to an HTTP request or a TLS ClientHello.
//   silent  a binary port that waits for its own protocol (Dahua's 37777): accepts, never answers.
//
// --stats <file>: every accepted connection and every request is counted per port and kind
// (`GET /favicon.ico`, `RTSP OPTIONS`, `TLS handshake`, `TLS ClientHello on a non-TLS port`, `no data`,
// ...). SIGUSR2 writes the counts since the previous SIGUSR2 to <file> (JSON, atomically) and resets
// them, so a harness can take one scan's counts.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';

function die(msg) {
  process.stderr.write(`listeners: ${msg}\n`);
  process.exit(2);
}

let ns = '';
try { ns = execFileSync('ip', ['netns', 'identify', String(process.pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(); } catch { /* below */ }
if (!/^cs\d+(n\d+)?-[a-z0-9-]+$/.test(ns)) die('refusing to run outside a namespace of the camsweep lab (cs<pid>-<host>)');

const KINDS = new Set(['plain', 'http', 'https', 'rtsp', 'sdk', 'silent']);
const args = process.argv.slice(2);
const opt = {};
while (args[0]?.startsWith('--')) {
  const k = args.shift();
  if (!['--tls-cert', '--tls-key', '--stats'].includes(k)) die(`unknown option ${k}`);
  const v = args.shift();
  if (v === undefined) die(`${k} needs a value`);
  opt[k.slice(2)] = v;
}
const targets = args.map((a) => {
  const m = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})(?:=([a-z]+))?$/.exec(a);
  if (!m) die(`bad <ip>:<port>[=<kind>] "${a}"`);
  const kind = m[3] ?? 'plain';
  if (!KINDS.has(kind)) die(`unknown kind ${kind}`);
  return { host: m[1], port: Number(m[2]), kind };
});
if (targets.length === 0) die('usage: listeners.mjs [--tls-cert f --tls-key f] [--stats f] <ip>:<port>[=<kind>]...');
let tlsOptions;
if (targets.some((t) => t.kind === 'https')) {
  if (!opt['tls-cert'] || !opt['tls-key']) die('kind https needs --tls-cert and --tls-key');
  tlsOptions = { cert: fs.readFileSync(opt['tls-cert']), key: fs.readFileSync(opt['tls-key']) };
}

// --- counting ------------------------------------------------------------------------------------
let counts = new Map();
let since = Date.now();
const count = (port, what) => {
  const k = `${port}\t${what}`;
  counts.set(k, (counts.get(k) ?? 0) + 1);
};
function dumpStats() {
  if (!opt.stats) return;
  const byPort = {};
  for (const [k, n] of counts) {
    const [port, what] = k.split('\t');
    (byPort[port] ??= {})[what] = n;
  }
  const tmp = `${opt.stats}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify({ since, until: Date.now(), byPort }));
  fs.renameSync(tmp, opt.stats);
  counts = new Map();
  since = Date.now();
}

// --- protocols -----------------------------------------------------------------------------------
const MAX_HEAD = 16384;
const PAGE = '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>Network Camera</title></head>\n' +
  '<body><form action="/login" method="post"><input name="user"><input name="pass" type="password"><button>Login</button></form></body></html>\n';
// A 16x16 1-bit ICO (318 bytes): enough for favicon hashing to have real work.
const ICON = (() => {
  const b = Buffer.alloc(318);
  b.writeUInt16LE(0, 0); b.writeUInt16LE(1, 2); b.writeUInt16LE(1, 4);
  b[6] = 16; b[7] = 16; b.writeUInt16LE(1, 10); b.writeUInt16LE(1, 12); b.writeUInt32LE(296, 14); b.writeUInt32LE(22, 18);
  b.writeUInt32LE(40, 22); b.writeInt32LE(16, 26); b.writeInt32LE(32, 30); b.writeUInt16LE(1, 34); b.writeUInt16LE(1, 36);
  for (let i = 62; i < 318; i++) b[i] = (i * 37) & 0xff;
  return b;
})();

function httpAnswer(method, path, keep) {
  const head = (status, type, len, extra = '') => `HTTP/1.1 ${status}\r\nServer: webs\r\nContent-Type: ${type}\r\nContent-Length: ${len}\r\n${extra}Connection: ${keep ? 'keep-alive' : 'close'}\r\n\r\n`;
  if (method === 'GET' && path === '/') return Buffer.concat([Buffer.from(head('200 OK', 'text/html', Buffer.byteLength(PAGE))), Buffer.from(PAGE)]);
  if (method === 'GET' && path === '/favicon.ico') return Buffer.concat([Buffer.from(head('200 OK', 'image/x-icon', ICON.length)), ICON]);
  const body = '<html><body>404 Not Found</body></html>\n';
  return Buffer.from(head('404 Not Found', 'text/html', Buffer.byteLength(body)) + body);
}

/** HTTP/1.1 requests on one connection: each head, then Content-Length bytes of body, then the answer; close when asked. */
function serveHttp(sock, port, label) {
  let buf = Buffer.alloc(0);
  let closing = false;
  let served = 0;
  sock.on('data', (d) => {
    if (closing) return;
    if (buf.length === 0 && served === 0 && !(d[0] >= 0x41 && d[0] <= 0x5a)) {
      // Not an HTTP request line (a TLS ClientHello, binary): answer 400 as a camera's web server does.
      closing = true;
      count(port, `${label}bad request`);
      sock.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    buf = Buffer.concat([buf, d]);
    for (;;) {
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) { if (buf.length > MAX_HEAD) { count(port, `${label}bad request`); closing = true; sock.destroy(); } return; }
      const head = buf.subarray(0, end).toString('latin1');
      const [method = '?', path = '?', version = ''] = head.split('\r\n')[0].split(' ');
      const len = Number(/^content-length:\s*(\d+)/im.exec(head)?.[1] ?? 0);
      if (buf.length - end - 4 < len) return;
      buf = buf.subarray(end + 4 + len);
      const conn = /^connection:\s*(.*)$/im.exec(head)?.[1] ?? '';
      const keep = version === 'HTTP/1.1' ? !/close/i.test(conn) : /keep-alive/i.test(conn);
      count(port, `${label}${method} ${path.slice(0, 64)}`);
      if (served++ > 0) count(port, `${label}request on a kept connection`);
      if (!keep) { closing = true; sock.end(httpAnswer(method, path, false)); return; }
      sock.write(httpAnswer(method, path, true));
    }
  });
}

function serveRtsp(sock, port) {
  let buf = Buffer.alloc(0);
  sock.on('data', (d) => {
    buf = Buffer.concat([buf, d]);
    for (;;) {
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) { if (buf.length > MAX_HEAD) sock.destroy(); return; }
      const head = buf.subarray(0, end).toString('latin1');
      buf = buf.subarray(end + 4);
      const method = head.split(' ')[0];
      const cseq = /^CSeq:\s*(\d+)/im.exec(head)?.[1] ?? '0';
      count(port, `RTSP ${method.slice(0, 16)}`);
      if (method === 'OPTIONS') sock.write(`RTSP/1.0 200 OK\r\nCSeq: ${cseq}\r\nServer: Rtsp Server/3.0\r\nPublic: OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN, GET_PARAMETER\r\n\r\n`);
      else if (method === 'DESCRIBE') sock.write(`RTSP/1.0 401 Unauthorized\r\nCSeq: ${cseq}\r\nServer: Rtsp Server/3.0\r\nWWW-Authenticate: Digest realm="IP Camera", nonce="a1b2c3d4e5f60718"\r\n\r\n`);
      else sock.write(`RTSP/1.0 405 Method Not Allowed\r\nCSeq: ${cseq}\r\n\r\n`);
    }
  });
}

function onPlainConnection(sock, t) {
  count(t.port, 'connection');
  let spoke = false;
  sock.on('error', () => {});
  sock.setTimeout(5000, () => sock.destroy());
  sock.once('close', () => { if (!spoke) count(t.port, 'no data'); });
  sock.once('data', (d) => {
    spoke = true;
    if (d[0] === 0x16 && t.kind !== 'https') count(t.port, 'TLS ClientHello on a non-TLS port');
    if (t.kind === 'plain') {
      const text = d.toString('latin1');
      const cseq = /^CSeq:\s*(\d+)/im.exec(text)?.[1] ?? '1';
      count(t.port, /RTSP\/1\.0/.test(text) ? 'plain: RTSP request' : 'plain: other request');
      sock.end(/RTSP\/1\.0/.test(text)
        ? `RTSP/1.0 200 OK\r\nCSeq: ${cseq}\r\nPublic: OPTIONS, DESCRIBE\r\n\r\n`
        : 'HTTP/1.0 200 OK\r\nServer: bench-listener\r\nContent-Type: text/plain\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n');
    } else if (t.kind === 'sdk') {
      count(t.port, 'closed without answer (binary port)');
      sock.destroy();
    } else if (t.kind === 'silent') {
      count(t.port, 'no answer (binary port)');
    }
  });
  if (t.kind === 'http') serveHttp(sock, t.port, '');
  if (t.kind === 'rtsp') serveRtsp(sock, t.port);
}

const servers = [];
let pending = targets.length;
for (const t of targets) {
  let srv;
  if (t.kind === 'https') {
    srv = tls.createServer({ ...tlsOptions, handshakeTimeout: 5000 }, (sock) => {
      count(t.port, 'TLS handshake');
      sock.on('error', () => {});
      sock.setTimeout(5000, () => sock.destroy());
      serveHttp(sock, t.port, 'TLS ');
    });
    srv.on('connection', () => count(t.port, 'connection'));
    srv.on('tlsClientError', (e) => {
      // A client that closes before its ClientHello (a connect check) shows up here as ECONNRESET.
      if (e?.code === 'ECONNRESET') count(t.port, 'no data');
      else count(t.port, `TLS handshake failed (${String(e?.code ?? e?.message ?? 'error').slice(0, 40)})`);
    });
  } else {
    srv = net.createServer((sock) => onPlainConnection(sock, t));
  }
  srv.on('error', (e) => die(`${t.host}:${t.port}: ${e.message}`));
  srv.listen({ host: t.host, port: t.port, backlog: 511 }, () => {
    if (--pending === 0) process.stdout.write(`ready ${targets.length}\n`);
  });
  servers.push(srv);
}

const stop = () => { for (const s of servers) s.close(); process.exit(0); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('SIGUSR2', () => { try { dumpStats(); } catch (e) { process.stderr.write(`listeners: stats: ${e.message}\n`); } });
