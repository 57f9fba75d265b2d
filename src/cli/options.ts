// ONE typed table of options. It drives the commander parser, `--help`, and the README's option
// reference (`camsweep help-options --markdown` prints it).
import type { DiffFormat } from '../report/diff.js';
import { FAIL_ON } from '../model/fail-on.js';

import { REPORTER_NAMES, reporters } from '../report/registry.js';

export const COMMANDS = ['scan', 'demo', 'lab', 'identify', 'vendors', 'explain', 'merge', 'diff', 'report'] as const;
export type CommandName = (typeof COMMANDS)[number];
export const OPTION_GROUPS = ['Targets', 'Scan', 'Discovery', 'Policy', 'Output'] as const;
export const OPTION_KINDS = ['int', 'ports', 'string', 'bool', 'list', 'shard'] as const;

export interface OptionDef {
  flags: string;
  description: string;
  group: (typeof OPTION_GROUPS)[number];
  commands: CommandName[];
  default?: string | number | boolean | string[];
  choices?: string[];
  kind?: (typeof OPTION_KINDS)[number];
  /** May be given more than once (the values are collected into a list). */
  repeat?: boolean;
  /** Smallest value accepted (ints): a zero timeout or concurrency is refused, not obeyed. */
  min?: number;
  /**
   * The value a command uses when the option is not one of its flags (explain probes one address with
   * fewer connections in flight); not shown in the reference, which lists the flags' defaults.
   */
  commandDefaults?: Partial<Record<CommandName, string | number | boolean>>;
}

export { FAIL_ON, FAIL_RANK } from '../model/fail-on.js';
/** The report formats of -f: the reporter registry's (src/report/registry.ts). */
export const FORMATS = REPORTER_NAMES;
export const DIFF_FORMATS: readonly DiffFormat[] = ['table', 'json', 'jsonl', 'markdown'];

const S: CommandName[] = ['scan'];
const SD: CommandName[] = ['scan', 'demo'];
const JUDGING: CommandName[] = ['scan', 'demo', 'identify', 'explain', 'merge'];
/** Commands that write a scan report (every reporter of the registry). */
const REPORTING: CommandName[] = ['scan', 'demo', 'identify', 'merge', 'report'];

export const OPTIONS: OptionDef[] = [
  { flags: '-l, --list <file>', description: 'read targets from a file (one per line, # comments)', group: 'Targets', commands: S, kind: 'string' },
  { flags: '--no-stdin', description: 'do not read targets from standard input when it is piped', group: 'Targets', commands: S, kind: 'bool' },
  { flags: '--allow-public', description: 'allow globally routable addresses (only networks you are authorised to scan)', group: 'Targets', commands: ['scan', 'explain'], kind: 'bool', default: false },
  { flags: '--shard <K/N>', description: 'scan only part K of N disjoint parts of the targets (each address by a fixed hash of itself; multicast discovery in part 1 only); join the parts\' reports with camsweep merge', group: 'Targets', commands: S, kind: 'shard' },
  { flags: '--max-hosts <n>', description: 'refuse to scan more hosts than this', group: 'Targets', commands: S, kind: 'int', default: 65536, min: 1 },
  { flags: '-p, --ports <list>', description: 'TCP ports to sweep, e.g. 80,443,554 or 8000-8100', group: 'Scan', commands: ['scan', 'explain'], kind: 'ports', default: '80,443,554,8000,8080,8443,8554,37777' },
  { flags: '-t, --timeout <ms>', description: 'per-connection deadline (connect plus one response); connects start at 1 s at most and adapt to 10x the measured round trip (2x a round trip the busy event loop timed itself), at least --min-timeout', group: 'Scan', commands: [...SD, 'explain'], kind: 'int', default: 2000, min: 1 },
  { flags: '--min-timeout <ms>', description: 'the least the adaptive connect deadline goes down to (at most --timeout): raise it on a slow or lossy link, e.g. to --timeout to give every connect the full deadline', group: 'Scan', commands: [...SD, 'explain'], kind: 'int', default: 250, min: 1 },
  { flags: '--host-timeout <ms>', description: 'deadline for everything done to one host', group: 'Scan', commands: SD, kind: 'int', default: 30000, min: 1 },
  { flags: '--no-ping', description: 'treat every host as up: sweep all ports even when the first two (host discovery) get no answer', group: 'Scan', commands: S, kind: 'bool' },
  { flags: '-c, --concurrency <n>', description: 'connections in flight at most (lowered to fit the file descriptor limit, and halved while the system runs out of descriptors or buffers); scan without it: as many as the descriptor limit allows, from 512 up to 1024', group: 'Scan', commands: SD, kind: 'int', default: 512, min: 1, commandDefaults: { explain: 64 } },
  { flags: '--rate <n>', description: 'new connections per second at most (0 = no limit)', group: 'Scan', commands: SD, kind: 'int', default: 0 },
  { flags: '--max-bytes <n>', description: 'bytes read from one response at most', group: 'Scan', commands: SD, kind: 'int', default: 262144, min: 1024 },
  { flags: '--protocols <list>', description: 'what to run: onvif, ssdp, mdns, sadp, dhip, ubnt, tdp (discovery) and tcp (port sweep and probes)', group: 'Discovery', commands: S, kind: 'list', default: 'onvif,ssdp,mdns,sadp,dhip,ubnt,tdp,tcp' },
  { flags: '--listen-time <ms>', description: 'how long discovery listens for answers after its last send, while the TCP sweep runs beside it (in --passive mode: in total)', group: 'Discovery', commands: S, kind: 'int', default: 3000, min: 1, commandDefaults: { demo: 1500, explain: 2000 } },
  { flags: '-i, --interface <names>', description: 'interfaces for multicast discovery, comma-separated (default: up, non-virtual interfaces holding a target)', group: 'Discovery', commands: S, kind: 'list' },
  { flags: '--no-ipv6', description: 'IPv4 only: do not send to or join the IPv6 link-local groups (FF02::C, FF02::FB)', group: 'Discovery', commands: S, kind: 'bool' },
  { flags: '--passive', description: 'send nothing: listen for ONVIF Hello, SSDP NOTIFY, mDNS and vendor announcements for --listen-time', group: 'Discovery', commands: S, kind: 'bool', default: false },
  { flags: '--credentials <file>', description: 'ONVIF credentials (YAML/JSON list of {username, password}): one GetDeviceInformation attempt each, only to targets that asked for authentication, never as HTTP Basic; never guessed', group: 'Discovery', commands: S, kind: 'string' },
  { flags: '--policy <name|file>', description: 'policy pack (ndaa, fcc, uk, entity-list, dod-1260h, canada, texas, all) or a YAML policy file', group: 'Policy', commands: [...JUDGING, 'vendors'], kind: 'string', default: 'ndaa' },
  { flags: '--ids', description: 'list the ids a policy file may use (vendor, list and pack ids) instead of a policy', group: 'Policy', commands: ['vendors'], kind: 'bool', default: false },
  { flags: '--fail-on <level>', description: 'exit 1 when a device is at or above this verdict (unknown: every device not shown to be clear)', group: 'Policy', commands: [...REPORTING, 'diff'], choices: [...FAIL_ON], default: 'restricted' },
  { flags: '--exit-on-change', description: 'diff: exit 4 when any device was added, removed or changed (1 still wins: a device added or changed to at or above --fail-on)', group: 'Policy', commands: ['diff'], kind: 'bool', default: false },
  { flags: '--baseline <file>', description: 'accepted devices (YAML/JSON: mac, serial or device_id, with reason, accepted_by, expires): shown as accepted, they do not fail --fail-on until they expire', group: 'Policy', commands: ['scan', 'demo', 'identify'], kind: 'string' },
  { flags: '-f, --format <format>', description: 'format on standard output (default: table on a terminal, json otherwise); with -o, also the format of a file whose extension names none', group: 'Output', commands: REPORTING, choices: [...FORMATS] },
  { flags: '-f, --format <format>', description: 'output format (default: table on a terminal, json otherwise)', group: 'Output', commands: ['vendors'], choices: ['table', 'json', 'jsonl'] },
  { flags: '-f, --format <format>', description: 'diff output format (default: table on a terminal, json otherwise)', group: 'Output', commands: ['diff'], choices: [...DIFF_FORMATS] },
  { flags: '-o, --output <file>', description: `write the report to a file instead of standard output, in the format its extension names (${REPORTER_NAMES.map((n) => reporters[n].extensions[0]).join(' ')}); repeat for several`, group: 'Output', commands: [...REPORTING, 'explain', 'vendors', 'diff'], kind: 'string', repeat: true },
  { flags: '--summary-file [file]', description: 'also append a Markdown summary to this file (no file: to $GITHUB_STEP_SUMMARY)', group: 'Output', commands: REPORTING, kind: 'string' },
  { flags: '--no-color', description: 'no colour (also honoured: NO_COLOR, TERM=dumb)', group: 'Output', commands: [...JUDGING, 'vendors', 'lab', 'report'], kind: 'bool' },
  { flags: '--config <file>', description: 'options from this YAML file (default: camsweep.config.yaml in the current directory, or $CAMSWEEP_CONFIG); flags override the environment (CAMSWEEP_*), which overrides the file', group: 'Output', commands: [...COMMANDS], kind: 'string' },
  { flags: '-q, --quiet', description: 'print results only: no progress, notices or warnings on stderr', group: 'Output', commands: [...JUDGING, 'vendors', 'lab', 'report', 'diff'], kind: 'bool', default: false },
];

export const EXIT_CODES = [
  { code: 0, meaning: 'finished and saw everything; nothing at or above --fail-on' },
  { code: 1, meaning: 'finished; at least one device at or above --fail-on (default: restricted) and not accepted by --baseline; diff: a device added at or above --fail-on, or whose verdict rose to it' },
  { code: 2, meaning: 'usage or input error (bad option, target, file, policy, oversized input; refused target)' },
  { code: 3, meaning: 'the scan could not run or could not see: cannot bind, no interface (also --passive), output not writable, hosts left unscanned by a local error (EMFILE, ENOBUFS), internal error; a merge with a shard missing or incomplete; diff: either scan is incomplete' },
  { code: 4, meaning: 'diff --exit-on-change: a device was added, removed or changed (none of them at or above --fail-on)' },
  { code: 130, meaning: 'interrupted by SIGINT (Ctrl-C): the partial report was written; a second Ctrl-C stops at once' },
  { code: 143, meaning: 'interrupted by SIGTERM: the partial report was written' },
] as const;

/** Said under the exit codes: which code wins when several apply, and what a closed output does. */
export const EXIT_NOTES = [
  'When several apply: 130/143, then 3, then 1. A closed standard output (camsweep ... | head) ends the output quietly; the code stays what the run found.',
];

/** The option's long name as commander keys it: "--host-timeout <ms>" -> "hostTimeout", "--no-ping" -> "ping". */
export function optionKey(def: OptionDef): string {
  const long = def.flags.split(',').pop()!.trim().split(' ')[0].replace(/^--(no-)?/, '');
  return long.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
}

/** The value `cmd` uses for the option `key` when none is given: the command's own, else the option's default. */
export function optionDefault(key: string, cmd: CommandName): string | number | boolean | string[] | undefined {
  const def = OPTIONS.find((o) => optionKey(o) === key);
  if (!def) throw new Error(`no option ${key}`);
  return def.commandDefaults?.[cmd] ?? def.default;
}

export function optionsFor(cmd: CommandName): OptionDef[] {
  return OPTIONS.filter((o) => o.commands.includes(cmd));
}

/** Markdown reference of every option and exit code, generated from the table above. */
export function optionsMarkdown(): string {
  const rows = OPTIONS.map((o) => `| \`${o.flags.replace(/\|/g, '\\|')}\` | ${o.commands.join(', ')} | ${o.description}${o.choices ? ` (${o.choices.join(' \\| ')})` : ''} | ${o.default === undefined ? '' : `\`${String(o.default)}\``} |`);
  const codes = EXIT_CODES.map((e) => `| ${e.code} | ${e.meaning} |`);
  return ['| option | commands | meaning | default |', '|---|---|---|---|', ...rows, '', '| exit code | meaning |', '|---|---|', ...codes, '', ...EXIT_NOTES, ''].join('\n');
}

export function exitCodeHelp(): string {
  return '\nExit codes:\n' + EXIT_CODES.map((e) => `  ${String(e.code).padEnd(3)}  ${e.meaning}`).join('\n') + '\n' + EXIT_NOTES.map((n) => `  ${n}`).join('\n') + '\n';
}

/** Parse "80,443,8000-8010" into a sorted unique list; throws on anything else. */
export function parsePorts(s: string): number[] {
  const out = new Set<number>();
  for (const part of s.split(',').map((x) => x.trim()).filter(Boolean)) {
    const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(part);
    if (!m) throw new Error(`bad port "${part}" (expected e.g. 80,443,8000-8100)`);
    const a = Number(m[1]);
    const b = m[2] ? Number(m[2]) : a;
    if (a < 1 || b > 65535 || b < a) throw new Error(`bad port range "${part}" (1-65535)`);
    for (let p = a; p <= b; p++) out.add(p);
  }
  if (out.size === 0) throw new Error('no ports given');
  return [...out].sort((x, y) => x - y);
}
