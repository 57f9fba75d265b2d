// The send/listen loop every discovery module shares (Node 20 dgram: addMembership, setMulticastInterface, recvBufferSize):
//  - active: one socket per interface (bound 0.0.0.0:ephemeral, IP_MULTICAST_IF = that interface,
//    large receive buffer), a few multicast rounds with 50-250 ms jitter; one more socket for unicast
//    probes to every ctx.unicastTargets host, each send waiting for a ctx.rate() token; then listen
//    ctx.listenMs after the last send.
//  - passive: bind the well-known port with SO_REUSEADDR, join the group on every interface, send
//    nothing, listen ctx.listenMs.
//  - IPv6: on every chosen interface with an IPv6 link-local address (IPv6 up), a second socket
//    (udp6, IPv6-only, IPV6_MULTICAST_IF = that interface) sends the same multicast payloads to the
//    module's `group6` scoped to the interface (ff02::c%eth0); passive mode also joins `group6` there.
//    Link-local sources are handed to the module with their zone (fe80::…%eth0), whether or not the OS
//    reported it, and safeEmit() fills `mac` from an EUI-64 interface id (RFC 4291 app. A).
// Modules give payload builders and a message handler; the engine owns the sockets and closes them.
import { setMaxListeners } from 'node:events';
import { isLinkLocal6, macFromEui64 } from '../model/address.js';

export { isLinkLocal6 };
import { isLocalError } from '../model/status.js';
import { pause } from '../util/deadline.js';
import type { DiscoveryContext, NetIface, UdpMessage, UdpSocket, Sighting } from './types.js';

export interface SessionSpec {
  /** Destination (active) / bound (passive) port. */
  port: number;
  group: string;
  /** IPv6 link-scope group (ff02::c, ff02::fb), used on interfaces where IPv6 is up; none for SADP/DHIP. */
  group6?: string;
  /** Multicast TTL for sends. */
  ttl: number;
  /** Payloads for one multicast round (called once per round and per address family so message ids are fresh). */
  multicast(): Buffer[];
  /** Payloads for one round to `group6`, when they differ from the IPv4 ones (SSDP's HOST header); default: multicast(). */
  multicast6?(): Buffer[];
  /** Payloads for one unicast host. */
  unicast(host: string): Buffer[];
  /** Multicast rounds (default 3). */
  rounds?: number;
  /** In active mode with interfaces, also listen on the well-known port joined to the group (vendor protocols that answer to the group). */
  listenWellKnown?: boolean;
  onMessage(m: UdpMessage, sock: UdpSocket): void;
}

export const DEFAULT_ROUNDS = 3;
/** Unicast probes in flight at once, and how long one send may hold its slot. */
export const UNICAST_WINDOW = 64;
export const UNICAST_SEND_WAIT_MS = 250;
/**
 * One burst of unicast sends between two turns of the event loop: at most UNICAST_BURST sends, and at
 * most UNICAST_BURST_MS of the loop — or, while the loop is busy, an eighth of the last turn it took to
 * come back (up to UNICAST_BURST_MAX_MS). A fixed count (16 before) cost a whole turn of a busy loop
 * every 16 sends: on a dense /24 whose sweep kept each turn at ~150 ms, discovery's last send came ~3 s
 * into the run, and its listening window ended 3 s after that.
 */
export const UNICAST_BURST = 512;
export const UNICAST_BURST_MS = 4;
export const UNICAST_BURST_MAX_MS = 25;

/** Resolves on the event loop's next check phase (after pending I/O and timers had their turn). */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => { setImmediate(resolve); });
}

/** Resolves after `ms` or as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted || ms <= 0) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

function jitter(): number {
  return 50 + Math.floor(Math.random() * 200);
}

/** `ip` with the zone `scope` appended when it is IPv6 link-local and carries none (rinfo may omit it). */
export function withZone(ip: string, scope: string | undefined): string {
  return scope && isLinkLocal6(ip) && !ip.includes('%') ? `${ip}%${scope}` : ip;
}

/** Interfaces of the context on which IPv6 multicast goes (an IPv6 link-local address and a zone). */
export function ipv6Interfaces(ifaces: readonly NetIface[]): Array<NetIface & { scopeId: string }> {
  return ifaces.filter((i): i is NetIface & { scopeId: string } => !!i.ipv6LinkLocal && !!i.scopeId);
}

export function nowIso(): string {
  return new Date().toISOString();
}

/** Logs each distinct message once (a dead interface would otherwise log on every send). */
function onceLogger(ctx: DiscoveryContext, prefix: string): (msg: string) => void {
  const seen = new Set<string>();
  return (msg) => {
    if (seen.has(msg) || seen.size > 64) return;
    seen.add(msg);
    ctx.log(`${prefix}: ${msg}`);
  };
}

/** Run one discovery session (active or passive) per the module's spec. Never throws. */
export async function runSession(ctx: DiscoveryContext, name: string, spec: SessionSpec): Promise<void> {
  const log = onceLogger(ctx, name);
  // What listens on ctx.signal: one listener per socket this session opens (two per interface, a
  // well-known-port listener, the unicast socket) and one sleep at a time. Bounded by the number of
  // interfaces, never by the number of targets; follow-up requests get their own signals.
  try { setMaxListeners(Math.max(10, 2 * ctx.interfaces.length + 6), ctx.signal); } catch { /* not an EventTarget we can tune */ }
  const sockets: UdpSocket[] = [];
  const attach = (s: UdpSocket, zone?: string) => {
    sockets.push(s);
    for (const w of s.warnings ?? []) log(w);
    s.onMessage((m) => spec.onMessage(zone ? { ...m, address: withZone(m.address, zone) } : m, s));
  };
  const open = async (what: string, o: Parameters<DiscoveryContext['udp']['open']>[0], zone?: string): Promise<UdpSocket | undefined> => {
    // Out of descriptors or buffers (EMFILE, ENOBUFS): wait and try again a few times; if the socket
    // still cannot be had, this protocol did not look, and the scan must say so (exit 3).
    for (let attempt = 0; ; attempt++) {
      try {
        const s = await ctx.udp.open(o, ctx.signal);
        attach(s, zone);
        return s;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code ?? '';
        if (isLocalError(code) && attempt < LOCAL_RETRIES && !ctx.signal.aborted) { await sleep(LOCAL_RETRY_MS * 2 ** attempt, ctx.signal); continue; }
        log(`cannot open ${what}: ${code || (e as Error).message}`);
        if (isLocalError(code)) ctx.onLocalError?.(`${name}: ${what}`, code);
        return undefined;
      }
    }
  };
  const send = async (s: UdpSocket, data: Buffer, port: number, host: string) => {
    // A send refused for lack of buffers (ENOBUFS) is tried again a little later. It is not escalated:
    // the kernel also says ENOBUFS when its queue for an absent neighbour is full, which is no blind spot.
    for (let attempt = 0; ; attempt++) {
      try {
        await s.send(data, port, host);
        return;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code ?? '';
        if (isLocalError(code) && attempt < 3 && !ctx.signal.aborted) { await pause(20 * 2 ** attempt); continue; }
        log(`send to ${host}:${port} failed: ${code || (e as Error).message}`);
        return;
      }
    }
  };

  try {
    if (ctx.signal.aborted) return;
    const v6 = spec.group6 ? ipv6Interfaces(ctx.interfaces) : [];
    if (ctx.passive) {
      const join = ctx.interfaces.map((i) => ({ group: spec.group, iface: i.address }));
      const s = await open(`listener on port ${spec.port}`, { port: spec.port, reuseAddr: true, join });
      // One IPv6 listener per interface, so a link-local sender's zone is known even when the OS omits it.
      let s6 = 0;
      for (const i of v6) {
        const l = await open(`IPv6 listener on ${i.name} port ${spec.port}`, {
          family: 'udp6', port: spec.port, reuseAddr: true, join: [{ group: spec.group6!, iface: `::%${i.scopeId}` }],
        }, i.scopeId);
        if (l) s6++;
      }
      if (s || s6) await sleep(ctx.listenMs, ctx.signal);
      return;
    }

    const mcast: Array<{ s: UdpSocket; group: string; v6: boolean }> = [];
    for (const i of ctx.interfaces) {
      const s = await open(`socket on ${i.name} (${i.address})`, { port: 0, multicastInterface: i.address, ttl: spec.ttl });
      if (s) mcast.push({ s, group: spec.group, v6: false });
    }
    for (const i of v6) {
      const s = await open(`IPv6 socket on ${i.name} (${i.ipv6LinkLocal})`, { family: 'udp6', port: 0, multicastInterface: `::%${i.scopeId}`, ttl: spec.ttl }, i.scopeId);
      if (s) mcast.push({ s, group: `${spec.group6!}%${i.scopeId}`, v6: true });
    }
    if (spec.listenWellKnown && ctx.interfaces.length) {
      await open(`listener on port ${spec.port}`, {
        port: spec.port, reuseAddr: true, join: ctx.interfaces.map((i) => ({ group: spec.group, iface: i.address })),
      });
    }
    const list = ctx.unicastTargets;
    const targets: Iterable<string> = Array.isArray(list) ? [...new Set(list)] : list;
    const uni = (Array.isArray(list) ? list.length : (list as { size: number }).size) ? await open('unicast socket', { port: 0 }) : undefined;

    const multicastLoop = async () => {
      const rounds = spec.rounds ?? DEFAULT_ROUNDS;
      for (let r = 0; r < rounds && mcast.length && !ctx.signal.aborted; r++) {
        if (r > 0) await sleep(jitter(), ctx.signal);
        const payloads = spec.multicast();
        // Built again for IPv6, so message ids differ: receivers drop a WS-Discovery MessageID already seen
        // on another path as a duplicate (SOAP-over-UDP 1.1 Appendix II; wsdd does).
        const payloads6 = mcast.some((m) => m.v6) ? (spec.multicast6 ? spec.multicast6() : spec.multicast()) : [];
        await Promise.all(mcast.map(async ({ s, group, v6: six }) => { for (const p of six ? payloads6 : payloads) await send(s, p, spec.port, group); }));
      }
    };
    const unicastLoop = async () => {
      if (!uni) return;
      // A send to an absent host can sit in the kernel until ARP fails (~3 s): never wait on one send.
      // A send holds one of UNICAST_WINDOW slots until it completes or UNICAST_SEND_WAIT_MS have passed.
      // A send that completes at once (loopback, a neighbour already known) resolves without giving the
      // event loop a turn: without a pause after each burst (UNICAST_BURST), the five modules' loops over
      // thousands of targets run as one long microtask chain (~0.9 s for 4,096 hosts), the sweep's
      // connects and timers wait behind it, and its garbage piles up in the old generation (peak RSS
      // ~13 MB higher for 4,096 targets than for 256).
      const slots = new UnicastSlots(UNICAST_WINDOW, UNICAST_SEND_WAIT_MS);
      let burst = 0;
      let since = performance.now();
      let budget = UNICAST_BURST_MS;
      for (const host of targets) {
        if (ctx.signal.aborted) break;
        for (const p of spec.unicast(host)) {
          await ctx.rate();
          await slots.free(ctx.signal);
          if (ctx.signal.aborted) break;
          slots.hold(send(uni, p, spec.port, host));
          if (++burst >= UNICAST_BURST || performance.now() - since >= budget) {
            const asked = performance.now();
            await nextTurn();
            since = performance.now();
            budget = Math.min(UNICAST_BURST_MAX_MS, Math.max(UNICAST_BURST_MS, (since - asked) / 8));
            burst = 0;
          }
        }
      }
      await slots.drain(ctx.signal);
    };
    await Promise.all([multicastLoop(), unicastLoop()]);
    if (sockets.length) await sleep(ctx.listenMs, ctx.signal);
  } catch (e) {
    log(`unexpected error: ${(e as Error).message}`);
  } finally {
    for (const s of sockets) s.close();
  }
}

/** Retries of a socket that could not be opened for lack of descriptors or buffers, and the first wait. */
export const LOCAL_RETRIES = 5;
export const LOCAL_RETRY_MS = 100;

/**
 * The in-flight window of unicast sends: at most `size` sends hold a slot; a slot is given back when
 * its send completes or `maxWaitMs` after it started. Waiting uses one timer at a time and adds no
 * listener to any signal (an abort is noticed within `maxWaitMs`).
 */
export class UnicastSlots {
  private readonly held: Array<{ at: number }> = [];
  private wake: (() => void) | undefined;
  constructor(private readonly size: number, private readonly maxWaitMs: number) {}

  get inFlight(): number { this.expire(); return this.held.length; }

  hold(p: Promise<unknown>): void {
    const slot = { at: performance.now() };
    this.held.push(slot);
    void p.catch(() => undefined).finally(() => {
      const i = this.held.indexOf(slot);
      if (i >= 0) this.held.splice(i, 1);
      this.wake?.();
    });
  }

  /** Resolves when a slot is free (or the signal has aborted). */
  free(signal: AbortSignal): Promise<void> { return this.until(this.size, signal); }

  /** Resolves when no send holds a slot any more (or the signal has aborted). */
  drain(signal: AbortSignal): Promise<void> { return this.until(1, signal); }

  private expire(): void {
    const now = performance.now();
    while (this.held.length && now - this.held[0].at >= this.maxWaitMs) this.held.shift();
  }

  private async until(below: number, signal: AbortSignal): Promise<void> {
    for (;;) {
      this.expire();
      if (this.held.length < below || signal.aborted) return;
      const wait = Math.max(1, this.held[0].at + this.maxWaitMs - performance.now());
      await new Promise<void>((resolve) => {
        const done = () => { clearTimeout(t); this.wake = undefined; resolve(); };
        const t = setTimeout(done, Math.min(wait, this.maxWaitMs));
        this.wake = done;
      });
    }
  }
}

/** Collects follow-up work started from message handlers, so run() can wait for it. */
export class Pending {
  private readonly list: Array<Promise<unknown>> = [];
  add(p: Promise<unknown>): void {
    this.list.push(p.catch(() => undefined));
  }
  async settle(): Promise<void> {
    // Handlers may add more while we wait.
    for (let n = 0; n < this.list.length; n = this.list.length) await Promise.all(this.list.slice(n));
  }
}

/** Emit, never letting a consumer's exception escape into a socket handler. */
export function safeEmit(ctx: DiscoveryContext, emit: (s: Sighting) => void, s: Sighting): void {
  if (!s.mac && s.ip.includes(':')) {
    // An IPv6 source whose interface id is EUI-64 names the NIC's MAC (not for privacy/stable-privacy ids).
    const mac = macFromEui64(s.ip);
    if (mac) { s.mac = mac; s.macFrom = 'eui64'; }
  }
  try {
    emit(s);
  } catch (e) {
    ctx.log(`${s.protocol}: consumer error: ${(e as Error).message}`);
  }
}

/** True when `url` is http(s) and its host is exactly `ip`. */
export function urlHostIs(url: string, ip: string): boolean {
  try {
    const u = new URL(url);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname.replace(/^\[|\]$/g, '').toLowerCase() === ip.toLowerCase();
  } catch {
    return false;
  }
}
