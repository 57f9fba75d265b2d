// Hikvision SADP over UDP 37020 (julienblitte/UniversalScanner Hikvision.cs): the XML inquiry (and its inquiry_v32 variant on
// multicast) to 239.255.255.250:37020 on each interface and to each unicast target; ProbeMatch replies
// (and unsolicited announcements in passive mode) parsed by src/protocols/sadp.ts into flat fields.
// With interfaces, we also listen on 37020 joined to the group, where some firmware answers.
import { randomUUID } from 'node:crypto';
import { SADP_MULTICAST_V4, SADP_PORT, buildInquiry, parseSadpMessage, sadpSummary } from '../protocols/sadp.js';
import { nowIso, runSession, safeEmit } from './engine.js';
import type { DiscoveryModule, Sighting } from './types.js';

export const sadp: DiscoveryModule = {
  name: 'sadp',
  description: 'Hikvision SADP inquiry (UDP 37020)',
  async run(ctx, emit) {
    const seen = new Set<string>();
    const uuid = randomUUID();
    await runSession(ctx, 'sadp', {
      port: SADP_PORT, group: SADP_MULTICAST_V4, ttl: 1, listenWellKnown: true,
      multicast: () => [buildInquiry(uuid), buildInquiry(uuid, 'inquiry_v32')],
      unicast: () => [buildInquiry(uuid)],
      onMessage(m) {
        const msg = parseSadpMessage(m.data);
        if (!msg || msg.kind === 'probe') return; // an inquiry (ours looped back, or another tool's)
        if (msg.kind === 'other' && !('DeviceSN' in msg.fields || 'MAC' in msg.fields || 'DeviceDescription' in msg.fields)) return;
        const sum = sadpSummary(msg.fields);
        const key = `${m.address}|${sum.mac ?? sum.serial ?? ''}`;
        if (seen.has(key) || seen.size > 8192) return;
        seen.add(key);
        const s: Sighting = { protocol: 'sadp', ip: m.address, record: { sadp: { ...msg.fields } }, at: nowIso() };
        if (sum.mac) s.mac = sum.mac;
        if (sum.serial) s.serial = sum.serial;
        if (sum.ipv4 && sum.ipv4 !== m.address) ctx.log(`sadp: ${m.address} reports IPv4Address ${sum.ipv4}`);
        safeEmit(ctx, emit, s);
      },
    });
  },
};
