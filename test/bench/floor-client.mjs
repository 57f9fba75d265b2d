// The floor of the dense /24 (`npm run bench -- --floor`): the least a Node.js client can spend asking
// about as much as camsweep asks of that layout, with none of camsweep's machinery (no deadlines per
// request, no scopes, no record, no fingerprinting, no report). It connects to every port of every
// address of a /24, 1,024 connections at most in flight, and on an open port:
//   80:        GET /, GET /favicon.ico, then the four vendor requests camsweep sends a host whose index
//              names no platform (GET /ISAPI/System/deviceInfo, POST /onvif/device_service, POST
//              /RPC2_Login, POST /axis-cgi/basicdeviceinfo.cgi), all over one kept connection;
//   443:       a TLS handshake (certificate read), GET / and GET /favicon.ico;
//   8443:      a TLS handshake, GET /;   8080: GET /;
//   554, 8554: RTSP OPTIONS and DESCRIBE over one connection;
//   others:    the connect only (closed at once).
// It prints {"devices":[{"ip","open_ports"}]} like camsweep's JSON report, so the benchmark checks its
// open set as it checks every other run. Only for the benchmark's lab (the scanner namespace runs it);
// its one argument is the layout's /24.
//
//   node test/bench/floor-client.mjs 10.60.0.0/24 [ports]
import net from 'node:net';
import tls from 'node:tls';

const [cidr, portArg] = process.argv.slice(2);
const m = /^(\d+\.\d+\.\d+)\.0\/24$/.exec(cidr ?? '');
if (!m) { process.stderr.write('usage: floor-client.mjs <a.b.c.0/24> [ports]\n'); process.exit(2); }
const ports = (portArg ?? '80,443,554,8000,8080,8443,8554,37777').split(',').map(Number);
const LIMIT = 1024;
const TIMEOUT_MS = 2000;
const ctx = tls.createSecureContext({});

const get = (host, p) => `GET ${p} HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: floor\r\nAccept: */*\r\nConnection: keep-alive\r\n\r\n`;
const post = (host, p, body) => `POST ${p} HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: floor\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: keep-alive\r\n\r\n${body}`;
function httpRequests(host, port) {
  if (port === 80) {
    return [get(host, '/'), get(host, '/favicon.ico'), get(host, '/ISAPI/System/deviceInfo'),
      post(host, '/onvif/device_service', '<?xml version="1.0"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><GetServices xmlns="http://www.onvif.org/ver10/device/wsdl"><IncludeCapability>false</IncludeCapability></GetServices></s:Body></s:Envelope>'),
      post(host, '/RPC2_Login', '{"method":"global.login","params":{"userName":"admin","password":"","clientType":"Web3.0"},"id":1}'),
      post(host, '/axis-cgi/basicdeviceinfo.cgi', '{"apiVersion":"1.0","method":"getAllUnrestrictedProperties"}')];
  }
  if (port === 443) return [get(host, '/'), get(host, '/favicon.ico')];
  return [get(host, '/')];
}
const rtsp = (host, port) => [`OPTIONS rtsp://${host}:${port}/ RTSP/1.0\r\nCSeq: 1\r\nUser-Agent: floor\r\n\r\n`,
  `DESCRIBE rtsp://${host}:${port}/ RTSP/1.0\r\nCSeq: 2\r\nUser-Agent: floor\r\nAccept: application/sdp\r\n\r\n`];

/** Send the requests one after another over one connection, each after the previous answer (by Content-Length). */
function exchange(s, reqs, done) {
  let k = 0;
  let buf = Buffer.alloc(0);
  s.on('data', (d) => {
    buf = buf.length ? Buffer.concat([buf, d]) : d;
    const he = buf.indexOf('\r\n\r\n');
    if (he < 0) return;
    const cl = /content-length:\s*(\d+)/i.exec(buf.subarray(0, he).toString('latin1'));
    const need = he + 4 + (cl ? Number(cl[1]) : 0);
    if (buf.length < need) return;
    buf = buf.subarray(need);
    if (++k < reqs.length) s.write(reqs[k]); else { s.destroy(); done(); }
  });
  s.write(reqs[0]);
}

const targets = [];
for (let h = 1; h <= 254; h++) for (const p of ports) targets.push([`${m[1]}.${h}`, p]);
const open = new Map();
let next = 0;
let active = 0;
await new Promise((resolve) => {
  const start = () => {
    while (active < LIMIT && next < targets.length) {
      const [host, port] = targets[next++];
      active++;
      let finished = false;
      const done = () => { if (finished) return; finished = true; clearTimeout(timer); active--; if (next >= targets.length && active === 0) resolve(); else start(); };
      const s = net.connect({ host, port });
      const timer = setTimeout(() => { s.destroy(); done(); }, TIMEOUT_MS);
      s.on('error', done);
      s.on('close', done);
      s.on('connect', () => {
        open.set(host, [...(open.get(host) ?? []), port]);
        if (port === 443 || port === 8443) {
          const t = tls.connect({ socket: s, secureContext: ctx, rejectUnauthorized: false });
          t.on('error', done);
          t.on('close', done);
          t.on('secureConnect', () => { t.getPeerCertificate(); exchange(t, httpRequests(host, port), done); });
        } else if (port === 80 || port === 8080) exchange(s, httpRequests(host, port), done);
        else if (port === 554 || port === 8554) exchange(s, rtsp(host, port), done);
        else { s.destroy(); done(); }
      });
    }
  };
  start();
});
const devices = [...open].map(([ip, ps]) => ({ ip, open_ports: ps.sort((a, b) => a - b) }));
process.stdout.write(JSON.stringify({ devices }) + '\n');
