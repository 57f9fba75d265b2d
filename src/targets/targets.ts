// Target parsing, expansion and the safety checks. Parsing and classification are pure; only
// resolveTargets() touches DNS.
import dns from 'node:dns/promises';
import net from 'node:net';
import os from 'node:os';

export class TargetError extends Error {}

export type TargetSpec =
  | { kind: 'ip'; text: string; first: number; last: number }
  | { kind: 'cidr'; text: string; first: number; last: number; prefix: number }
  | { kind: 'range'; text: string; first: number; last: number }
  | { kind: 'hostname'; text: string; name: string };

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

const HOSTNAME = /^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*\.?$/i;

/** Parse one target argument. Throws TargetError with a one-line reason. */
export function parseTarget(raw: string): TargetSpec {
  const text = raw.trim();
  if (!text) throw new TargetError('empty target');
  if (text.length > 300) throw new TargetError(`target too long: ${text.slice(0, 40)}…`);
  const slash = text.indexOf('/');
  if (slash >= 0) {
    const base = ipToInt(text.slice(0, slash));
    const pfx = text.slice(slash + 1);
    if (base === undefined || !/^\d{1,2}$/.test(pfx) || Number(pfx) > 32) throw new TargetError(`malformed CIDR block "${text}" (expected e.g. 192.168.1.0/24)`);
    const prefix = Number(pfx);
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    const first = (base & mask) >>> 0;
    const last = (first | (~mask >>> 0)) >>> 0;
    return { kind: 'cidr', text, first, last, prefix };
  }
  const dash = /^(.+?)-(.+)$/.exec(text);
  if (dash && ipToInt(dash[1]) !== undefined) {
    const first = ipToInt(dash[1])!;
    let last: number | undefined;
    if (/^\d{1,3}$/.test(dash[2])) {
      const oct = Number(dash[2]);
      if (oct > 255) throw new TargetError(`malformed range "${text}" (last octet over 255)`);
      last = ((first & 0xffffff00) >>> 0) + oct;
    } else last = ipToInt(dash[2]);
    if (last === undefined) throw new TargetError(`malformed range "${text}" (expected a.b.c.d-e or a.b.c.d-a.b.c.e)`);
    if (last < first) throw new TargetError(`range "${text}" ends before it starts`);
    return { kind: 'range', text, first, last };
  }
  const n = ipToInt(text);
  if (n !== undefined) return { kind: 'ip', text, first: n, last: n };
  if (net.isIP(text) === 6) throw new TargetError(`IPv6 target "${text}" is not supported yet (IPv4 addresses, CIDR blocks, ranges and hostnames are)`);
  if (/^[\d.]+$/.test(text)) throw new TargetError(`malformed IPv4 address "${text}"`);
  if (!HOSTNAME.test(text)) throw new TargetError(`malformed target "${text}" (expected an IPv4 address, CIDR block, a.b.c.d-e range or hostname)`);
  return { kind: 'hostname', text, name: text.toLowerCase().replace(/\.$/, '') };
}

/** Number of host addresses a spec yields (network and broadcast skipped in blocks larger than /31). */
export function hostCount(s: TargetSpec): number {
  if (s.kind === 'hostname') return 1;
  if (s.kind === 'cidr' && s.prefix < 31) return s.last - s.first - 1;
  return s.last - s.first + 1;
}

export function* expand(s: Exclude<TargetSpec, { kind: 'hostname' }>): Generator<string> {
  let a = s.first;
  let b = s.last;
  if (s.kind === 'cidr' && s.prefix < 31) { a++; b--; }
  for (let n = a; n <= b; n++) yield intToIp(n);
}

/** Address blocks that are not globally routable (RFC 6890 special-purpose registry, IPv4). */
const NON_PUBLIC: Array<[string, number, string]> = [
  ['0.0.0.0', 8, 'this network'], ['10.0.0.0', 8, 'private'], ['100.64.0.0', 10, 'shared (CGNAT)'],
  ['127.0.0.0', 8, 'loopback'], ['169.254.0.0', 16, 'link-local'], ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'IETF protocol assignments'], ['192.0.2.0', 24, 'documentation'], ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'], ['198.51.100.0', 24, 'documentation'], ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'], ['240.0.0.0', 4, 'reserved'],
];
const BLOCKS = NON_PUBLIC.map(([ip, p, name]) => {
  const mask = p === 0 ? 0 : (0xffffffff << (32 - p)) >>> 0;
  const first = (ipToInt(ip)! & mask) >>> 0;
  return { first, last: (first | (~mask >>> 0)) >>> 0, name };
});

/** The non-public block that wholly contains [first, last], or undefined if any part is public. */
export function nonPublicBlock(first: number, last: number): string | undefined {
  return BLOCKS.find((b) => first >= b.first && last <= b.last)?.name;
}

export function isPublic(ip: string): boolean {
  const n = ipToInt(ip);
  return n === undefined ? true : nonPublicBlock(n, n) === undefined;
}

export function isMulticastOrReserved(n: number): boolean {
  return n >= ipToInt('224.0.0.0')!;
}

export interface ResolvedTargets {
  hosts: string[];
  /** hostname by address, for Host/SNI headers. */
  names: Map<string, string>;
  described: string[];
}

export interface ResolveOptions {
  allowPublic: boolean;
  maxHosts: number;
  lookup?: (name: string) => Promise<string[]>;
}

async function defaultLookup(name: string): Promise<string[]> {
  const r = await dns.lookup(name, { all: true, family: 4 });
  return r.map((x) => x.address);
}

/** Expand parsed specs to a host list, enforcing the public-address and size guards. */
export async function resolveTargets(specs: TargetSpec[], o: ResolveOptions): Promise<ResolvedTargets> {
  const hosts: string[] = [];
  const seen = new Set<string>();
  const names = new Map<string, string>();
  const described: string[] = [];
  let total = 0;
  for (const s of specs) total += hostCount(s);
  if (total > o.maxHosts) throw new TargetError(`${total} hosts requested, more than the limit of ${o.maxHosts}; narrow the targets or raise --max-hosts`);
  for (const s of specs) {
    if (s.kind === 'hostname') {
      let addrs: string[];
      try { addrs = await (o.lookup ?? defaultLookup)(s.name); } catch (e) {
        throw new TargetError(`cannot resolve "${s.name}": ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      if (addrs.length === 0) throw new TargetError(`"${s.name}" has no IPv4 address`);
      for (const a of addrs) {
        if (!o.allowPublic && isPublic(a)) throw new TargetError(`refusing to scan "${s.name}": it resolves to the public address ${a} (use --allow-public only for networks you are authorised to scan)`);
        if (!seen.has(a)) { seen.add(a); hosts.push(a); names.set(a, s.name); }
      }
      described.push(`${s.name} (${addrs.join(', ')})`);
      continue;
    }
    if (isMulticastOrReserved(s.first) || isMulticastOrReserved(s.last)) throw new TargetError(`refusing to scan "${s.text}": multicast or reserved addresses`);
    if (!o.allowPublic && nonPublicBlock(s.first, s.last) === undefined) {
      throw new TargetError(`refusing to scan "${s.text}": it contains public (globally routable) addresses (use --allow-public only for networks you are authorised to scan)`);
    }
    for (const ip of expand(s)) if (!seen.has(ip)) { seen.add(ip); hosts.push(ip); }
    described.push(`${s.text} (${hostCount(s)} host${hostCount(s) === 1 ? '' : 's'})`);
  }
  return { hosts, names, described };
}

/** Parse target lines from a file or stdin: one per line, '#' comments, commas or spaces separate. */
export function splitTargetText(text: string): string[] {
  return text.split(/\r?\n/).map((l) => l.replace(/#.*/, '')).flatMap((l) => l.split(/[\s,]+/)).filter(Boolean);
}

const VIRTUAL_IF = /^(lo|docker\d*|br-|veth|virbr|vnet|tun|tap|wg|utun|zt|tailscale|cni|flannel|cali|vmnet|vboxnet|podman|lxc|lxd)/i;

export interface LocalSubnet { iface: string; cidr: string; address: string }

/** IPv4 subnets of the up, non-internal, non-virtual interfaces. */
export function localSubnets(ifaces = os.networkInterfaces(), includeVirtual = false): LocalSubnet[] {
  const out: LocalSubnet[] = [];
  for (const [name, addrs] of Object.entries(ifaces)) {
    if (!addrs || (!includeVirtual && VIRTUAL_IF.test(name))) continue;
    for (const a of addrs) {
      if (a.family !== 'IPv4' || a.internal || !a.cidr) continue;
      const s = parseTarget(a.cidr);
      if (s.kind !== 'cidr') continue;
      // Never sweep more than the /16 around the interface address implicitly.
      const prefix = Math.max(s.prefix, 16);
      const net = parseTarget(`${a.address}/${prefix}`);
      out.push({ iface: name, address: a.address, cidr: `${intToIp(net.kind === 'cidr' ? net.first : s.first)}/${prefix}` });
    }
  }
  return out;
}
