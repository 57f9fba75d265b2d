// MAC addresses that never came in a payload: the kernel's neighbour (ARP) table, and the MAC embedded in
// an IPv6 EUI-64 link-local address (RFC 4291 appendix A: flip the U/L bit, drop ff:fe).
import fs from 'node:fs';

/** "aa:bb:cc:dd:ee:ff" in upper case, or '' when not a MAC. */
export function normalizeMac(s: string): string {
  const hex = String(s ?? '').replace(/[:\-.\s]/g, '');
  return /^[0-9a-fA-F]{12}$/.test(hex) ? hex.toUpperCase().match(/../g)!.join(':') : '';
}

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
    const mac = normalizeMac(macRaw);
    if (!mac || mac === '00:00:00:00:00:00' || mac === 'FF:FF:FF:FF:FF:FF') continue;
    if (flags !== undefined && /^0x[0-9a-f]+$/i.test(flags) && (Number.parseInt(flags, 16) & 0x2) === 0) continue; // not ATF_COM
    out.set(ip, mac);
  }
  return out;
}

/** The MAC inside an EUI-64 IPv6 address (fe80::3eef:8cff:fe41:6cce -> 3C:EF:8C:41:6C:CE), or '' when none. */
export function macFromEui64(ipv6: string): string {
  const s = String(ipv6 ?? '').trim().replace(/^\[|\]$/g, '').replace(/%.*$/, '').replace(/\/\d+$/, '').toLowerCase();
  if (!s.includes(':')) return '';
  const halves = s.split('::');
  if (halves.length > 2) return '';
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  if (halves.length === 1 && head.length !== 8) return '';
  const fill = 8 - head.length - tail.length;
  if (fill < 0 || (halves.length === 2 && fill < 1)) return '';
  const groups = [...head, ...Array(halves.length === 2 ? fill : 0).fill('0'), ...tail];
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return '';
  const iid = groups.slice(4).map((g) => g.padStart(4, '0')).join('');
  if (iid.slice(6, 10) !== 'fffe') return '';
  const b = iid.match(/../g)!.map((x) => Number.parseInt(x, 16));
  const mac = [b[0] ^ 0x02, b[1], b[2], b[5], b[6], b[7]];
  return mac.map((x) => x.toString(16).padStart(2, '0')).join(':').toUpperCase();
}
