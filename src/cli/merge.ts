// The inputs of `camsweep merge`: shard reports read through src/util/input.ts (bounded in size, one
// by one and in total), cleaned like every other input, and checked to be shards of one scan before
// src/runner/merge.ts joins them. Every problem is a one-line InputError naming the file (exit 2).
import { SECTION_LIST } from '../model/fields.js';
import { SCHEMA_VERSION, SHARD_METHOD } from '../model/report.js';
import type { ScanReport } from '../model/types.js';
import type { ShardInput } from '../runner/merge.js';
import { MAX_SHARDS } from '../targets/targets.js';
import { INPUT_CAPS, InputError, readInputFile } from '../util/input.js';
import { clean, cleanJson } from '../util/sanitize.js';
import { toRecord } from './records.js';

/** All the shard reports of one merge together, at most (each one at most INPUT_CAPS.document). */
export const MERGE_TOTAL_CAP = 4 * INPUT_CAPS.document;
/** Report files one merge takes at most (a part may be given twice: it is warned about). */
export const MERGE_MAX_INPUTS = MAX_SHARDS * 2;

const [MAJOR, MINOR] = SCHEMA_VERSION.split('.').map(Number);
/** The first schema version with `shard` (1.3). */
const SHARD_MINOR = 3;

const SECTIONS = new Set(SECTION_LIST.map((x) => x.key));

/** A record's keys are the field registry's (or x_ annotations): anything else is not camsweep's, and the merge would refuse it later. */
function knownKeys(rec: Record<string, unknown>, where: string): void {
  for (const k of Object.keys(rec)) if (!k.startsWith('x_') && !SECTIONS.has(k)) throw new InputError(`${where}: observation key "${clean(k, 40)}" is not one camsweep writes`);
}

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const isInt = (v: unknown, min = 0): v is number => Number.isInteger(v) && (v as number) >= min;

/** Clean a list element by element (cleanJson keeps at most 1,000 items of a list: a report can hold more devices). */
function cleanList(v: unknown, what: string, source: string): unknown[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new InputError(`${source}: "${what}" is not a list`);
  return v.map((x) => cleanJson(x));
}

/** Parse and check one shard report. */
export function parseShardReport(text: string, source: string): ShardInput {
  let raw: unknown;
  try { raw = JSON.parse(text); } catch (e) {
    const first = text.slice(0, Math.max(0, text.indexOf('\n'))).trim();
    if (/^\{"type":/.test(first)) throw new InputError(`${source}: a JSON Lines report; merge reads the JSON report of each shard (scan --shard K/N -f json)`);
    throw new InputError(`${source}: not valid JSON: ${clean((e as Error).message, 160)}`);
  }
  if (!isObj(raw)) throw new InputError(`${source}: not a camsweep report (expected the JSON object of camsweep scan -f json)`);
  const { devices: rawDevices, not_scanned: rawNot, seen_not_probed: rawSeen, results: rawResults, shard_sightings: rawSightings, ...head } = raw;
  const h = cleanJson(head) as Record<string, unknown>;
  if (!isObj(h.tool) || h.tool.name !== 'camsweep') throw new InputError(`${source}: not a camsweep report (no tool.name "camsweep")`);
  const sv = typeof h.schema_version === 'string' ? /^(\d+)\.(\d+)$/.exec(h.schema_version) : null;
  if (!sv) throw new InputError(`${source}: no valid schema_version`);
  const [major, minor] = [Number(sv[1]), Number(sv[2])];
  if (major !== MAJOR || minor > MINOR) throw new InputError(`${source}: schema ${major}.${minor} is not one this camsweep reads (${MAJOR}.0 to ${SCHEMA_VERSION}): merge with the camsweep that wrote it`);
  if (h.command !== 'scan') throw new InputError(`${source}: a report of camsweep ${clean(String(h.command), 20)}, not of camsweep scan`);
  if (minor < SHARD_MINOR || !isObj(h.shard)) throw new InputError(`${source}: not a shard report (no "shard": run camsweep scan --shard K/N)`);
  const s = h.shard;
  if (!isInt(s.count, 1) || s.count > MAX_SHARDS || !isInt(s.index, 1) || s.index > s.count) throw new InputError(`${source}: shard ${clean(String(s.index), 12)}/${clean(String(s.count), 12)} is not a part K/N with 1 <= K <= N <= ${MAX_SHARDS}`);
  if (s.method !== SHARD_METHOD) throw new InputError(`${source}: shards split by "${clean(String(s.method), 40)}", which this camsweep does not know (it splits by ${SHARD_METHOD})`);
  if (!isInt(s.hosts) || !isInt(s.total_hosts) || typeof s.multicast !== 'boolean') throw new InputError(`${source}: "shard" lacks hosts, total_hosts or multicast`);
  if (!isObj(h.policy) || typeof h.policy.name !== 'string' || !Array.isArray(h.policy.lists)) throw new InputError(`${source}: no "policy" with a name and lists`);
  if (!Array.isArray(h.targets) || !h.targets.every((t) => typeof t === 'string')) throw new InputError(`${source}: no "targets" list`);
  if (typeof h.started_at !== 'string' || typeof h.finished_at !== 'string') throw new InputError(`${source}: no started_at / finished_at`);
  if (!Array.isArray(rawDevices)) throw new InputError(`${source}: no "devices" list`);
  const devices = rawDevices.map((d, i) => {
    const c = cleanJson(d);
    if (!isObj(c) || !isObj(c.observations)) throw new InputError(`${source}: device ${i + 1} has no "observations" record`);
    const observations = toRecord(c.observations, `${source}: device ${i + 1}`)!;
    knownKeys(observations, `${source}: device ${i + 1}`);
    const sightings = cleanList(c.sightings, `devices[${i}].sightings`, source).filter((x): x is Record<string, string> => isObj(x) && typeof x.module === 'string' && typeof x.address === 'string' && typeof x.identifier === 'string' && typeof x.at === 'string');
    return { ...c, observations, sightings, errors: cleanList(c.errors, `devices[${i}].errors`, source).filter(isObj), results: cleanList(c.results, `devices[${i}].results`, source).filter(isObj) };
  });
  const ipOf = (x: unknown) => isObj(x) && typeof x.ip === 'string';
  const report = {
    ...h, devices,
    not_scanned: cleanList(rawNot, 'not_scanned', source).filter(ipOf),
    seen_not_probed: cleanList(rawSeen, 'seen_not_probed', source).filter(ipOf),
    results: cleanList(rawResults, 'results', source).filter(isObj),
    shard_sightings: cleanList(rawSightings, 'shard_sightings', source).map((f, i) => {
      const where = `${source}: shard sighting ${i + 1}`;
      if (!isObj(f) || typeof f.module !== 'string' || typeof f.address !== 'string' || typeof f.at !== 'string' || !isObj(f.record)) throw new InputError(`${where} lacks module, address, at or record`);
      for (const k of ['mac', 'mac_from', 'link_mac', 'serial', 'endpoint'] as const) if (k in f && typeof f[k] !== 'string') throw new InputError(`${where}: "${k}" is not a string`);
      if ('aliases' in f && !(Array.isArray(f.aliases) && f.aliases.every((a) => typeof a === 'string'))) throw new InputError(`${where}: "aliases" is not a list of addresses`);
      knownKeys(f.record, where);
      return { ...f, errors: cleanList(f.errors, `shard_sightings[${i}].errors`, source).filter(isObj), results: cleanList(f.results, `shard_sightings[${i}].results`, source).filter(isObj) };
    }),
  } as unknown as ShardInput['report'];
  if (report.devices.length > 0 && !report.shard_sightings?.length) throw new InputError(`${source}: lists devices but no "shard_sightings" (the sightings camsweep merge forms devices from)`);
  return { source: clean(source, 300), report };
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Shards of one scan: split the same way into the same N parts, of the same targets, ports and protocols, judged under the same policy. */
export function checkSameScan(inputs: readonly ShardInput[]): void {
  const [a, ...rest] = inputs;
  for (const b of rest) {
    const differs = (what: string, x: unknown, y: unknown) => {
      if (!same(x, y)) throw new InputError(`${b.source} is not a shard of the same scan as ${a.source}: ${what} differ (${clean(JSON.stringify(x), 80)} vs ${clean(JSON.stringify(y), 80)})`);
    };
    differs('the shard counts', a.report.shard.count, b.report.shard.count);
    differs('the target host counts', a.report.shard.total_hosts, b.report.shard.total_hosts);
    differs('the targets', a.report.targets, b.report.targets);
    differs('the policies', { name: a.report.policy.name, lists: a.report.policy.lists }, { name: b.report.policy.name, lists: b.report.policy.lists });
    differs('the ports', (a.report.options as Record<string, unknown> | undefined)?.ports, (b.report.options as Record<string, unknown> | undefined)?.ports);
    differs('the protocols', (a.report.options as Record<string, unknown> | undefined)?.protocols, (b.report.options as Record<string, unknown> | undefined)?.protocols);
  }
}

/** Read, parse and check the shard reports named on the command line. */
export function readShardReports(files: readonly string[]): ShardInput[] {
  if (files.length === 0) throw new InputError('merge needs the shard reports to join (camsweep merge shard-1.json shard-2.json …)');
  if (files.length > MERGE_MAX_INPUTS) throw new InputError(`${files.length} reports; merge takes at most ${MERGE_MAX_INPUTS}`);
  let total = 0;
  const out: ShardInput[] = [];
  for (const f of files) {
    const text = readInputFile(f, 'shard report', INPUT_CAPS.document);
    total += Buffer.byteLength(text);
    if (total > MERGE_TOTAL_CAP) throw new InputError(`the shard reports are larger than ${MERGE_TOTAL_CAP / (1024 * 1024)} MiB together (at ${f})`);
    out.push(parseShardReport(text, f));
  }
  checkSameScan(out);
  return out;
}

/** The policy the shards were judged under (they all agree: checkSameScan). */
export function shardPolicy(inputs: readonly ShardInput[]): ScanReport['policy'] {
  return inputs[0].report.policy;
}
