// A real test LAN out of Linux network namespaces (issue 3, "A real test network"). Root only.
//
// Topology (everything lives in namespaces this module creates; nothing is attached to the host's
// namespace, nothing routes out of the lab):
//
//   [<prefix>-scanner] eth0 10.213.0.2/24 ─veth─ [<prefix>-lan: br0, no IP] ─veth─ [<prefix>-<host>] eth0 10.213.0.N/24
//
// * The bridge lives in its own namespace (<prefix>-lan). Each veth pair is created inside that
//   namespace with its peer born directly in the host's namespace as `eth0`, so no interface ever
//   appears in the machine's own namespace.
// * Every lab namespace: `lo` up, the connected /24, `224.0.0.0/4 dev eth0` and
//   `255.255.255.255/32 dev eth0` (unless the host is unicast-only), NO default route, and a private
//   resolv.conf (`nameserver 127.0.0.1`) so no tool even tries the machine's resolver.
// * The bridge floods multicast (mcast_snooping 0: there is no IGMP querier in the lab), no STP delay.
// * Unique prefix per lab: cs<pid> (plus n<k> for a second lab in the same process). State lives in
//   /run/camsweep-lab/<prefix>/ (state.json + per-daemon private /run and config directories).
// * Teardown kills every process inside the lab's namespaces (TERM, then KILL, by PID) and deletes the
//   namespaces; it runs from afterAll, and synchronously from process 'exit' / SIGINT / SIGTERM hooks.
//   sweepStaleLabs() removes what crashed runs left (owner PID gone).
//
// Relies on iproute2 netns, veth and bridge devices (ip-netns(8)) and a kernel that lets root create them.
import { execFileSync, spawn as spawnChild, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const LAB_SUBNET = '10.213.0.0/24';
export const LAB_NET = '10.213.0';
export const STATE_ROOT = '/run/camsweep-lab';
const PREFIX_RE = /^(cs(\d+)(?:n\d+)?)-([a-z0-9-]+)$/;
const MARK = 'camsweep-lab';

export interface HostSpec {
  /** Short name: [a-z0-9-], e.g. "scanner", "hik". The namespace is <prefix>-<name>. */
  name: string;
  /** Last octet in 10.213.0.0/24 (2..254). */
  octet: number;
  /** Multicast (and limited-broadcast) routes in this namespace. Default true. */
  multicast?: boolean;
  /** MAC address of eth0 (e.g. the persona's vendor OUI, so ARP shows what a real camera's NIC would). */
  mac?: string;
  /** Keep IPv6 on eth0 (link-local). Default true. */
  ipv6?: boolean;
}

export interface LabHost {
  name: string;
  ns: string;
  ip: string;
  multicast: boolean;
}

export interface ExecResult { code: number; stdout: string; stderr: string }

export interface SpawnOptions {
  /** Label for logs and the process list (default: the command's basename). */
  label?: string;
  /**
   * Run inside a private mount namespace (unshare --mount --propagation private) and apply these bind
   * mounts in order before exec'ing the command. Use `privateRun` for /run; it is mounted last.
   */
  binds?: Array<{ src: string; dst: string }>;
  /** Bind a fresh per-process directory over /run (pid files and sockets of N copies cannot collide). */
  privateRun?: boolean;
  /** Resolve when this appears on stdout or stderr. */
  ready?: RegExp;
  readyTimeoutMs?: number;
  env?: Record<string, string>;
  cwd?: string;
}

export interface LabProcess {
  label: string;
  host: string;
  pid: number;
  child: ChildProcess;
  /** stdout + stderr so far (capped). */
  output(): string;
  /** Directory bound over /run for this process (when privateRun). */
  runDir?: string;
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

export interface TeardownReport { killed: number[]; namespaces: string[]; seconds: number; errors: string[] }

interface LabState { prefix: string; pid: number; pidStart: string; created: string; namespaces: string[]; createdNetnsMount: boolean }

function run(cmd: string, args: string[], input?: string): string {
  return execFileSync(cmd, args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'], timeout: 30_000 });
}

function tryRun(cmd: string, args: string[]): { ok: boolean; out: string } {
  try { return { ok: true, out: run(cmd, args) }; } catch (e) {
    const err = e as { stderr?: string; message: string };
    return { ok: false, out: String(err.stderr ?? err.message) };
  }
}

/** Start time of a process (field 22 of /proc/<pid>/stat), '' if it does not exist. */
function procStart(pid: number): string {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return s.slice(s.lastIndexOf(')') + 2).split(' ')[19] ?? '';
  } catch { return ''; }
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** Why the lab cannot run here, or undefined when it can. */
export function labUnavailable(): string | undefined {
  if (process.platform !== 'linux') return 'the namespace lab needs Linux';
  if (!isRoot()) return 'the namespace lab needs root (ip netns, veth, bridge)';
  for (const bin of ['ip', 'unshare', 'mount']) {
    if (!tryRun('sh', ['-c', `command -v ${bin}`]).ok) return `${bin} is not installed (run test/lab/setup.sh)`;
  }
  return undefined;
}

export function listNamespaces(): string[] {
  const r = tryRun('ip', ['netns', 'list']);
  if (!r.ok) return [];
  return r.out.split('\n').map((l) => l.trim().split(/\s+/)[0] ?? '').filter(Boolean);
}

function netnsMounted(): boolean {
  try {
    return fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((l) => l.split(' ')[4] === '/run/netns');
  } catch { return false; }
}

/** Fingerprint of the machine's own network state (links, addresses, routes, rules). */
export function hostNetSnapshot(): Record<string, string> {
  const get = (cmd: string, args: string[]) => {
    const r = tryRun(cmd, args);
    // Drop per-interface counters and timers; keep the configuration.
    return r.ok ? r.out : `unavailable: ${r.out.split('\n')[0]}`;
  };
  return {
    links: get('ip', ['-o', 'link']).replace(/\s+$/gm, ''),
    addrs: get('ip', ['-o', 'addr']).replace(/valid_lft \S+ preferred_lft \S+/g, ''),
    routes4: get('ip', ['-4', 'route', 'show', 'table', 'all']),
    routes6: get('ip', ['-6', 'route', 'show', 'table', 'all']).replace(/ expires \S+/g, ''),
    rules: get('ip', ['rule']),
    iptables: get('sh', ['-c', 'command -v iptables >/dev/null && iptables -S || echo none']),
    nft: get('sh', ['-c', 'command -v nft >/dev/null && nft list ruleset || echo none']),
  };
}

function killPids(pids: number[], graceMs: number): number[] {
  // A zombie (dead, not yet reaped by its parent, e.g. this process) counts as gone.
  const alive = (p: number) => {
    try {
      const st = fs.readFileSync(`/proc/${p}/stat`, 'utf8');
      return st.slice(st.lastIndexOf(')') + 2, st.lastIndexOf(')') + 3) !== 'Z';
    } catch { return false; }
  };
  const targets = pids.filter((p) => p > 1 && p !== process.pid && alive(p));
  for (const p of targets) { try { process.kill(p, 'SIGTERM'); } catch { /* gone */ } }
  const until = Date.now() + graceMs;
  while (targets.some(alive) && Date.now() < until) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 25);
  for (const p of targets) { if (alive(p)) { try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } } }
  return targets;
}

function nsPids(ns: string): number[] {
  const r = tryRun('ip', ['netns', 'pids', ns]);
  return r.ok ? r.out.split(/\s+/).filter(Boolean).map(Number).filter((n) => Number.isInteger(n)) : [];
}

/** Remove one lab's namespaces, processes and files (synchronous; safe to call twice). */
function destroyLab(prefix: string, extraNamespaces: string[] = [], graceMs = 2000, createdNetnsMount = false): TeardownReport {
  const t0 = Date.now();
  const errors: string[] = [];
  const ours = new Set(extraNamespaces);
  for (const ns of listNamespaces()) if (ns.startsWith(`${prefix}-`)) ours.add(ns);
  const namespaces = [...ours].filter((ns) => ns.startsWith(`${prefix}-`));
  const killed = killPids(namespaces.flatMap(nsPids), graceMs);
  for (const ns of namespaces) {
    if (!listNamespaces().includes(ns)) continue;
    const r = tryRun('ip', ['netns', 'delete', ns]);
    if (!r.ok) errors.push(`ip netns delete ${ns}: ${r.out.trim()}`);
  }
  for (const ns of namespaces) fs.rmSync(`/etc/netns/${ns}`, { recursive: true, force: true });
  try { if (fs.readdirSync('/etc/netns').length === 0) fs.rmdirSync('/etc/netns'); } catch { /* absent or in use */ }
  const stateDir = path.join(STATE_ROOT, prefix);
  // Private /run directories may still be mount points in a dying process's namespace; they live in a
  // private mount namespace, so the host sees plain directories.
  try { fs.rmSync(stateDir, { recursive: true, force: true }); } catch (e) { errors.push(`rm ${stateDir}: ${(e as Error).message}`); }
  try { if (fs.existsSync(STATE_ROOT) && fs.readdirSync(STATE_ROOT).length === 0) fs.rmdirSync(STATE_ROOT); } catch { /* another lab */ }
  if (createdNetnsMount && listNamespaces().length === 0 && netnsMounted()) tryRun('umount', ['/run/netns']);
  return { killed, namespaces, seconds: (Date.now() - t0) / 1000, errors };
}

/**
 * Remove leftovers of crashed runs: any lab (namespaces named cs<pid>[n<k>]-*, state in
 * /run/camsweep-lab/<prefix>) whose owning process is gone. Labs of live processes are left alone.
 */
export function sweepStaleLabs(): string[] {
  const owners = new Map<string, { pid: number; start?: string }>();
  for (const ns of listNamespaces()) {
    const m = PREFIX_RE.exec(ns);
    if (m) owners.set(m[1]!, { pid: Number(m[2]) });
  }
  if (fs.existsSync(STATE_ROOT)) {
    for (const prefix of fs.readdirSync(STATE_ROOT)) {
      try {
        const st = JSON.parse(fs.readFileSync(path.join(STATE_ROOT, prefix, 'state.json'), 'utf8')) as LabState;
        owners.set(prefix, { pid: st.pid, start: st.pidStart });
      } catch {
        const m = /^cs(\d+)(?:n\d+)?$/.exec(prefix);
        if (m) owners.set(prefix, { pid: Number(m[1]) });
      }
    }
  }
  const swept: string[] = [];
  for (const [prefix, o] of owners) {
    const start = procStart(o.pid);
    const alive = start !== '' && (o.start === undefined || o.start === start);
    if (alive) continue;
    destroyLab(prefix, [], 1000);
    swept.push(prefix);
  }
  return swept;
}

const liveLabs = new Set<NetnsLab>();
let hooksInstalled = false;
function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', () => { for (const lab of liveLabs) lab.teardownSync(); });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      for (const lab of liveLabs) lab.teardownSync();
      process.kill(process.pid, sig);
    });
  }
}

let labCounter = 0;

export class NetnsLab {
  readonly prefix: string;
  readonly lanNs: string;
  readonly hosts = new Map<string, LabHost>();
  readonly stateDir: string;
  readonly buildSeconds: number;
  private readonly procs = new Set<LabProcess>();
  private torndown = false;
  private createdNetnsMount = false;

  private constructor(prefix: string, buildSeconds = 0) {
    this.prefix = prefix;
    this.lanNs = `${prefix}-lan`;
    this.stateDir = path.join(STATE_ROOT, prefix);
    this.buildSeconds = buildSeconds;
  }

  /** Build the LAN. Rolls back on failure. */
  static create(hostSpecs: HostSpec[], opts: { prefix?: string } = {}): NetnsLab {
    const why = labUnavailable();
    if (why) throw new Error(`netns lab: ${why}`);
    const t0 = Date.now();
    const prefix = opts.prefix ?? `cs${process.pid}${labCounter++ ? `n${labCounter - 1}` : ''}`;
    if (!/^cs\d+(n\d+)?$/.test(prefix)) throw new Error(`netns lab: prefix ${prefix} does not follow cs<pid>[n<k>]`);
    const names = new Set<string>();
    const octets = new Set<number>();
    for (const h of hostSpecs) {
      if (!/^[a-z0-9][a-z0-9-]{0,30}$/.test(h.name) || h.name === 'lan') throw new Error(`netns lab: bad host name ${h.name}`);
      if (!Number.isInteger(h.octet) || h.octet < 2 || h.octet > 254) throw new Error(`netns lab: bad octet ${h.octet}`);
      if (h.mac !== undefined && !/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(h.mac)) throw new Error(`netns lab: bad MAC ${h.mac}`);
      if (names.has(h.name) || octets.has(h.octet)) throw new Error(`netns lab: duplicate host ${h.name} / .${h.octet}`);
      names.add(h.name); octets.add(h.octet);
    }
    const existing = listNamespaces();
    const clash = existing.filter((ns) => ns === `${prefix}-lan` || hostSpecs.some((h) => ns === `${prefix}-${h.name}`));
    if (clash.length) throw new Error(`netns lab: namespaces ${clash.join(', ')} already exist; refusing to touch them`);

    const lab = new NetnsLab(prefix);
    installExitHooks();
    liveLabs.add(lab);
    const allNs = [lab.lanNs, ...hostSpecs.map((h) => `${prefix}-${h.name}`)];
    lab.createdNetnsMount = !netnsMounted();
    // State first, so a crash half-way is still found by the sweeper.
    fs.mkdirSync(lab.stateDir, { recursive: true, mode: 0o755 });
    const state: LabState = { prefix, pid: process.pid, pidStart: procStart(process.pid), created: new Date().toISOString(), namespaces: allNs, createdNetnsMount: lab.createdNetnsMount };
    fs.writeFileSync(path.join(lab.stateDir, 'state.json'), JSON.stringify(state, null, 2));
    try {
      for (const ns of allNs) {
        run('ip', ['netns', 'add', ns]);
        fs.mkdirSync(`/etc/netns/${ns}`, { recursive: true });
        fs.writeFileSync(`/etc/netns/${ns}/resolv.conf`, `# ${MARK}:${prefix}\nnameserver 127.0.0.1\n`);
      }
      // The bridge, in its own namespace. All `ip -batch` runs are `ip -n <lab ns> -batch`: a bare
      // `ip -batch` would act on the machine's own namespace.
      const lanCmds = [
        'link set lo up',
        'link add br0 type bridge mcast_snooping 0 stp_state 0 forward_delay 0',
        `link set br0 alias ${MARK}:${prefix}`,
        'link set br0 up',
      ];
      hostSpecs.forEach((h, i) => {
        const hostNs = `${prefix}-${h.name}`;
        lanCmds.push(`link add v${i} type veth peer name eth0 netns ${hostNs}`,
          `link set v${i} alias ${MARK}:${prefix}:${h.name}`, `link set v${i} master br0`, `link set v${i} up`);
      });
      run('ip', ['-n', lab.lanNs, '-batch', '-'], lanCmds.join('\n') + '\n');
      for (const h of hostSpecs) {
        const ns = `${prefix}-${h.name}`;
        const multicast = h.multicast ?? true;
        if (h.ipv6 === false) {
          run('ip', ['netns', 'exec', ns, 'sysctl', '-q', '-w', 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1']);
        }
        const cmds = [
          'link set lo up',
          `link set eth0 alias ${MARK}:${prefix}:${h.name}`,
          `addr add ${LAB_NET}.${h.octet}/24 dev eth0`,
        ];
        if (h.mac) cmds.push(`link set eth0 address ${h.mac}`);
        cmds.push('link set eth0 up');
        if (multicast) cmds.push('route add 224.0.0.0/4 dev eth0', 'route add 255.255.255.255/32 dev eth0');
        run('ip', ['-n', ns, '-batch', '-'], cmds.join('\n') + '\n');
        lab.hosts.set(h.name, { name: h.name, ns, ip: `${LAB_NET}.${h.octet}`, multicast });
      }
    } catch (e) {
      lab.teardownSync();
      throw new Error(`netns lab: build failed and was rolled back: ${(e as { stderr?: string }).stderr ?? (e as Error).message}`);
    }
    (lab as { buildSeconds: number }).buildSeconds = (Date.now() - t0) / 1000;
    return lab;
  }

  host(name: string): LabHost {
    const h = this.hosts.get(name);
    if (!h) throw new Error(`netns lab: no host ${name}`);
    return h;
  }

  ns(name: string): string { return this.host(name).ns; }

  /** Directory for one daemon's private files (config, /run): /run/camsweep-lab/<prefix>/<host>/<what>. */
  dir(host: string, what: string): string {
    const d = path.join(this.stateDir, host, what);
    fs.mkdirSync(d, { recursive: true });
    return d;
  }

  /** Run a command to completion inside a host's namespace. Never throws on a non-zero exit. */
  exec(host: string, cmd: string[], opts: { timeoutMs?: number; input?: string; env?: Record<string, string> } = {}): Promise<ExecResult> {
    const ns = this.ns(host);
    return new Promise((resolve) => {
      const child = spawnChild('ip', ['netns', 'exec', ns, ...cmd], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...opts.env } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => { stdout += d.toString('utf8'); });
      child.stderr.on('data', (d: Buffer) => { stderr += d.toString('utf8'); });
      const timer = setTimeout(() => { child.kill('SIGKILL'); stderr += `\n[netns lab: killed after ${opts.timeoutMs} ms]`; }, opts.timeoutMs ?? 60_000);
      child.on('close', (code) => { clearTimeout(timer); resolve({ code: code ?? -1, stdout, stderr }); });
      child.on('error', (e) => { clearTimeout(timer); resolve({ code: -1, stdout, stderr: stderr + e.message }); });
      // A command that exits before reading its stdin (ip, nmap) closes the pipe: that EPIPE is not an error.
      child.stdin.on('error', () => {});
      child.stdin.end(opts.input ?? '');
    });
  }

  /** Synchronous exec (for small reads like counters). */
  execSync(host: string, cmd: string[]): string {
    return run('ip', ['netns', 'exec', this.ns(host), ...cmd]);
  }

  /** Start a long-running process inside a host's namespace; tracked and killed by teardown. */
  async spawn(host: string, cmd: string[], opts: SpawnOptions = {}): Promise<LabProcess> {
    const ns = this.ns(host);
    const label = opts.label ?? path.basename(cmd[0] ?? 'proc');
    let argv = ['netns', 'exec', ns, ...cmd];
    let runDir: string | undefined;
    if (opts.binds?.length || opts.privateRun) {
      const mounts = [...(opts.binds ?? [])];
      if (opts.privateRun) {
        runDir = this.dir(host, `${label}-run`);
        mounts.push({ src: runDir, dst: '/run' });
      }
      // Bind the sources first and /run last: a tmpfs or bind over /run first would hide sources under /run.
      const script = mounts.map((_, i) => `mount --bind "$B${i}S" "$B${i}D"`).join(' && ') + ' && exec "$@"';
      const env = mounts.flatMap((m, i) => [`B${i}S=${m.src}`, `B${i}D=${m.dst}`]);
      argv = ['netns', 'exec', ns, 'unshare', '--mount', '--propagation', 'private', 'env', ...env, 'sh', '-c', script, 'sh', ...cmd];
    }
    const child = spawnChild('ip', argv, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...opts.env }, cwd: opts.cwd });
    let out = '';
    const append = (d: Buffer) => { if (out.length < 256 * 1024) out += d.toString('utf8'); };
    child.stdout!.on('data', append);
    child.stderr!.on('data', append);
    const exited = new Promise<number | null>((resolve) => {
      child.on('exit', (code, sig) => resolve(code ?? (sig ? -1 : null)));
      child.on('error', () => resolve(-1));
    });
    const proc: LabProcess = {
      label, host, pid: child.pid ?? -1, child, runDir, exited,
      output: () => out,
      stop: async (signal = 'SIGTERM', graceMs = 3000) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        try { child.kill(signal); } catch { /* gone */ }
        const t = setTimeout(() => { try { child.kill('SIGKILL'); } catch { /* gone */ } }, graceMs);
        await exited;
        clearTimeout(t);
      },
    };
    this.procs.add(proc);
    void exited.then(() => this.procs.delete(proc));
    if (opts.ready) {
      const re = opts.ready;
      const timeoutMs = opts.readyTimeoutMs ?? 15_000;
      await new Promise<void>((resolve, reject) => {
        const check = () => {
          if (re.test(out)) { cleanup(); resolve(); }
        };
        const onExit = (code: number | null) => { cleanup(); reject(new Error(`${label} in ${host} exited (${code}) before ready:\n${out.slice(-4000)}`)); };
        const timer = setTimeout(() => { cleanup(); reject(new Error(`${label} in ${host} not ready after ${timeoutMs} ms:\n${out.slice(-4000)}`)); }, timeoutMs);
        const cleanup = () => { clearTimeout(timer); child.stdout!.off('data', check); child.stderr!.off('data', check); };
        child.stdout!.on('data', check);
        child.stderr!.on('data', check);
        void exited.then(onExit);
        check();
      });
    }
    return proc;
  }

  /** Processes started by spawn() and still running. */
  processes(): LabProcess[] { return [...this.procs]; }

  /** PIDs of every process inside the lab's namespaces (whoever started them). */
  labPids(): number[] {
    return [this.lanNs, ...[...this.hosts.values()].map((h) => h.ns)].flatMap(nsPids);
  }

  /** Tear everything down (async wrapper for afterAll). */
  async teardown(): Promise<TeardownReport> {
    // Polite stop first so daemons can say goodbye inside the lab; the sync sweep then kills leftovers.
    await Promise.all([...this.procs].map((p) => p.stop('SIGTERM', 2000)));
    return this.teardownSync();
  }

  teardownSync(): TeardownReport {
    if (this.torndown) return { killed: [], namespaces: [], seconds: 0, errors: [] };
    this.torndown = true;
    liveLabs.delete(this);
    for (const p of this.procs) { try { p.child.kill('SIGKILL'); } catch { /* gone */ } }
    const report = destroyLab(this.prefix, [this.lanNs, ...[...this.hosts.values()].map((h) => h.ns)], 2000, this.createdNetnsMount);
    return report;
  }
}

/** Read a counter from /sys inside a namespace (ip netns exec remounts /sys for the namespace). */
export function txPackets(lab: NetnsLab, host: string, iface = 'eth0'): number {
  return Number(lab.execSync(host, ['cat', `/sys/class/net/${iface}/statistics/tx_packets`]).trim());
}
