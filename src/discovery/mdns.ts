// mDNS / DNS-SD (RFC 6762/6763): PTR queries for MDNS_SERVICE_TYPES
// (and the DNS-SD meta-query) sent from an ephemeral port (legacy unicast, QU bit set) to 224.0.0.251:5353
// on each interface and to each unicast target's port 5353; we never bind 5353 when sending, so a running
// avahi/mDNSResponder doesn't block us. Answers are resolved PTR -> SRV/TXT/A within the packet; for
// what is missing we ask the responder once more (PTR for newly listed service types, SRV+TXT for
// instances, A for hosts), only when the responder is inside the scan's targets (ctx.inScope). One
// sighting per responding address at the end of the listening window.
// Passive mode: bind 5353 (reuseAddr), join the group, keep unsolicited responses, ask nothing.
import { randomInt } from 'node:crypto';
import {
  DNS_SD_META_QUERY, MDNS_MULTICAST_V4, MDNS_MULTICAST_V6, MDNS_PORT, MDNS_SERVICE_TYPES, buildQuery, parseMdns, type MdnsService, type QueryType,
} from '../protocols/mdns.js';
import { normaliseMac } from '../model/address.js';
import { nowIso, runSession, safeEmit } from './engine.js';
import type { DiscoveryModule, Sighting, UdpSocket } from './types.js';
import type { MdnsObservation } from '../model/types.js';

const MAX_SERVICES_PER_HOST = 64;
const MAX_FOLLOWUP_NAMES = 16;
/** Datagrams decoded per responding address per session (the per-datagram cost is bounded by DNS_BUDGET). */
export const MAX_DATAGRAMS_PER_HOST = 128;

export interface HostState {
  services: Map<string, MdnsService>;
  types: Set<string>;
  addrs: Map<string, string[]>;
  asked: Set<string>;
}

const lc = (s: string) => s.toLowerCase().replace(/\.$/, '');

function mergeService(st: HostState, s: MdnsService): void {
  const k = lc(s.fqdn);
  const cur = st.services.get(k);
  if (!cur) {
    if (st.services.size < MAX_SERVICES_PER_HOST) st.services.set(k, { ...s, txt: { ...s.txt }, addresses: [...s.addresses] });
    return;
  }
  if (!cur.host && s.host) cur.host = s.host;
  if (cur.port === undefined && s.port !== undefined) cur.port = s.port;
  if (Object.keys(cur.txt).length === 0 && Object.keys(s.txt).length) cur.txt = { ...s.txt };
  for (const a of s.addresses) if (!cur.addresses.includes(a) && cur.addresses.length < 16) cur.addresses.push(a);
}

const bare = (a: string) => a.toLowerCase().replace(/%.*$/, '');

/**
 * The responder's other addresses, from the A/AAAA records of its own host names (the SRV targets of its
 * services): only host names whose addresses include the address that answered, so a proxy answering
 * for another host (Bonjour Sleep Proxy, a reflector) does not make the two one device. Link-local ones
 * take the responder's zone when it has one.
 */
export function ownAddresses(ip: string, st: Pick<HostState, 'services' | 'addrs'>): string[] {
  const self = bare(ip);
  const zone = /%(.+)$/.exec(ip)?.[1];
  const out = new Set<string>();
  const hostsOf = new Set([...st.services.values()].map((s) => lc(s.host)).filter(Boolean));
  for (const h of hostsOf) {
    const list = [...(st.addrs.get(h) ?? []), ...[...st.services.values()].filter((s) => lc(s.host) === h).flatMap((s) => s.addresses)];
    if (!list.some((a) => bare(a) === self)) continue;
    for (const a of list) {
      if (bare(a) === self || out.size >= 16) continue;
      out.add(zone && /^fe[89ab][0-9a-f]:/i.test(a) && !a.includes('%') ? `${a.toLowerCase()}%${zone}` : a.toLowerCase());
    }
  }
  return [...out];
}

export const mdns: DiscoveryModule = {
  name: 'mdns',
  description: 'mDNS / DNS-SD browse (UDP 5353, legacy unicast from an ephemeral port)',
  async run(ctx, emit) {
    const hosts = new Map<string, HostState>();
    const decoded = new Map<string, number>();
    // A fresh non-zero id per query: legacy-unicast answers echo it (RFC 6762 §6.7).
    const query = (names: readonly string[], type: QueryType = 'PTR') => buildQuery(names, { qu: true, id: randomInt(1, 0xffff), type });
    const browse = () => [query(MDNS_SERVICE_TYPES)];
    const ask = (sock: UdpSocket, ip: string, st: HostState, type: QueryType, names: string[]) => {
      const fresh = names.filter((n) => !st.asked.has(`${type} ${lc(n)}`)).slice(0, MAX_FOLLOWUP_NAMES);
      if (!fresh.length || ctx.passive || ctx.signal.aborted || !ctx.inScope(ip)) return;
      for (const n of fresh) st.asked.add(`${type} ${lc(n)}`);
      let pkt: Buffer;
      try { pkt = query(fresh, type); } catch { return; } // a name from the wire that cannot be re-encoded
      void (async () => {
        await ctx.rate();
        await sock.send(pkt, MDNS_PORT, ip).catch(() => undefined);
      })();
    };
    await runSession(ctx, 'mdns', {
      port: MDNS_PORT, group: MDNS_MULTICAST_V4, group6: MDNS_MULTICAST_V6, ttl: 255, multicast: browse, unicast: browse,
      onMessage(m, sock) {
        const n = decoded.get(m.address) ?? 0;
        if (n >= MAX_DATAGRAMS_PER_HOST || (n === 0 && decoded.size > 8192)) return;
        decoded.set(m.address, n + 1);
        const msg = parseMdns(m.data);
        if (!msg || !msg.isResponse) return;
        if (!hosts.has(m.address)) {
          if (hosts.size > 4096) return;
          hosts.set(m.address, { services: new Map(), types: new Set(), addrs: new Map(), asked: new Set(MDNS_SERVICE_TYPES.map((t) => `PTR ${lc(t)}`)) });
        }
        const st = hosts.get(m.address)!;
        for (const t of msg.serviceTypes) if (st.types.size < 64) st.types.add(t);
        for (const h of msg.hosts) st.addrs.set(lc(h.name), h.addresses);
        for (const s of msg.services) mergeService(st, s);
        // Follow-ups for what this responder left out.
        const knownTypes = new Set([...st.services.values()].map((s) => lc(s.type)));
        ask(sock, m.address, st, 'PTR', [...st.types].filter((t) => !knownTypes.has(lc(t)) && lc(t) !== DNS_SD_META_QUERY));
        const incomplete = [...st.services.values()].filter((s) => !s.host || Object.keys(s.txt).length === 0).map((s) => s.fqdn);
        ask(sock, m.address, st, 'SRV', incomplete.filter((f) => !st.services.get(lc(f))!.host));
        ask(sock, m.address, st, 'TXT', incomplete.filter((f) => Object.keys(st.services.get(lc(f))!.txt).length === 0));
        const noAddr = [...st.services.values()].filter((s) => s.host && !s.addresses.length && !st.addrs.has(lc(s.host))).map((s) => s.host);
        ask(sock, m.address, st, 'A', [...new Set(noAddr)]);
      },
    });
    for (const [ip, st] of hosts) {
      const list: MdnsObservation[] = [];
      let mac = '';
      let hostname = '';
      for (const s of st.services.values()) {
        const o: MdnsObservation = { instance: s.instance, type: s.type };
        if (s.host) o.host = s.host;
        if (s.port !== undefined) o.port = s.port;
        if (Object.keys(s.txt).length) o.txt = s.txt;
        list.push(o);
        mac ||= normaliseMac(s.txt.macaddress ?? s.txt.mac ?? '') ?? '';
        hostname ||= s.host.replace(/\.$/, '');
      }
      const described = new Set(list.map((o) => lc(o.type ?? '')));
      for (const t of st.types) if (!described.has(lc(t))) list.push({ type: t });
      if (!list.length) continue;
      const s: Sighting = { protocol: 'mdns', ip, record: { mdns: list }, at: nowIso() };
      if (hostname) s.record.hostname = hostname;
      if (mac) s.mac = mac;
      const aliases = ownAddresses(ip, st);
      if (aliases.length) s.aliases = aliases;
      safeEmit(ctx, emit, s);
    }
  },
};
