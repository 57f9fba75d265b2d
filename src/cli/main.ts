// The command line. Only this file decides exit codes; everything else returns data or throws typed errors.
import fs from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { parseYaml } from '../util/yaml.js';
import { KnowledgeBaseError } from '../fingerprint/rules.js';
import { defaultKnowledgeBase } from '../data/load.js';
import type { Credential } from '../discovery/types.js';
import type { DeviceReport, ObservationRecord, ScanReport } from '../model/types.js';
import { PolicyError } from '../policy/policy.js';
import { colorsFor, outputWidth } from '../report/color.js';
import { jsonlDevice, jsonPieces, renderJsonlTail } from '../report/json.js';
import type { Baseline } from '../report/baseline.js';
import type { DiffFormat } from '../report/diff.js';
import { fails, gateExit } from '../model/fail-on.js';
import { buildReport } from '../report/report.js';
import { formatHelp } from '../report/registry.js';
import { renderTableFooter, renderTableRows } from '../report/table.js';
import * as runner from '../runner/index.js';
import { RunError, UsageError, type ScanRequest } from '../runner/index.js';
import { ALL_PROTOCOLS, type ProtocolName } from '../scan/scan.js';
import { parseShard, parseTarget, splitTargetText, TargetError } from '../targets/targets.js';
import { clean, jsonTerminalSafe } from '../util/sanitize.js';
import { INPUT_CAPS, InputError, readInputFile, readInputStream, stdinHasData } from '../util/input.js';
import { VERSION } from '../version.js';
import { EXIT_CODES, exitCodeHelp, optionDefault, optionsFor, optionsMarkdown, parsePorts, type CommandName, type OptionDef } from './options.js';
import type { VendorsFormat } from './vendors.js';
import { parseRecords, readRecordStream } from './records.js';
import { readShardReports, shardPolicy } from './merge.js';
import { Progress } from './progress.js';
import { checkDestinations, checkWritable, destinations, oneOutputFile, renderOptionsFor, writeError, writeFile, writeReport, type Destination } from './outputs.js';

export { RunError, UsageError };
export { parseRecords };

export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  /** Standard input carries data (a pipe, file or socket; not a terminal or /dev/null). Default: fstat(0). */
  stdinHasData?: boolean;
  /**
   * Parse and check the command line only (checkInvocation): each command's arguments are checked as
   * far as that can be done without reading files or sending anything, then handed here, not run.
   */
  parseOnly?: (command: CommandName, args: string[], options: Record<string, unknown>) => void;
}

const defaultIo = (): Io => ({ stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env });

type Opts = Record<string, unknown>;

/** What the run knows beyond its result: the signal that interrupted it, whether stdout went away. */
interface RunState { interrupted?: 'SIGINT' | 'SIGTERM'; stdoutClosed: boolean }

function addOptions(cmd: Command, name: CommandName): Command {
  let group = '';
  for (const def of optionsFor(name)) {
    const o = new Option(def.flags, def.description + (def.min !== undefined && def.min > 0 ? ` (at least ${def.min})` : ''));
    if (def.choices) o.choices(def.choices);
    if (def.default !== undefined && def.kind !== 'bool') o.default(def.default);
    if (def.kind === 'int') o.argParser((v: string) => parseIntOpt(v, def));
    if (def.kind === 'shard') o.argParser((v: string) => { const sh = parseShard(v); return `${sh.index}/${sh.count}`; });
    if (def.repeat) o.argParser((v: string, prev: string[] | undefined) => [...(prev ?? []), v]);
    if (def.group !== group) { group = def.group; o.helpGroup(`${group}:`); } else o.helpGroup(`${group}:`);
    cmd.addOption(o);
  }
  return cmd;
}

function optName(def: OptionDef): string {
  return def.flags.split(',').pop()!.trim().split(' ')[0];
}

function parseIntOpt(v: string, def: OptionDef): number {
  const what = def.flags.split(' ').pop()?.replace(/[<>]/g, '') ?? 'value';
  if (!/^\d{1,9}$/.test(v.trim())) throw new UsageError(`${what} for ${optName(def)} must be a whole number, got "${clean(v, 40)}"`);
  const n = Number(v);
  if (def.min !== undefined && n < def.min) throw new UsageError(`${optName(def)} must be at least ${def.min}, got ${n}${def.min === 1 && n === 0 ? ' (a zero deadline or limit would skip the work, not do it)' : ''}`);
  return n;
}

/** Defaults < config file < environment (CAMSWEEP_*) < flags: the file's and the environment's values where no flag gave one. */
async function applyLayers(cmd: Command, name: CommandName, io: Io): Promise<void> {
  // Loaded when a command runs, not with the program: start-up opens as few files as it can.
  const { configFile, envLayer, readConfig } = await import('./config.js');
  const file = configFile(cmd.opts().config, io.env, process.cwd());
  for (const layer of [file ? readConfig(file, name, parseIntOpt) : undefined, envLayer(io.env, name, parseIntOpt)]) {
    if (!layer) continue;
    for (const [key, { value }] of layer.values) if (cmd.getOptionValueSource(key) !== 'cli') cmd.setOptionValueWithSource(key, value, layer.source);
  }
}

/** --fail-on was asked for (a flag, the environment or the config file), not left at its default (demo only gates when asked). */
/** The option was set by the user: a flag, the environment or the config file, not the default. */
function given(cmd: Command, key: string): boolean {
  const src = cmd.getOptionValueSource(key);
  return src !== undefined && src !== 'default';
}

function givenFailOn(cmd: Command): boolean {
  return given(cmd, 'failOn');
}

/** The --baseline file, read through the bounded input reader and validated (one-line errors, exit 2). */
async function baselineOf(o: Opts): Promise<Baseline | undefined> {
  if (typeof o.baseline !== 'string') return undefined;
  const { parseBaseline } = await import('../report/baseline.js');
  return parseBaseline(readInputFile(o.baseline, 'baseline', INPUT_CAPS.baseline), o.baseline);
}

function failOnExit(devices: Iterable<DeviceReport>, failOn: string): number {
  for (const d of devices) if (fails(d, failOn)) return 1;
  return 0;
}

/** Write to stdout, quietly doing nothing once the reader has gone away (EPIPE). */
function out(io: Io, state: RunState, text: string): void {
  if (state.stdoutClosed) return;
  io.stdout.write(text);
}

/** Table options for standard output: the terminal's width (or $COLUMNS, else 100) and colour. */
function tableOptions(io: Io, o: Opts): { width: number; color: boolean } {
  return { width: outputWidth(io.stdout, io.env), color: colorsFor(io.stdout, o.color === false, io.env).enabled };
}

/** Render a whole report to its destinations (standard output, -o files, the summary file); a streamed JSON Lines destination is ended, not rendered again. */
async function emit(io: Io, o: Opts, ds: readonly Destination[], report: ScanReport, state: RunState, live?: JsonlLive): Promise<void> {
  if (live) live.end(report);
  const sink = stdoutSink(io, state);
  await writeReport(report, live ? ds.filter((d) => d !== live.dest) : ds, io, o, (t) => sink.write(t));
}

/** JSON Lines written as the run goes: a device line as each verdict is final, the rest (summary last) at the end. */
interface JsonlLive { dest: Destination; device(d: DeviceReport): void; end(r: ScanReport): void }

/** The first JSON Lines destination (standard output or a file) streams; the others are rendered at the end. */
function jsonlLive(io: Io, ds: readonly Destination[], state: RunState): JsonlLive | undefined {
  const dest = ds.find((d) => d.format === 'jsonl' && !d.append);
  if (!dest) return undefined;
  const file = dest.file;
  let fd: number | undefined;
  let failed: RunError | undefined;
  const write = (t: string) => {
    if (file === undefined) { out(io, state, t); return; }
    try { fd ??= fs.openSync(file, 'w'); fs.writeSync(fd, t); } catch (e) { failed ??= new RunError(`cannot write ${file}: ${writeError(e)}`); }
  };
  return {
    dest,
    // Called from inside the run: a write error is kept and thrown at the end, not into the scan.
    device: (d) => { if (!failed) write(jsonlDevice(d)); },
    end: (r) => {
      if (!failed) write(renderJsonlTail(r));
      if (fd !== undefined) try { fs.closeSync(fd); } catch { /* closed */ }
      if (failed) throw failed;
    },
  };
}

/** The parts of a request every command that scans shares, from the parsed options (defaults: the option table). */
function requestOf(o: Opts, ports: number[], cmd: CommandName = 'scan'): Omit<ScanRequest, 'targets' | 'protocols' | 'passive' | 'listenMs' | 'ipv6' | 'maxHosts' | 'credentials' | 'failOn'> & { listenMs: number } {
  const v = (key: string) => o[key] ?? optionDefault(key, cmd);
  return {
    ports, timeoutMs: v('timeout') as number, minTimeoutMs: v('minTimeout') as number, hostTimeoutMs: v('hostTimeout') as number, concurrency: v('concurrency') as number, autoConcurrency: cmd === 'scan' && o.concurrencyGiven === false, rate: v('rate') as number,
    maxBytes: v('maxBytes') as number, ping: o.ping !== false, allowPublic: Boolean(o.allowPublic), policy: String(o.policy), userAgent: `camsweep/${VERSION}`,
    listenMs: (o.listenTime ?? optionDefault('listenTime', cmd)) as number, ...(o.baselineLoaded ? { baseline: o.baselineLoaded as Baseline } : {}),
  };
}

function portsOf(o: Opts): number[] {
  try { return parsePorts(String(o.ports ?? optionDefault('ports', 'scan'))); } catch (e) { throw new UsageError((e as Error).message); }
}

function noteFor(io: Io, o: Opts, bar?: Progress): (s: string) => void {
  return (s) => { if (!o.quiet) { bar?.clear(); io.stderr.write(s + '\n'); } };
}

/** The runner's hooks for the terminal: notes and logs on stderr (unless -q), progress, streamed JSON Lines, the output check, the interrupt. */
function hooksFor(io: Io, o: Opts, state: RunState, ds: readonly Destination[], live?: JsonlLive): runner.RunHooks {
  const bar = new Progress(io.stderr, Boolean(o.quiet));
  const onDevice = bar.live || live ? (d: DeviceReport) => { live?.device(d); bar.onDevice(d); } : undefined;
  return {
    note: noteFor(io, o, bar), log: (m) => { if (!o.quiet) { bar.clear(); io.stderr.write(`  ${clean(m, 300)}\n`); } },
    ...(bar.live ? { onHostDone: (d: number, t: number, f: number) => bar.onHostDone(d, t, f) } : {}), ...(onDevice ? { onDevice } : {}),
    ready: () => checkDestinations(ds), interrupted: () => { bar.clear(); return state.interrupted; },
  };
}

let rtCache: Promise<runner.Runtime> | undefined;
function runtime(): Promise<runner.Runtime> {
  return (rtCache ??= runner.defaultRuntime());
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
    try { items = parseYaml(t, { maxAliasCount: 50 }); } catch (e) { throw new UsageError(`${file}: not valid YAML/JSON: ${clean((e as Error).message.split('\n')[0], 200)}`); }
  } else items = t.split(/\r?\n/).filter((l) => l.trim() && !l.startsWith('#')).map((l) => { const i = l.indexOf(':'); return i < 0 ? { username: l } : { username: l.slice(0, i), password: l.slice(i + 1) }; });
  if (!Array.isArray(items)) throw new UsageError(`${file}: expected a list of {username, password}`);
  if (items.length > 64) throw new UsageError(`${file}: ${items.length} credentials; at most 64 (camsweep tries each one once, it does not guess)`);
  return items.map((c, i) => {
    const o = c as Record<string, unknown>;
    if (!o || typeof o.username !== 'string' || typeof o.password !== 'string') throw new UsageError(`${file}: entry ${i + 1} needs "username" and "password" strings`);
    if (/[\r\n\0]/.test(o.username) || o.username.length > 256 || o.password.length > 1024) throw new UsageError(`${file}: entry ${i + 1}: user name or password has a line break or is too long`);
    return { username: o.username, password: o.password };
  });
}

/** Exit code after a scan: interrupted (130/143), then could not see (3), then --fail-on (1), else 0. */
export function scanExit(state: { interrupted?: 'SIGINT' | 'SIGTERM' }, couldNotSee: boolean, devices: DeviceReport[], failOn: string): number {
  if (state.interrupted) return state.interrupted === 'SIGTERM' ? 143 : 130;
  if (couldNotSee) return 3;
  return gateExit(devices, failOn);
}

async function runScan(args: string[], oIn: Opts, io: Io, signal: AbortSignal, state: RunState): Promise<number> {
  // Parse: everything the user gave, before any packet and before any warning about the environment.
  const o: Opts = { ...oIn, baselineLoaded: await baselineOf(oIn) };
  const ports = portsOf(o);
  const protocols = parseProtocols(o.protocols);
  const ds = destinations(o, io.env, io.stdout.isTTY ? 'table' : 'json');
  const passive = Boolean(o.passive);
  const words: string[] = [...args];
  if (typeof o.list === 'string') {
    const before = words.length;
    splitTargetText(readInputFile(o.list, 'target list', INPUT_CAPS.targets), words);
    if (words.length === before) throw new UsageError(`target list ${o.list} names no target (an empty list is an error, never "scan the local subnets")`);
  } else if (words.length === 0 && o.stdin !== false && !passive && !io.stdin.isTTY && (io.stdinHasData ?? stdinHasData())) {
    splitTargetText(await readInputStream(io.stdin, 'standard input (target list)', INPUT_CAPS.targets), words);
    if (words.length === 0) throw new UsageError('standard input names no target (an empty list is an error; give targets, or --no-stdin to scan the local subnets)');
  }
  const credentials = typeof o.credentials === 'string' ? parseCredentials(readInputFile(o.credentials, 'credentials file', INPUT_CAPS.credentials), o.credentials) : [];
  const ifNames = o.interface ? String(o.interface).split(',').map((x) => x.trim()).filter(Boolean) : undefined;
  const shard = typeof o.shard === 'string' ? parseShard(o.shard) : undefined;
  const req: ScanRequest = {
    ...requestOf(o, ports), targets: words, protocols, passive, ...(shard ? { shard } : {}), listenMs: o.listenTime as number, ...(ifNames ? { interfaces: ifNames } : {}), ipv6: o.ipv6 !== false,
    maxHosts: o.maxHosts as number, credentials, failOn: String(o.failOn), forbidLocalSubnets: io.env.CAMSWEEP_FORBID_LOCAL_SUBNETS === '1',
  };
  // Run (a JSON Lines destination streams device by device).
  const live = jsonlLive(io, ds, state);
  const r = await runner.scan(req, await runtime(), hooksFor(io, o, state, ds, live), signal);
  // Render, exit.
  await emit(io, o, ds, r.report, state, live);
  if (r.couldNotSee && !state.interrupted) io.stderr.write(`camsweep: error: the scan could not see everything: ${r.why}; the report lists them (exit 3)\n`);
  return scanExit(state, r.couldNotSee, r.report.devices, String(o.failOn));
}

async function runMerge(files: string[], o: Opts, io: Io, state: RunState): Promise<number> {
  const inputs = readShardReports(files);
  const policy = shardPolicy(inputs);
  let k: ReturnType<typeof runner.loadKnowledge>;
  if (o.policyGiven) k = runner.loadKnowledge(String(o.policy));
  else {
    try { k = runner.loadKnowledge(policy.name); } catch (e) {
      throw new UsageError(`the shards were judged under the policy "${clean(policy.name, 60)}", which is not a built-in pack: give its file with --policy (${clean((e as Error).message, 120)})`);
    }
  }
  const lists = Object.values(k.policy.lists).map((l) => l.name);
  if (k.policy.name !== policy.name || JSON.stringify(lists) !== JSON.stringify(policy.lists)) {
    throw new UsageError(`--policy ${clean(String(o.policy), 60)} is not the policy the shards were judged under ("${clean(policy.name, 60)}": ${policy.lists.map((l) => clean(l, 60)).join(', ')}); a merge judges as the scan did (re-judge the result with camsweep identify --policy)`);
  }
  const ds = destinations(o, io.env, io.stdout.isTTY ? 'table' : 'json');
  checkDestinations(ds);
  const r = runner.mergeShards(inputs, k);
  for (const w of r.warnings) if (!o.quiet) io.stderr.write(`warning: ${clean(w, 300)}\n`);
  await emit(io, o, ds, r.report, state);
  if (r.couldNotSee) io.stderr.write(`camsweep: error: the merged report is incomplete: ${r.why}; complete is false (exit 3)\n`);
  return scanExit({}, r.couldNotSee, r.report.devices, String(o.failOn));
}

async function runDemo(oIn: Opts, io: Io, signal: AbortSignal, state: RunState): Promise<number> {
  const o: Opts = { ...oIn, baselineLoaded: await baselineOf(oIn) };
  const ds = destinations(o, io.env, 'table');
  const failOn = o.failOnGiven ? String(o.failOn) : 'never';
  const live = jsonlLive(io, ds, state);
  const r = await runner.demo({ ...requestOf(o, []) }, await runtime(), hooksFor(io, o, state, ds, live), signal);
  await emit(io, { ...o, failOn }, ds, r.report, state, live);
  return scanExit(state, r.couldNotSee, r.report.devices, failOn);
}

async function runLab(o: Opts, io: Io, signal: AbortSignal, state: RunState): Promise<number> {
  const lab = await runner.startLabSomewhere(await runtime());
  const lines = lab.devices.map((d) => `  ${d.ip.padEnd(15)} ${String(d.persona.label ?? d.persona.name).padEnd(40)} ports ${Object.values(d.ports).join(',')}`);
  out(io, state, `Simulated camera lab running on loopback (${lab.devices.length} devices):\n${lines.join('\n')}\n\n`
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

/** Where `identify` writes: a file (written as it goes) or stdout. `write` returns a promise when the reader is behind. */
interface Sink { write(s: string): void | Promise<void>; close(): void }

/** Write to stdout with backpressure: a pipe is buffered by Node, so a fast producer must wait for 'drain'. */
function stdoutSink(io: Io, state: RunState): Sink {
  return {
    write: (t) => {
      if (state.stdoutClosed || io.stdout.write(t)) return;
      return new Promise<void>((resolve) => {
        const done = () => { io.stdout.off('drain', done); io.stdout.off('error', done); io.stdout.off('close', done); resolve(); };
        io.stdout.once('drain', done);
        io.stdout.once('error', done);
        io.stdout.once('close', done);
      });
    },
    close: () => {},
  };
}

function sinkFor(io: Io, file: string | undefined, state: RunState): Sink {
  if (file === undefined) return stdoutSink(io, state);
  let fd: number;
  try { fd = fs.openSync(file, 'w'); } catch (e) { throw new RunError(`cannot write ${file}: ${writeError(e)}`); }
  return {
    write: (t) => { try { fs.writeSync(fd, t); } catch (e) { throw new RunError(`cannot write ${file}: ${writeError(e)}`); } },
    close: () => { try { fs.closeSync(fd); } catch { /* already closed */ } },
  };
}

/** Rows per table when a long identify is printed as a table (each part is a table of its own). */
const TABLE_PART = 1000;

/** Commands whose help lists the report formats. */
const REPORTING_COMMANDS = new Set<CommandName>(['scan', 'demo', 'identify', 'report']);

/** Formats identify writes as it goes (one destination only); the others are rendered from the whole report at the end. */
const STREAMED = new Set(['table', 'json', 'jsonl']);

async function runIdentify(file: string | undefined, o: Opts, io: Io, signal: AbortSignal, state: RunState): Promise<number> {
  if ((!file || file === '-') && io.stdin.isTTY) throw new UsageError('no input: give a file of observation records, or pipe them in');
  const k = runner.loadKnowledge(String(o.policy));
  const baseline = await baselineOf(o);
  const bl = baseline ? await import('../report/baseline.js') : undefined;
  const BaselineTally = bl?.BaselineTally;
  const accept = baseline && bl ? (d: DeviceReport) => bl.applyBaseline(d, baseline, started) : undefined;
  const ds = destinations(o, io.env, io.stdout.isTTY ? 'table' : 'json');
  checkDestinations(ds);
  const source = !file || file === '-' ? 'stdin' : file;
  const streamed = ds.length === 1 && STREAMED.has(ds[0].format) ? ds[0] : undefined;
  const fmt = streamed?.format ?? 'whole';
  const tableOpts = streamed ? renderOptionsFor(streamed, io, o) : tableOptions(io, o);
  const started = new Date();
  const records = readRecordStream(file, io.stdin, signal);
  // The first record is read before anything is written, so a file that is not records gives a clean error.
  const first = await records.next();
  const sink = streamed ? sinkFor(io, streamed.file, state) : undefined;
  const whole: DeviceReport[] = [];
  try {
    const counts = { devices: 0, restricted: 0, suspect: 0, clear: 0, unknown: 0 };
    let failing = 0;
    const tally = baseline && BaselineTally ? new BaselineTally(baseline) : undefined;
    const base = buildReport({ version: VERSION, command: 'identify', started, finished: started, targets: [source], policy: k.policy, devices: [], hostsScanned: 0, warnings: [],
      options: { fail_on: o.failOn, ...(baseline ? { baseline: baseline.file } : {}) } });
    const head = { schema_version: base.schema_version, tool: base.tool, command: base.command, started_at: base.started_at, targets: base.targets, policy: base.policy, options: base.options };
    if (fmt === 'json') await sink!.write(jsonPieces.head(head));
    let part: DeviceReport[] = [];
    const flush = () => { const t = part.length ? renderTableRows(part, tableOpts) : ''; part = []; return t ? sink!.write(t) : undefined; };
    const one = (rec: ObservationRecord) => {
      const d = runner.judge(rec, k, accept);
      counts.devices++;
      counts[d.verdict.status]++;
      tally?.add(d);
      if (fails(d, String(o.failOn))) failing++;
      if (fmt === 'whole') { whole.push(d); return undefined; }
      if (fmt === 'json') return sink!.write(jsonPieces.device(d, counts.devices === 1));
      if (fmt === 'jsonl') return sink!.write(jsonlDevice(d));
      part.push(d);
      return part.length >= TABLE_PART ? flush() : undefined;
    };
    if (!first.done) await one(first.value);
    for await (const rec of records) { const w = one(rec); if (w) await w; }
    const finished = new Date();
    const summary = { hosts_scanned: counts.devices, ...counts, ...(tally?.accepted ? { accepted: tally.accepted } : {}) };
    const notices = tally?.warnings() ?? [];
    for (const n of notices) if (!o.quiet) io.stderr.write(`warning: ${clean(n, 500)}\n`);
    const warnings = [...notices, ...(state.interrupted ? [`interrupted by ${state.interrupted}; results are partial`] : [])];
    const tail = { finished_at: finished.toISOString(), summary, warnings, complete: !state.interrupted, ...(state.interrupted ? { interrupted: state.interrupted } : {}) };
    if (fmt === 'whole') {
      const report = buildReport({ version: VERSION, command: 'identify', started, finished, targets: [source], policy: k.policy, devices: whole, hostsScanned: whole.length, warnings,
        options: { fail_on: o.failOn, ...(baseline ? { baseline: baseline.file } : {}) }, complete: !state.interrupted, interrupted: state.interrupted });
      await emit(io, o, ds, report, state);
    } else if (fmt === 'json') await sink!.write(jsonPieces.tail(tail, counts.devices > 0));
    else if (fmt === 'jsonl') await sink!.write(jsonTerminalSafe(JSON.stringify({ type: 'summary', ...head, ...tail })) + '\n');
    else {
      await flush();
      if (counts.devices === 0) await sink!.write('No devices answered.\n');
      await sink!.write(renderTableFooter({ summary, policy: head.policy, interrupted: state.interrupted }, tableOpts));
    }
    if (state.interrupted) return state.interrupted === 'SIGTERM' ? 143 : 130;
    return failing ? 1 : 0;
  } finally {
    sink?.close();
  }
}

async function runDiff(oldFile: string, newFile: string, o: Opts, io: Io, state: RunState): Promise<number> {
  const outFile = oneOutputFile(o, 'diff');
  if (outFile) checkWritable(outFile);
  // Loaded when used: start-up stays small for every other command.
  const [{ readReportSide }, { diffExit, diffReports, renderDiff }] = await Promise.all([import('./diff.js'), import('../report/diff.js')]);
  const [a, b] = [await readReportSide(oldFile), await readReportSide(newFile)];
  const failOn = String(o.failOn);
  const d = diffReports(a, b, failOn);
  const fmt = (o.format ?? (io.stdout.isTTY && !outFile ? 'table' : 'json')) as DiffFormat;
  const text = renderDiff(fmt, d, a, b, failOn);
  if (outFile) writeFile(outFile, text); else out(io, state, text);
  if (!o.quiet && fmt !== 'table') for (const w of d.warnings) io.stderr.write(`warning: ${w}\n`);
  return diffExit(d, [a, b], Boolean(o.exitOnChange));
}

/** `camsweep report SCAN.json`: re-render a saved JSON report in any format; the exit code as the scan's would be. */
async function runReport(file: string | undefined, o: Opts, io: Io, state: RunState): Promise<number> {
  const stdin = !file || file === '-';
  if (stdin && io.stdin.isTTY) throw new UsageError('no input: give a saved scan report (camsweep scan -f json -o scan.json), or pipe one in');
  const ds = destinations(o, io.env, io.stdout.isTTY ? 'table' : 'json');
  checkDestinations(ds);
  const source = stdin ? 'stdin' : file;
  const text = stdin ? await readInputStream(io.stdin, 'standard input (saved scan report)', INPUT_CAPS.document) : readInputFile(file, 'saved scan report', INPUT_CAPS.document);
  const { parseSavedReport } = await import('./saved-report.js');
  const report = parseSavedReport(text, source);
  await emit(io, o, ds, report, state);
  const incomplete = report.complete === false || report.interrupted !== undefined || (report.not_scanned?.length ?? 0) > 0;
  if (incomplete) {
    io.stderr.write(`camsweep: error: the saved scan did not see everything (${report.interrupted ? `interrupted by ${clean(report.interrupted, 10)}` : 'incomplete'}); exit 3\n`);
    return 3;
  }
  return failOnExit(report.devices, String(o.failOn));
}

async function runExplain(what: string, o: Opts, io: Io, signal: AbortSignal, state: RunState): Promise<number> {
  const k = runner.loadKnowledge(String(o.policy));
  const outFile = oneOutputFile(o, 'explain');
  if (outFile) checkWritable(outFile);
  let devices: DeviceReport[];
  if (what.trim().startsWith('{')) devices = parseRecords(what, 'argument').map((r) => runner.judge(r, k));
  else if (typeof o.input === 'string') {
    devices = [];
    for await (const r of readRecordStream(o.input, io.stdin, signal)) if (r.ip === what || (r.addresses ?? []).includes(what)) devices.push(runner.judge(r, k));
    if (devices.length === 0) throw new UsageError(`no record for ${clean(what, 60)} in ${o.input}`);
  } else {
    // No saved scan: look at the device now (TCP probes and unicast discovery to that one address).
    const ports = portsOf(o);
    const r = await runner.probe(what, { ...requestOf(o, ports, 'explain'), listenMs: optionDefault('listenTime', 'explain') as number }, await runtime(), { note: noteFor(io, o) }, signal, k);
    if (r.devices.length === 0) {
      out(io, state, `No answer from ${what}: no open port among ${ports.join(',')} and no discovery reply.\n`);
      return state.interrupted ? (state.interrupted === 'SIGTERM' ? 143 : 130) : 0;
    }
    // Explained as a saved record of it would be.
    devices = r.devices.map((d) => runner.judge(d.observations, k));
  }
  // Loaded here, not at start-up: every module imported at start costs descriptors while it loads.
  const { renderExplain } = await import('../report/explain.js');
  const now = new Date();
  const text = devices.map((d) => renderExplain(d, k, now)).join('\n');
  if (outFile) writeFile(outFile, text);
  else out(io, state, text);
  return state.interrupted ? (state.interrupted === 'SIGTERM' ? 143 : 130) : 0;
}

/**
 * SIGINT / SIGTERM: the first one stops the run (it writes its partial report and exits 130 / 143),
 * a second one exits at once, whatever is still running.
 */
export function signalHandler(state: { interrupted?: 'SIGINT' | 'SIGTERM' }, abort: () => void, say: (t: string) => void, exit: (code: number) => void): (sig: 'SIGINT' | 'SIGTERM') => void {
  return (sig) => {
    const code = sig === 'SIGTERM' ? 143 : 130;
    if (state.interrupted) { say(`camsweep: ${sig} again: stopping now (exit ${code})\n`); exit(code); return; }
    state.interrupted = sig;
    say(`\ncamsweep: ${sig} received: stopping and writing what was found so far (${sig === 'SIGINT' ? 'Ctrl-C' : sig} again to stop at once)\n`);
    abort();
  };
}

export async function main(argv: string[], ioIn?: Partial<Io>): Promise<number> {
  const io: Io = { ...defaultIo(), ...ioIn };
  const ac = new AbortController();
  const state: RunState = { stdoutClosed: false };
  const attachProcess = io.stdout === process.stdout;
  const onSig = signalHandler(state, () => ac.abort(), (t) => io.stderr.write(t), (c) => process.exit(c));
  const onInt = () => onSig('SIGINT');
  const onTerm = () => onSig('SIGTERM');
  // A reader that went away (camsweep ... | head -1) is not an error: stop writing, say nothing.
  const onOutError = (e: NodeJS.ErrnoException) => { if (e?.code === 'EPIPE' || e?.code === 'ERR_STREAM_DESTROYED') state.stdoutClosed = true; };
  const onErrError = () => { /* nowhere left to report it */ };
  if (attachProcess) {
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    process.stdout.on('error', onOutError);
    process.stderr.on('error', onErrError);
  }
  let code = 0;
  const program = new Command('camsweep')
    .description('Find network cameras and recorders and say, with evidence, which come from restricted manufacturers.')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => out(io, state, s), writeErr: (s) => io.stderr.write(s) })
    .addHelpText('after', exitCodeHelp());
  const sub = (name: CommandName, desc: string) => addOptions(program.command(name).description(desc).exitOverride()
    .configureOutput({ writeOut: (s) => out(io, state, s), writeErr: (s) => io.stderr.write(s) }), name)
    .addHelpText('after', (REPORTING_COMMANDS.has(name) ? formatHelp() : '') + exitCodeHelp())
    .hook('preAction', (_p, action) => applyLayers(action, name, io));

  sub('scan', 'sweep targets (addresses, CIDR blocks, a.b.c.d-e ranges, hostnames; default: the local IPv4 subnets) and judge every camera found')
    .argument('[targets...]', 'targets; also read from --list FILE or from stdin when piped')
    .action(async (targets: string[], o: Opts, cmd: Command) => {
      if (io.parseOnly) { portsOf(o); parseProtocols(o.protocols); for (const t of targets) parseTarget(t); return io.parseOnly('scan', targets, o); }
      code = await runScan(targets, { ...o, failOnGiven: givenFailOn(cmd), concurrencyGiven: given(cmd, 'concurrency') }, io, ac.signal, state); });
  sub('demo', 'start the built-in simulated camera lab on loopback, scan it and print the result')
    .action(async (o: Opts, cmd: Command) => {
      if (io.parseOnly) return io.parseOnly('demo', [], o);
      code = await runDemo({ ...o, failOnGiven: givenFailOn(cmd) }, io, ac.signal, state); });
  sub('lab', 'run the simulated camera lab on loopback until interrupted, and print what to scan')
    .action(async (o: Opts) => { if (io.parseOnly) return io.parseOnly('lab', [], o); code = await runLab(o, io, ac.signal, state); });
  sub('identify', 'judge saved observation records (JSON array, JSON Lines or a saved scan report) offline')
    .argument('[file]', 'file of records, or - for stdin')
    .action(async (file: string | undefined, o: Opts) => {
      if (io.parseOnly) return io.parseOnly('identify', file ? [file] : [], o);
      code = await runIdentify(file, o, io, ac.signal, state); });
  sub('explain', 'show the full evidence chain for one device: an address (probed now, or looked up in --input), or a JSON record')
    .argument('<record-or-ip>', 'an address, or a JSON observation record')
    .addOption(new Option('-i, --input <file>', 'saved scan report or records file to look the address up in'))
    .action(async (what: string, o: Opts) => {
      if (io.parseOnly) return io.parseOnly('explain', [what], o);
      code = await runExplain(what, o, io, ac.signal, state); });
  sub('vendors', 'list a policy: its instruments (type, scope, dates, sources), the companies they cover, their brands and OEM relations')
    .action(async (o: Opts) => {
      if (io.parseOnly) return io.parseOnly('vendors', [], o);
      const outFile = oneOutputFile(o, 'vendors');
      if (outFile) checkWritable(outFile);
      const fmt = (o.format ?? (io.stdout.isTTY && !outFile ? 'table' : 'json')) as VendorsFormat;
      const { renderIds, renderVendors } = await import('./vendors.js');
      const text = o.ids ? renderIds(defaultKnowledgeBase().vocab, fmt) : (() => { const k = runner.loadKnowledge(String(o.policy)); return renderVendors(k.policy, k.kb.vocab, fmt); })();
      if (outFile) writeFile(outFile, text); else out(io, state, text);
    });
  sub('merge', 'join the reports of the shards of one scan (scan --shard K/N) into one report, devices merged and judged as one scan would')
    .argument('<reports...>', 'the shard reports (JSON, from scan --shard K/N -f json)')
    .action(async (files: string[], o: Opts, cmd: Command) => {
      if (io.parseOnly) return io.parseOnly('merge', files, o);
      code = await runMerge(files, { ...o, policyGiven: given(cmd, 'policy') }, io, state);
    });
  sub('diff', 'compare two saved scans (JSON or JSON Lines): devices added, removed and changed (verdict, maker, address, model, firmware, name), with an exit code for CI')
    .argument('<old>', 'the earlier scan report').argument('<new>', 'the later scan report')
    .action(async (a: string, b: string, o: Opts) => { code = await runDiff(a, b, o, io, state); });
  sub('report', 're-render a saved JSON scan report in any format (-f, -o FILE.html, FILE.csv, …); exits as the scan would have')
    .argument('[scan]', 'saved report (camsweep scan -f json -o scan.json), or - for stdin')
    .action(async (file: string | undefined, o: Opts) => { code = await runReport(file, o, io, state); });
  program.command('options-reference', { hidden: true }).action(() => { out(io, state, optionsMarkdown()); });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      return 2; // commander already printed a one-line error
    }
    const msg = (e as Error)?.message ?? String(e);
    if (e instanceof UsageError || e instanceof InputError || (e as Error)?.name === 'BaselineError' || e instanceof TargetError || e instanceof PolicyError || e instanceof KnowledgeBaseError) {
      io.stderr.write(`camsweep: error: ${clean(msg, 500)}\n`);
      return 2;
    }
    if (e instanceof RunError) { io.stderr.write(`camsweep: error: ${clean(msg, 500)}\n`); return 3; }
    io.stderr.write(`camsweep: internal error: ${clean(msg, 500)}\n`);
    if (io.env.CAMSWEEP_DEBUG) io.stderr.write(String((e as Error)?.stack) + '\n');
    return 3;
  } finally {
    if (attachProcess) { process.off('SIGINT', onInt); process.off('SIGTERM', onTerm); }
    // The stdout/stderr error listeners stay: an EPIPE can still arrive after the last write.
  }
}

export { EXIT_CODES };

/** What checkInvocation found: the exit code parsing gave (0: valid), the command and its options when valid, what was said on stderr. */
export interface Invocation { code: number; command?: CommandName; args?: string[]; options?: Record<string, unknown>; stderr: string }

/**
 * Parse a command line with the real parser and option table and check what can be checked without
 * running it (targets, ports, protocols, --shard); nothing is read, sent or written. For tests of
 * the example files in docs/ and for scripts that generate camsweep command lines.
 */
export async function checkInvocation(argv: string[]): Promise<Invocation> {
  let stderr = '';
  let got: Omit<Invocation, 'code' | 'stderr'> = {};
  const sink = { write: (t: string | Uint8Array) => { stderr += String(t); return true; }, isTTY: false } as unknown as Io['stderr'];
  const stdout = { write: () => true, isTTY: false } as unknown as Io['stdout'];
  const code = await main(argv, { stdout, stderr: sink, env: {}, stdinHasData: false, parseOnly: (command, args, options) => { got = { command, args, options }; } });
  return { code, ...got, stderr };
}
