// Addresses: MAC and IP helpers, one copy each, for every layer. Pure.

/** A MAC in lower-case colon form ("aa:bb:cc:dd:ee:ff"), or undefined when the text is not one (all zeros and broadcast are not). */
export function normaliseMac(mac: unknown): string | undefined {
  if (typeof mac !== 'string') return undefined;
  const hex = mac.toLowerCase().replace(/[^0-9a-f]/g, '');
  if (hex.length !== 12 || !/^[0-9a-f:.\- ]+$/i.test(mac.trim())) return undefined;
  if (hex === '000000000000' || hex === 'ffffffffffff') return undefined;
  return hex.match(/../g)!.join(':');
}

/** Locally administered (randomised) addresses carry no maker: bit 0x02 of the first octet. */
export function isLocallyAdministered(mac: string): boolean {
  return (parseInt(mac.slice(0, 2), 16) & 0x02) !== 0;
}

/**
 * The IEEE 802 address in a UUID's node field (RFC 4122 §4.1.6: time-based UUIDs carry the MAC of the
 * interface that made them; embedded UPnP and WS-Discovery stacks build their device UUIDs that way, so
 * a UPnP UDN or a WS-Discovery endpoint often ends in the device's own MAC). Undefined when the text
 * holds no UUID, when the node is a random one (multicast bit set, RFC 4122 §4.5), when the UUID is a
 * random (version 4) one, or when the address is locally administered. Bounded: looks at 256 characters.
 */
export function macInUuid(text: unknown): string | undefined {
  if (typeof text !== 'string') return undefined;
  const m = /([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f])[0-9a-f]{3}-([0-9a-f])[0-9a-f]{3}-([0-9a-f]{12})(?![0-9a-f])/i.exec(text.slice(0, 256));
  if (!m) return undefined;
  if (m[3] === '4' && /[89ab]/i.test(m[4])) return undefined;
  const mac = normaliseMac(m[5]);
  if (!mac) return undefined;
  const first = parseInt(mac.slice(0, 2), 16);
  if (first & 0x01 || first & 0x02) return undefined;
  return mac;
}

/** True for an IPv6 link-local address (fe80::/10), with or without a zone. */
export function isLinkLocal6(ip: string): boolean {
  return /^fe[89ab][0-9a-f]:/i.test(ip);
}

/** Key of an address for joining: lower case, IPv6 zone dropped (fe80::1%eth0 and fe80::1 are one address). */
export function ipKey(ip: string): string {
  return ip.trim().toLowerCase().replace(/^\[|\]$/g, '').replace(/%.*$/, '');
}

const OCTET = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}$`);

/** Strict dotted-quad (no octal, no short forms) → uint32, or undefined. */
export function ipToInt(s: string): number | undefined {
  const m = IPV4.exec(s);
  if (!m) return undefined;
  return ((Number(m[1]) << 24) >>> 0) + (Number(m[2]) << 16) + (Number(m[3]) << 8) + Number(m[4]);
}

export function intToIp(n: number): string {
  return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}


export function isIPv4(s: string): boolean {
  return ipToInt(s) !== undefined;
}

export function isIPv6(s: string): boolean {
  return !s.includes('%') && !s.includes('[') && ip6Groups(s) !== undefined;
}

function v4Octets(ip: string): number[] | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  return m ? m.slice(1).map(Number) : undefined;
}

/** The 8 groups of an IPv6 address (zone and brackets ignored; an embedded IPv4 tail allowed), or undefined. */
export function ip6Groups(ip: string): number[] | undefined {
  let s = ip.trim().toLowerCase().replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (!s.includes(':') || s.length > 45) return undefined;
  const tail = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(s);
  if (tail) {
    const o = v4Octets(tail[1]);
    if (!o || o.some((x) => x > 255)) return undefined;
    s = s.slice(0, -tail[1].length) + `${((o[0] << 8) | o[1]).toString(16)}:${((o[2] << 8) | o[3]).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const rest = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const fill = 8 - head.length - rest.length;
  if (halves.length === 1 ? head.length !== 8 : fill < 1) return undefined;
  const groups = [...head, ...Array(halves.length === 2 ? fill : 0).fill('0'), ...rest];
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return undefined;
  return groups.map((g) => Number.parseInt(g, 16));
}

/**
 * Total order on address strings that never throws: IPv4 (numerically) first, then IPv6 (numerically,
 * then by zone), then anything else as text.
 */
export function compareIp(a: string, b: string): number {
  const rank = (ip: string): [number, number[] | undefined] => {
    const v4 = v4Octets(ip);
    if (v4) return [0, v4];
    const v6 = ip6Groups(ip);
    return v6 ? [1, v6] : [2, undefined];
  };
  const [ra, pa] = rank(a);
  const [rb, pb] = rank(b);
  if (ra !== rb) return ra - rb;
  if (pa && pb) for (let i = 0; i < pa.length; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The MAC inside an EUI-64 IPv6 address (fe80::3eef:8cff:fe41:6cce -> 3c:ef:8c:41:6c:ce), or undefined when none (RFC 4291 app. A). */
export function macFromEui64(ipv6: string): string | undefined {
  const g = ip6Groups(String(ipv6 ?? '').replace(/\/\d+$/, ''));
  if (!g) return undefined;
  const iid = g.slice(4).map((x) => x.toString(16).padStart(4, '0')).join('');
  if (iid.slice(6, 10) !== 'fffe') return undefined;
  const b = iid.match(/../g)!.map((x) => Number.parseInt(x, 16));
  return normaliseMac([b[0] ^ 0x02, b[1], b[2], b[5], b[6], b[7]].map((x) => x.toString(16).padStart(2, '0')).join(':'));
}
