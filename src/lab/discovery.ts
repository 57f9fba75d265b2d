// Discovery responders for the simulated lab: each persona with `discovery` data answers WS-Discovery
// (UDP 3702), SSDP (1900), mDNS (5353, unicast queries), SADP (37020), DHIP (37810), Ubiquiti discovery (10001) and TP-Link discovery (20002, unicast only: TP-Link
// devices answer broadcasts, never a group) on its own
// loopback address, so `camsweep demo` and the tests see discovery results without root. All ports are
// >= 1024; every socket binds with SO_REUSEADDR to the device's own IP. With `multicastIface` (network
// namespace labs) each protocol also listens on its multicast group joined on that interface, and
// announce() sends ONVIF Hello, SSDP NOTIFY, an mDNS announcement and SADP/DHIP announcements. With
// `ipv6Iface` too, WS-Discovery, SSDP and mDNS also listen on [::] (IPv6-only sockets) joined to FF02::C /
// FF02::FB on that interface and answer IPv6 askers by unicast, as real devices do (SADP/DHIP are IPv4).
// Behaviour follows real daemons (avahi-daemon, wsdd and minissdpd as packaged in Debian): WS-Discovery Types filtering by QName, replies in the
// probe's namespace version, legacy-unicast mDNS answers to queries from ports other than 5353.
import { udpSocket, type RemoteInfo, type UdpServerSocket } from '../net/serve.js';
import { randomUUID } from 'node:crypto';
import type { LabDevice } from './devices.js';
import type { Persona } from './personas.js';
import { mapPort } from './devices.js';
import {
  NS, WSD_MULTICAST_V4, WSD_MULTICAST_V6, WSD_PORT, buildHello, buildProbeMatches, parseWsdMessage, type WsdEndpoint,
} from '../protocols/wsdiscovery.js';
import { SSDP_MULTICAST_V4, SSDP_MULTICAST_V6_LINK, SSDP_PORT, buildDeviceDescription, buildNotify, buildSsdpResponse, parseSsdp } from '../protocols/ssdp.js';
import { DNS_SD_META_QUERY, MDNS_MULTICAST_V4, MDNS_MULTICAST_V6, MDNS_PORT, buildResponse, parseQuery, type ServiceSpec } from '../protocols/mdns.js';
import { SADP_MULTICAST_V4, SADP_PORT, buildSadpReply, parseSadpMessage } from '../protocols/sadp.js';
import { DHIP_MULTICAST_V4, DHIP_PORT, buildDhipReply, parseDhip } from '../protocols/dhip.js';
import { UBNT_MULTICAST_V4, UBNT_PORT, buildUbntReply, parseUbnt, ubntMac, ubntMacIp, ubntU32 } from '../protocols/ubnt.js';
import { TDP_PORT, buildTdpReply, parseTdp } from '../protocols/tdp.js';

export interface DiscoveryResponderOptions {
  /** Join the multicast groups on this interface address (namespace lab); never used on loopback tests. */
  multicastIface?: string;
  /**
   * Namespace lab only (needs multicastIface): the interface name (IPv6 zone) on which to join the IPv6
   * groups, and its link-local address (published in mDNS AAAA records).
   */
  ipv6Iface?: string;
  ipv6Address?: string;
}

export interface DiscoveryResponders {
  /**
   * Send ONVIF Hello, SSDP NOTIFY alive, an mDNS announcement and SADP/DHIP announcements once. With `to`,
   * they go by unicast to that address's well-known ports (loopback tests); without, to the multicast groups,
   * which requires `multicastIface` (refused otherwise, so a test can never multicast on a real interface).
   */
  announce(to?: string): Promise<void>;
  stop(): Promise<void>;
}

type DeviceLike = LabDevice | { persona: Persona; ip: string; ports: Record<number, number> };

const PREFIX_NS: Record<string, string> = { dn: NS.dn, tds: NS.tds, wsdp: NS.wsdp, pub: NS.pub };

/** QName as namespace#local when the prefix is a well-known one, else just the local name. */
function qname(t: string): string {
  const i = t.indexOf(':');
  if (i < 0) return t;
  const ns = PREFIX_NS[t.slice(0, i)];
  return ns ? `${ns}#${t.slice(i + 1)}` : t.slice(i + 1);
}

function typesMatch(want: string[], have: string[]): boolean {
  const h = have.map(qname);
  const hLocal = have.map((t) => t.slice(t.indexOf(':') + 1));
  return want.every((w) => {
    const q = qname(w);
    return q.includes('#') ? h.includes(q) : hLocal.includes(q);
  });
}

/** RFC 3986 prefix matching (WS-Discovery default rule), simplified: segment-wise prefix, case-sensitive. */
function scopesMatch(want: string[], have: string[]): boolean {
  return want.every((w) => have.some((s) => s === w || s.startsWith(w.endsWith('/') ? w : w + '/')));
}

function send(sock: UdpServerSocket, data: Buffer, port: number, address: string): Promise<void> {
  return new Promise((resolve) => {
    try { sock.send(data, port, address, () => resolve()); } catch { resolve(); }
  });
}

function bindUdp(address: string, port: number): Promise<UdpServerSocket> {
  return new Promise((resolve, reject) => {
    const s = udpSocket(address.includes(':') ? 'udp6' : 'udp4');
    const onError = (e: Error) => { try { s.close(); } catch { /* */ } reject(e); };
    s.once('error', onError);
    s.bind({ address, port }, () => {
      s.off('error', onError);
      s.on('error', () => { /* never crash the lab */ });
      resolve(s);
    });
  });
}

/** Start the discovery responders of one lab device. Rejects (after releasing what it bound) on a bind error. */
export async function startDiscoveryResponders(device: DeviceLike, opts: DiscoveryResponderOptions = {}): Promise<DiscoveryResponders> {
  const { persona, ip, ports } = device;
  const d = persona.discovery ?? {};
  if (opts.ipv6Iface && !opts.multicastIface) throw new Error('lab: ipv6Iface needs multicastIface (namespace lab only)');
  if (opts.ipv6Iface && !/^[\w.-]{1,15}$/.test(opts.ipv6Iface)) throw new Error(`lab: bad interface name ${opts.ipv6Iface}`);
  const sockets: UdpServerSocket[] = [];
  const httpPort = ports[80] ?? ports[Number(Object.keys(ports)[0])] ?? mapPort(80);
  const base = `http://${ip}${httpPort === 80 ? '' : `:${httpPort}`}`;
  const senders = new Map<number, UdpServerSocket>();

  /**
   * Unicast socket on ip:port (+ a group listener with multicastIface); IPv4 replies always leave from
   * ip:port. With ipv6Iface and a `group6`, one more IPv6-only socket on [::]:port joined to group6 on
   * that interface; IPv6 askers are answered from it. `mgroup` is the group to use for multicast replies
   * on the socket that received the query.
   */
  const listen = async (port: number, group: string, group6: string | undefined, handler: (msg: Buffer, from: RemoteInfo, reply: UdpServerSocket, mgroup: string) => void) => {
    const uni = await bindUdp(ip, port);
    sockets.push(uni);
    senders.set(port, uni);
    const wrapFor = (sock: UdpServerSocket, mgroup: string) => (msg: Buffer, rinfo: RemoteInfo) => {
      if (msg.length > 65507) return;
      try { handler(msg, rinfo, sock, mgroup); } catch { /* hostile input never crashes the lab */ }
    };
    const wrap = wrapFor(uni, group);
    uni.on('message', wrap);
    if (opts.multicastIface) {
      try { uni.setMulticastInterface(opts.multicastIface); } catch { /* */ }
      let g: UdpServerSocket;
      try { g = await bindUdp(group, port); } catch { g = await bindUdp('0.0.0.0', port); }
      sockets.push(g);
      g.addMembership(group, opts.multicastIface);
      g.on('message', wrap);
    }
    if (opts.multicastIface && opts.ipv6Iface && group6) {
      const zone = opts.ipv6Iface;
      const s6 = await bindUdp('::', port);
      sockets.push(s6);
      try { s6.setMulticastInterface(`::%${zone}`); } catch { /* */ }
      s6.addMembership(group6, `::%${zone}`);
      s6.on('message', wrapFor(s6, `${group6}%${zone}`));
    }
  };

  const onvif = d.onvif;
  const wsdEndpoint: WsdEndpoint | undefined = onvif && {
    endpoint: onvif.endpoint, types: onvif.types, scopes: onvif.scopes, xaddrs: [`${base}${onvif.xaddrPath}`], metadataVersion: 1,
  };
  const upnp = d.upnp;
  const location = upnp ? `${base}${upnp.locationPath}` : '';
  const services: ServiceSpec[] = (d.mdns ?? []).map((s) => ({
    instance: s.instance, type: /\.local$/.test(s.type) ? s.type : `${s.type}.local`, host: `${persona.name}.local`,
    port: ports[s.port] ?? mapPort(s.port), txt: s.txt, addresses: opts.ipv6Iface && opts.ipv6Address ? [ip, opts.ipv6Address.replace(/%.*$/, '')] : [ip],
  }));
  const sadpFields = (uuid: string): Record<string, string> => {
    const f: Record<string, string> = { Uuid: uuid };
    for (const [k, v] of Object.entries(d.sadp ?? {})) {
      if (k === 'Uuid') continue;
      if (k === 'IPv4Address' && !v) f[k] = ip;
      else if (k === 'HttpPort' && /^\d+$/.test(v)) f[k] = String(ports[Number(v)] ?? mapPort(Number(v)));
      else f[k] = v;
    }
    return f;
  };
  const dhipInfo = (): Record<string, unknown> => {
    const info = JSON.parse(JSON.stringify(d.dhip?.deviceInfo ?? {})) as Record<string, unknown>;
    const v4 = info.IPv4Address as Record<string, unknown> | undefined;
    if (v4 && typeof v4 === 'object' && !v4.IPAddress) v4.IPAddress = ip;
    if (typeof info.HttpPort === 'number') info.HttpPort = ports[info.HttpPort] ?? mapPort(info.HttpPort);
    return info;
  };

  const started = Date.now();
  const ubntReply = (): Buffer | undefined => {
    const u = d.ubnt;
    if (!u) return undefined;
    // TLV order of the G3 Flex capture: MAC+IP, MAC, uptime, host name, platform, default flag, firmware.
    const tlvs: Array<[number, Buffer | string]> = [[0x02, ubntMacIp(u.mac, ip.includes(':') ? '0.0.0.0' : ip)], [0x01, ubntMac(u.mac)], [0x0a, ubntU32(Math.floor((Date.now() - started) / 1000))]];
    if (u.hostname) tlvs.push([0x0b, u.hostname]);
    if (u.platform) tlvs.push([0x0c, u.platform]);
    tlvs.push([0x17, ubntU32(0)]);
    if (u.firmware) tlvs.push([0x03, u.firmware]);
    if (u.model) tlvs.push([0x14, u.model]);
    return buildUbntReply(tlvs);
  };

  try {
    if (wsdEndpoint) {
      await listen(WSD_PORT, WSD_MULTICAST_V4, WSD_MULTICAST_V6, (msg, from, sock) => {
        const w = parseWsdMessage(msg);
        if (!w || w.kind !== 'probe') return;
        if (w.probeTypes.length && !typesMatch(w.probeTypes, wsdEndpoint.types ?? [])) return;
        if (w.probeScopes.length && !scopesMatch(w.probeScopes, wsdEndpoint.scopes ?? [])) return;
        void send(sock, buildProbeMatches({
          messageId: randomUUID(), relatesTo: w.messageId, matches: [wsdEndpoint], version: w.version === '2009/01' ? '2009/01' : '2005/04',
        }), from.port, from.address);
      });
    }
    if (upnp) {
      await listen(SSDP_PORT, SSDP_MULTICAST_V4, SSDP_MULTICAST_V6_LINK, (msg, from, sock) => {
        const m = parseSsdp(msg);
        if (!m || m.kind !== 'msearch') return;
        const all = [...new Set(['upnp:rootdevice', upnp.udn, upnp.deviceType, upnp.st])];
        const sts = m.st === 'ssdp:all' ? all : all.filter((x) => x === m.st);
        for (const st of sts) {
          const usn = st === upnp.udn ? upnp.udn : `${upnp.udn}::${st}`;
          void send(sock, buildSsdpResponse({ st, usn, location, server: upnp.server, date: new Date() }), from.port, from.address);
        }
      });
    }
    if (services.length) {
      await listen(MDNS_PORT, MDNS_MULTICAST_V4, MDNS_MULTICAST_V6, (msg, from, sock, mgroup) => {
        const q = parseQuery(msg);
        if (!q) return;
        const legacy = from.port !== MDNS_PORT;
        for (const svc of services) {
          const fqdn = `${svc.instance}.${svc.type}`.toLowerCase();
          const qs = q.questions.filter((x) => {
            const n = x.name.toLowerCase().replace(/\.$/, '');
            const any = x.type === 'ANY';
            if (n === DNS_SD_META_QUERY || n === svc.type.toLowerCase()) return any || x.type === 'PTR';
            if (n === fqdn) return any || x.type === 'SRV' || x.type === 'TXT';
            if (n === svc.host.toLowerCase()) return any || x.type === 'A';
            return false;
          });
          if (!qs.length) continue;
          const unicastReply = legacy || qs.some((x) => x.qu) || !opts.multicastIface;
          let out: Buffer;
          try { out = buildResponse(svc, { unicast: legacy, id: q.id, questions: qs.map((x) => ({ name: x.name, type: x.type })) }); } catch { continue; }
          void send(sock, out, unicastReply ? from.port : MDNS_PORT, unicastReply ? from.address : mgroup);
        }
      });
    }
    if (d.sadp) {
      await listen(SADP_PORT, SADP_MULTICAST_V4, undefined, (msg, from, sock) => {
        const m = parseSadpMessage(msg);
        if (!m || m.kind !== 'probe' || !/^inquiry/i.test(m.fields.Types ?? '')) return;
        void send(sock, buildSadpReply(sadpFields(m.fields.Uuid ?? '')), from.port, from.address);
      });
    }
    if (d.dhip) {
      const dh = d.dhip;
      await listen(DHIP_PORT, DHIP_MULTICAST_V4, undefined, (msg, from, sock) => {
        const m = parseDhip(msg);
        if (!m || m.method !== 'DHDiscover.search') return;
        void send(sock, buildDhipReply(dhipInfo(), { mac: dh.mac, escapeSlashes: true }), from.port, from.address);
      });
    }
    if (d.ubnt) {
      await listen(UBNT_PORT, UBNT_MULTICAST_V4, undefined, (msg, from, sock) => {
        const m = parseUbnt(msg);
        if (!m || !m.request) return;
        const r = ubntReply();
        if (r) void send(sock, r, from.port, from.address);
      });
    }
    if (d.tdp) {
      // Field order of python-kasa's Tapo camera dumps (tests/fixtures/smartcam discovery_result).
      const t = d.tdp;
      const result = {
        device_id: randomUUID().replace(/-/g, '').toUpperCase(), device_model: t.device_model, device_type: t.device_type,
        encrypt_info: { data: '', key: '', sym_schm: 'AES' }, encrypt_type: ['3'], factory_default: false,
        ...(t.firmware_version ? { firmware_version: t.firmware_version } : {}), ...(t.hw_ver ? { hardware_version: t.hw_ver } : {}),
        ip: ip.includes(':') ? '0.0.0.0' : ip, is_support_iot_cloud: true, mac: t.mac.toUpperCase().replace(/:/g, '-'), mgt_encrypt_schm: { is_support_https: true }, protocol_version: 1,
      };
      const uni = await bindUdp(ip, TDP_PORT);
      sockets.push(uni);
      senders.set(TDP_PORT, uni);
      uni.on('message', (msg: Buffer, from: RemoteInfo) => {
        try {
          const m = parseTdp(msg);
          if (m?.request) void send(uni, buildTdpReply(result), from.port, from.address);
        } catch { /* hostile input never crashes the lab */ }
      });
    }
  } catch (e) {
    for (const s of sockets) { try { s.close(); } catch { /* */ } }
    throw new Error(`lab: cannot start discovery responders for ${persona.name} on ${ip}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }

  let stopped = false;
  return {
    async announce(to?: string) {
      if (stopped) return;
      if (!to && !opts.multicastIface) throw new Error('lab: announce() to the multicast groups needs multicastIface (a namespace lab); pass a unicast address instead');
      const dest = (group: string) => to ?? group;
      const jobs: Array<Promise<void>> = [];
      const out = (port: number, group: string, data: Buffer) => {
        const s = senders.get(port);
        if (s) jobs.push(send(s, data, port, dest(group)));
      };
      if (wsdEndpoint) out(WSD_PORT, WSD_MULTICAST_V4, buildHello({ messageId: randomUUID(), match: wsdEndpoint }));
      if (upnp) out(SSDP_PORT, SSDP_MULTICAST_V4, buildNotify({ nt: 'upnp:rootdevice', nts: 'ssdp:alive', usn: `${upnp.udn}::upnp:rootdevice`, location, server: upnp.server }));
      for (const svc of services) {
        try { out(MDNS_PORT, MDNS_MULTICAST_V4, buildResponse(svc)); } catch { /* name not encodable */ }
      }
      if (d.sadp) out(SADP_PORT, SADP_MULTICAST_V4, buildSadpReply(sadpFields(randomUUID().toUpperCase())));
      if (d.dhip) out(DHIP_PORT, DHIP_MULTICAST_V4, buildDhipReply(dhipInfo(), { mac: d.dhip.mac }));
      if (d.ubnt) { const r = ubntReply(); if (r) out(UBNT_PORT, UBNT_MULTICAST_V4, r); }
      await Promise.all(jobs);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await Promise.all(sockets.map((s) => new Promise<void>((r) => { try { s.close(() => r()); } catch { r(); } })));
    },
  };
}

/** The UPnP description document a persona serves at its `locationPath` (for the lab HTTP server). */
export function upnpDescriptionFor(persona: Persona): string | undefined {
  const u = persona.discovery?.upnp;
  if (!u) return undefined;
  return buildDeviceDescription({
    deviceType: u.deviceType, friendlyName: u.friendlyName, manufacturer: u.manufacturer, manufacturerURL: u.manufacturerURL,
    modelName: u.modelName, modelNumber: u.modelNumber, modelDescription: u.modelDescription, serialNumber: u.serialNumber, udn: u.udn,
  });
}
