// The two /24 layouts of the sweep benchmark, built on the namespace lab harness (test/lab/netns.ts).
// Additive only: nothing in test/lab changes. Everything lives in namespaces NetnsLab creates and
// tears down (cs<pid>[n<k>]-*); the extra addresses, listeners and DROP rules sit in the lab's own
// "farm" namespace and vanish with it.
//
//   sparse: the scanner (.2) and 12 simulated cameras (build/test/lab/run-device.js), one namespace each,
//           real services on their real ports; the other 241 addresses are absent (no ARP answer).
//   dense:  the scanner (.2) and ONE namespace holding 200 addresses (.3-.202) behind one MAC
//           (lab.md §1 "dense farm", §4). Plain listeners on 80 at 20 of them and on 554 at 10 of
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
  name: 'sparse' | 'dense';
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
      name: 'sparse' as const, lab, expectedOpen, setupSeconds: (Date.now() - t0) / 1000,
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
      name: 'dense' as const, lab, expectedOpen, setupSeconds: (Date.now() - t0) / 1000,
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

/**
 * The routed /20 of issue 13: the scanner (10.213.0.2) reaches 10.50.0.0/20 through a router namespace
 * (10.213.0.254 on the lab bridge, 10.50.0.1/20 on a veth to the "farm"). The farm namespace holds the
 * live hosts as addresses of one interface, each with plain listeners on two of the eight default
 * camera ports; every other port of a live host answers RST. The router forwards to the live addresses
 * only and DROPs the rest of the /20, so absent hosts are silent (no ARP, no ICMP): connects to them
 * time out, as to a routed subnet's empty addresses.
 */
export interface RoutedLab {
  lab: NetnsLab;
  cidr: string;
  live: string[];
  /** Open host:port pairs as built. */
  expectedOpen: Set<string>;
  setupSeconds: number;
  description: string;
}

export const ROUTED = {
  cidr: '10.50.0.0/20',
  router: 254,
  /** 41 live hosts across the /20, the first two where issue 13 saw them missed (.0.42, .0.128). */
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

export async function buildRouted(): Promise<RoutedLab> {
  const t0 = Date.now();
  const lab = NetnsLab.create([{ name: SCANNER, octet: 2 }, { name: 'router', octet: ROUTED.router, multicast: false }, { name: 'farm', octet: 3, multicast: false }]);
  return withRollback(lab, async () => {
    const router = lab.host('router');
    const farm = lab.host('farm');
    const must = async (host: string, argv: string[]) => {
      const r = await lab.exec(host, argv);
      if (r.code !== 0) throw new Error(`${host}: ${argv.join(' ')}: ${r.stderr}`);
    };
    // The farm leaves the bridge: it is reachable only through the router.
    await must('farm', ['ip', 'link', 'set', 'eth0', 'down']);
    await must('router', ['ip', 'link', 'add', 'eth1', 'type', 'veth', 'peer', 'name', 'lan0', 'netns', farm.ns]);
    await must('router', ['ip', 'addr', 'add', '10.50.0.1/20', 'dev', 'eth1']);
    await must('router', ['ip', 'link', 'set', 'eth1', 'up']);
    await must('router', ['sysctl', '-q', '-w', 'net.ipv4.ip_forward=1']);
    // Forward replies and the live hosts; drop everything else for the /20 (absent hosts stay silent).
    await must('router', ['iptables', '-A', 'FORWARD', '-s', ROUTED.cidr, '-j', 'ACCEPT']);
    await must('router', ['iptables', '-A', 'FORWARD', '-d', ROUTED.live.join(','), '-j', 'ACCEPT']);
    await must('router', ['iptables', '-A', 'FORWARD', '-d', ROUTED.cidr, '-j', 'DROP', '-m', 'comment', '--comment', 'camsweep-bench absent hosts']);
    const cmds = ROUTED.live.map((ip) => `addr add ${ip}/20 dev lan0`);
    const add = await execIn(['ip', '-n', farm.ns, '-batch', '-'], cmds.join('\n') + '\n');
    if (add.code !== 0) throw new Error(`adding farm addresses failed: ${add.stderr}`);
    await must('farm', ['ip', 'link', 'set', 'lan0', 'up']);
    await must('farm', ['ip', 'route', 'add', 'default', 'via', '10.50.0.1', 'dev', 'lan0']);
    await must(SCANNER, ['ip', 'route', 'add', ROUTED.cidr, 'via', `${LAB_NET}.${ROUTED.router}`]);
    void router;
    const pairs: string[] = [];
    ROUTED.live.forEach((ip, k) => { for (const p of ROUTED.portPairs[k % ROUTED.portPairs.length]!) pairs.push(`${ip}:${p}`); });
    await lab.spawn('farm', ['node', LISTENERS, ...pairs], { label: 'bench-listeners', ready: /^ready \d+/m, readyTimeoutMs: 20_000 });
    return {
      lab, cidr: ROUTED.cidr, live: ROUTED.live, expectedOpen: new Set(pairs), setupSeconds: (Date.now() - t0) / 1000,
      description: `${ROUTED.cidr} behind a router namespace: ${ROUTED.live.length} live hosts with 2 of 8 camera ports open, ${4094 - ROUTED.live.length} absent addresses dropped`,
    };
  });
}
