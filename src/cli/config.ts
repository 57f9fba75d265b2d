// Configuration: defaults < config file < environment < flags, all checked against the one option
// table (src/cli/options.ts).
//
//   config file   camsweep.config.yaml in the current directory, or --config FILE (or CAMSWEEP_CONFIG):
//                 a YAML (or JSON) mapping of option names as the flags spell them, without "--":
//                 `fail-on: suspect`, `ports: [80, 443, 554]`, `ping: false` (for --no-ping).
//                 A key applies to every command that has that option; a key no command has, or a
//                 value of the wrong type, is a one-line error naming the file and the key.
//                 Relative file paths in it (list, credentials, baseline, output, a policy file) are
//                 relative to the config file's directory.
//   environment   CAMSWEEP_ and the option name in upper case with "_" for "-": CAMSWEEP_FAIL_ON=suspect,
//                 CAMSWEEP_PORTS=80,443, CAMSWEEP_PING=false. Checked like the config file's values.
import path from 'node:path';
import fs from 'node:fs';
import { parseYaml } from '../util/yaml.js';
import { UsageError } from '../runner/index.js';
import { INPUT_CAPS, readInputFile } from '../util/input.js';
import { clean } from '../util/sanitize.js';
import { OPTIONS, optionKey, type CommandName, type OptionDef } from './options.js';

export const CONFIG_FILE = 'camsweep.config.yaml';
/** Environment variables camsweep reads that are not options. */
export const RESERVED_ENV = ['CAMSWEEP_CONFIG', 'CAMSWEEP_DEBUG', 'CAMSWEEP_FORBID_LOCAL_SUBNETS'] as const;

/** Options a config file or the environment cannot set (the config itself; --ids picks what vendors prints). */
const NOT_CONFIGURABLE = new Set(['config', 'ids']);
/** String options that name files: relative paths in a config file are relative to its directory. */
const PATH_KEYS = new Set(['list', 'credentials', 'baseline', 'output']);

/** The name an option has in a config file: its long flag without "--" and "no-" ("--no-ping" -> "ping"). */
export function configName(def: OptionDef): string {
  return def.flags.split(',').pop()!.trim().split(' ')[0].replace(/^--(no-)?/, '');
}

export function envName(def: OptionDef): string {
  return `CAMSWEEP_${configName(def).toUpperCase().replace(/-/g, '_')}`;
}

/** The option definitions by config name (one name can appear in several rows, e.g. -f for diff). */
function byName(): Map<string, OptionDef[]> {
  const m = new Map<string, OptionDef[]>();
  for (const d of OPTIONS) {
    const n = configName(d);
    if (!NOT_CONFIGURABLE.has(n)) m.set(n, [...(m.get(n) ?? []), d]);
  }
  return m;
}

type Value = string | number | boolean;

/** Check one value against its option (`where`: "camsweep.config.yaml: key "timeout"", "environment CAMSWEEP_TIMEOUT"). */
export function checkValue(def: OptionDef, raw: unknown, where: string, fromEnv: boolean, intParser: (v: string, def: OptionDef) => number): Value {
  const bad = (why: string): never => { throw new UsageError(`${where}: ${why}`); };
  const kind = def.kind ?? 'string';
  if (kind === 'bool') {
    if (typeof raw === 'boolean') return raw;
    if (fromEnv && typeof raw === 'string') {
      const t = raw.trim().toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(t)) return true;
      if (['0', 'false', 'no', 'off'].includes(t)) return false;
    }
    return bad(`must be true or false, got ${clean(JSON.stringify(raw) ?? String(raw), 40)}`);
  }
  let s: string;
  if (typeof raw === 'string') s = raw;
  else if (typeof raw === 'number' && (kind === 'int' || kind === 'ports')) s = String(raw);
  else if (Array.isArray(raw) && (kind === 'list' || kind === 'ports') && raw.every((x) => typeof x === 'string' || typeof x === 'number')) s = raw.join(',');
  else return bad(`must be ${kind === 'int' ? 'a whole number' : kind === 'list' || kind === 'ports' ? 'a comma-separated string or a list' : 'a string'}, got ${clean(JSON.stringify(raw) ?? String(raw), 40)}`);
  if (/[\0\r\n]/.test(s) || s.length > 4096) bad('has a line break or is longer than 4096 characters');
  if (kind === 'int') {
    try { return intParser(s, def); } catch (e) { return bad((e as Error).message); }
  }
  if (def.choices && !def.choices.includes(s)) bad(`"${clean(s, 40)}" is not one of ${def.choices.join(', ')}`);
  return s;
}

export interface Layer { source: 'config' | 'env'; values: Map<string, { def: OptionDef; value: Value }> }

/** Read and check a config file: every key an option some command has, every value of its type. */
export function parseConfig(text: string, file: string, cmd: CommandName, intParser: (v: string, def: OptionDef) => number): Layer {
  let doc: unknown;
  try { doc = parseYaml(text, { maxAliasCount: 50, prettyErrors: false, logLevel: 'error' }); } catch (e) {
    throw new UsageError(`${file}: not valid YAML: ${clean((e as Error).message.split('\n')[0], 200)}`);
  }
  const values: Layer['values'] = new Map();
  if (doc === null || doc === undefined) return { source: 'config', values };
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new UsageError(`${file}: expected a mapping of option names to values (e.g. "fail-on: suspect")`);
  const names = byName();
  const dir = path.dirname(path.resolve(file));
  for (const [k, raw] of Object.entries(doc as Record<string, unknown>)) {
    const defs = names.get(k);
    if (!defs) {
      const near = [...names.keys()].find((n) => n.replace(/-/g, '') === k.toLowerCase().replace(/[-_]/g, ''));
      throw new UsageError(`${file}: unknown key "${clean(k, 40)}"${near ? ` (did you mean "${near}"?)` : ''}; keys are option names without "--", e.g. fail-on, ports, timeout`);
    }
    const def = defs.find((d) => d.commands.includes(cmd));
    // A key for other commands is checked against the first of them, and not applied here.
    const v = checkValue(def ?? defs[0], raw, `${file}: key "${k}"`, false, intParser);
    if (!def) continue;
    const isPath = typeof v === 'string' && (PATH_KEYS.has(k) || (k === 'policy' && /\.(ya?ml|json)$/i.test(v)));
    values.set(optionKey(def), { def, value: isPath && !path.isAbsolute(v as string) ? path.join(dir, v as string) : v });
  }
  return { source: 'config', values };
}

/** The CAMSWEEP_* variables that set options of `cmd`. */
export function envLayer(env: NodeJS.ProcessEnv, cmd: CommandName, intParser: (v: string, def: OptionDef) => number): Layer {
  const values: Layer['values'] = new Map();
  for (const def of OPTIONS) {
    if (!def.commands.includes(cmd) || NOT_CONFIGURABLE.has(configName(def))) continue;
    const raw = env[envName(def)];
    if (raw === undefined || raw === '') continue;
    values.set(optionKey(def), { def, value: checkValue(def, raw, `environment ${envName(def)}`, true, intParser) });
  }
  return { source: 'env', values };
}

/** The config file for a run: --config FILE, else $CAMSWEEP_CONFIG, else camsweep.config.yaml in `cwd` when there is one. */
export function configFile(given: unknown, env: NodeJS.ProcessEnv, cwd: string): string | undefined {
  if (typeof given === 'string') return given;
  if (env.CAMSWEEP_CONFIG) return env.CAMSWEEP_CONFIG;
  const f = path.join(cwd, CONFIG_FILE);
  return fs.existsSync(f) ? f : undefined;
}

export function readConfig(file: string, cmd: CommandName, intParser: (v: string, def: OptionDef) => number): Layer {
  return parseConfig(readInputFile(file, 'config file', INPUT_CAPS.config), file, cmd, intParser);
}
