// `camsweep merge`: the reports of the shards of one scan (`scan --shard K/N`) joined into the report
// that scan would have written, had one machine run it. Pure: the CLI reads and validates the files
// (src/cli/merge.ts) and hands the parsed reports here.
//
// Devices are formed exactly as a scan forms them, by the same function over the same inputs: each
// shard report keeps every sighting of its run as it came (shard_sightings: each TCP host with its
// record, errors and results, each discovery answer, also those heard from the hosts of other parts),
// and the sightings of all parts go through src/scan/scan.ts assemble() — the merge by MAC, serial,
// endpoint and address of src/scan/merge.ts, the neighbour-table MAC, the device identity of
// src/model/identity.ts, judging — as one scan's do. The devices a shard report lists are formed from
// its own part's sightings alone (for reading it on its own) and are not used here: joined without the
// sightings of the other parts they could hold what one scan keeps apart.
import type { Knowledge } from '../scan/scan.js';
import { assemble } from '../scan/scan.js';
import { seenOfShardSighting, type Seen } from '../scan/merge.js';
import { normaliseMac } from '../model/address.js';
import type { HostError, ScanReport, SeenNotProbed } from '../model/types.js';
import type { ModuleResult } from '../model/status.js';
import { buildReport } from '../report/report.js';
import { VERSION } from '../version.js';

/** One shard report, parsed and checked (src/cli/merge.ts): `shard` is present, devices carry records. */
export interface ShardInput { source: string; report: ScanReport & { shard: NonNullable<ScanReport['shard']> } }

export interface MergeOutcome {
  report: ScanReport;
  /** Shards missing or incomplete: the merged report is incomplete and the CLI exits 3. */
  couldNotSee: boolean;
  why?: string;
  /** What was said about the inputs (also in report.warnings). */
  warnings: string[];
}

/** Join shard reports (checked by the caller to be shards of one scan) into one report. */
export function mergeShards(inputs: readonly ShardInput[], k: Knowledge, now = new Date()): MergeOutcome {
  if (inputs.length === 0) throw new Error('no shard reports');
  const count = inputs[0].report.shard.count;
  const method = inputs[0].report.shard.method;
  const warnings: string[] = [];
  // One report per part, the first one given; parts in order, so the result does not depend on the order of the files.
  const byIndex = new Map<number, ShardInput>();
  const duplicates = new Set<number>();
  for (const x of inputs) {
    const i = x.report.shard.index;
    if (byIndex.has(i)) { duplicates.add(i); warnings.push(`shard ${i}/${count} given more than once (${byIndex.get(i)!.source}, ${x.source}): the first is used`); continue; }
    byIndex.set(i, x);
  }
  const used = [...byIndex.values()].sort((a, b) => a.report.shard.index - b.report.shard.index);
  const present = used.map((x) => x.report.shard.index);
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length) warnings.push(`shard${missing.length === 1 ? '' : 's'} ${missing.join(', ')} of ${count} missing: the report is incomplete`);
  const incomplete = used.filter((x) => x.report.complete === false);
  for (const x of incomplete) {
    const why = x.report.interrupted ? `was interrupted by ${x.report.interrupted}` : x.report.not_scanned?.length ? `left ${x.report.not_scanned.length} host(s) unscanned` : 'did not see everything';
    warnings.push(`shard ${x.report.shard.index}/${count} (${x.source}) ${why}: the report is incomplete`);
  }

  // Every sighting of every part, as it came, in the order of the parts.
  const raw = used.flatMap((x) => x.report.shard_sightings ?? []);
  const neigh = new Map<string, string>();
  const outsideIps = new Set<string>();
  const errorsByIp = new Map<string, HostError[]>();
  const resultsByIp = new Map<string, ModuleResult[]>();
  const tcp: Seen[] = [];
  const disc: Seen[] = [];
  for (const f of raw) {
    if (f.outside) outsideIps.add(f.address);
    const l = normaliseMac(f.link_mac);
    if (l && !neigh.has(f.address)) neigh.set(f.address, l);
    if (f.module === 'tcp') {
      tcp.push(seenOfShardSighting(f));
      if (f.errors?.length) errorsByIp.set(f.address, [...(errorsByIp.get(f.address) ?? []), ...f.errors]);
      if (f.results?.length) resultsByIp.set(f.address, [...(resultsByIp.get(f.address) ?? []), ...(f.results as ModuleResult[])]);
    } else disc.push(seenOfShardSighting(f));
  }
  // The targets: every IPv4 address a shard heard from, except those it marked as outside them.
  const scope = { has: (ip: string) => !ip.includes(':') && !outsideIps.has(ip) };
  const formed = assemble({ scope, restrictToTargets: true }, tcp, disc, k, { neigh, errorsByIp, resultsByIp, now: now.toISOString() });
  const devices = formed.devices;
  const seenNotProbed: SeenNotProbed[] = [];
  const outside = new Set<string>();
  for (const s of [...used.flatMap((x) => x.report.seen_not_probed ?? []), ...formed.seenNotProbed]) if (!outside.has(s.ip)) { outside.add(s.ip); seenNotProbed.push(s); }
  if (seenNotProbed.length) warnings.push(`${seenNotProbed.length} device(s) answered discovery from outside the targets: seen, not probed (listed under seen_not_probed)`);
  const results = used.flatMap((x) => (x.report.results ?? []).map((r) => ({ ...r, shard: x.report.shard.index })));
  const inputWarnings = [...new Set(used.flatMap((x) => x.report.warnings ?? []))].filter((w) => !/answered discovery from outside the targets/.test(w));
  const first = used[0].report;
  const times = used.map((x) => [Date.parse(x.report.started_at), Date.parse(x.report.finished_at)] as const).filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b));
  const complete = missing.length === 0 && incomplete.length === 0;
  const report = buildReport({
    version: VERSION, command: 'scan',
    started: times.length ? new Date(Math.min(...times.map((t) => t[0]))) : now, finished: times.length ? new Date(Math.max(...times.map((t) => t[1]))) : now,
    targets: first.targets, policy: k.policy, options: (byIndex.get(1) ?? used[0]).report.options ?? {}, devices,
    hostsScanned: used.reduce((n, x) => n + (x.report.summary?.hosts_scanned ?? 0), 0), warnings: [...warnings, ...inputWarnings],
    complete, notScanned: used.flatMap((x) => x.report.not_scanned ?? []), seenNotProbed, results,
    merge: {
      count, method, shards: present, missing, duplicates: [...duplicates].sort((a, b) => a - b),
      inputs: used.map((x) => ({
        shard: x.report.shard.index, source: x.source, hosts_scanned: x.report.summary?.hosts_scanned ?? 0, devices: x.report.devices.length,
        complete: x.report.complete !== false, started_at: x.report.started_at, finished_at: x.report.finished_at,
      })),
    },
  });
  const why = complete ? undefined : [missing.length ? `shard${missing.length === 1 ? '' : 's'} ${missing.join(', ')} of ${count} missing` : '', incomplete.length ? `shard${incomplete.length === 1 ? '' : 's'} ${incomplete.map((x) => x.report.shard.index).join(', ')} incomplete` : ''].filter(Boolean).join('; ');
  return { report, couldNotSee: !complete, ...(why ? { why } : {}), warnings };
}
