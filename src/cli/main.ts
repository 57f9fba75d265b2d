// The command line. Only this file decides exit codes; everything else returns data or throws typed errors.
import { readFileSync, writeFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { KnowledgeBaseError, defaultKnowledgeBase, type KnowledgeBase } from '../fingerprint/rules.js';
import { loadPolicy, PolicyError, type Policy } from '../policy/policy.js';
import { buildReport } from '../report/report.js';
import { colorsFor, outputWidth } from '../report/color.js';
import { renderJson, renderJsonl } from '../report/json.js';
import { renderTable } from '../report/table.js';
import { ALL_PROTOCOLS, assess, DEFAULT_PORTS, describePlan, executePlan, planScan, type DiscoveryRuntime, type ProtocolName, type ScanOptions } from '../scan/scan.js';
import type { Credential } from '../discovery/types.js';
import YAML from 'yaml';
import { localSubnets, parseTarget, resolveTargets, splitTargetText, TargetError, type TargetSpec } from '../targets/targets.js';
import type { DeviceReport, ObservationRecord, ScanReport, VerdictStatus } from '../types.js';
import { VERDICT_ORDER } from '../types.js';
import { cleanJson, clean } from '../util/sanitize.js';
import { VERSION } from '../version.js';
import { EXIT_CODES, exitCodeHelp, optionsFor, optionsMarkdown, parsePorts, type CommandName, type OptionDef } from './options.js';
import { renderIds, renderVendors, type VendorsFormat } from './vendors.js';
import { renderExplain } from './explain.js';

export class UsageError extends Error {}
export class RunError extends Error {}

export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

const defaultIo = (): Io => ({ stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env });

type Opts = Record<string, unknown>;

function addOptions(cmd: Command, name: CommandName): Command {
  let group = '';
  for (const def of optionsFor(name)) {
    const o = new Option(def.flags, def.description);
    if (def.choices) o.choices(def.choices);
    if (def.default !== undefined && def.kind !== 'bool') o.default(def.default);
    if (def.kind === 'int') o.argParser((v: string) => parseIntOpt(v, def));
    if (def.group !== group) { group = def.group; o.helpGroup(`${group}:`); } else o.helpGroup(`${group}:`);
    cmd.addOption(o);
  }
  return cmd;
}

function parseIntOpt(v: string, def: OptionDef): number {
  if (!/^\d{1,9}$/.test(v.trim())) throw new UsageError(`${def.flags.split(' ').pop()?.replace(/[<>]/g, '') ?? 'value'} for ${def.flags.split(',').pop()!.trim().split(' ')[0]} must be a whole number, got "${clean(v, 40)}"`);
  return Number(v);
}

function failOnExit(devices: DeviceReport[], failOn: string): number {
  if (failOn === 'never') return 0;
  const bar = VERDICT_ORDER[failOn as VerdictStatus];
  return devices.some((d) => VERDICT_ORDER[d.verdict.status] >= bar) ? 1 : 0;
}

function loadKnowledge(policyName: string): { kb: KnowledgeBase; policy: Policy } {
  const kb = defaultKnowledgeBase();
  return { kb, policy: loadPolicy(policyName, kb.vocab) };
}

async function readAll(stream: NodeJS.ReadableStream, limit = 64 * 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of stream) {
    const b = Buffer.isBuffer(c) ? c : Buffer.from(String(c));
    n += b.length;
    if (n > limit) throw new UsageError(`input larger than ${limit} bytes`);
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function readFileOrFail(file: string, what: string): string {
  try { return readFileSync(file, 'utf8'); } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read ${what} ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : code ?? (e as Error).message}`);
  }
}

function pickFormat(o: Opts, io: Io): 'table' | 'json' | 'jsonl' {
  if (o.format) return o.format as 'table' | 'json' | 'jsonl';
  if (o.output) return 'json';
  return io.stdout.isTTY ? 'table' : 'json';
}

function emit(io: Io, o: Opts, report: ScanReport): void {
  const fmt = pickFormat(o, io);
  const toFile = typeof o.output === 'string';
  const colors = colorsFor(toFile ? { isTTY: false } : io.stdout, o.color === false, io.env);
  const text = fmt === 'table' ? renderTable(report, { width: toFile ? 100 : outputWidth(io.stdout, io.env), color: colors.enabled })
    : fmt === 'jsonl' ? renderJsonl(report) : renderJson(report);
  if (toFile) {
    try { writeFileSync(o.output as string, text); } catch (e) {
      throw new RunError(`cannot write ${o.output as string}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  } else io.stdout.write(text);
}

function scanOptions(o: Opts, ports: number[]): ScanOptions {
  return {
    ports, timeoutMs: o.timeout as number, hostTimeoutMs: o.hostTimeout as number, concurrency: Math.max(1, o.concurrency as number),
    rate: o.rate as number, maxBytes: Math.max(1024, o.maxBytes as number), userAgent: `camsweep/${VERSION}`, ping: o.ping !== false,
  };
}

function progress(io: Io, o: Opts) {
  const live = !o.quiet && Boolean(io.stderr.isTTY);
  let lastDraw = 0;
  return {
    onHostDone(done: number, total: number, found: number) {
      if (!live) return;
      const now = Date.now();
      if (done !== total && now - lastDraw < 100) return;
      lastDraw = now;
      io.stderr.write(`\r\x1b[2Kscanned ${done}/${total} hosts, ${found} device${found === 1 ? '' : 's'}`);
      if (done === total) io.stderr.write('\r\x1b[2K');
    },
  };
}

function parseProtocols(v: unknown): ProtocolName[] {
  const list = String(v ?? '').split(',').map((x) => x.trim().toLowerCase()).filter(Boolean);
  if (list.length === 0) throw new UsageError('--protocols needs at least one of ' + ALL_PROTOCOLS.join(', '));
  for (const p of list) if (!ALL_PROTOCOLS.includes(p as ProtocolName)) throw new UsageError(`unknown protocol "${clean(p, 30)}" in --protocols (known: ${ALL_PROTOCOLS.join(', ')})`);
  return [...new Set(list)] as ProtocolName[];
}

/** Credentials file: YAML or JSON list of {username, password}, or lines "user:password". */
export function parseCredentials(text: string, file: string): Credential[] {
  const t = text.trim();
  let items: unknown;
  if (/^[[{-]/.test(t)) {
    try { items = YAML.parse(t); } catch (e) { throw new UsageError(`${file}: not valid YAML/JSON: ${(e as Error).message.split('\n')[0]}`); }
  } else items = t.split(/\r?\n/).filter((l) => l.trim() && !l.startsWith('#')).map((l) => { const i = l.indexOf(':'); return i < 0 ? { username: l } : { username: l.slice(0, i), password: l.slice(i + 1) }; });
  if (!Array.isArray(items)) throw new UsageError(`${file}: expected a list of {username, password}`);
  return items.map((c, i) => {
    const o = c as Record<string, unknown>;
    if (!o || typeof o.username !== 'string' || typeof o.password !== 'string') throw new UsageError(`${file}: entry ${i + 1} needs "username" and "password" strings`);
    return { username: o.username, password: o.password };
  });
}

async function discoveryRuntime(passive: boolean, log: (s: string) => void): Promise<DiscoveryRuntime> {
  const [{ discoveryModules }, udp, http, neigh] = await Promise.all([
    import('../discovery/index.js'), import('../net/udp.js'), import('../net/http-fetch.js'), import('../net/neighbours.js'),
  ]);
  const u = udp.createUdpApi();
  return {
    modules: discoveryModules, udp: passive ? udp.createPassiveUdpApi(u) : u, http: http.createHttpApi(), log,
    neighbours: () => { try { return neigh.readNeighbours(); } catch { return new Map(); } },
  };
}

async function runScan(args: string[], o: Opts, io: Io, signal: AbortSignal): Promise<number> {
  const note = (s: string) => { if (!o.quiet) io.stderr.write(s + '\n'); };
  let ports: number[];
  try { ports = parsePorts(String(o.ports ?? DEFAULT_PORTS.join(','))); } catch (e) { throw new UsageError((e as Error).message); }
  const protocols = parseProtocols(o.protocols);
  const passive = Boolean(o.passive);
  const words = [...args];
  if (typeof o.list === 'string') words.push(...splitTargetText(readFileOrFail(o.list, 'target list')));
  if (words.length === 0 && o.stdin !== false && !io.stdin.isTTY && !passive) words.push(...splitTargetText(await readAll(io.stdin)));
  const credentials = typeof o.credentials === 'string' ? parseCredentials(readFileOrFail(o.credentials, 'credentials file'), o.credentials) : [];
  const ifNames = o.interface ? String(o.interface).split(',').map((x) => x.trim()).filter(Boolean) : undefined;
  const ifaces = await import('../net/interfaces.js');
  let chosen;
  try { chosen = ifaces.chooseInterfaces(ifNames); } catch (e) { throw new UsageError((e as Error).message); }
  if (o.ipv6 === false) chosen = chosen.map(({ ipv6LinkLocal: _v6, scopeId: _z, ...rest }) => rest);
  const container = ifaces.detectContainer();
  let specs: TargetSpec[];
  const warnings: string[] = [];
  if (container) { warnings.push(container); note(`warning: ${container}`); }
  const explicit = words.length > 0;
  if (!explicit) {
    // Test harnesses outside a lab namespace set this so a forgotten target can never sweep a real LAN.
    if (io.env.CAMSWEEP_FORBID_LOCAL_SUBNETS === '1') throw new UsageError('no target given, and CAMSWEEP_FORBID_LOCAL_SUBNETS=1 forbids scanning the local subnets');
    const subnets = localSubnets().filter((s) => !ifNames || ifNames.includes(s.iface));
    if (subnets.length === 0 && !passive) throw new RunError('no target given and no local IPv4 subnet found on an up, non-virtual interface; name targets explicitly');
    if (subnets.length) note(`No target given: the local subnets ${subnets.map((s) => `${s.cidr} (${s.iface})`).join(', ')}`);
    specs = subnets.map((s) => parseTarget(s.cidr));
  } else specs = words.map(parseTarget);
  const { kb, policy } = loadKnowledge(String(o.policy));
  const resolved = await resolveTargets(specs, { allowPublic: Boolean(o.allowPublic), maxHosts: o.maxHosts as number });
  const plan = planScan({
    hosts: resolved.hosts, names: resolved.names, explicitTargets: explicit, protocols, interfaces: chosen,
    interfaceNamed: Boolean(ifNames), passive, listenMs: o.listenTime as number, options: scanOptions(o, ports), credentials,
  });
  note(`Scanning ${resolved.described.join(', ') || 'nothing (passive listening)'}; policy ${policy.name}`);
  for (const line of describePlan(plan)) note(`  ${line}`);
  const started = new Date();
  const rt = plan.protocols.some((p) => p !== 'tcp') ? await discoveryRuntime(passive, (m) => { if (!o.quiet) io.stderr.write(`  ${clean(m, 300)}\n`); }) : undefined;
  const { devices, warnings: w, stats } = await executePlan(plan, { kb, policy }, rt, progress(io, o), signal);
  warnings.push(...w);
  note(`Done in ${(stats.duration_ms / 1000).toFixed(1)} s${stats.tcp_ms !== undefined ? `; TCP sweep ${(stats.tcp_ms / 1000).toFixed(1)} s` : ''}${stats.discovery_ms ? `; discovery ${Object.entries(stats.discovery_ms).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`).join(', ')}` : ''}`);
  for (const x of w) note(`warning: ${x}`);
  if (signal.aborted) warnings.push('scan interrupted; results are partial');
  const report = buildReport({
    command: 'scan', started, finished: new Date(), targets: specs.map((s) => s.text), policy, devices, hostsScanned: resolved.hosts.length, warnings,
    options: { ports, protocols: plan.protocols, passive, listen_time_ms: plan.listenMs, interfaces: plan.interfaces.map((i) => i.name),
      timeout_ms: o.timeout, host_timeout_ms: o.hostTimeout, concurrency: o.concurrency, rate: o.rate, fail_on: o.failOn, credentials: credentials.length },
    stats,
  });
  emit(io, o, report);
  return failOnExit(devices, String(o.failOn));
}

async function runDemo(o: Opts, io: Io, signal: AbortSignal): Promise<number> {
  const note = (s: string) => { if (!o.quiet) io.stderr.write(s + '\n'); };
  const { kb, policy } = loadKnowledge(String(o.policy));
  const lab = await startLabSomewhere();
  try {
    note(`Started the simulated lab: ${lab.devices.length} devices on ${lab.targets[0]}–${lab.targets[lab.targets.length - 1]} (loopback only), ports ${lab.portList.join(',')}`);
    note(`Scanning it as: camsweep scan ${lab.targets[0]}-${lab.targets[lab.targets.length - 1].split('.').pop()} -p ${lab.portList.join(',')}`);
    const started = new Date();
    // The lab's devices also answer the unicast forms of ONVIF, SSDP, mDNS, SADP and DHIP on loopback.
    const plan = planScan({
      hosts: lab.targets, explicitTargets: true, protocols: [...ALL_PROTOCOLS], interfaces: [], interfaceNamed: false,
      passive: false, listenMs: 1500, options: scanOptions(o, lab.portList),
    });
    const rt = await discoveryRuntime(false, () => {});
    const { devices, warnings } = await executePlan(plan, { kb, policy }, rt, progress(io, o), signal);
    const report = buildReport({
      command: 'demo', started, finished: new Date(), targets: lab.targets, policy, devices, hostsScanned: lab.targets.length, warnings,
      options: { ports: lab.portList, protocols: plan.protocols, listen_time_ms: plan.listenMs, timeout_ms: o.timeout, concurrency: o.concurrency },
    });
    emit(io, { ...o, format: o.format ?? (o.output ? 'json' : 'table') }, report);
    return failOnExit(devices, o.failOnGiven ? String(o.failOn) : 'never');
  } finally {
    await lab.stop();
  }
}

/** Start the lab on 127.77.0.0/24, or on another loopback /24 if that one is busy (another demo, a test run). */
async function startLabSomewhere() {
  const { startLab } = await import('../lab/index.js');
  const subnets = ['127.77.0.0/24', ...Array.from({ length: 4 }, () => `127.77.${100 + Math.floor(Math.random() * 150)}.0/24`)];
  let last: Error | undefined;
  for (const subnet of subnets) {
    try { return await startLab({ subnet }); } catch (e) {
      last = e as Error;
      if (!/EADDRINUSE/.test(last.message)) break;
    }
  }
  throw new RunError(`cannot start the simulated lab: ${last?.message ?? 'unknown error'}`);
}

async function runLab(o: Opts, io: Io, signal: AbortSignal): Promise<number> {
  const lab = await startLabSomewhere();
  const lines = lab.devices.map((d) => `  ${d.ip.padEnd(15)} ${String(d.persona.label ?? d.persona.name).padEnd(40)} ports ${Object.values(d.ports).join(',')}`);
  io.stdout.write(`Simulated camera lab running on loopback (${lab.devices.length} devices):\n${lines.join('\n')}\n\n`
    + `Try:  camsweep scan ${lab.targets[0]}-${lab.targets[lab.targets.length - 1].split('.').pop()} -p ${lab.portList.join(',')}\n`
    + 'Press Ctrl-C to stop.\n');
  await new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await lab.stop();
  if (!o.quiet) io.stderr.write('lab stopped\n');
  return 0;
}

/** Parse observation records: a JSON array, one JSON object, or JSON Lines. Each must have an "ip". */
export function parseRecords(text: string, source: string): ObservationRecord[] {
  const t = text.trim();
  if (!t) throw new UsageError(`${source}: no observation records`);
  let items: unknown[];
  if (t.startsWith('[')) {
    try { items = JSON.parse(t) as unknown[]; } catch (e) { throw new UsageError(`${source}: not valid JSON: ${(e as Error).message}`); }
  } else {
    items = [];
    const lines = t.split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i].trim();
      if (!l || l.startsWith('#')) continue;
      try { items.push(JSON.parse(l)); } catch (e) { throw new UsageError(`${source}:${i + 1}: not valid JSON: ${(e as Error).message}`); }
    }
  }
  return items.map((x, i) => {
    let v = cleanJson(x) as Record<string, unknown> | undefined;
    // A saved scan report, or one of its JSON Lines, carries the record under "observations".
    if (v && typeof v === 'object' && v.observations && typeof v.observations === 'object') v = v.observations as Record<string, unknown>;
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new UsageError(`${source}: record ${i + 1} is not a JSON object`);
    if (typeof v.ip !== 'string' || !v.ip) throw new UsageError(`${source}: record ${i + 1} has no "ip"`);
    return v as unknown as ObservationRecord;
  });
}

async function readRecords(file: string | undefined, io: Io): Promise<{ records: ObservationRecord[]; source: string }> {
  if (!file || file === '-') {
    if (io.stdin.isTTY) throw new UsageError('no input: give a file of observation records, or pipe them in');
    const text = await readAll(io.stdin);
    return { records: parseRecordsOrReport(text, 'stdin'), source: 'stdin' };
  }
  return { records: parseRecordsOrReport(readFileOrFail(file, 'observation file'), file), source: file };
}

/** Accept a whole saved scan report too: its devices' observations are the records. */
function parseRecordsOrReport(text: string, source: string): ObservationRecord[] {
  const t = text.trim();
  if (t.startsWith('{') && !t.includes('\n{')) {
    try {
      const doc = JSON.parse(t) as { devices?: Array<{ observations?: unknown }> };
      if (Array.isArray(doc.devices)) return parseRecords(JSON.stringify(doc.devices), source);
    } catch { /* fall through to the generic parser for the error message */ }
  }
  return parseRecords(text, source);
}

async function runIdentify(file: string | undefined, o: Opts, io: Io): Promise<number> {
  const { records, source } = await readRecords(file, io);
  const k = loadKnowledge(String(o.policy));
  const started = new Date();
  const devices = records.map((r) => assess(r, k));
  const report = buildReport({ command: 'identify', started, finished: new Date(), targets: [source], policy: k.policy, devices, hostsScanned: records.length, warnings: [], options: { fail_on: o.failOn } });
  emit(io, o, report);
  return failOnExit(devices, String(o.failOn));
}

async function runExplain(what: string, o: Opts, io: Io, signal: AbortSignal): Promise<number> {
  const k = loadKnowledge(String(o.policy));
  let records: ObservationRecord[];
  if (what.trim().startsWith('{')) records = parseRecords(what, 'argument');
  else if (typeof o.input === 'string') {
    records = (await readRecords(o.input as string, io)).records.filter((r) => r.ip === what || (r.addresses ?? []).includes(what));
    if (records.length === 0) throw new UsageError(`no record for ${clean(what, 60)} in ${o.input as string}`);
  } else {
    // No saved scan: look at the device now (TCP probes and unicast discovery to that one address).
    const spec = parseTarget(what);
    if (spec.kind !== 'ip') throw new UsageError('explain takes one address (or a JSON record, or an address with --input FILE)');
    const resolved = await resolveTargets([spec], { allowPublic: Boolean(o.allowPublic), maxHosts: 1 });
    let ports: number[];
    try { ports = parsePorts(String(o.ports ?? DEFAULT_PORTS.join(','))); } catch (e) { throw new UsageError((e as Error).message); }
    const plan = planScan({
      hosts: resolved.hosts, explicitTargets: true, protocols: [...ALL_PROTOCOLS], interfaces: [], interfaceNamed: false,
      passive: false, listenMs: 2000, options: scanOptions({ ...o, hostTimeout: o.hostTimeout ?? 30000, concurrency: o.concurrency ?? 64, rate: o.rate ?? 0, maxBytes: o.maxBytes ?? 262144 }, ports),
    });
    if (!o.quiet) io.stderr.write(`Probing ${what} (TCP ports ${ports.join(',')}, unicast ONVIF/SSDP/mDNS/SADP/DHIP)\n`);
    const rt = await discoveryRuntime(false, () => {});
    const { devices } = await executePlan(plan, k, rt, {}, signal);
    if (devices.length === 0) { io.stdout.write(`No answer from ${what}: no open port among ${ports.join(',')} and no discovery reply.\n`); return 0; }
    records = devices.map((d) => d.observations);
  }
  const text = records.map((r) => renderExplain(assess(r, k), k)).join('\n');
  if (typeof o.output === 'string') {
    try { writeFileSync(o.output, text); } catch (e) { throw new RunError(`cannot write ${o.output}: ${(e as NodeJS.ErrnoException).code}`); }
  } else io.stdout.write(text);
  return 0;
}

export async function main(argv: string[], ioIn?: Partial<Io>): Promise<number> {
  const io: Io = { ...defaultIo(), ...ioIn };
  const ac = new AbortController();
  const onSig = () => { if (ac.signal.aborted) process.exit(130); ac.abort(); };
  const attachSignals = io.stdout === process.stdout;
  if (attachSignals) { process.on('SIGINT', onSig); process.on('SIGTERM', onSig); }
  let code = 0;
  const program = new Command('camsweep')
    .description('Find network cameras and recorders and say, with evidence, which come from restricted manufacturers.')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .addHelpText('after', exitCodeHelp());
  const sub = (name: CommandName, desc: string) => addOptions(program.command(name).description(desc).exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) }), name).addHelpText('after', exitCodeHelp());

  sub('scan', 'sweep targets (addresses, CIDR blocks, a.b.c.d-e ranges, hostnames; default: the local IPv4 subnets) and judge every camera found')
    .argument('[targets...]', 'targets; also read from --list FILE or from stdin when piped')
    .action(async (targets: string[], o: Opts, cmd: Command) => { code = await runScan(targets, { ...o, failOnGiven: cmd.getOptionValueSource('failOn') === 'cli' }, io, ac.signal); });
  sub('demo', 'start the built-in simulated camera lab on loopback, scan it and print the result')
    .action(async (o: Opts, cmd: Command) => { code = await runDemo({ ...o, failOnGiven: cmd.getOptionValueSource('failOn') === 'cli' }, io, ac.signal); });
  sub('lab', 'run the simulated camera lab on loopback until interrupted, and print what to scan')
    .action(async (o: Opts) => { code = await runLab(o, io, ac.signal); });
  sub('identify', 'judge saved observation records (JSON array, JSON Lines or a saved scan report) offline')
    .argument('[file]', 'file of records, or - for stdin')
    .action(async (file: string | undefined, o: Opts) => { code = await runIdentify(file, o, io); });
  sub('explain', 'show the full evidence chain for one device: an address (probed now, or looked up in --input), or a JSON record')
    .argument('<record-or-ip>', 'an address, or a JSON observation record')
    .addOption(new Option('-i, --input <file>', 'saved scan report or records file to look the address up in'))
    .action(async (what: string, o: Opts) => { code = await runExplain(what, o, io, ac.signal); });
  sub('vendors', 'list a policy: its instruments (type, scope, dates, sources), the companies they cover, their brands and OEM relations')
    .action(async (o: Opts) => {
      const fmt = (o.format ?? (io.stdout.isTTY && typeof o.output !== 'string' ? 'table' : 'json')) as VendorsFormat;
      const text = o.ids ? renderIds(defaultKnowledgeBase().vocab, fmt) : (() => { const k = loadKnowledge(String(o.policy)); return renderVendors(k.policy, k.kb.vocab, fmt); })();
      if (typeof o.output !== 'string') { io.stdout.write(text); return; }
      try { writeFileSync(o.output, text); } catch (e) {
        const why: Record<string, string> = { ENOENT: 'no such directory', EACCES: 'permission denied', EISDIR: 'is a directory', ENOTDIR: 'a parent is not a directory' };
        const code = (e as NodeJS.ErrnoException).code ?? '';
        throw new RunError(`cannot write ${clean(o.output, 200)}: ${why[code] ?? (code || clean((e as Error).message, 200))}`);
      }
    });
  program.command('options-reference', { hidden: true }).action(() => { io.stdout.write(optionsMarkdown()); });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      return 2; // commander already printed a one-line error
    }
    const msg = (e as Error)?.message ?? String(e);
    if (e instanceof UsageError || e instanceof TargetError || e instanceof PolicyError || e instanceof KnowledgeBaseError) {
      io.stderr.write(`camsweep: error: ${clean(msg, 500)}\n`);
      return 2;
    }
    if (e instanceof RunError) { io.stderr.write(`camsweep: error: ${clean(msg, 500)}\n`); return 3; }
    io.stderr.write(`camsweep: internal error: ${clean(msg, 500)}\n`);
    if (io.env.CAMSWEEP_DEBUG) io.stderr.write(String((e as Error)?.stack) + '\n');
    return 3;
  } finally {
    if (attachSignals) { process.off('SIGINT', onSig); process.off('SIGTERM', onSig); }
  }
}

export { EXIT_CODES };
