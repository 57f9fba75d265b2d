// The benchmark layouts, built on the namespace lab harness (test/lab/netns.ts).
// Additive only: nothing in test/lab changes. Everything lives in namespaces NetnsLab creates and
// tears down (cs<pid>[n<k>]-*); the extra addresses, routes, listeners and DROP rules sit in the lab's
// own namespaces and vanish with them. No namespace gets a default route except the farm behind the
// router, whose default route points at the router namespace.
//
// The issue-11 layouts (compare.bench.ts), every host a camera-like responder (listeners.mjs):
//   dense:  10.60.0.0/24 on the lab's link: all 254 addresses live in one farm namespace, 4 of the 8
//           default camera ports open on each (four device patterns), every other port RST.
//   mixed:  10.61.0.0/24 on the lab's link: 25 camera hosts, a block of 20 filtered hosts (ARP answers,
//           every TCP packet dropped), the other 209 addresses absent (no ARP answer).
//   routed: 10.50.0.0/<size> behind a router namespace: 1% of the addresses live in a farm namespace,
//           2 of 8 ports open on each; the router blackholes the rest of the block (no ARP, no ICMP).
//   absent: 10.70.0.0/16 behind the router, nothing live (memory growth with the number of addresses).
// The scanner (10.213.0.2) has no address in the camera subnets: it reaches 10.60/10.61 on its link
// (a link route, as with a second subnet on one VLAN) and the routed blocks through the router.
//
// The older sweep benchmark (sweep.bench.ts, layouts "sim" and "farm"):
//   sim:    the scanner (.2) and 12 simulated cameras (build/test/lab/run-device.js), one namespace each,
//           real services on their real ports; the other 241 addresses are absent (no ARP answer).
//   farm:   the scanner (.2) and ONE namespace holding 200 addresses (.3-.202) behind one MAC. Plain listeners on 80 at 20 of them and on 554 at 10 of
//           those; every other address/port answers RST; 5 addresses (.198-.202) DROP everything
//           (ARP still answers, so they are up but filtered); .203-.254 are absent.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LAB_NET, NetnsLab, type HostSpec, type LabProcess } from '../lab/netns.js';
import { CAMERAS, startCamera, type SimCamera } from '../lab/topology.js';

export const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
export const LISTENERS = path.join(BENCH_DIR, 'listeners.mjs');
export const SCANNER = 'scanner';

export interface BenchLab {
  name: 'sim' | 'farm';
  description: string;
  lab: NetnsLab;
  /** Open host:port pairs the layout is built to have, restricted to the benchmark's ports. */
  expectedOpen: Set<string>;
  setupSeconds: number;
}

const ip = (octet: number) => `${LAB_NET}.${octet}`;

/** Two more personas beyond the lab's ten cameras, at addresses far from the others. */
const EXTRA_CAMERAS: SimCamera[] = [
  { host: 'bosch', octet: 77, persona: 'bosch-camera', restricted: false, protocols: ['tcp'] },
  { host: 'xiongmai', octet: 154, persona: 'xiongmai-dvr', restricted: true, protocols: ['tcp'] },
];
export const SPARSE_CAMERAS: SimCamera[] = [...CAMERAS, ...EXTRA_CAMERAS];

async function withRollback<T>(lab: NetnsLab, f: () => Promise<T>): Promise<T> {
  try { return await f(); } catch (e) { await lab.teardown(); throw e; }
}

export async function buildSparse(ports: number[]): Promise<BenchLab> {
  const t0 = Date.now();
  const specs: HostSpec[] = [{ name: SCANNER, octet: 2 }, ...SPARSE_CAMERAS.map((c) => ({ name: c.host, octet: c.octet, multicast: !c.unicastOnly, mac: c.mac }))];
  const lab = NetnsLab.create(specs);
  return withRollback(lab, async () => {
    const procs: LabProcess[] = await Promise.all(SPARSE_CAMERAS.map((c) => startCamera(lab, c)));
    const expectedOpen = new Set<string>();
    // run-device prints `ready <persona> <ip> tcp=80,443,554,8000 discovery=...` (real port numbers).
    procs.forEach((p, i) => {
      const m = /^ready \S+ (\S+) tcp=(\S+)/m.exec(p.output());
      if (!m) throw new Error(`no ready line from ${SPARSE_CAMERAS[i]!.host}: ${p.output().slice(-500)}`);
      for (const port of m[2]!.split(',').map(Number)) if (ports.includes(port)) expectedOpen.add(`${m[1]}:${port}`);
    });
    return {
      name: 'sim' as const, lab, expectedOpen, setupSeconds: (Date.now() - t0) / 1000,
      description: `${SPARSE_CAMERAS.length} simulated cameras (own namespaces) + scanner; ${254 - SPARSE_CAMERAS.length - 1} addresses absent`,
    };
  });
}

export const DENSE = {
  first: 3,
  last: 202,
  /** Octets with a listener on 80 (20 of them); every other one of those also listens on 554. */
  http: Array.from({ length: 20 }, (_, k) => 3 + 10 * k),
  filtered: [198, 199, 200, 201, 202],
};

export async function buildDense(ports: number[]): Promise<BenchLab> {
  const t0 = Date.now();
  const lab = NetnsLab.create([{ name: SCANNER, octet: 2 }, { name: 'farm', octet: DENSE.first, multicast: false }]);
  return withRollback(lab, async () => {
    const farm = lab.host('farm');
    // Secondary addresses on the farm's eth0, in one `ip -n <farm ns> -batch` (never a bare -batch).
    const cmds: string[] = [];
    for (let o = DENSE.first + 1; o <= DENSE.last; o++) cmds.push(`addr add ${ip(o)}/24 dev eth0`);
    const add = await execIn(['ip', '-n', farm.ns, '-batch', '-'], cmds.join('\n') + '\n');
    if (add.code !== 0) throw new Error(`adding farm addresses failed: ${add.stderr}`);
    const drop = await lab.exec('farm', ['iptables', '-A', 'INPUT', '-d', DENSE.filtered.map(ip).join(','), '-j', 'DROP', '-m', 'comment', '--comment', 'camsweep-bench filtered hosts']);
    if (drop.code !== 0) throw new Error(`iptables in the farm namespace failed: ${drop.stderr}`);
    const pairs: string[] = [];
    DENSE.http.forEach((o, k) => {
      pairs.push(`${ip(o)}:80`);
      if (k % 2 === 0) pairs.push(`${ip(o)}:554`);
    });
    await lab.spawn('farm', ['node', LISTENERS, ...pairs], { label: 'bench-listeners', ready: /^ready \d+/m, readyTimeoutMs: 20_000 });
    const expectedOpen = new Set(pairs.filter((p) => ports.includes(Number(p.split(':')[1]))));
    const up = DENSE.last - DENSE.first + 1;
    return {
      name: 'farm' as const, lab, expectedOpen, setupSeconds: (Date.now() - t0) / 1000,
      description: `one namespace with ${up} addresses (.${DENSE.first}-.${DENSE.last}) + scanner; ${pairs.length} listening ports on ${DENSE.http.length} of them, ` +
        `${DENSE.filtered.length} filtered (DROP), ${254 - up - 1} absent`,
    };
  });
}

/** Run a host-side command (only `ip -n <lab ns>` here) with stdin. */
async function execIn(argv: string[], input: string): Promise<{ code: number; stderr: string }> {
  const { spawn } = await import('node:child_process');
  return new Promise((resolve) => {
    const c = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    c.stderr.on('data', (d: Buffer) => { stderr += d.toString('utf8'); });
    c.on('close', (code) => resolve({ code: code ?? -1, stderr }));
    c.on('error', (e) => resolve({ code: -1, stderr: e.message }));
    c.stdin.end(input);
  });
}


// --- issue 11: camera-like blocks -------------------------------------------------------------------

/** What answers on each of camsweep's eight default ports (listeners.mjs kinds). */
export type Kind = 'plain' | 'http' | 'https' | 'rtsp' | 'sdk' | 'silent';
export const BENCH_PORTS = [80, 443, 554, 8000, 8080, 8443, 8554, 37777] as const;
export const PORT_KIND: Record<number, Kind> = { 80: 'http', 8080: 'http', 443: 'https', 8443: 'https', 554: 'rtsp', 8554: 'rtsp', 8000: 'sdk', 37777: 'silent' };
/** Four of the eight default ports per camera, as four kinds of device show them (together all eight). */
export const CAMERA_PATTERNS: Array<{ name: string; ports: number[] }> = [
  { name: 'hikvision-like', ports: [80, 443, 554, 8000] },
  { name: 'dahua-like', ports: [80, 443, 554, 37777] },
  { name: 'web-on-8080', ports: [80, 554, 8080, 8443] },
  { name: 'nvr-like', ports: [443, 8080, 8443, 8554] },
];

export interface Block {
  name: string;
  /** The only target either tool is given. */
  cidr: string;
  lab: NetnsLab;
  /** Open host:port pairs as built. */
  expectedOpen: Set<string>;
  /** host:port → what answers there. */
  services: Map<string, Kind>;
  live: number;
  filtered: number;
  absent: number;
  description: string;
  setupSeconds: number;
  /** The responder process (SIGUSR2 → request counts in statsFile). */
  responders?: LabProcess;
  statsFile?: string;
}

/** A self-signed ECDSA P-256 certificate for the https responders (openssl, no network). */
async function benchCert(lab: NetnsLab): Promise<{ cert: string; key: string }> {
  const dir = lab.dir('farm', 'tls');
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  const r = await execIn(['openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert,
    '-days', '3650', '-subj', '/O=Bench Camera/CN=ipcamera', '-batch'], '');
  if (r.code !== 0) throw new Error(`openssl (for the https responders) failed: ${r.stderr}`);
  return { cert, key };
}

async function startResponders(lab: NetnsLab, services: Map<string, Kind>): Promise<{ proc: LabProcess; statsFile: string }> {
  const statsFile = path.join(lab.dir('farm', 'stats'), 'requests.json');
  const tlsArgs = [...services.values()].includes('https') ? await benchCert(lab).then((c) => ['--tls-cert', c.cert, '--tls-key', c.key]) : [];
  const pairs = [...services].map(([hp, k]) => `${hp}=${k}`);
  const proc = await lab.spawn('farm', ['node', LISTENERS, ...tlsArgs, '--stats', statsFile, ...pairs], { label: 'bench-responders', ready: /^ready \d+/m, readyTimeoutMs: 60_000 });
  return { proc, statsFile };
}

async function must(lab: NetnsLab, host: string, argv: string[]): Promise<void> {
  const r = await lab.exec(host, argv);
  if (r.code !== 0) throw new Error(`${host}: ${argv.join(' ')}: ${r.stderr}`);
}

async function batch(lab: NetnsLab, host: string, cmds: string[]): Promise<void> {
  if (!cmds.length) return;
  const r = await execIn(['ip', '-n', lab.ns(host), '-batch', '-'], cmds.join('\n') + '\n');
  if (r.code !== 0) throw new Error(`ip -n ${lab.ns(host)} -batch failed: ${r.stderr}`);
}

function servicesFor(hosts: Array<{ ip: string; ports: number[] }>, kindOf: (port: number) => Kind): Map<string, Kind> {
  const m = new Map<string, Kind>();
  for (const h of hosts) for (const p of h.ports) m.set(`${h.ip}:${p}`, kindOf(p));
  return m;
}

/**
 * A /24 on the scanner's link: `cameras` live (each with its ports open, camera-like), `filtered`
 * addresses that answer ARP but drop every TCP packet, every other address absent.
 */
export async function buildOnLink(name: string, net: string, cameras: Array<{ octet: number; ports: number[] }>, filtered: number[]): Promise<Block> {
  const t0 = Date.now();
  const cidr = `${net}.0/24`;
  if (!/^10\.6[01]\.0$/.test(net)) throw new Error(`unexpected benchmark subnet ${net}`);
  const lab = NetnsLab.create([{ name: SCANNER, octet: 2 }, { name: 'farm', octet: 3, multicast: false }]);
  return withRollback(lab, async () => {
    await must(lab, SCANNER, ['ip', 'route', 'add', cidr, 'dev', 'eth0']);
    await batch(lab, 'farm', [...cameras.map((c) => c.octet), ...filtered].map((o) => `addr add ${net}.${o}/24 dev eth0`));
    if (filtered.length) {
      await must(lab, 'farm', ['iptables', '-A', 'INPUT', '-p', 'tcp', '-d', filtered.map((o) => `${net}.${o}`).join(','), '-j', 'DROP', '-m', 'comment', '--comment', 'camsweep-bench filtered hosts']);
    }
    const services = servicesFor(cameras.map((c) => ({ ip: `${net}.${c.octet}`, ports: c.ports })), (p) => PORT_KIND[p] ?? 'plain');
    const r = await startResponders(lab, services);
    const absent = 254 - cameras.length - filtered.length;
    return {
      name, cidr, lab, expectedOpen: new Set(services.keys()), services, live: cameras.length, filtered: filtered.length, absent,
      responders: r.proc, statsFile: r.statsFile, setupSeconds: (Date.now() - t0) / 1000,
      description: `${cidr} on the scanner's link: ${cameras.length} camera-like hosts (${services.size} open ports)` +
        `${filtered.length ? `, ${filtered.length} filtered (DROP)` : ''}${absent ? `, ${absent} absent` : ''}`,
    };
  });
}

/** Dense: every address of 10.60.0.0/24 a camera, the four patterns in turn. */
export function buildDenseBlock(): Promise<Block> {
  const cams = Array.from({ length: 254 }, (_, i) => ({ octet: i + 1, ports: CAMERA_PATTERNS[i % CAMERA_PATTERNS.length]!.ports }));
  return buildOnLink('dense', '10.60.0', cams, []);
}

export const MIXED = {
  /** 25 camera hosts spread over the /24. */
  cameras: Array.from({ length: 25 }, (_, k) => 4 + 7 * k),
  /** A firewalled block: up (ARP) but every TCP packet dropped. */
  filtered: Array.from({ length: 20 }, (_, k) => 200 + k),
};
export function buildMixedBlock(): Promise<Block> {
  const cams = MIXED.cameras.map((octet, i) => ({ octet, ports: CAMERA_PATTERNS[i % CAMERA_PATTERNS.length]!.ports }));
  return buildOnLink('mixed', '10.61.0', cams, MIXED.filtered);
}

/** The routed /20 of issue 13 (41 live hosts, the first two where issue 13 saw them missed). */
export const ROUTED = {
  cidr: '10.50.0.0/20',
  router: 254,
  live: ((): string[] => {
    const out = ['10.50.0.42', '10.50.0.128'];
    for (let k = 0; out.length < 41; k++) {
      const n = 300 + k * 97; // spread over 10.50.1.x .. 10.50.15.x
      const ip = `10.50.${n >> 8}.${n & 255}`;
      if ((n & 255) !== 0 && (n & 255) !== 255 && !out.includes(ip)) out.push(ip);
    }
    return out;
  })(),
  /** Two of the eight default ports per live host, cycling through the camera port pairs. */
  portPairs: [[80, 554], [80, 8000], [443, 554], [8080, 8554], [80, 443], [554, 37777], [8000, 8443]] as Array<[number, number]>,
};

/** 1% of the addresses of 10.50.0.0/<prefix>, spread over the block; the /20 is issue 13's set. */
export function routedLive(prefix: number): string[] {
  if (prefix === 20) return ROUTED.live;
  const size = 2 ** (32 - prefix);
  const n = Math.round((size - 2) / 100);
  const stride = Math.floor((size - 600) / n);
  const out: string[] = [];
  for (let k = 0; out.length < n; k++) {
    let off = 300 + k * stride;
    if ((off & 255) === 0 || (off & 255) === 255) off += 2;
    out.push(`10.50.${off >> 8}.${off & 255}`);
  }
  return out;
}

/**
 * A routed block: the scanner reaches `cidr` through a router namespace (10.213.0.254 on the lab
 * bridge). The router blackholes the block (packets to absent addresses vanish: no ARP, no ICMP, as
 * to a routed subnet's empty addresses) and routes each live address, as a /32, over a veth link
 * (10.49.0.0/30) to the farm namespace, which holds the live addresses and their responders: through
 * the farm's end of the link (one neighbour entry however many hosts), or `on-link` (the router ARPs
 * for each live address on eth1, so a live host can also serve as a gateway there).
 */
export async function buildRoutedBlock(name: string, cidr: string, live: string[], portsOf: (k: number) => number[], kindOf: (port: number) => Kind,
  liveRoutes: 'via-farm' | 'on-link' = 'via-farm'): Promise<Block> {
  const t0 = Date.now();
  if (!/^10\.(50|70)\.0\.0\/(1[6-9]|2[0-4])$/.test(cidr)) throw new Error(`unexpected routed block ${cidr}`);
  const prefix = Number(cidr.split('/')[1]);
  const specs: HostSpec[] = [{ name: SCANNER, octet: 2 }, { name: 'router', octet: ROUTED.router, multicast: false }];
  if (live.length) specs.push({ name: 'farm', octet: 3, multicast: false });
  const lab = NetnsLab.create(specs);
  return withRollback(lab, async () => {
    await must(lab, 'router', ['sysctl', '-q', '-w', 'net.ipv4.ip_forward=1']);
    const routerCmds = [`route add blackhole ${cidr}`];
    let services = new Map<string, Kind>();
    let responders: { proc: LabProcess; statsFile: string } | undefined;
    if (live.length) {
      const farm = lab.host('farm');
      // The farm leaves the bridge: it is reachable only through the router.
      await must(lab, 'farm', ['ip', 'link', 'set', 'eth0', 'down']);
      routerCmds.push(`link add eth1 type veth peer name lan0 netns ${farm.ns}`, 'addr add 10.49.0.1/30 dev eth1', 'link set eth1 up',
        ...live.map((ip) => (liveRoutes === 'on-link' ? `route add ${ip}/32 dev eth1` : `route add ${ip}/32 via 10.49.0.2 dev eth1`)));
      await batch(lab, 'router', routerCmds.slice(0, 4));
      await batch(lab, 'farm', ['addr add 10.49.0.2/30 dev lan0', ...live.map((ip) => `addr add ${ip}/32 dev lan0`), 'link set lan0 up', 'route add default via 10.49.0.1 dev lan0']);
      await batch(lab, 'router', routerCmds.slice(4));
      services = servicesFor(live.map((ip, k) => ({ ip, ports: portsOf(k) })), kindOf);
      responders = await startResponders(lab, services);
    } else {
      await batch(lab, 'router', routerCmds);
    }
    await must(lab, SCANNER, ['ip', 'route', 'add', cidr, 'via', `${LAB_NET}.${ROUTED.router}`]);
    const total = 2 ** (32 - prefix) - 2;
    return {
      name, cidr, lab, expectedOpen: new Set(services.keys()), services, live: live.length, filtered: 0, absent: total - live.length,
      responders: responders?.proc, statsFile: responders?.statsFile, setupSeconds: (Date.now() - t0) / 1000,
      description: `${cidr} behind a router namespace: ${live.length} live hosts${live.length ? ` with ${services.size / live.length} of 8 camera ports open` : ''}, ` +
        `${total - live.length} absent addresses blackholed at the router`,
    };
  });
}

/** The routed sparse block of issue 11 (camera-like responders), /20, /18 or /16. */
export function buildRoutedSparse(prefix: number): Promise<Block> {
  return buildRoutedBlock('routed', `10.50.0.0/${prefix}`, routedLive(prefix), (k) => ROUTED.portPairs[k % ROUTED.portPairs.length]!, (p) => PORT_KIND[p] ?? 'plain');
}

/** Nothing live: 10.70.0.0/16 blackholed at the router (scan any /16-/24 inside it). */
export function buildAbsentBlock(): Promise<Block> {
  return buildRoutedBlock('absent', '10.70.0.0/16', [], () => [], () => 'plain');
}

/**
 * Issue 13's routed /20 (routed.bench.ts, test/lab/routed.test.ts): the same routing with the live
 * hosts on-link at the router (routed.test.ts routes a public address via 10.50.0.42), plain listeners
 * (one short answer, then close) on two of the eight default ports of each of the 41 live hosts.
 */
export interface RoutedLab {
  lab: NetnsLab;
  cidr: string;
  live: string[];
  expectedOpen: Set<string>;
  setupSeconds: number;
  description: string;
}

export async function buildRouted(): Promise<RoutedLab> {
  const b = await buildRoutedBlock('routed-discovery', ROUTED.cidr, ROUTED.live, (k) => ROUTED.portPairs[k % ROUTED.portPairs.length]!, () => 'plain', 'on-link');
  return { lab: b.lab, cidr: b.cidr, live: ROUTED.live, expectedOpen: b.expectedOpen, setupSeconds: b.setupSeconds, description: b.description };
}
