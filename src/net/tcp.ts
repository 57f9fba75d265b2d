// The only place (with udp.ts) that opens sockets. Every call is bounded in bytes and time, honours an
// AbortSignal, never uses a proxy, and never throws: failures come back as data.
import net from 'node:net';
import tls from 'node:tls';
import { renderDn } from '../protocols/dn.js';
import type { ConnectResult, ExchangeOptions, ExchangeResult, PeerCert, PortState, Session, SessionOptions, SessionRequest } from '../model/net.js';

export type { ConnectResult, ExchangeOptions, ExchangeResult, PeerCert, PortState, Session, SessionOptions, SessionRequest } from '../model/net.js';

// One TLS context for every client connection (any version, any certificate: camsweep reads the
// certificate, it does not trust it). Building a context per connection costs more CPU than the
// handshake itself on a dense network.
let clientContext: tls.SecureContext | undefined;
function secureContext(): tls.SecureContext {
  return (clientContext ??= tls.createSecureContext({ minVersion: 'TLSv1', ciphers: 'DEFAULT:@SECLEVEL=0' }));
}

function tlsConnect(host: string, port: number, servername?: string, over?: net.Socket): tls.TLSSocket {
  return tls.connect({
    ...(over ? { socket: over } : { host, port }), rejectUnauthorized: false, secureContext: secureContext(),
    ...(servername && net.isIP(servername) === 0 ? { servername } : {}),
  });
}

function peerCert(sock: tls.TLSSocket): { cert?: PeerCert; tlsVersion?: string } {
  try {
    const c = sock.getPeerCertificate();
    const cert = c && Object.keys(c).length
      ? { subject: renderDn(c.subject as never), issuer: renderDn(c.issuer as never), not_before: c.valid_from, not_after: c.valid_to, fingerprint256: c.fingerprint256 }
      : undefined;
    return { cert, tlsVersion: sock.getProtocol() ?? undefined };
  } catch { return {}; } // a certificate we cannot read is not fatal
}


/** A connection a connect check kept open (connectCheck's `keep`) for `session` to adopt. */
export type KeptConnection = net.Socket;

/** Close a kept connection nobody adopted. */
export function dropKept(c: KeptConnection | undefined): void {
  if (!c) return;
  c.removeAllListeners();
  c.on('error', () => {});
  c.destroy();
}

/** How often a connect with a shrinking deadline looks at it again. */
const RECHECK_MS = 100;

/**
 * TCP connect check: open (handshake done), closed (RST), filtered (no answer in time), error.
 *
 * The deadline runs from when the connect is issued (Node issues it on the next tick), and when it
 * fires the verdict waits for one turn of the event loop's I/O phase (setImmediate runs after poll):
 * on a busy loop a handshake that completed in time is still in the poll queue when the timer fires,
 * and must win over it.
 */
export function connectCheck(host: string, port: number, timeoutMs: number, signal?: AbortSignal, current?: () => number, keep?: (sock: net.Socket) => void): Promise<ConnectResult> {
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
      // An open port's connection may be kept for the first request to it (paused: what the peer
      // sends first waits in the socket for whoever reads it).
      if (state === 'open' && keep) { sock.pause(); keep(sock); } else sock.destroy();
      resolve({ state, code, ms: Math.round(performance.now() - t0) });
    };
    const onAbort = () => finish('error', 'ABORTED');
    process.nextTick(() => {
      if (done) return;
      t0 = performance.now();
      if (!current) { timer = setTimeout(() => setImmediate(() => finish('filtered', 'ETIMEDOUT')), timeoutMs); return; }
      // A deadline that may shrink (the first connects of a sweep start before any round trip is known):
      // looked at again every RECHECK_MS, never past timeoutMs.
      const arm = () => {
        const left = Math.min(timeoutMs, current()) - (performance.now() - t0);
        if (left <= 0) { setImmediate(() => finish('filtered', 'ETIMEDOUT')); return; }
        timer = setTimeout(arm, Math.min(left, RECHECK_MS));
      };
      arm();
    });
    signal?.addEventListener('abort', onAbort, { once: true });
    sock.once('connect', () => finish('open'));
    sock.once('error', (e: NodeJS.ErrnoException) => {
      const code = e.code ?? 'ERROR';
      finish(code === 'ECONNREFUSED' ? 'closed' : code === 'EHOSTUNREACH' || code === 'ENETUNREACH' ? 'filtered' : 'error', code);
    });
  });
}

/**
 * The deadlines of many connect checks that share one limit (a sweep's: --timeout, lowered once round
 * trips are known), kept in one queue with one timer instead of a timer per connect (and, while the
 * limit may still shrink, a new timer every RECHECK_MS per connect). Connects are queued in the order
 * they start and all share the limit, so the queue is in deadline order: a tick expires entries from
 * its head. What expires is settled on the loop's check phase (setImmediate, after poll), so a
 * handshake already in the poll queue when the tick runs still wins, as in connectCheck. An entry whose
 * connect settled first is skipped when the head reaches it: the queue holds at most the connects
 * started within one limit, whatever the number of addresses.
 */
export class ConnectDeadlines {
  private q: Array<DeadlineEntry | undefined> = [];
  private head = 0;
  private timer: NodeJS.Timeout | undefined;
  private armedFor = Infinity;
  /** @param limit the current connect deadline in ms (may change between calls). */
  constructor(private readonly limit: () => number) {}

  /**
   * Queue a connect started now; its `expire` runs once its deadline passed (ETIMEDOUT) or the queue
   * was aborted (ABORTED), unless `cancel` came first. A function is wrapped in an entry.
   */
  add(entry: DeadlineEntry | ((code: string) => void)): DeadlineEntry {
    const e: DeadlineEntry = typeof entry === 'function' ? { t0: 0, live: false, expire: entry } : entry;
    e.t0 = performance.now();
    if (this.aborted) { process.nextTick(expireAborted, e); return e; }
    e.live = true;
    this.q.push(e);
    this.arm(e.t0 + this.limit());
    return e;
  }

  /**
   * End every queued connect now (expire with ABORTED), and any added later: the sweep was stopped.
   * One listener on the sweep's signal does this for all its connects (none per connect).
   */
  abortAll(): void {
    this.aborted = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const list = this.q.slice(this.head);
    this.q = [];
    this.head = 0;
    for (const e of list) if (e?.live) { e.live = false; e.expire('ABORTED'); }
  }
  private aborted = false;

  cancel(e: DeadlineEntry): void { e.live = false; }

  /** Connects queued and not yet expired or skipped (for tests). */
  get size(): number { return this.q.length - this.head; }

  private arm(at: number): void {
    if (this.timer && at >= this.armedFor) return;
    if (this.timer) clearTimeout(this.timer);
    this.armedFor = at;
    // Not before MIN_TICK_MS: deadlines a few ms apart are expired by one tick.
    this.timer = setTimeout(() => this.tick(), Math.max(MIN_TICK_MS, Math.min(RECHECK_MS, at - performance.now())));
  }

  private tick(): void {
    this.timer = undefined;
    this.armedFor = Infinity;
    const now = performance.now();
    const limit = this.limit();
    let due: DeadlineEntry[] | undefined;
    while (this.head < this.q.length) {
      const e = this.q[this.head]!;
      if (e.live && now - e.t0 < limit) break;
      this.q[this.head++] = undefined;
      if (e.live) { (due ??= []).push(e); e.live = false; }
    }
    if (this.head > 1024 && this.head * 2 > this.q.length) { this.q = this.q.slice(this.head); this.head = 0; }
    else if (this.head === this.q.length) { this.q.length = 0; this.head = 0; }
    if (due) setImmediate(expireTimedOut, due);
    const next = this.q[this.head];
    if (next) this.arm(next.t0 + limit);
  }
}

export interface DeadlineEntry { t0: number; live: boolean; expire(code: string): void }
function expireAborted(e: DeadlineEntry): void { e.expire('ABORTED'); }
function expireTimedOut(list: DeadlineEntry[]): void { for (const e of list) e.expire('ETIMEDOUT'); }

/** The shortest wait between two ticks of a ConnectDeadlines queue. */
const MIN_TICK_MS = 5;

/**
 * connectCheck under a shared deadline queue (a sweep's connect checks): the same verdicts, no timer
 * of its own (and, without `signal`, no listener: the queue's abortAll() ends it). The deadline runs
 * from when Node issues the connect. With `keep`, an open port's connection comes back paused as
 * `sock` (what the peer sent first waits in it for whoever reads it); the caller owns it.
 */
export function connectQueued(host: string, port: number, deadlines: ConnectDeadlines, signal?: AbortSignal, keep = false): Promise<ConnectResult & { sock?: KeptConnection }> {
  return new Promise((resolve) => { connectQueuedTo(host, port, deadlines, signal, keep, { connected: resolve }); });
}

/** Who is told a queued connect's verdict (once, never synchronously): a sweep's own per-check object. */
export interface ConnectSink { connected(r: ConnectResult & { sock?: KeptConnection }): void }

/**
 * connectQueued without a promise: the verdict goes to `sink.connected` (on a later tick, never
 * from inside this call). A sweep's check of a port is itself the sink, so a pending connect costs
 * its socket and one small object, not a promise with its resolving functions.
 */
export function connectQueuedTo(host: string, port: number, deadlines: ConnectDeadlines, signal: AbortSignal | undefined, keep: boolean, sink: ConnectSink): void {
  if (signal?.aborted) { process.nextTick(settleAborted, sink); return; }
  const a = new QueuedConnect(net.connect({ host, port }), deadlines, signal, keep, sink);
  // Node issues the connect on the next tick: the deadline starts there.
  process.nextTick(enqueue, a);
  signal?.addEventListener('abort', a, { once: true });
}
function settleAborted(sink: ConnectSink): void { sink.connected({ state: 'error', code: 'ABORTED', ms: 0 }); }

const kConnect = Symbol('camsweep.connect');
type AttemptSocket = net.Socket & { [kConnect]?: QueuedConnect };

/**
 * One queued connect check. Its state is one object, the queue's entry and the signal's listener
 * (handleEvent) at once, and the socket's listeners are shared functions that find it on the socket:
 * a sweep keeps a thousand of these in flight, so no closure per connect.
 */
class QueuedConnect implements DeadlineEntry {
  t0: number;
  /** The loop's idle time (performance.nodeTiming.idleTime) when the connect was queued. */
  idle0 = 0;
  live = false;
  private done = false;
  constructor(private readonly sock: AttemptSocket, readonly deadlines: ConnectDeadlines, private readonly signal: AbortSignal | undefined,
    private readonly keep: boolean, private readonly sink: ConnectSink) {
    this.t0 = performance.now();
    sock[kConnect] = this;
    sock.on('connect', onAttemptConnect);
    sock.on('error', onAttemptError);
  }
  get settled(): boolean { return this.done; }
  expire(code: string): void { this.finish(code === 'ABORTED' ? 'error' : 'filtered', code); }
  handleEvent(): void { this.finish('error', 'ABORTED'); }
  finish(state: PortState, code?: string): void {
    if (this.done) return;
    this.done = true;
    this.deadlines.cancel(this);
    this.signal?.removeEventListener('abort', this);
    const sock = this.sock;
    sock[kConnect] = undefined;
    sock.removeAllListeners();
    sock.on('error', ignore);
    const ms = Math.round(performance.now() - this.t0);
    // A handshake answered while the loop never waited for I/O (a burst of connects being issued, a
    // poll phase full of other answers) was timed by the loop, not the network: say so.
    const busy = (state === 'open' || state === 'closed') && loopIdleMs() - this.idle0 < BUSY_IDLE_MS ? { busy: true as const } : {};
    if (state === 'open' && this.keep) { sock.pause(); this.sink.connected({ state, ms, sock, ...busy }); return; }
    sock.destroy();
    this.sink.connected({ state, code, ms, ...busy });
  }
}
function enqueue(a: QueuedConnect): void { if (!a.settled) { a.deadlines.add(a); a.idle0 = loopIdleMs(); } }

/**
 * Time (ms) the event loop has spent waiting for I/O since it started (libuv's idle-time metric). A
 * connect's round trip is trusted only if the loop waited at some point between the connect and its
 * answer: while it waits, an answer that came would wake it at once, so a loop that waited was not
 * holding that answer back for the whole time measured.
 */
const loopIdleMs = (): number => performance.nodeTiming.idleTime;
/** Less idle time than this between a connect and its answer: the loop was busy throughout. */
const BUSY_IDLE_MS = 1;
function onAttemptConnect(this: AttemptSocket): void { this[kConnect]?.finish('open'); }
function onAttemptError(this: AttemptSocket, e: NodeJS.ErrnoException): void {
  const code = e.code ?? 'ERROR';
  this[kConnect]?.finish(code === 'ECONNREFUSED' ? 'closed' : code === 'EHOSTUNREACH' || code === 'ENETUNREACH' ? 'filtered' : 'error', code);
}

const ignore = () => {};

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
    const sock: net.Socket = o.tls ? tlsConnect(o.host, o.port, o.servername) : net.connect({ host: o.host, port: o.port });
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
        ({ cert, tlsVersion } = peerCert(sock as tls.TLSSocket));
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

/**
 * A session to one port: requests one at a time over a kept connection (HTTP keep-alive, RTSP), a new
 * connection only when the peer closed the last one or a response could not be read to its end (cut
 * by the cap or the deadline: what follows on that connection cannot be told apart). Bounded like
 * `exchange`: every request has its own deadline (connect included) and byte cap; never throws.
 */
export function session(o: SessionOptions, adopt?: net.Socket): Session {
  let sock: net.Socket | undefined;
  // A connection a connect check kept open (connectCheck's `keep`): the first request goes over it
  // (wrapped in TLS when the session speaks TLS) instead of a new connection; it counts as kept, so a
  // peer that closed it meanwhile gets the request again on a new connection.
  let adopted = adopt;
  let cert: PeerCert | undefined;
  let tlsVersion: string | undefined;
  let connections = 0;
  let closed = false;
  const drop = () => {
    const s = sock;
    sock = undefined;
    if (!s) return;
    s.removeAllListeners();
    s.on('error', () => {});
    s.destroy();
  };
  // Open a connection (when none is kept); resolves when it can carry a request, or with why not.
  const connect = (deadline: number, signal: AbortSignal | undefined, over?: net.Socket): Promise<{ ok: true } | { ok: false; end: ExchangeResult['end']; code: string }> => new Promise((resolve) => {
    if (over && !o.tls) {
      sock = over;
      over.on('error', () => {});
      connections++;
      return resolve({ ok: true });
    }
    const s = o.tls ? tlsConnect(o.host, o.port, o.servername, over) : net.connect({ host: o.host, port: o.port });
    connections++;
    sock = s;
    // An error on a kept, idle connection (the peer reset it) is not a crash: the next request sees it is gone.
    s.on('error', () => {});
    cert = undefined;
    tlsVersion = undefined;
    let done = false;
    const end = (r: { ok: true } | { ok: false; end: ExchangeResult['end']; code: string }) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      s.removeListener('error', onError);
      if (!r.ok) drop();
      resolve(r);
    };
    const onAbort = () => end({ ok: false, end: 'aborted', code: 'ABORTED' });
    const onError = (e: NodeJS.ErrnoException) => end({ ok: false, end: 'error', code: e.code ?? 'ERROR' });
    const timer = setTimeout(() => setImmediate(() => end({ ok: false, end: 'timeout', code: 'ETIMEDOUT' })), Math.max(1, deadline - performance.now()));
    signal?.addEventListener('abort', onAbort, { once: true });
    s.once('error', onError);
    s.once('close', () => end({ ok: false, end: 'closed', code: 'ECONNRESET' }));
    if (o.tls) s.once('secureConnect', () => { ({ cert, tlsVersion } = peerCert(s as tls.TLSSocket)); end({ ok: true }); });
    else s.once('connect', () => end({ ok: true }));
  });
  // One request on the kept connection: read until the response is whole, capped, closed or late.
  // `waited`: the connection waited unread since its handshake (a connect check kept it): the request
  // goes out only once the loop has polled it again, so a close that arrived while it waited is seen
  // as that (`early`: the peer never saw the request), not as the peer's answer to the request.
  const once = (r: SessionRequest, t0: number, deadline: number, fresh: boolean, waited = false): Promise<ExchangeResult> => new Promise((resolve) => {
    const s = sock as net.Socket;
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    let sent = false;
    const finish = (end: ExchangeResult['end'], code?: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
      s.removeListener('data', onData);
      s.removeListener('end', onEnd);
      s.removeListener('close', onEnd);
      s.removeListener('error', onError);
      // Only a connection whose response ended where it said it would can carry the next request.
      if (end !== 'complete') drop();
      resolve({ data: Buffer.concat(chunks, size), end, code, cert, tlsVersion, connected: true, ms: Math.round(performance.now() - t0), ...(fresh ? {} : { reused: true }), ...(sent ? {} : { early: true }), ...(waited ? { waited: true } : {}) } as ExchangeResult);
    };
    const onAbort = () => finish('aborted', 'ABORTED');
    const onEnd = () => finish('closed');
    const onError = (e: NodeJS.ErrnoException) => finish('error', e.code ?? 'ERROR');
    const onData = (d: Buffer) => {
      const room = r.maxBytes - size;
      if (d.length >= room) { chunks.push(d.subarray(0, room)); size += room; return finish('cap'); }
      chunks.push(d);
      size += d.length;
      if (r.isComplete) {
        let complete = false;
        try { complete = r.isComplete(Buffer.concat(chunks, size)); } catch { complete = false; }
        if (complete) finish('complete');
      }
    };
    const timer = setTimeout(() => setImmediate(() => finish('timeout', 'ETIMEDOUT')), Math.max(1, deadline - performance.now()));
    o.signal?.addEventListener('abort', onAbort, { once: true });
    s.on('data', onData);
    s.resume(); // a kept connection was paused until its first request
    s.once('end', onEnd);
    s.once('close', onEnd);
    s.once('error', onError);
    const send = () => { if (done) return; sent = true; s.write(r.request); };
    // Two turns: the first check phase may come before the poll phase that reads the socket again.
    if (waited) setImmediate(() => setImmediate(send));
    else send();
  });
  const attempt = async (r: SessionRequest, t0: number): Promise<ExchangeResult> => {
    const deadline = t0 + r.timeoutMs;
    let fresh = !sock || sock.destroyed || !sock.writable;
    const over = adopted;
    adopted = undefined;
    if (fresh && over && !over.destroyed && over.writable) {
      drop();
      const c = await connect(deadline, o.signal, over);
      // Counted as a kept connection: a peer that closed it while it waited is asked again, freshly.
      if (c.ok) return once(r, t0, deadline, false, !o.tls);
      // Only a connection the peer dropped while it waited is worth a new one: a handshake that ran out
      // of time, was aborted or failed on what the peer sent (a plain server's answer) would fail again.
      const dropped = c.end === 'closed' || (c.end === 'error' && (c.code === 'ECONNRESET' || c.code === 'EPIPE'));
      if (!dropped) return { data: Buffer.alloc(0), end: c.end, code: c.code, connected: false, ms: Math.round(performance.now() - t0) };
      fresh = true;
    } else over?.destroy();
    if (fresh) {
      drop();
      await o.beforeConnect?.();
      if (o.signal?.aborted) return { data: Buffer.alloc(0), end: 'aborted', code: 'ABORTED', ms: 0 };
      const c = await connect(deadline, o.signal);
      if (!c.ok) return { data: Buffer.alloc(0), end: c.end, code: c.code, connected: false, ms: Math.round(performance.now() - t0) };
    }
    return once(r, t0, deadline, fresh);
  };
  return {
    get connections() { return connections; },
    async request(r) {
      const t0 = performance.now();
      if (closed || o.signal?.aborted) return { data: Buffer.alloc(0), end: 'aborted', code: 'ABORTED', ms: 0 };
      const first = await attempt(r, t0);
      // A kept connection the peer closed or reset just as the request went out: send it once more,
      // freshly. A connection a connect check kept waits unread (`waited`), so a close that came while
      // it waited is seen before the request goes out (`early`); one that comes after it is the peer's
      // answer to the request (a binary port that closes on what it does not understand), and asking
      // again on a new connection would get the same answer.
      const f = first as ExchangeResult & { reused?: boolean; early?: boolean; waited?: boolean };
      const reset = f.end === 'error' && (f.code === 'ECONNRESET' || f.code === 'EPIPE');
      const stale = f.reused && f.data.length === 0 && (reset || (f.end === 'closed' && (f.early || !f.waited)));
      const { reused: _r, early: _e, waited: _w, ...res } = (stale ? await attempt(r, performance.now()) : first) as ExchangeResult & { reused?: boolean; early?: boolean; waited?: boolean };
      return res;
    },
    reset: drop,
    close() { closed = true; drop(); adopted?.destroy(); adopted = undefined; },
  };
}
