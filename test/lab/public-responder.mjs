// A WS-Discovery responder for the routed namespace test (test/lab/routed.test.ts): it answers every
// Probe that reaches <target>:3702 twice, once from the target itself and once from <public>:3702 (an
// address outside the targets, globally routable), each naming an XAddr on its own address. Runs only
// inside a camsweep lab namespace; prints `ready` when both sockets are bound.
import { execFileSync } from 'node:child_process';
import dgram from 'node:dgram';

const [target, pub, lib] = process.argv.slice(2);
let ns = '';
try { ns = execFileSync('ip', ['netns', 'identify', String(process.pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(); } catch { /* below */ }
if (!/^cs\d+(n\d+)?-[a-z0-9-]+$/.test(ns)) { process.stderr.write('public-responder: refusing to run outside a camsweep lab namespace\n'); process.exit(2); }
const { buildProbeMatches, parseWsdMessage } = await import(lib);

const open = (addr) => new Promise((resolve) => {
  const s = dgram.createSocket({ type: 'udp4', reuseAddr: true });
  s.on('error', () => {});
  s.bind(3702, addr, () => resolve(s));
});
const [t, p] = await Promise.all([open(target), open(pub)]);
const match = (ip, relatesTo) => buildProbeMatches({
  messageId: `urn:uuid:00000000-0000-4000-8000-${ip.split('.').map((x) => x.padStart(3, '0')).join('')}`, relatesTo,
  matches: [{ endpoint: `urn:uuid:44444444-0000-4000-8000-${ip.split('.').map((x) => x.padStart(3, '0')).join('')}`, types: ['dn:NetworkVideoTransmitter'], scopes: [`onvif://www.onvif.org/name/${ip}`], xaddrs: [`http://${ip}/onvif/device_service`] }],
});
t.on('message', (m, r) => {
  const w = parseWsdMessage(m);
  if (!w || w.kind !== 'probe') return;
  t.send(match(target, w.messageId), r.port, r.address);
  p.send(match(pub, w.messageId), r.port, r.address);
});
process.stdout.write('ready\n');
const stop = () => { t.close(); p.close(); process.exit(0); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
