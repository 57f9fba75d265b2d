// TP-Link smart-device discovery (python-kasa/python-kasa@a29d0610 kasa/discover.py): the 16-byte query
// to UDP 20002 (Tapo/Kasa "SMART.*" devices) and the XOR-ciphered {"system":{"get_sysinfo":{}}} to UDP
// 9999 (legacy Kasa "IOT.*" devices), sent by unicast to each target only; answers parsed by
// src/protocols/tdp.ts into flat fields (device type, model, MAC, hardware and firmware versions).
// TP-Link devices answer a broadcast to 255.255.255.255, not a multicast group, and announce nothing
// unasked, so there is no multicast round and passive mode sends and hears nothing here: every host of
// a scanned subnet is a unicast target already.
import { KASA_PORT, TDP_PORT, buildKasaProbe, buildTdpProbe, parseKasa, parseTdp, type TdpMessage } from '../protocols/tdp.js';
import { normaliseMac } from '../model/address.js';
import { nowIso, runSession, safeEmit } from './engine.js';
import type { DiscoveryModule, Sighting, UdpMessage } from './types.js';

export const tdp: DiscoveryModule = {
  name: 'tdp',
  description: 'TP-Link smart-device discovery (UDP 20002, legacy Kasa UDP 9999)',
  async run(ctx, emit) {
    if (ctx.passive) return;
    const seen = new Set<string>();
    const unicastOnly = { ...ctx, interfaces: [] };
    const handle = (m: UdpMessage, parse: (b: Uint8Array) => TdpMessage | undefined, port: number) => {
      if (m.port !== port) return;
      const msg = parse(m.data);
      if (!msg || msg.request || !Object.keys(msg.fields).length) return;
      const mac = normaliseMac(msg.fields.mac ?? '') ?? '';
      const key = `${m.address}|${port}|${mac}`;
      if (seen.has(key) || seen.size > 8192) return;
      seen.add(key);
      const s: Sighting = { protocol: 'tdp', ip: m.address, record: { tdp: { ...msg.fields } }, at: nowIso() };
      if (mac) s.mac = mac;
      if (msg.fields.ip && msg.fields.ip !== m.address) ctx.log(`tdp: ${m.address} reports IP ${msg.fields.ip}`);
      safeEmit(ctx, emit, s);
    };
    await Promise.all([
      runSession(unicastOnly, 'tdp', {
        port: TDP_PORT, group: '', ttl: 1, multicast: () => [], unicast: () => [buildTdpProbe()],
        onMessage: (m) => handle(m, parseTdp, TDP_PORT),
      }),
      runSession(unicastOnly, 'tdp', {
        port: KASA_PORT, group: '', ttl: 1, multicast: () => [], unicast: () => [buildKasaProbe()],
        onMessage: (m) => handle(m, parseKasa, KASA_PORT),
      }),
    ]);
  },
};
