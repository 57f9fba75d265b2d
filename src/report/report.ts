// Building the single result model every renderer takes. Pure.
import type { DeviceReport, ScanReport, VerdictStatus } from '../model/types.js';
import { SCHEMA_VERSION } from '../model/types.js';
import { staleNotice, type Policy } from '../policy/policy.js';

export function summarise(devices: DeviceReport[], hostsScanned: number): ScanReport['summary'] {
  const count = (s: VerdictStatus) => devices.filter((d) => d.verdict.status === s).length;
  const accepted = devices.filter((d) => d.acceptance?.status === 'accepted').length;
  return { hosts_scanned: hostsScanned, devices: devices.length, restricted: count('restricted'), suspect: count('suspect'), clear: count('clear'), unknown: count('unknown'), ...(accepted ? { accepted } : {}) };
}

export function buildReport(a: {
  /** camsweep's version (the caller reads it: src/version.ts). */
  version: string;
  command: ScanReport['command']; started: Date; finished: Date; targets: string[]; policy: Policy; options: Record<string, unknown>;
  devices: DeviceReport[]; hostsScanned: number; warnings: string[]; stats?: ScanReport['stats'];
  complete?: boolean; interrupted?: ScanReport['interrupted']; notScanned?: ScanReport['not_scanned']; seenNotProbed?: ScanReport['seen_not_probed']; results?: ScanReport['results'];
  shard?: ScanReport['shard']; shardSightings?: ScanReport['shard_sightings']; merge?: ScanReport['merge'];
}): ScanReport {
  return {
    schema_version: SCHEMA_VERSION,
    tool: { name: 'camsweep', version: a.version },
    command: a.command,
    started_at: a.started.toISOString(),
    finished_at: a.finished.toISOString(),
    targets: a.targets,
    policy: { name: a.policy.name, lists: Object.values(a.policy.lists).map((l) => l.name), ...(a.policy.as_of ? { as_of: a.policy.as_of } : {}) },
    options: a.options,
    devices: a.devices,
    summary: summarise(a.devices, a.hostsScanned),
    warnings: withStaleNotice(a.warnings, a.policy, a.finished),
    ...(a.complete !== undefined ? { complete: a.complete } : {}),
    ...(a.interrupted ? { interrupted: a.interrupted } : {}),
    ...(a.notScanned?.length ? { not_scanned: a.notScanned } : {}),
    ...(a.seenNotProbed?.length ? { seen_not_probed: a.seenNotProbed } : {}),
    ...(a.results?.length ? { results: a.results } : {}),
    ...(a.stats ? { stats: a.stats } : {}),
    ...(a.shard ? { shard: a.shard } : {}),
    ...(a.shardSightings?.length ? { shard_sightings: a.shardSightings } : {}),
    ...(a.merge ? { merge: a.merge } : {}),
  };
}

/** The policy's one-line staleness notice is carried in every report that it concerns. */
function withStaleNotice(warnings: string[], p: Policy, at: Date): string[] {
  const n = staleNotice(p, at);
  return n && !warnings.includes(n) ? [...warnings, n] : warnings;
}
