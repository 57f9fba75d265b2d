// What the runner needs from the machine: the socket facades (src/net), interface and neighbour
// tables, the descriptor budget, the discovery and probe registries, and the simulated lab. One
// object, so a library caller or a test can replace any part. defaultRuntime() is the real one.
import type { DiscoveryModule, DiscoveryName } from '../discovery/types.js';
import type { HttpApi, NetIface, UdpApi } from '../model/net.js';
import type { Lab, StartLabOptions } from '../lab/server.js';

export interface Runtime {
  discovery: Partial<Record<DiscoveryName, DiscoveryModule>>;
  /**
   * Loads the discovery modules on first use and sets `discovery` to them (the real runtime: a
   * `--protocols tcp` scan never loads them). The runner awaits it, when present, before discovery.
   */
  loadDiscovery?(): Promise<Partial<Record<DiscoveryName, DiscoveryModule>>>;
  udp(passive: boolean): UdpApi;
  http(): HttpApi;
  /** IP -> MAC from the kernel's neighbour table (empty where it cannot be read). */
  neighbours(): Map<string, string>;
  /** The interfaces for multicast discovery (`names`: exactly those; throws on an unknown one). */
  chooseInterfaces(names?: readonly string[]): NetIface[];
  /** The IPv4 subnets of this machine's up, non-virtual interfaces (the no-target default). */
  localSubnets(): Array<{ iface: string; cidr: string; address: string }>;
  /** A container whose bridge network will not carry multicast, when that matters for this scan. */
  containerWarning(a: { discovery: boolean; interfaceNamed: boolean; loopbackOnly: boolean; passive: boolean }): string | undefined;
  fdBudget(): { limit: number; open: number } | undefined;
  lookup?(name: string): Promise<string[]>;
  startLab(o: StartLabOptions): Promise<Lab>;
}

/**
 * The real runtime: sockets, tables and the lab of this machine. Only what every run needs is loaded
 * here; the discovery modules (their protocol codecs and XML/DNS parsers) and the lab load on first use.
 */
export async function defaultRuntime(): Promise<Runtime> {
  const [udp, http, neigh, ifaces, fds, targets, resolve] = await Promise.all([
    import('../net/udp.js'), import('../net/http-fetch.js'), import('../net/neighbours.js'),
    import('../net/interfaces.js'), import('../net/fds.js'), import('../targets/targets.js'), import('../net/resolve.js'),
  ]);
  let discovery: Promise<Runtime['discovery']> | undefined;
  const rt: Runtime = {
    discovery: {},
    loadDiscovery: () => (discovery ??= import('../discovery/index.js').then((m) => (rt.discovery = m.discoveryModules))),
    udp: (passive) => { const u = udp.createUdpApi(); return passive ? udp.createPassiveUdpApi(u) : u; },
    http: () => http.createHttpApi(),
    neighbours: () => { try { return neigh.readNeighbours(); } catch { return new Map(); } },
    chooseInterfaces: (names) => ifaces.chooseInterfaces(names),
    localSubnets: () => targets.localSubnets(ifaces.systemInterfaces()),
    containerWarning: (a) => (ifaces.containerWarningApplies(a) ? ifaces.detectContainer() : undefined),
    fdBudget: () => fds.fdBudget(),
    lookup: resolve.lookupIPv4,
    startLab: async (o) => (await import('../lab/server.js')).startLab(o),
  };
  return rt;
}
