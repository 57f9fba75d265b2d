// The only place (with udp.ts) that opens sockets. Every call is bounded in bytes and time, honours an
// AbortSignal, never uses a proxy, and never throws: failures come back as data.
import net from 'node:net';
import tls from 'node:tls';
import { renderDn } from '../protocols/dn.js';
import type { ConnectResult, ExchangeOptions, ExchangeResult, PeerCert, PortState } from '../model/net.js';

export type { ConnectResult, ExchangeOptions, ExchangeResult, PeerCert, PortState } from '../model/net.js';


/**
 * TCP connect check: open (handshake done), closed (RST), filtered (no answer in time), error.
 *
 * The deadline runs from when the connect is issued (Node issues it on the next tick), and when it
 * fires the verdict waits for one turn of the event loop's I/O phase (setImmediate runs after poll):
 * on a busy loop a handshake that completed in time is still in the poll queue when the timer fires,
 * and must win over it.
 */
export function connectCheck(host: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<ConnectResult> {
  let t0 = performance.now();
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve({ state: 'error', code: 'ABORTED', ms: 0 });
    const sock = net.connect({ host, port });
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (state: PortState, code?: string) => {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      sock.removeAllListeners();
      sock.on('error', () => {});
      sock.destroy();
      resolve({ state, code, ms: Math.round(performance.now() - t0) });
    };
    const onAbort = () => finish('error', 'ABORTED');
    process.nextTick(() => {
      if (done) return;
      t0 = performance.now();
      timer = setTimeout(() => setImmediate(() => finish('filtered', 'ETIMEDOUT')), timeoutMs);
    });
    signal?.addEventListener('abort', onAbort, { once: true });
    sock.once('connect', () => finish('open'));
    sock.once('error', (e: NodeJS.ErrnoException) => {
      const code = e.code ?? 'ERROR';
      finish(code === 'ECONNREFUSED' ? 'closed' : code === 'EHOSTUNREACH' || code === 'ENETUNREACH' ? 'filtered' : 'error', code);
    });
  });
}

/** Send one request and read one bounded response, over TCP or TLS (any version, any certificate). */
export function exchange(o: ExchangeOptions): Promise<ExchangeResult> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    if (o.signal?.aborted) return resolve({ data: Buffer.alloc(0), end: 'aborted', ms: 0 });
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    let cert: PeerCert | undefined;
    let tlsVersion: string | undefined;
    let connected = false;
    const sock: net.Socket = o.tls
      ? tls.connect({
        host: o.host, port: o.port, rejectUnauthorized: false, minVersion: 'TLSv1', ciphers: 'DEFAULT:@SECLEVEL=0',
        ...(o.servername && net.isIP(o.servername) === 0 ? { servername: o.servername } : {}),
      })
      : net.connect({ host: o.host, port: o.port });
    const finish = (end: ExchangeResult['end'], code?: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
      sock.removeAllListeners();
      sock.on('error', () => {});
      sock.destroy();
      resolve({ data: Buffer.concat(chunks, size), end, code, cert, tlsVersion, connected, ms: Math.round(performance.now() - t0) });
    };
    const onAbort = () => finish('aborted', 'ABORTED');
    // As in connectCheck: data already in the poll queue when the timer fires is still read.
    const timer = setTimeout(() => setImmediate(() => finish('timeout', 'ETIMEDOUT')), o.timeoutMs);
    o.signal?.addEventListener('abort', onAbort, { once: true });
    const send = () => { connected = true; sock.write(o.request); };
    if (o.tls) {
      (sock as tls.TLSSocket).once('secureConnect', () => {
        try {
          const c = (sock as tls.TLSSocket).getPeerCertificate();
          if (c && Object.keys(c).length) {
            cert = { subject: renderDn(c.subject as never), issuer: renderDn(c.issuer as never), not_before: c.valid_from, not_after: c.valid_to, fingerprint256: c.fingerprint256 };
          }
          tlsVersion = (sock as tls.TLSSocket).getProtocol() ?? undefined;
        } catch { /* a certificate we cannot read is not fatal */ }
        send();
      });
    } else sock.once('connect', send);
    sock.on('data', (d: Buffer) => {
      const room = o.maxBytes - size;
      if (d.length >= room) { chunks.push(d.subarray(0, room)); size += room; return finish('cap'); }
      chunks.push(d);
      size += d.length;
      if (o.isComplete) {
        let complete = false;
        try { complete = o.isComplete(Buffer.concat(chunks, size)); } catch { complete = false; }
        if (complete) finish('complete');
      }
    });
    sock.once('end', () => finish('closed'));
    sock.once('close', () => finish('closed'));
    sock.once('error', (e: NodeJS.ErrnoException) => finish('error', e.code ?? 'ERROR'));
  });
}
