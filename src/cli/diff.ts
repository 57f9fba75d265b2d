// Reading the two saved scans `camsweep diff` compares: a JSON report (-f json, read whole up to
// INPUT_CAPS.document) or camsweep's JSON Lines (-f jsonl, streamed line by line, each line bounded).
// Every device is cleaned (cleanJson) and checked before the pure diff (src/report/diff.ts) sees it;
// the schema version must be one this camsweep reads (1.x). Errors are one line naming the file.
import fs from 'node:fs';
import type { DeviceReport } from '../model/types.js';
import { VERDICT_STATUSES } from '../model/report.js';
import type { ReportSide } from '../report/diff.js';
import { INPUT_CAPS, InputError, inputLines, openInput, readInputFile } from '../util/input.js';
import { clean, cleanJson } from '../util/sanitize.js';

/** The schema major version this camsweep reads. */
const MAJOR = 1;
/** Devices per side at most (a diff holds both sides in memory). */
export const MAX_DIFF_DEVICES = 1_000_000;
const PEEK = 64 * 1024;

function checkVersion(v: unknown, file: string): string {
  if (typeof v !== 'string') throw new InputError(`${file}: not a camsweep scan report (no schema_version; save one with scan -f json or -f jsonl)`);
  const m = /^(\d{1,4})\.(\d{1,4})$/.exec(v);
  if (!m) throw new InputError(`${file}: schema_version "${clean(v, 20)}" is not MAJOR.MINOR`);
  if (Number(m[1]) !== MAJOR) throw new InputError(`${file}: schema_version ${v} is not one this camsweep reads (${MAJOR}.x); use the camsweep version that wrote it`);
  return v;
}

function device(x: unknown, where: string): DeviceReport {
  const d = cleanJson(x) as Record<string, unknown> | undefined;
  if (!d || typeof d !== 'object' || Array.isArray(d)) throw new InputError(`${where}: a device is not a JSON object`);
  if (typeof d.ip !== 'string' || !d.ip) throw new InputError(`${where}: a device has no "ip"`);
  const v = d.verdict as { status?: unknown } | undefined;
  if (!v || !VERDICT_STATUSES.includes(v.status as never)) throw new InputError(`${where}: device ${clean(d.ip, 64)} has no verdict (status one of ${VERDICT_STATUSES.join(', ')})`);
  if (!d.identification || typeof d.identification !== 'object') d.identification = { maker_score: 0, conflicts: [], evidence: [], reasoning: [] };
  if (d.observations !== undefined && (typeof d.observations !== 'object' || Array.isArray(d.observations))) delete d.observations;
  return d as unknown as DeviceReport;
}

function side(meta: Record<string, unknown>, devices: DeviceReport[], file: string): ReportSide {
  return {
    file, schema_version: checkVersion(meta.schema_version, file), devices,
    ...(typeof meta.started_at === 'string' ? { started_at: clean(meta.started_at, 40) } : {}),
    ...(typeof meta.command === 'string' ? { command: clean(meta.command, 20) } : {}),
    ...(typeof meta.complete === 'boolean' ? { complete: meta.complete } : {}),
  };
}

function firstLine(file: string): string {
  const fd = openInput(file, 'scan report');
  try {
    const buf = Buffer.alloc(PEEK);
    const n = fs.readSync(fd, buf, 0, PEEK, null);
    const s = buf.subarray(0, n).toString('utf8').replace(/^\uFEFF/, '').trimStart();
    const nl = s.indexOf('\n');
    return nl < 0 ? s : s.slice(0, nl);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`cannot read scan report ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  } finally { fs.closeSync(fd); }
}

function isJsonlLine(l: string): boolean {
  if (!l.trim().endsWith('}')) return false;
  try { const x = JSON.parse(l); return !!x && typeof x === 'object' && typeof (x as { type?: unknown }).type === 'string'; } catch { return false; }
}

/** One saved scan: a JSON report or camsweep's JSON Lines (device lines, then the summary line). */
export async function readReportSide(file: string): Promise<ReportSide> {
  const head = firstLine(file);
  if (!head.trim()) throw new InputError(`${file}: empty (expected a camsweep scan report)`);
  if (!isJsonlLine(head)) {
    const text = readInputFile(file, 'scan report', INPUT_CAPS.document);
    let doc: unknown;
    try { doc = JSON.parse(text); } catch (e) { throw new InputError(`${file}: not valid JSON: ${clean((e as Error).message, 200)} (expected a scan report: scan -f json or -f jsonl)`); }
    if (!doc || typeof doc !== 'object' || Array.isArray(doc) || !Array.isArray((doc as { devices?: unknown }).devices)) throw new InputError(`${file}: not a camsweep scan report (no "devices" list)`);
    const r = doc as Record<string, unknown> & { devices: unknown[] };
    checkVersion(r.schema_version, file);
    if (r.devices.length > MAX_DIFF_DEVICES) throw new InputError(`${file}: more than ${MAX_DIFF_DEVICES} devices`);
    return side(r, r.devices.map((d, i) => device(d, `${file}: device ${i + 1}`)), file);
  }
  const devices: DeviceReport[] = [];
  let summary: Record<string, unknown> | undefined;
  const fd = openInput(file, 'scan report');
  const stream = fs.createReadStream('', { fd, highWaterMark: 256 * 1024 });
  try {
    for await (const { line, no } of inputLines(stream, file, INPUT_CAPS.line)) {
      const l = line.trim();
      if (!l) continue;
      let x: unknown;
      try { x = JSON.parse(l); } catch (e) { throw new InputError(`${file}:${no}: not valid JSON: ${clean((e as Error).message, 200)}`); }
      const t = x && typeof x === 'object' && !Array.isArray(x) ? (x as { type?: unknown }).type : undefined;
      if (t === 'device') {
        if (devices.length >= MAX_DIFF_DEVICES) throw new InputError(`${file}: more than ${MAX_DIFF_DEVICES} devices`);
        const { type: _t, ...rest } = x as Record<string, unknown>;
        devices.push(device(rest, `${file}:${no}`));
      } else if (t === 'summary') summary = cleanJson(x) as Record<string, unknown>;
      else if (t !== 'seen-not-probed') throw new InputError(`${file}:${no}: not a camsweep JSON Lines report line (type "${clean(t, 30)}")`);
    }
  } finally { stream.destroy(); }
  if (!summary) throw new InputError(`${file}: no summary line (a camsweep JSON Lines report ends with {"type":"summary",…}; was the file cut short?)`);
  return side(summary, devices, file);
}
