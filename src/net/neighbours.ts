// MAC addresses that never came in a payload: the kernel's neighbour (ARP) table, and the MAC embedded in
// an IPv6 EUI-64 link-local address (RFC 4291 appendix A: flip the U/L bit, drop ff:fe).
import fs from 'node:fs';

import { normaliseMac } from '../model/address.js';

export { macFromEui64 } from '../model/address.js';

/**
 * IP -> MAC from /proc/net/arp (Linux). Incomplete entries (flags 0x0, MAC 00:00:00:00:00:00) are
 * ignored. Returns an empty map where the table cannot be read (macOS, Windows, sandboxes).
 * `text` replaces the file for tests.
 */
export function readNeighbours(text?: string): Map<string, string> {
  const out = new Map<string, string>();
  let t = text;
  if (t === undefined) {
    try { t = fs.readFileSync('/proc/net/arp', 'utf8'); } catch { return out; }
  }
  for (const line of t.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 4) continue;
    const [ip, , flags, macRaw] = f;
    if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(ip)) continue;
    const mac = normaliseMac(macRaw);
    if (!mac) continue;
    if (flags !== undefined && /^0x[0-9a-f]+$/i.test(flags) && (Number.parseInt(flags, 16) & 0x2) === 0) continue; // not ATF_COM
    out.set(ip, mac);
  }
  return out;
}
