// UDP edge for the discovery modules (src/discovery/). The only place (with tcp.ts) that opens sockets.
// Every failure comes back as a rejection (open/send) or is swallowed (late socket errors, a throwing
// message handler): nothing here can raise an uncaught exception. Sockets close when the signal aborts.
import dgram from 'node:dgram';
import type { UdpApi, UdpMessage, UdpSocket, UdpSocketOptions } from '../model/net.js';

/** Largest IPv4 UDP payload; also the default datagram cap. */
export const MAX_DATAGRAM = 65507;
/** Receive buffer asked for first (a /24 answering at once overflows Linux's 208 KiB default, net.core.rmem_default). */
export const RECV_BUFFER = 8 * 1024 * 1024;
const RECV_FALLBACKS = [RECV_BUFFER, 4 * 1024 * 1024, 1024 * 1024, 256 * 1024];

class DgramSocket implements UdpSocket {
  private handlers: Array<(m: UdpMessage) => void> = [];
  private closed = false;
  readonly warnings: string[] = [];
  constructor(private readonly sock: dgram.Socket, private readonly maxDatagram: number, readonly localPort: number) {
    sock.on('message', (data, rinfo) => {
      if (this.closed || data.length > this.maxDatagram) return;
      const m: UdpMessage = { data, address: rinfo.address, port: rinfo.port };
      for (const h of this.handlers) {
        try { h(m); } catch { /* a handler bug must not take the process down */ }
      }
    });
  }
  send(data: Buffer, port: number, address: string): Promise<void> {
    if (this.closed) return Promise.reject(new Error('socket closed'));
    return new Promise((resolve, reject) => {
      try {
        this.sock.send(data, port, address, (err) => (err ? reject(err) : resolve()));
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  }
  onMessage(fn: (m: UdpMessage) => void): void {
    this.handlers.push(fn);
  }
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.handlers = [];
    try { this.sock.close(); } catch { /* already closed */ }
  }
}

function bind(sock: dgram.Socket, port: number, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => { sock.off('listening', onListening); reject(e); };
    const onListening = () => { sock.off('error', onError); resolve(); };
    sock.once('error', onError);
    sock.once('listening', onListening);
    try {
      sock.bind({ port, address, exclusive: true });
    } catch (e) {
      sock.off('error', onError);
      sock.off('listening', onListening);
      reject(e instanceof Error ? e : new Error(String(e)));
    }
  });
}

/** Set the largest receive buffer the OS accepts from RECV_FALLBACKS (at most `want`); returns what was set, or 0. */
function setRecvBuffer(sock: dgram.Socket, want: number): number {
  for (const size of RECV_FALLBACKS.filter((s) => s <= want)) {
    try {
      sock.setRecvBufferSize(size);
      return size;
    } catch { /* try a smaller one */ }
  }
  return 0;
}

/** udp6 when asked for, or when the bind address is an IPv6 one. */
export function socketFamily(opts: UdpSocketOptions): 'udp4' | 'udp6' {
  return opts.family ?? (opts.bindAddress?.includes(':') ? 'udp6' : 'udp4');
}

/**
 * Open one UDP socket (IPv4, or IPv6-only for udp6: an IPv6 socket never also gets the IPv4 traffic of
 * the same port). Rejects when the bind fails, or when groups were asked for and not one
 * could be joined; a partial join failure is listed in the socket's `warnings`.
 */
async function openSocket(opts: UdpSocketOptions, signal: AbortSignal): Promise<UdpSocket & { warnings: string[] }> {
  if (signal.aborted) throw new Error('aborted');
  const type = socketFamily(opts);
  const sock = dgram.createSocket({ type, reuseAddr: !!opts.reuseAddr, ...(type === 'udp6' ? { ipv6Only: true } : {}) });
  // Until the wrapper takes over, never let a socket error escape.
  sock.on('error', () => { /* reported through send() rejections and bind() */ });
  try {
    await bind(sock, opts.port ?? 0, opts.bindAddress ?? (type === 'udp6' ? '::' : '0.0.0.0'));
  } catch (e) {
    try { sock.close(); } catch { /* not bound */ }
    throw e;
  }
  const port = sock.address().port;
  const s = new DgramSocket(sock, Math.min(opts.maxDatagram ?? MAX_DATAGRAM, 65536), port);
  try {
    setRecvBuffer(sock, opts.recvBufferSize ?? RECV_BUFFER);
    // Unicast probes to hosts that are not there wait in the kernel's neighbour queue (charged to this
    // socket) until ARP gives up, ~3 s; a roomy send buffer keeps them from blocking the next sends.
    try { sock.setSendBufferSize(4 * 1024 * 1024); } catch { /* keep the default */ }
    if (opts.ttl !== undefined) sock.setMulticastTTL(Math.max(1, Math.min(255, Math.trunc(opts.ttl))));
    if (opts.multicastInterface) sock.setMulticastInterface(opts.multicastInterface);
  } catch (e) {
    s.close();
    throw e;
  }
  const joins = opts.join ?? [];
  let joined = 0;
  for (const j of joins) {
    try {
      sock.addMembership(j.group, j.iface);
      joined++;
    } catch (e) {
      s.warnings.push(`cannot join ${j.group} on ${j.iface ?? 'default interface'}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  if (joins.length > 0 && joined === 0) {
    s.close();
    throw new Error(s.warnings.join('; '));
  }
  const onAbort = () => s.close();
  signal.addEventListener('abort', onAbort, { once: true });
  sock.once('close', () => signal.removeEventListener('abort', onAbort));
  return s;
}

/** The real UDP edge. */
export function createUdpApi(): UdpApi {
  return { open: openSocket };
}

/** Raised by a passive-mode socket's send(). */
export class PassiveSendError extends Error {
  constructor() { super('passive mode: sending is disabled'); this.name = 'PassiveSendError'; }
}

/** A UdpApi whose sockets can listen but refuse to send; `sendAttempts` counts refused sends. */
export interface PassiveUdpApi extends UdpApi { readonly sendAttempts: number }

/** Wrap a UdpApi for --passive: every send() rejects before reaching the OS, so nothing can leave. */
export function createPassiveUdpApi(inner: UdpApi = createUdpApi()): PassiveUdpApi {
  let attempts = 0;
  return {
    get sendAttempts() { return attempts; },
    async open(opts, signal) {
      const s = await inner.open(opts, signal);
      return {
        send: () => { attempts++; return Promise.reject(new PassiveSendError()); },
        onMessage: (fn) => s.onMessage(fn),
        get localPort() { return s.localPort; },
        get warnings() { return s.warnings ?? []; },
        close: () => s.close(),
      };
    },
  };
}
