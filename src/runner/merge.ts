// `camsweep merge`: the reports of the shards of one scan (`scan --shard K/N`) joined into the report
// that scan would have written, had one machine run it. Pure: the CLI reads and validates the files
// (src/cli/merge.ts) and hands the parsed reports here.
//
// Devices are formed exactly as a scan forms them (src/scan/scan.ts formDevices: the merge by MAC,
// serial, endpoint and address of src/scan/merge.ts, the neighbour-table MAC, the device identity of
// src/model/identity.ts, judging): every device of every shard goes back in as the sightings it was
// formed from (one per address and per identifier it carries), so a device seen by two shards (a
// multicast answer heard in shard 1 from a host of shard 2) becomes one device, and two hosts that
// share a UUID but not a MAC stay two, with the same notes a single scan writes.
import type { Knowledge } from '../scan/scan.js';
import { formDevices } from '../scan/scan.js';
import type { Seen } from '../scan/merge.js';
import { normaliseMac } from '../model/address.js';
import type { DeviceReport, HostError, ObservationRecord, ScanReport, SeenNotProbed } from '../model/types.js';
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

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() ? v.trim() : undefined;
}

/** The identifiers a device's record carries that discovery sightings join on (src/scan/merge.ts). */
function identifiers(rec: ObservationRecord): { serials: string[]; endpoints: string[] } {
  const serials = [text(rec.sadp?.DeviceSN), text(rec.dhip?.SerialNo), text(rec.dhip?.SerialNumber), text(rec.upnp?.serialNumber), text(rec.onvif?.serial)].filter((x): x is string => !!x);
  const endpoints = [text(rec.onvif?.endpoint), text(rec.upnp?.udn)].filter((x): x is string => !!x);
  return { serials: [...new Set(serials)], endpoints: [...new Set(endpoints.map((e) => e.toLowerCase()))] };
}

/**
 * A saved device as the sightings that formed it: the first carries its record and its sightings; one
 * more per further address (so the merged device lists every address) and per further serial or
 * endpoint (so each can join, or be noted as shared). A MAC from the neighbour table is not payload:
 * it goes back as the link-layer MAC and is filled in again after the merge, as a scan does.
 */
export function seenOfDevice(d: DeviceReport, neigh: Map<string, string>, neighAt: Map<string, string>): Seen[] {
  const rec = structuredClone(d.observations) as ObservationRecord;
  let linkMac: string | undefined;
  let formed = d.sightings ?? [];
  if (rec.mac_from === 'arp' && rec.mac) {
    linkMac = normaliseMac(rec.mac);
    const arp = formed.find((s) => s.module === 'arp');
    const at = arp?.address ?? rec.ip;
    if (linkMac) { neigh.set(at, linkMac); if (arp) neighAt.set(at, arp.at); }
    delete rec.mac; delete rec.mac_from;
    rec.seen_by = (rec.seen_by ?? []).filter((p) => p !== 'arp');
    formed = formed.filter((s) => s.module !== 'arp');
  }
  const mac = normaliseMac(rec.mac);
  const addresses = rec.addresses?.length ? [...rec.addresses] : [rec.ip];
  const { serials, endpoints } = identifiers(rec);
  const protocol = rec.seen_by?.[0] ?? 'tcp';
  const { ip, addresses: _a, ...record } = rec;
  const aliases = addresses.filter((a) => a !== ip);
  const base = { protocol, ...(mac ? { mac } : {}), ...(linkMac ? { linkMac } : {}), ...(aliases.length ? { aliases: addresses } : {}) };
  const out: Seen[] = [{ ...base, ip, serial: serials[0], endpoint: endpoints[0], record, formed }];
  for (const a of aliases) out.push({ ...base, ip: a, record: {}, formed: [] });
  for (const s of serials.slice(1)) out.push({ ...base, ip, serial: s, record: {}, formed: [] });
  for (const e of endpoints.slice(1)) out.push({ ...base, ip, endpoint: e, record: {}, formed: [] });
  return out;
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

  const seen: Seen[] = [];
  const neigh = new Map<string, string>();
  const neighAt = new Map<string, string>();
  const errorsByIp = new Map<string, HostError[]>();
  const resultsByIp = new Map<string, ModuleResult[]>();
  for (const x of used) {
    for (const d of x.report.devices) {
      seen.push(...seenOfDevice(d, neigh, neighAt));
      const ip = d.observations.ip;
      if (d.errors?.length) errorsByIp.set(ip, [...(errorsByIp.get(ip) ?? []), ...d.errors]);
      if (d.results?.length) resultsByIp.set(ip, [...(resultsByIp.get(ip) ?? []), ...(d.results as ModuleResult[])]);
    }
  }
  const devices = formDevices(seen, k, { neigh, neighAt, errorsByIp, resultsByIp, now: now.toISOString() });

  const seenNotProbed: SeenNotProbed[] = [];
  const outside = new Set<string>();
  for (const x of used) for (const s of x.report.seen_not_probed ?? []) if (!outside.has(s.ip)) { outside.add(s.ip); seenNotProbed.push(s); }
  const results = used.flatMap((x) => (x.report.results ?? []).map((r) => ({ ...r, shard: x.report.shard.index })));
  const inputWarnings = [...new Set(used.flatMap((x) => x.report.warnings ?? []))];
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
