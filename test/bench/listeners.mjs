// Plain TCP listeners for the dense benchmark layout: one socket per <ip>:<port> given on the command
// line, each bound to that address only (so the other addresses of the namespace answer RST).
// A connection gets one short answer once the client speaks (RTSP-shaped if the request is RTSP, HTTP
// otherwise), then is closed, so camsweep's probes on open ports finish at once instead of waiting
// for their read deadline. Run only inside a benchmark namespace (`ip netns exec cs<pid>...-farm`);
// prints `ready <n>` once every socket listens, exits on SIGTERM/SIGINT.
import { execFileSync } from 'node:child_process';
import net from 'node:net';

function die(msg) {
  process.stderr.write(`listeners: ${msg}\n`);
  process.exit(2);
}

let ns = '';
try { ns = execFileSync('ip', ['netns', 'identify', String(process.pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(); } catch { /* below */ }
if (!/^cs\d+(n\d+)?-[a-z0-9-]+$/.test(ns)) die('refusing to run outside a namespace of the camsweep lab (cs<pid>-<host>)');

const targets = process.argv.slice(2).map((a) => {
  const m = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(a);
  if (!m) die(`bad <ip>:<port> "${a}"`);
  return { host: m[1], port: Number(m[2]) };
});
if (targets.length === 0) die('usage: listeners.mjs <ip>:<port>...');

function answer(sock, first) {
  const text = first.toString('latin1');
  const cseq = /^CSeq:\s*(\d+)/im.exec(text)?.[1] ?? '1';
  const body = /RTSP\/1\.0/.test(text)
    ? `RTSP/1.0 200 OK\r\nCSeq: ${cseq}\r\nPublic: OPTIONS, DESCRIBE\r\n\r\n`
    : 'HTTP/1.0 200 OK\r\nServer: bench-listener\r\nContent-Type: text/plain\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n';
  sock.end(body);
}

const servers = [];
let pending = targets.length;
for (const t of targets) {
  const srv = net.createServer((sock) => {
    sock.on('error', () => {});
    sock.setTimeout(5000, () => sock.destroy());
    sock.once('data', (d) => answer(sock, d));
  });
  srv.on('error', (e) => die(`${t.host}:${t.port}: ${e.message}`));
  srv.listen({ host: t.host, port: t.port, backlog: 511 }, () => {
    if (--pending === 0) process.stdout.write(`ready ${targets.length}\n`);
  });
  servers.push(srv);
}

const stop = () => { for (const s of servers) s.close(); process.exit(0); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
