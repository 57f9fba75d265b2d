// Baselines: a file of accepted devices (by device_id, MAC or serial), each with a reason, who accepted
// it and an expiry date. An accepted device is shown as such in every format and does not fail
// --fail-on until the acceptance expires; an expired one fails again. Pure: the file's text and the
// date are given (the CLI reads the file through src/util/input.ts).
//
//   accepted:
//     - mac: 44:19:b6:12:34:56          # or serial: …, or device_id: d-…
//       reason: legacy camera at the loading dock, replacement ordered (PO 4711)
//       accepted_by: j.doe@example.org
//       expires: 2026-03-31              # the last day it holds (UTC)
import { parseYaml } from '../util/yaml.js';
import { normaliseMac } from '../model/address.js';
import { serialOf } from '../model/identity.js';
import type { Acceptance, DeviceReport } from '../model/types.js';
import { clean } from '../util/sanitize.js';

/** A bad baseline file (the CLI: one line, exit 2). Named, so a caller can tell it without loading this module. */
export class BaselineError extends Error { override name = 'BaselineError'; }

export interface BaselineEntry {
  device_id?: string; mac?: string; serial?: string;
  reason: string; accepted_by: string; expires: string;
}
export interface Baseline { file: string; entries: BaselineEntry[] }

const KEYS = new Set(['device_id', 'mac', 'serial', 'reason', 'accepted_by', 'expires']);
const DATE = /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const MAX_ENTRIES = 100_000;

function validDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() + 1 === Number(m[2]) && d.getUTCDate() === Number(m[3]);
}

/** Parse and validate a baseline file (YAML or JSON): one-line errors naming the file and the entry. */
export function parseBaseline(text: string, file: string): Baseline {
  let doc: unknown;
  try { doc = parseYaml(text, { maxAliasCount: 50, prettyErrors: false, logLevel: 'error' }); } catch (e) {
    throw new BaselineError(`${file}: not valid YAML/JSON: ${clean((e as Error).message.split('\n')[0], 200)}`);
  }
  const list = Array.isArray(doc) ? doc : doc && typeof doc === 'object' ? (doc as Record<string, unknown>).accepted : undefined;
  if (doc && typeof doc === 'object' && !Array.isArray(doc)) {
    for (const k of Object.keys(doc)) if (k !== 'accepted') throw new BaselineError(`${file}: unknown key "${clean(k, 40)}" (a baseline has one key, "accepted": a list of devices)`);
  }
  if (!Array.isArray(list)) throw new BaselineError(`${file}: expected "accepted:" with a list of devices (each: device_id, mac or serial; reason; accepted_by; expires)`);
  if (list.length > MAX_ENTRIES) throw new BaselineError(`${file}: ${list.length} entries; at most ${MAX_ENTRIES}`);
  const entries = list.map((x, i): BaselineEntry => {
    const where = `${file}: entry ${i + 1}`;
    if (!x || typeof x !== 'object' || Array.isArray(x)) throw new BaselineError(`${where}: expected a mapping (device_id/mac/serial, reason, accepted_by, expires)`);
    const o = x as Record<string, unknown>;
    for (const k of Object.keys(o)) if (!KEYS.has(k)) throw new BaselineError(`${where}: unknown key "${clean(k, 40)}" (known: ${[...KEYS].join(', ')})`);
    const s = (k: string, max: number): string | undefined => {
      const v = o[k];
      if (v === undefined || v === null) return undefined;
      if (v instanceof Date && k === 'expires') return v.toISOString().slice(0, 10);
      if (typeof v !== 'string' && typeof v !== 'number') throw new BaselineError(`${where}: "${k}" must be a string`);
      const c = clean(String(v), max);
      return c || undefined;
    };
    const device_id = s('device_id', 40);
    const mac = s('mac', 40);
    const serial = s('serial', 128);
    if (!device_id && !mac && !serial) throw new BaselineError(`${where}: needs one of device_id, mac or serial`);
    if (device_id && !/^d-[0-9a-f]{12}$/.test(device_id)) throw new BaselineError(`${where}: device_id "${device_id}" is not d- and 12 hex digits`);
    const macN = mac ? normaliseMac(mac) : undefined;
    if (mac && !macN) throw new BaselineError(`${where}: mac "${mac}" is not a MAC address`);
    const reason = s('reason', 500);
    const by = s('accepted_by', 200);
    const expires = s('expires', 20);
    if (!reason) throw new BaselineError(`${where}: needs a "reason" (why the device is accepted)`);
    if (!by) throw new BaselineError(`${where}: needs "accepted_by" (who accepted it)`);
    if (!expires) throw new BaselineError(`${where}: needs "expires: YYYY-MM-DD" (an acceptance always ends)`);
    if (!validDate(expires)) throw new BaselineError(`${where}: expires "${expires}" is not a date YYYY-MM-DD`);
    return { ...(device_id ? { device_id } : {}), ...(macN ? { mac: macN } : {}), ...(serial ? { serial } : {}), reason, accepted_by: by, expires };
  });
  return { file, entries };
}

/** Whether an acceptance that ends on `expires` (a whole UTC day) still holds at `now`. */
export function holds(expires: string, now: Date): boolean {
  return now.getTime() < Date.parse(`${expires}T00:00:00Z`) + 86_400_000;
}

interface Index { byId: Map<string, BaselineEntry>; byMac: Map<string, BaselineEntry>; bySerial: Map<string, BaselineEntry> }
const indexes = new WeakMap<Baseline, Index>();

function indexOf(b: Baseline): Index {
  let ix = indexes.get(b);
  if (!ix) {
    ix = { byId: new Map(), byMac: new Map(), bySerial: new Map() };
    // The first entry for an identifier wins (a later duplicate cannot widen or extend it).
    for (const e of b.entries) {
      if (e.device_id && !ix.byId.has(e.device_id)) ix.byId.set(e.device_id, e);
      if (e.mac && !ix.byMac.has(e.mac)) ix.byMac.set(e.mac, e);
      if (e.serial && !ix.bySerial.has(e.serial.toUpperCase())) ix.bySerial.set(e.serial.toUpperCase(), e);
    }
    indexes.set(b, ix);
  }
  return ix;
}

/** The baseline's acceptance of a device at `now`, if an entry matches it (device_id, then MAC, then serial). */
export function acceptanceFor(d: Pick<DeviceReport, 'device_id' | 'mac' | 'identification'> & { observations?: DeviceReport['observations'] }, b: Baseline, now: Date): Acceptance | undefined {
  const ix = indexOf(b);
  const mac = normaliseMac(d.mac);
  const serial = d.observations ? serialOf(d.observations, d.identification.serial) : d.identification.serial?.trim().toUpperCase();
  const hit: [Acceptance['matched_by'], BaselineEntry | undefined][] = [
    ['device_id', d.device_id ? ix.byId.get(d.device_id) : undefined],
    ['mac', mac ? ix.byMac.get(mac) : undefined],
    ['serial', serial ? ix.bySerial.get(serial) : undefined],
  ];
  const found = hit.find(([, e]) => e);
  if (!found) return undefined;
  const [by, e] = found as [Acceptance['matched_by'], BaselineEntry];
  const value = by === 'device_id' ? e.device_id! : by === 'mac' ? e.mac! : e.serial!;
  return { status: holds(e.expires, now) ? 'accepted' : 'expired', matched_by: by, value, reason: e.reason, accepted_by: e.accepted_by, expires: e.expires, baseline: b.file };
}

/** The device with its acceptance (or without one: a saved acceptance is replaced by what this baseline says). */
export function applyBaseline<D extends DeviceReport>(d: D, b: Baseline | undefined, now: Date): D {
  if (!b) return d;
  const { acceptance: _old, ...rest } = d;
  const a = acceptanceFor(d, b, now);
  return (a ? { ...rest, acceptance: a } : rest) as D;
}

function entryLabel(e: Pick<BaselineEntry, 'device_id' | 'mac' | 'serial'>): string {
  return e.device_id ? `device_id ${e.device_id}` : e.mac ? `mac ${e.mac}` : `serial ${e.serial}`;
}

/** Tracks a run's acceptances as devices go by (identify streams them): the notices to give at the end. */
export class BaselineTally {
  readonly expired: Array<{ ip: string; a: Acceptance }> = [];
  accepted = 0;
  private readonly used = new Set<string>();
  constructor(readonly baseline: Baseline) {}
  add(d: Pick<DeviceReport, 'ip' | 'acceptance'>): void {
    const a = d.acceptance;
    if (!a) return;
    this.used.add(`${a.matched_by}:${a.matched_by === 'serial' ? a.value.toUpperCase() : a.value}`);
    if (a.status === 'accepted') this.accepted++;
    else this.expired.push({ ip: d.ip, a });
  }
  /** Entries that matched none of the devices seen. */
  unmatched(): BaselineEntry[] {
    return this.baseline.entries.filter((e) => !(e.device_id && this.used.has(`device_id:${e.device_id}`)) && !(e.mac && this.used.has(`mac:${e.mac}`))
      && !(e.serial && this.used.has(`serial:${e.serial.toUpperCase()}`)));
  }
  /** The report's warnings: expired acceptances (they fail again), then entries that matched no device. */
  warnings(): string[] {
    const f = this.baseline.file;
    const out = this.expired.map(({ ip, a }) => `baseline ${f}: the acceptance of ${ip} (${a.matched_by} ${a.value}, accepted by ${a.accepted_by}: ${a.reason}) expired on ${a.expires}; it counts against --fail-on again`);
    const un = this.unmatched();
    if (un.length) out.push(`baseline ${f}: ${un.length} entr${un.length === 1 ? 'y' : 'ies'} matched no device: ${un.slice(0, 10).map(entryLabel).join(', ')}${un.length > 10 ? `, and ${un.length - 10} more` : ''}`);
    return out;
  }
}

/** Apply a baseline to a run's devices: the devices with their acceptances, and the notices to give. */
export function applyBaselineAll<D extends DeviceReport>(devices: readonly D[], b: Baseline, now: Date): { devices: D[]; warnings: string[] } {
  const t = new BaselineTally(b);
  const out = devices.map((d) => { const x = applyBaseline(d, b, now); t.add(x); return x; });
  return { devices: out, warnings: t.warnings() };
}
