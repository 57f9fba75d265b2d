// Shared helpers for the discovery tests. SAFETY: every context built here has `interfaces: []` (no
// multicast at all) and only 127.0.0.0/8 unicast targets; ctx() refuses anything else.
import { expect } from 'vitest';
import type { DiscoveryContext, DiscoveryModule, Sighting, UdpApi } from '../../src/discovery/types.js';
import { createUdpApi } from '../../src/net/udp.js';
import { createHttpApi } from '../../src/net/http-fetch.js';

export function ctx(o: Partial<DiscoveryContext> & { unicastTargets: string[] }): DiscoveryContext & { logs: string[] } {
  for (const t of o.unicastTargets) if (!t.startsWith('127.')) throw new Error(`test safety: ${t} is not loopback`);
  if (o.interfaces && o.interfaces.length) throw new Error('test safety: no multicast interfaces in unprivileged tests');
  const logs: string[] = [];
  return {
    signal: new AbortController().signal, listenMs: 400, passive: false, udp: createUdpApi(), http: createHttpApi(),
    inScope: (ip: string) => o.unicastTargets.includes(ip),
    rate: async () => {}, timeoutMs: 2000, maxBytes: 262144, userAgent: 'camsweep-test', credentials: [], log: (m) => logs.push(m),
    ...o, interfaces: [], logs,
  };
}

export async function run(m: DiscoveryModule, c: DiscoveryContext): Promise<Sighting[]> {
  const out: Sighting[] = [];
  await m.run(c, (s) => out.push(s));
  return out;
}

export function byIp(list: Sighting[], ip: string): Sighting {
  const s = list.filter((x) => x.ip === ip);
  expect(s, `one sighting from ${ip}`).toHaveLength(1);
  return s[0];
}

/** A UdpApi that binds what would be 0.0.0.0 to a loopback address instead (so passive listeners stay on loopback). */
export function rebind(inner: UdpApi, address: string): UdpApi & { opened: Array<Parameters<UdpApi['open']>[0]> } {
  const opened: Array<Parameters<UdpApi['open']>[0]> = [];
  return {
    opened,
    open(opts, signal) {
      opened.push(opts);
      return inner.open({ ...opts, bindAddress: !opts.bindAddress || opts.bindAddress === '0.0.0.0' ? address : opts.bindAddress }, signal);
    },
  };
}
