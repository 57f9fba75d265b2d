// Ubiquiti discovery over UDP 10001 (nmap/nmap scripts/ubiquiti-discovery.nse): the four-byte version-1
// request to 233.89.188.1:10001 on each interface and to each unicast target; answers parsed by
// src/protocols/ubnt.ts into flat fields (platform, model, firmware, hostname, MAC and IPv4 pairs).
import { UBNT_MULTICAST_V4, UBNT_PORT, buildUbntProbe, parseUbnt } from '../protocols/ubnt.js';
import { normaliseMac } from '../model/address.js';
import { nowIso, runSession, safeEmit } from './engine.js';
import type { DiscoveryModule, Sighting } from './types.js';

export const ubnt: DiscoveryModule = {
  name: 'ubnt',
  description: 'Ubiquiti discovery (UDP 10001)',
  async run(ctx, emit) {
    const seen = new Set<string>();
    const probe = () => [buildUbntProbe()];
    await runSession(ctx, 'ubnt', {
      port: UBNT_PORT, group: UBNT_MULTICAST_V4, ttl: 1, multicast: probe, unicast: probe,
      onMessage(m) {
        const msg = parseUbnt(m.data);
        if (!msg || msg.request || !Object.keys(msg.fields).length) return;
        const mac = normaliseMac(msg.fields.mac ?? '') ?? '';
        const key = `${m.address}|${mac}`;
        if (seen.has(key) || seen.size > 8192) return;
        seen.add(key);
        const s: Sighting = { protocol: 'ubnt', ip: m.address, record: { ubnt: { ...msg.fields } }, at: nowIso() };
        if (mac) s.mac = mac;
        if (msg.fields.ipv4 && msg.fields.ipv4 !== m.address) ctx.log(`ubnt: ${m.address} reports IPv4 ${msg.fields.ipv4}`);
        safeEmit(ctx, emit, s);
      },
    });
  },
};
