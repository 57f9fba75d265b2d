// Dahua DHIP "DHDiscover" over UDP 37810 (rroller/dahua custom_components/dahua/discovery.py): the framed DHDiscover.search to
// 239.255.255.251:37810 on each interface and to each unicast target (bare JSON gets no answer, so the
// codec always frames it); client.notifyDevInfo replies (and announcements in passive mode) parsed by
// src/protocols/dhip.ts into flat deviceInfo fields (nested keys dotted: "IPv4Address.IPAddress").
import { DHIP_MULTICAST_V4, DHIP_PORT, buildSearch, parseDhip, type DhipMessage } from '../protocols/dhip.js';
import { normaliseMac } from '../model/address.js';
import { nowIso, runSession, safeEmit } from './engine.js';
import type { DiscoveryModule, Sighting } from './types.js';

/** The observation fields of one DHIP answer: its flattened deviceInfo plus the frame's mac and method. Pure. */
export function dhipRecord(msg: DhipMessage): Record<string, string> {
  const record: Record<string, string> = { ...msg.deviceInfo };
  if (msg.mac && !Object.prototype.hasOwnProperty.call(record, 'mac')) record.mac = msg.mac;
  if (msg.method && !Object.prototype.hasOwnProperty.call(record, 'method')) record.method = msg.method;
  return record;
}

/**
 * What an answer without deviceInfo said (a global.login challenge's realm, random and encryption, an
 * error's fields), with its method and mac: it still came in Dahua's DHIP framing. Undefined when it
 * carried no params either (nothing to tell). Pure.
 */
export function dhipParamsRecord(msg: DhipMessage): Record<string, string> | undefined {
  const error = msg.error ?? {};
  if (!Object.keys(msg.params).length && !Object.keys(error).length) return undefined;
  const record: Record<string, string> = { ...msg.params };
  // An error reply (no params: `{"error":{"code":268959743,"message":"Unknown error! …"},"result":false}`)
  // still said its error code and message in DHIP framing.
  for (const [k, v] of Object.entries(error)) if (!Object.prototype.hasOwnProperty.call(record, `error.${k}`)) record[`error.${k}`] = v;
  if (msg.mac && !Object.prototype.hasOwnProperty.call(record, 'mac')) record.mac = msg.mac;
  if (msg.method && !Object.prototype.hasOwnProperty.call(record, 'method')) record.method = msg.method;
  return record;
}

export const dhip: DiscoveryModule = {
  name: 'dhip',
  description: 'Dahua DHIP DHDiscover.search (UDP 37810)',
  async run(ctx, emit) {
    const seen = new Set<string>();
    const probe = () => [buildSearch({ uni: 1 })];
    await runSession(ctx, 'dhip', {
      port: DHIP_PORT, group: DHIP_MULTICAST_V4, ttl: 1, listenWellKnown: true, multicast: probe, unicast: probe,
      onMessage(m) {
        const msg = parseDhip(m.data);
        if (!msg || /DHDiscover\.search/i.test(msg.method)) return; // a search, not an answer
        // An answer without deviceInfo (a login challenge, an error) is kept when it said something and
        // is an answer: no method (a reply) or a client.* notification. A request another client sent
        // (e.g. a PC's configuration tool) says nothing about the host that sent it.
        const info0 = Object.keys(msg.deviceInfo).length > 0;
        if (!info0 && msg.method && !/^client\./i.test(msg.method)) return;
        const said = info0 ? dhipRecord(msg) : dhipParamsRecord(msg);
        if (!said) return;
        const info = msg.deviceInfo;
        const mac = normaliseMac(msg.mac) ?? normaliseMac(info.MAC ?? info.Mac ?? '') ?? '';
        const serial = info.SerialNo ?? info.SerialNumber ?? '';
        const key = `${m.address}|${mac || serial}`;
        if (seen.has(key) || seen.size > 8192) return;
        seen.add(key);
        const s: Sighting = { protocol: 'dhip', ip: m.address, record: { dhip: said }, at: nowIso() };
        if (mac) s.mac = mac;
        if (serial) s.serial = serial;
        safeEmit(ctx, emit, s);
      },
    });
  },
};
