// Network interface enumeration for discovery: which IPv4 interfaces to send multicast on and join
// groups on, and a warning when we run inside a container whose bridge network will not carry
// multicast to the LAN (Docker docs, "Bridge network driver": containers on the default bridge see no LAN multicast).
import os from 'node:os';
import fs from 'node:fs';
import type { NetIface } from '../model/net.js';

const IFF_UP = 0x1;
const IFF_MULTICAST = 0x1000;

/** Name patterns skipped unless named with --interface, with the reason shown to the user. */
export const SKIPPED_BY_DEFAULT: ReadonlyArray<[RegExp, string]> = [
  [/^lo\d*$|^lo0$/, 'loopback'],
  [/^(docker|br-|virbr|cni|podman|lxcbr|lxdbr|cbr|flannel|kube-bridge|vmnet)/, 'container/VM bridge'],
  [/^(veth|vnet)/, 'virtual ethernet (container end)'],
  [/^(tun|tap|wg|tailscale|zt|utun|ppp|ipsec|gpd|nordlynx|proton)/, 'VPN tunnel'],
];

export interface ListOptions {
  /** Replaceable for tests: defaults to os.networkInterfaces(). */
  networkInterfaces?: () => NodeJS.Dict<os.NetworkInterfaceInfo[]>;
  /** Replaceable for tests: interface flags (IFF_*) or undefined when unknown. */
  readFlags?: (name: string) => number | undefined;
  /** Replaceable for tests: decides the IPv6 zone form (index on Windows, name elsewhere). */
  platform?: NodeJS.Platform;
}

function sysFlags(name: string): number | undefined {
  if (!/^[\w.:@-]{1,32}$/.test(name)) return undefined;
  try {
    const t = fs.readFileSync(`/sys/class/net/${name}/flags`, 'utf8').trim();
    const n = Number.parseInt(t, 16);
    return Number.isFinite(n) ? n : undefined;
  } catch {
    return undefined;
  }
}

function prefixLen(netmask: string): number {
  let bits = 0;
  for (const o of netmask.split('.').map(Number)) bits += ((o >>> 0) & 0xff).toString(2).replace(/0/g, '').length;
  return bits;
}

/** Network address of addr/netmask as "a.b.c.d/n". */
export function networkCidr(address: string, netmask: string): string {
  const a = address.split('.').map(Number);
  const m = netmask.split('.').map(Number);
  if (a.length !== 4 || m.length !== 4 || [...a, ...m].some((x) => !Number.isInteger(x) || x < 0 || x > 255)) return `${address}/32`;
  return `${a.map((x, i) => x & m[i]).join('.')}/${prefixLen(netmask)}`;
}

/** The first IPv6 link-local (fe80::/10) address of an interface's list, without any zone. */
function linkLocal(addrs: os.NetworkInterfaceInfo[]): os.NetworkInterfaceInfo | undefined {
  return addrs.find((a) => a.family === 'IPv6' && /^fe[89ab][0-9a-f]:/i.test(a.address) && !a.internal);
}

/**
 * Every IPv4 address of every interface (loopback included), as NetIface. `cidr` is the network, e.g.
 * 192.168.1.0/24. When the interface also has an IPv6 link-local address (IPv6 is up on it),
 * `ipv6LinkLocal` and `scopeId` (the zone for ff02::…%<scopeId>) are set.
 */
export function listInterfaces(opts: ListOptions = {}): NetIface[] {
  const all = (opts.networkInterfaces ?? os.networkInterfaces)();
  const readFlags = opts.readFlags ?? sysFlags;
  const platform = opts.platform ?? process.platform;
  const out: NetIface[] = [];
  for (const [name, addrs] of Object.entries(all)) {
    if (!addrs) continue;
    const flags = readFlags(name);
    const ll = linkLocal(addrs);
    for (const a of addrs) {
      if (a.family !== 'IPv4') continue;
      const iface: NetIface = {
        name, address: a.address, netmask: a.netmask, cidr: networkCidr(a.address, a.netmask),
        // Unknown flags (no /sys: macOS, Windows): assume a non-internal interface can multicast.
        multicast: flags === undefined ? !a.internal : (flags & IFF_UP) !== 0 && (flags & IFF_MULTICAST) !== 0,
      };
      if (a.mac && a.mac !== '00:00:00:00:00:00') iface.mac = a.mac.toUpperCase();
      if (ll) {
        iface.ipv6LinkLocal = ll.address.replace(/%.*$/, '').toLowerCase();
        // Windows zones are interface indexes; elsewhere the name is the zone (if_nametoindex).
        iface.scopeId = platform === 'win32' ? String(ll.scopeid ?? '') || name : name;
      }
      out.push(iface);
    }
  }
  return out;
}

/** This machine's interfaces as Node reports them (for localSubnets). */
export function systemInterfaces(): NodeJS.Dict<os.NetworkInterfaceInfo[]> {
  return os.networkInterfaces();
}

/** Why an interface is skipped by default, or undefined when it is a LAN candidate. */
export function skipReason(i: NetIface, internal = false): string | undefined {
  if (internal || i.address.startsWith('127.')) return 'loopback';
  for (const [re, why] of SKIPPED_BY_DEFAULT) if (re.test(i.name)) return why;
  if (!i.multicast) return 'down or no MULTICAST flag';
  return undefined;
}

/**
 * The interfaces discovery uses. With `names` (from --interface): exactly those (any kind, loopback
 * included: the user asked), and an Error naming the known interfaces when one does not exist.
 * Without: every IPv4 interface that is up, multicast-capable and not loopback / bridge / veth / VPN.
 */
export function chooseInterfaces(names?: readonly string[], all: NetIface[] = listInterfaces()): NetIface[] {
  if (names && names.length) {
    const unknown = names.filter((n) => !all.some((i) => i.name === n));
    if (unknown.length) {
      const known = [...new Set(all.map((i) => i.name))].join(', ') || 'none';
      throw new Error(`unknown interface ${unknown.join(', ')} (IPv4 interfaces here: ${known})`);
    }
    return all.filter((i) => names.includes(i.name));
  }
  return all.filter((i) => skipReason(i) === undefined);
}

/** What chooseInterfaces skipped and why (for the pre-scan summary on stderr). */
export function skippedInterfaces(all: NetIface[] = listInterfaces()): Array<{ iface: NetIface; reason: string }> {
  const out: Array<{ iface: NetIface; reason: string }> = [];
  for (const i of all) {
    const r = skipReason(i);
    if (r) out.push({ iface: i, reason: r });
  }
  return out;
}

/**
 * Whether the container warning applies to this scan: only when multicast discovery runs, camsweep picked
 * the interfaces itself, and some target is not on loopback (a loopback scan inside a container is fine).
 */
export function containerWarningApplies(a: { discovery: boolean; interfaceNamed: boolean; loopbackOnly: boolean; passive?: boolean }): boolean {
  return a.discovery && !a.interfaceNamed && (!a.loopbackOnly || a.passive === true);
}

export interface ContainerProbe {
  exists?: (p: string) => boolean;
  readFile?: (p: string) => string | undefined;
  interfaces?: NetIface[];
}

/**
 * A warning when camsweep runs inside a container on a bridge network (multicast discovery will not reach
 * the LAN), else undefined. Signals: /.dockerenv, /run/.containerenv, container names in
 * /proc/1/cgroup, plus an address in a default bridge range (172.16.0.0/12, 10.88.0.0/16 podman,
 * 10.0.2.0/24 slirp) and no other LAN-looking interface.
 */
export function detectContainer(p: ContainerProbe = {}): string | undefined {
  const exists = p.exists ?? ((f: string) => { try { return fs.existsSync(f); } catch { return false; } });
  const readFile = p.readFile ?? ((f: string) => { try { return fs.readFileSync(f, 'utf8'); } catch { return undefined; } });
  let runtime: string | undefined;
  if (exists('/.dockerenv')) runtime = 'Docker';
  else if (exists('/run/.containerenv')) runtime = 'Podman';
  else {
    const cg = readFile('/proc/1/cgroup') ?? '';
    const m = /(docker|kubepods|containerd|libpod|lxc)/.exec(cg);
    if (m) runtime = m[1] === 'libpod' ? 'Podman' : m[1] === 'kubepods' ? 'Kubernetes' : m[1] === 'lxc' ? 'LXC' : 'Docker';
  }
  if (!runtime) return undefined;
  const ifaces = (p.interfaces ?? listInterfaces()).filter((i) => !i.address.startsWith('127.'));
  const bridgeLike = (a: string) => {
    const [x, y] = a.split('.').map(Number);
    return (x === 172 && y >= 16 && y <= 31) || (x === 10 && y === 88) || a.startsWith('10.0.2.');
  };
  if (ifaces.length === 0) {
    return `running inside ${runtime} with no network interface besides loopback: discovery cannot reach the LAN; run the container with host networking (docker run --network host)`;
  }
  if (ifaces.every((i) => bridgeLike(i.address))) {
    const a = ifaces.map((i) => `${i.name} ${i.address}`).join(', ');
    return `running inside ${runtime} on a bridge network (${a}): multicast discovery (ONVIF, SSDP, mDNS, SADP, DHIP) will not reach the LAN; `
      + 'run the container with host networking (docker run --network host / podman run --network host) or give unicast targets';
  }
  return undefined;
}
