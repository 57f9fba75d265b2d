// SSDP / UPnP (UDA 1.1 §1.3): M-SEARCH for ssdp:all, upnp:rootdevice and the Axis service to
// 239.255.255.250:1900 and to each unicast target; each device's LOCATION description is fetched once,
// only from a responder inside the scan's targets (ctx.inScope), only when its host is the responding
// address (SSRF guard), at most MAX_DESCRIPTIONS_PER_HOST per responder, size-capped. A responder
// outside the targets is reported with what it announced, never contacted. Active mode with an
// interface also listens on 1900, joined to the group, for NOTIFY ssdp:alive announcements (UDA 1.1
// §1.2.2) while its window lasts: a target that announces itself joins the evidence like one that
// answered (its description fetched under the same rules). Passive mode: the announcements only (no
// description fetch: that would send). Every responder gets at most MAX_DATAGRAMS_PER_RESPONDER
// datagrams read (answers and announcements together; each is size-capped by parseSsdp).
import { HTTP_MAX } from '../protocols/common.js';
import {
  SSDP_MULTICAST_V4, SSDP_MULTICAST_V6_LINK, SSDP_PORT, SSDP_SEARCH_TARGETS, buildMSearch, parseDeviceDescription, parseSsdp, toUpnpObservation,
  type SsdpMessage, type UpnpDescription,
} from '../protocols/ssdp.js';
import { Pending, isLinkLocal6, nowIso, runSession, safeEmit, urlHostIs } from './engine.js';
import type { DiscoveryContext, DiscoveryModule, Sighting } from './types.js';

/** "uuid:abc::upnp:rootdevice" -> "uuid:abc". */
export function udnOf(usn: string): string {
  const m = /^(uuid:[^:\s]+(?:-[^:\s]+)*)/i.exec(usn.trim());
  return m ? m[1] : '';
}

/** Datagrams read per responding address at most: a device answers each search target a few times and announces each of its services; a flood gets no more. */
export const MAX_DATAGRAMS_PER_RESPONDER = 64;

/** Distinct LOCATION documents fetched per responding address at most (an answer flood gets no more). */
export const MAX_DESCRIPTIONS_PER_HOST = 4;

async function describe(ctx: DiscoveryContext, ip: string, msg: SsdpMessage, fetched: Map<string, Promise<UpnpDescription | null>>, perHost: Map<string, number>): Promise<Sighting> {
  let desc: UpnpDescription | null = null;
  if (!ctx.passive && msg.location && ctx.inScope(ip)) {
    if (urlHostIs(msg.location, ip)) {
      let p = fetched.get(msg.location);
      if (!p && (perHost.get(ip) ?? 0) < MAX_DESCRIPTIONS_PER_HOST) {
        perHost.set(ip, (perHost.get(ip) ?? 0) + 1);
        p = (async () => {
          await ctx.rate();
          const r = await ctx.http.fetch(msg.location, {
            method: 'GET', headers: { 'User-Agent': ctx.userAgent }, allowHost: ip, timeoutMs: ctx.timeoutMs,
            maxBytes: Math.min(ctx.maxBytes, HTTP_MAX), signal: ctx.signal,
          });
          if ('error' in r) { ctx.log(`ssdp: ${ip}: description ${msg.location.slice(0, 120)}: ${r.error}`); return null; }
          if (r.status !== 200) return null;
          return parseDeviceDescription(r.body);
        })();
        fetched.set(msg.location, p);
      }
      desc = p ? await p : null;
    } else if (!isLinkLocal6(ip)) {
      ctx.log(`ssdp: ${ip}: LOCATION ${msg.location.slice(0, 120)} is not on the responding host; not fetched`);
    }
  }
  const s: Sighting = { protocol: 'ssdp', ip, record: { upnp: toUpnpObservation(msg, desc) }, at: nowIso() };
  const endpoint = desc?.udn || udnOf(msg.usn);
  if (endpoint) s.endpoint = endpoint;
  if (desc?.serialNumber) s.serial = desc.serialNumber;
  return s;
}

export const ssdp: DiscoveryModule = {
  name: 'ssdp',
  description: 'SSDP M-SEARCH (UDP 1900) + UPnP device description from LOCATION',
  async run(ctx, emit) {
    const seen = new Set<string>();
    const fetched = new Map<string, Promise<UpnpDescription | null>>();
    const perHost = new Map<string, number>();
    const pending = new Pending();
    const datagrams = new Map<string, number>();
    const multicast = () => SSDP_SEARCH_TARGETS.map((st) => buildMSearch({ st, mx: 2, userAgent: ctx.userAgent }));
    // UDA 1.1 §1.3.2: over IPv6 the HOST header names the link-local group.
    const multicast6 = () => SSDP_SEARCH_TARGETS.map((st) => buildMSearch({ st, mx: 2, host: `[${SSDP_MULTICAST_V6_LINK.toUpperCase()}]:${SSDP_PORT}`, userAgent: ctx.userAgent }));
    const unicast = (host: string) => SSDP_SEARCH_TARGETS.map((st) => buildMSearch({ st, host: `${host}:${SSDP_PORT}`, unicast: true, userAgent: ctx.userAgent }));
    await runSession(ctx, 'ssdp', {
      port: SSDP_PORT, group: SSDP_MULTICAST_V4, group6: SSDP_MULTICAST_V6_LINK, ttl: 2, multicast, multicast6, unicast, listenWellKnown: true,
      onMessage(m) {
        const n = datagrams.get(m.address) ?? 0;
        if (n >= MAX_DATAGRAMS_PER_RESPONDER || (n === 0 && datagrams.size >= 8192)) return;
        datagrams.set(m.address, n + 1);
        const msg = parseSsdp(m.data);
        if (!msg) return;
        if (msg.kind === 'msearch') return; // someone else's search (or our own, looped back)
        if (msg.kind === 'response' && msg.status !== 200) return;
        if (!msg.location && !msg.usn && !msg.server) return; // nothing that identifies anything
        if (msg.kind === 'notify' && !/ssdp:alive|ssdp:update/i.test(msg.nts)) {
          if (/byebye/i.test(msg.nts)) ctx.log(`ssdp: ${m.address} said byebye (${msg.usn.slice(0, 80)})`);
          return;
        }
        // One device per responder and root UDN (a device answers each ST, and ssdp:all several times).
        const key = `${m.address}|${udnOf(msg.usn) || msg.location || msg.server}`;
        if (seen.has(key) || seen.size > 8192) return;
        seen.add(key);
        pending.add(describe(ctx, m.address, msg, fetched, perHost).then((s) => safeEmit(ctx, emit, s)));
      },
    });
    await pending.settle();
  },
};
