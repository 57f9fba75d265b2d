// `camsweep diff OLD NEW`: which devices were added, removed and changed between two saved scans, and
// the CI verdict on that. Pure: the two reports' devices in, a diff and its renderings out (the CLI
// reads and checks the files: src/cli/diff.ts).
//
// Devices are joined by device_id (a hash of the strongest identifier: MAC > serial > endpoint >
// address; src/model/identity.ts). When the ids differ across versions or scans (an older report
// without ids, an id that moved from the address to a MAC learned later), the devices left over on
// each side are joined by MAC, then by serial number, then by address; whatever still has no partner
// was added or removed.
import { normaliseMac } from '../model/address.js';
import { deviceId, identityKey, serialOf } from '../model/identity.js';
import type { DeviceReport, VerdictStatus } from '../model/types.js';
import { clean, jsonTerminalSafe } from '../util/sanitize.js';
import { FAIL_RANK, fails, type FailOn } from '../model/fail-on.js';

/** The renderings (the CLI's -f choices for diff: src/cli/options.ts DIFF_FORMATS). */
export type DiffFormat = 'table' | 'json' | 'jsonl' | 'markdown';
/** Version of the diff document (`-f json`): same rules as the scan report's schema_version. */
export const DIFF_VERSION = '1.0';

/** The fields compared, in the order they are listed. */
export const DIFF_FIELDS = ['verdict', 'maker', 'address', 'model', 'firmware', 'name'] as const;
export type DiffField = (typeof DIFF_FIELDS)[number];

export interface ReportSide {
  /** The file it was read from. */
  file: string;
  schema_version: string;
  started_at?: string;
  command?: string;
  /** false when the scan did not finish or could not see everything. */
  complete?: boolean;
  devices: DeviceReport[];
}

export interface Change { field: DiffField; old?: string; new?: string }
export interface DeviceRef { device_id: string; ip: string; verdict: VerdictStatus; maker?: string; model?: string; mac?: string; accepted?: boolean }
export interface ChangedDevice extends DeviceRef { joined_by: 'device_id' | 'mac' | 'serial' | 'address'; changes: Change[]; worse: boolean }
export interface Diff {
  added: Array<DeviceRef & { fails: boolean }>;
  removed: DeviceRef[];
  changed: ChangedDevice[];
  unchanged: number;
  /** Devices added or changed that fail the gate now (added at or above --fail-on, or a verdict that rose to it). */
  failing: number;
  warnings: string[];
}

const CLEAN_MAX = 200;
const str = (v: unknown): string | undefined => { const c = clean(v, CLEAN_MAX); return c || undefined; };

/** A device's id as the join uses it: its own, else computed as camsweep computes it (reports before 1.2). */
export function idOf(d: DeviceReport): string {
  if (typeof d.device_id === 'string' && /^d-[0-9a-f]{12}$/.test(d.device_id)) return d.device_id;
  const obs = d.observations && typeof d.observations === 'object' ? d.observations : { ip: d.ip };
  return deviceId(identityKey({ ...obs, ip: obs.ip ?? d.ip, ...(d.mac ? { mac: d.mac } : {}) }, { maker: d.identification?.maker, serial: d.identification?.serial }));
}

function addressOf(d: DeviceReport): string {
  const all = d.addresses?.length ? d.addresses : [d.ip];
  return all.map((a) => clean(a, 64)).join(', ');
}

function nameOf(d: DeviceReport): string | undefined {
  return str(d.hostname) ?? str(d.observations?.upnp?.friendlyName);
}

function valueOf(d: DeviceReport, f: DiffField): string | undefined {
  switch (f) {
    case 'verdict': return str(d.verdict?.status);
    case 'maker': return str(d.identification?.maker_name ?? d.identification?.maker);
    case 'address': return addressOf(d);
    case 'model': return str(d.identification?.model);
    case 'firmware': return str(d.identification?.firmware);
    case 'name': return nameOf(d);
  }
}

function refOf(d: DeviceReport): DeviceRef {
  const maker = str(d.identification?.maker_name ?? d.identification?.maker);
  const model = str(d.identification?.model);
  const mac = normaliseMac(d.mac);
  return {
    device_id: idOf(d), ip: clean(d.ip, 64), verdict: d.verdict.status, ...(maker ? { maker } : {}), ...(model ? { model } : {}), ...(mac ? { mac } : {}),
    ...(d.acceptance?.status === 'accepted' ? { accepted: true } : {}),
  };
}

type Key = (d: DeviceReport) => string | undefined;
const JOINS: Array<[ChangedDevice['joined_by'], Key]> = [
  ['device_id', idOf],
  ['mac', (d) => normaliseMac(d.mac)],
  ['serial', (d) => serialOf(d.observations ?? { ip: d.ip }, d.identification?.serial)],
  ['address', (d) => clean(d.ip, 64).toLowerCase() || undefined],
];

/** Compare two scans. `failOn` decides what counts as worse (the gate of src/report/gate.ts). */
export function diffReports(oldR: ReportSide, newR: ReportSide, failOn: FailOn | string = 'restricted'): Diff {
  let left = [...oldR.devices];
  let right = [...newR.devices];
  const pairs: Array<{ a: DeviceReport; b: DeviceReport; by: ChangedDevice['joined_by'] }> = [];
  for (const [by, key] of JOINS) {
    // Only a key that is unique on both sides joins (two devices behind one NAT address are not one device).
    const count = (list: DeviceReport[]) => { const m = new Map<string, number>(); for (const d of list) { const k = key(d); if (k) m.set(k, (m.get(k) ?? 0) + 1); } return m; };
    const ca = count(left);
    const cb = count(right);
    const byKey = new Map<string, DeviceReport>();
    for (const d of right) { const k = key(d); if (k && cb.get(k) === 1 && ca.get(k) === 1) byKey.set(k, d); }
    const usedB = new Set<DeviceReport>();
    const restA: DeviceReport[] = [];
    for (const a of left) {
      const k = key(a);
      const b = k ? byKey.get(k) : undefined;
      if (b) { pairs.push({ a, b, by }); usedB.add(b); } else restA.push(a);
    }
    left = restA;
    right = right.filter((d) => !usedB.has(d));
  }
  const changed: ChangedDevice[] = [];
  let unchanged = 0;
  let failing = 0;
  for (const { a, b, by } of pairs) {
    const changes: Change[] = [];
    for (const f of DIFF_FIELDS) {
      const o = valueOf(a, f); const n = valueOf(b, f);
      if (o !== n) changes.push({ field: f, ...(o !== undefined ? { old: o } : {}), ...(n !== undefined ? { new: n } : {}) });
    }
    if (!changes.length) { unchanged++; continue; }
    // Worse: the verdict rose, and the device now fails the gate (an accepted device does not).
    const worse = FAIL_RANK[b.verdict.status] > FAIL_RANK[a.verdict.status] && fails(b, failOn);
    if (worse) failing++;
    changed.push({ ...refOf(b), joined_by: by, changes, worse });
  }
  const added = right.map((d) => ({ ...refOf(d), fails: fails(d, failOn) }));
  failing += added.filter((d) => d.fails).length;
  const removed = left.map(refOf);
  const warnings: string[] = [];
  for (const side of [oldR, newR]) {
    if (side.complete === false) warnings.push(`${clean(side.file, 200)}: the scan did not finish or could not see everything (complete: false); ${side === newR ? 'devices listed as removed may only have been missed' : 'devices listed as added may only have been missed before'}`);
  }
  return { added, removed, changed, unchanged, failing, warnings };
}

/**
 * The diff's exit code (README "Exit codes"): 3 when either scan is incomplete (a diff of a scan that
 * did not see everything cannot pass), then 1 when a device was added at or above --fail-on or its
 * verdict rose to it, then (with --exit-on-change) 4 when anything was added, removed or changed, else 0.
 */
export function diffExit(d: Diff, sides: ReportSide[], exitOnChange: boolean): 0 | 1 | 3 | 4 {
  if (sides.some((s) => s.complete === false)) return 3;
  if (d.failing) return 1;
  if (exitOnChange && (d.added.length || d.removed.length || d.changed.length)) return 4;
  return 0;
}

function who(d: DeviceRef): string {
  return [d.ip, d.maker, d.model].filter(Boolean).join(' ') + ` (${d.device_id})`;
}

function verdictWord(d: DeviceRef): string {
  return d.accepted ? `${d.verdict}, accepted` : d.verdict;
}

function changeText(c: Change): string {
  return `${c.field} ${c.old ?? '(none)'} -> ${c.new ?? '(none)'}`;
}

function headLine(d: Diff): string {
  return `${d.added.length} added, ${d.removed.length} removed, ${d.changed.length} changed, ${d.unchanged} unchanged`;
}

/** The human rendering: one line per device, grouped. */
export function renderDiffTable(d: Diff, o: ReportSide, n: ReportSide, failOn: string): string {
  const L: string[] = [`camsweep diff ${clean(o.file, 200)} -> ${clean(n.file, 200)}: ${headLine(d)}`];
  if (d.added.length) { L.push('', 'Added:'); for (const x of d.added) L.push(`  + ${who(x)}: ${verdictWord(x)}${x.fails ? `  [fails --fail-on ${failOn}]` : ''}`); }
  if (d.removed.length) { L.push('', 'Removed:'); for (const x of d.removed) L.push(`  - ${who(x)}: ${verdictWord(x)}`); }
  if (d.changed.length) {
    L.push('', 'Changed:');
    for (const x of d.changed) L.push(`  ~ ${who(x)}${x.joined_by === 'device_id' ? '' : ` [joined by ${x.joined_by}]`}: ${x.changes.map(changeText).join('; ')}${x.worse ? `  [worse: fails --fail-on ${failOn}]` : ''}`);
  }
  if (!d.added.length && !d.removed.length && !d.changed.length) L.push('No device was added, removed or changed.');
  for (const w of d.warnings) L.push(`warning: ${w}`);
  return L.join('\n') + '\n';
}

function mdCell(s: string): string {
  return s.replace(/[\\`*_[\]<>|]/g, (c) => `\\${c}`);
}

/** Markdown for a pull request or a CI job summary. */
export function renderDiffMarkdown(d: Diff, o: ReportSide, n: ReportSide, failOn: string): string {
  const L = [`### camsweep diff: ${headLine(d)}`, '', `\`${clean(o.file, 200).replace(/`/g, "'")}\` → \`${clean(n.file, 200).replace(/`/g, "'")}\``, ''];
  const rows: string[][] = [
    ...d.added.map((x) => ['added', x.ip, x.device_id, [x.maker, x.model].filter(Boolean).join(' '), verdictWord(x) + (x.fails ? ` (fails --fail-on ${failOn})` : '')]),
    ...d.removed.map((x) => ['removed', x.ip, x.device_id, [x.maker, x.model].filter(Boolean).join(' '), verdictWord(x)]),
    ...d.changed.map((x) => ['changed', x.ip, x.device_id, [x.maker, x.model].filter(Boolean).join(' '), x.changes.map(changeText).join('; ') + (x.worse ? ` (worse: fails --fail-on ${failOn})` : '')]),
  ];
  if (rows.length) {
    L.push('| change | address | device | maker and model | what |', '|---|---|---|---|---|');
    for (const r of rows) L.push(`| ${r.map(mdCell).join(' | ')} |`);
  } else L.push('No device was added, removed or changed.');
  for (const w of d.warnings) L.push('', `> **warning:** ${mdCell(w)}`);
  return L.join('\n') + '\n';
}

function sideMeta(s: ReportSide) {
  return { file: s.file, schema_version: s.schema_version, ...(s.started_at ? { started_at: s.started_at } : {}), ...(s.complete !== undefined ? { complete: s.complete } : {}), devices: s.devices.length };
}

/** The diff as one JSON document. */
export function renderDiffJson(d: Diff, o: ReportSide, n: ReportSide, failOn: string): string {
  const doc = {
    diff_version: DIFF_VERSION, tool: 'camsweep', old: sideMeta(o), new: sideMeta(n), fail_on: failOn,
    summary: { added: d.added.length, removed: d.removed.length, changed: d.changed.length, unchanged: d.unchanged, failing: d.failing },
    added: d.added, removed: d.removed, changed: d.changed, warnings: d.warnings,
  };
  return jsonTerminalSafe(JSON.stringify(doc, null, 2)) + '\n';
}

/** JSON Lines: one {"type":"added"|"removed"|"changed",…} per device, then {"type":"summary",…}. */
export function renderDiffJsonl(d: Diff, o: ReportSide, n: ReportSide, failOn: string): string {
  const line = (x: unknown) => jsonTerminalSafe(JSON.stringify(x)) + '\n';
  return d.added.map((x) => line({ type: 'added', ...x })).join('') + d.removed.map((x) => line({ type: 'removed', ...x })).join('')
    + d.changed.map((x) => line({ type: 'changed', ...x })).join('')
    + line({ type: 'summary', diff_version: DIFF_VERSION, old: sideMeta(o), new: sideMeta(n), fail_on: failOn, added: d.added.length, removed: d.removed.length, changed: d.changed.length, unchanged: d.unchanged, failing: d.failing, warnings: d.warnings });
}

export function renderDiff(fmt: DiffFormat, d: Diff, o: ReportSide, n: ReportSide, failOn: string): string {
  return (fmt === 'json' ? renderDiffJson : fmt === 'jsonl' ? renderDiffJsonl : fmt === 'markdown' ? renderDiffMarkdown : renderDiffTable)(d, o, n, failOn);
}

