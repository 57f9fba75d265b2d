// Target parsing, expansion and the safety checks. Parsing and classification are pure; only
// resolveTargets() touches DNS.

import { intToIp, ipToInt, isIPv6 } from '../model/address.js';
import { SHARD_METHOD } from '../model/report.js';

export { intToIp, ipToInt };

export class TargetError extends Error {}

export type TargetSpec =
  | { kind: 'ip'; text: string; first: number; last: number }
  | { kind: 'cidr'; text: string; first: number; last: number; prefix: number }
  | { kind: 'range'; text: string; first: number; last: number }
  | { kind: 'hostname'; text: string; name: string };

/** The numeric forms inet_aton() and getaddrinfo() accept: hex, octal or decimal parts, one to four of them. */
const NUMERIC_ADDRESS = /^(?:0x[0-9a-f]*|\d+)(?:\.(?:0x[0-9a-f]*|\d+)){0,3}\.?$/i;

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
  if (isIPv6(text)) throw new TargetError(`IPv6 target "${text}" is not supported yet (IPv4 addresses, CIDR blocks, ranges and hostnames are)`);
  if (/^[\d.]+$/.test(text)) throw new TargetError(`malformed IPv4 address "${text}"`);
  // inet_aton() would read these as addresses (0xe0000001 = 224.0.0.1, 3232235777, 0x7f.1): never a hostname.
  if (NUMERIC_ADDRESS.test(text)) throw new TargetError(`malformed IPv4 address "${text}" (only dotted-quad decimal is accepted)`);
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
  return n >= MULTICAST_FIRST;
}

const MULTICAST_FIRST = 0xe0000000;
const THIS_NETWORK_LAST = 0x00ffffff;

/** Why [first, last] may never be scanned, whatever the flags: multicast, reserved, limited broadcast, "this network". */
export function forbiddenRange(first: number, last: number): string | undefined {
  if (last >= MULTICAST_FIRST) return last === 0xffffffff && first === last ? 'the limited broadcast address' : first >= 0xf0000000 ? 'reserved addresses' : 'multicast or reserved addresses';
  if (first <= THIS_NETWORK_LAST) return '"this network" addresses (0.0.0.0/8)';
  return undefined;
}

/** The split function's name, recorded in shard reports: `camsweep merge` joins only shards split the same way. */
export { SHARD_METHOD };
/** Shards at most (`--shard K/N`). */
export const MAX_SHARDS = 4096;

/**
 * Which shard (0-based) of `count` an IPv4 address (as an unsigned 32-bit integer) belongs to. A fixed
 * integer mix of the address alone ("lowbias32" from Chris Wellons' hash-prospector,
 * https://github.com/skeeto/hash-prospector, public domain), then the remainder by `count`: the same
 * address is in the same shard on every machine, in every run and whatever else the targets hold
 * (their order, their other addresses, hostnames that resolve differently), and neighbouring
 * addresses are spread over the shards. Pure.
 */
export function shardOfInt(n: number, count: number): number {
  let x = n >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return (x >>> 0) % count;
}

/** One part of a `--shard K/N` split: `index` 1..count. */
export interface ShardSpec { index: number; count: number }

/** Parse `K/N` (1 <= K <= N <= MAX_SHARDS). Throws TargetError with a one-line reason. */
export function parseShard(text: string): ShardSpec {
  const m = /^\s*(\d{1,5})\s*\/\s*(\d{1,5})\s*$/.exec(text);
  if (!m) throw new TargetError(`--shard takes K/N (this machine's part K of N parts, 1 <= K <= N), got "${text.slice(0, 40)}"`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || count > MAX_SHARDS) throw new TargetError(`--shard ${index}/${count}: N must be 1 to ${MAX_SHARDS}`);
  if (index < 1 || index > count) throw new TargetError(`--shard ${index}/${count}: K must be 1 to ${count} (parts are numbered from 1; JOB_COMPLETION_INDEX is 0-based, so add 1)`);
  return { index, count };
}

/**
 * A set of IPv4 hosts kept as sorted, disjoint ranges: counted, tested and iterated lazily, never
 * expanded into a list (a /8 is three numbers, not 16 million strings). `shard(K, N)` is a view of
 * the hosts of part K: still ranges underneath, filtered by shardOfInt as it is iterated or tested.
 */
export class HostSet implements Iterable<string> {
  private constructor(private readonly starts: number[], private readonly ends: number[], readonly size: number,
    /** This view's part (0-based index), when it is one shard of a split. */
    private readonly part?: { index: number; count: number; min: number; max: number }) {}

  static readonly empty = new HostSet([], [], 0);

  /** From inclusive [first, last] ranges in any order, overlapping or not. */
  static fromRanges(ranges: Iterable<readonly [number, number]>): HostSet {
    const list: Array<[number, number]> = [];
    for (const [a, b] of ranges) if (a <= b) list.push([a, b]);
    list.sort((x, y) => x[0] - y[0]);
    const starts: number[] = [];
    const ends: number[] = [];
    let size = 0;
    for (const [a, b] of list) {
      const k = ends.length - 1;
      if (k >= 0 && a <= ends[k] + 1) {
        if (b > ends[k]) { size += b - ends[k]; ends[k] = b; }
      } else { starts.push(a); ends.push(b); size += b - a + 1; }
    }
    return new HostSet(starts, ends, size);
  }

  /** From dotted-quad strings (anything else is ignored). */
  static of(ips: Iterable<string>): HostSet {
    const r: Array<[number, number]> = [];
    for (const ip of ips) { const n = ipToInt(ip); if (n !== undefined) r.push([n, n]); }
    return HostSet.fromRanges(r);
  }

  /**
   * The hosts of part `index` (1..count) of a split into `count` disjoint parts whose union is this
   * set (shardOfInt). Counted once here, by walking the ranges as integers; nothing is materialised.
   */
  shard(index: number, count: number): HostSet {
    if (this.part) throw new Error('a shard cannot be split again');
    if (!(Number.isInteger(count) && count >= 1 && Number.isInteger(index) && index >= 1 && index <= count)) throw new Error(`bad shard ${index}/${count}`);
    if (count === 1) return this;
    const want = index - 1;
    let size = 0;
    let min = -1;
    let max = -1;
    for (let i = 0; i < this.starts.length; i++) {
      for (let n = this.starts[i]; n <= this.ends[i]; n++) {
        if (shardOfInt(n, count) !== want) continue;
        size++;
        if (min < 0) min = n;
        max = n;
      }
    }
    return new HostSet(this.starts, this.ends, size, { index: want, count, min, max });
  }

  /** `index/count` (1-based) when this set is one shard of a split. */
  get shardOf(): ShardSpec | undefined {
    return this.part ? { index: this.part.index + 1, count: this.part.count } : undefined;
  }

  private member(n: number): boolean {
    return !this.part || shardOfInt(n, this.part.count) === this.part.index;
  }

  hasInt(n: number): boolean {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (n < this.starts[mid]) hi = mid - 1;
      else if (n > this.ends[mid]) lo = mid + 1;
      else return this.member(n);
    }
    return false;
  }

  /** True for a dotted-quad address in the set (IPv6 and anything else: false). */
  has(ip: string): boolean {
    const n = ipToInt(ip);
    return n !== undefined && this.hasInt(n);
  }

  /** True when some host of the set lies in [first, last]. */
  intersects(first: number, last: number): boolean {
    for (let i = 0; i < this.starts.length; i++) {
      if (!(this.starts[i] <= last && this.ends[i] >= first)) continue;
      if (!this.part) return true;
      for (let n = Math.max(first, this.starts[i]), e = Math.min(last, this.ends[i]); n <= e; n++) if (this.member(n)) return true;
    }
    return false;
  }

  /** True when every host of the set lies in [first, last] (an empty set: false). */
  within(first: number, last: number): boolean {
    if (this.part) return this.size > 0 && this.part.min >= first && this.part.max <= last;
    return this.starts.length > 0 && this.starts[0] >= first && this.ends[this.ends.length - 1] <= last;
  }

  /** The first `n` hosts, in order. */
  first(n: number): string[] {
    const out: string[] = [];
    for (const ip of this) { if (out.length >= n) break; out.push(ip); }
    return out;
  }

  *[Symbol.iterator](): Iterator<string> {
    for (let i = 0; i < this.starts.length; i++) for (let n = this.starts[i]; n <= this.ends[i]; n++) if (this.member(n)) yield intToIp(n);
  }
}

/** The host range of a numeric spec: network and broadcast skipped in blocks larger than /31. */
export function hostRange(s: Exclude<TargetSpec, { kind: 'hostname' }>): [number, number] {
  return s.kind === 'cidr' && s.prefix < 31 ? [s.first + 1, s.last - 1] : [s.first, s.last];
}

export interface ResolvedTargets {
  /** Every target host (deduplicated, ascending), lazily iterable. */
  hosts: HostSet;
  /** hostname by address, for Host/SNI headers. */
  names: Map<string, string>;
  described: string[];
}

export interface ResolveOptions {
  allowPublic: boolean;
  maxHosts: number;
  /** Resolves a hostname target (src/net/resolve.ts lookupIPv4 at the edge). */
  lookup?: (name: string) => Promise<string[]>;
}

async function noLookup(name: string): Promise<string[]> {
  throw new TargetError(`cannot resolve "${name}": no resolver given`);
}

/** At most this many targets are named one by one in the plan line; the rest are counted. */
const DESCRIBE_MAX = 8;

/** Resolve parsed specs to a host set, enforcing the public-address, reserved-address and size guards. */
export async function resolveTargets(specs: readonly TargetSpec[], o: ResolveOptions): Promise<ResolvedTargets> {
  const ranges: Array<[number, number]> = [];
  const names = new Map<string, string>();
  const described: string[] = [];
  // The size guard before any DNS look-up: numeric targets counted once each (a list may repeat them),
  // each hostname as one host.
  const numeric: Array<[number, number]> = [];
  let names0 = 0;
  for (const s of specs) if (s.kind === 'hostname') names0++; else numeric.push(hostRange(s));
  const total = HostSet.fromRanges(numeric).size + names0;
  if (total > o.maxHosts) throw new TargetError(`${total} hosts requested, more than the limit of ${o.maxHosts}; narrow the targets or raise --max-hosts`);
  const describe = (d: string) => { if (described.length < DESCRIBE_MAX) described.push(d); };
  for (const s of specs) {
    if (s.kind === 'hostname') {
      let addrs: string[];
      try { addrs = await (o.lookup ?? noLookup)(s.name); } catch (e) {
        throw new TargetError(`cannot resolve "${s.name}": ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      if (addrs.length === 0) throw new TargetError(`"${s.name}" has no IPv4 address`);
      for (const a of addrs) {
        const n = ipToInt(a);
        if (n === undefined) throw new TargetError(`"${s.name}" resolves to ${a}, which is not an IPv4 address`);
        const bad = forbiddenRange(n, n);
        if (bad) throw new TargetError(`refusing to scan "${s.name}": it resolves to ${a}, one of the ${bad}`);
        if (!o.allowPublic && isPublic(a)) throw new TargetError(`refusing to scan "${s.name}": it resolves to the public address ${a} (use --allow-public only for networks you are authorised to scan)`);
        ranges.push([n, n]);
        if (!names.has(a)) names.set(a, s.name);
      }
      describe(`${s.name} (${addrs.join(', ')})`);
      continue;
    }
    const bad = forbiddenRange(s.first, s.last);
    if (bad) throw new TargetError(`refusing to scan "${s.text}": ${bad}`);
    if (!o.allowPublic && nonPublicBlock(s.first, s.last) === undefined) {
      throw new TargetError(`refusing to scan "${s.text}": it contains public (globally routable) addresses (use --allow-public only for networks you are authorised to scan)`);
    }
    ranges.push(hostRange(s));
    describe(`${s.text} (${hostCount(s)} host${hostCount(s) === 1 ? '' : 's'})`);
  }
  if (specs.length > DESCRIBE_MAX) described.push(`and ${specs.length - DESCRIBE_MAX} more target${specs.length - DESCRIBE_MAX === 1 ? '' : 's'}`);
  const hosts = HostSet.fromRanges(ranges);
  if (hosts.size > o.maxHosts) throw new TargetError(`${hosts.size} hosts requested, more than the limit of ${o.maxHosts}; narrow the targets or raise --max-hosts`);
  return { hosts, names, described };
}

/** Parse target lines from a file or stdin: one per line, '#' comments, commas or spaces separate. No recursion, no spreading. */
export function splitTargetText(text: string, into: string[] = []): string[] {
  let from = 0;
  while (from <= text.length) {
    let nl = text.indexOf('\n', from);
    if (nl < 0) nl = text.length;
    const hash = text.indexOf('#', from);
    const line = text.slice(from, hash >= 0 && hash < nl ? hash : nl);
    for (const w of line.split(/[\s,]+/)) if (w) into.push(w);
    from = nl + 1;
  }
  return into;
}

const VIRTUAL_IF = /^(lo|docker\d*|br-|veth|virbr|vnet|tun|tap|wg|utun|zt|tailscale|cni|flannel|cali|vmnet|vboxnet|podman|lxc|lxd)/i;

export interface LocalSubnet { iface: string; cidr: string; address: string }

/** IPv4 subnets of the up, non-internal, non-virtual interfaces. */
export function localSubnets(ifaces: NodeJS.Dict<Array<{ address: string; family: string | number; internal: boolean; cidr: string | null }>>, includeVirtual = false): LocalSubnet[] {
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
