// Observation records from a file or stdin, for `identify` and `explain --input`: JSON Lines are
// streamed (one record in memory at a time, however long the input); a JSON document (an array, one
// record, or a saved scan report) is read whole up to INPUT_CAPS.document. Every record is cleaned and
// its keys checked exactly (cleanJson), and its shape normalised, before anything judges it.
import fs from 'node:fs';
import type { ObservationRecord } from '../model/types.js';
import { INPUT_CAPS, InputError, inputLines, openInput } from '../util/input.js';
import { clean, cleanJson } from '../util/sanitize.js';

/** How much of the input is looked at to tell JSON Lines from a JSON document. */
const PEEK = 64 * 1024;

/** Lines of a camsweep JSON Lines report that are not device records. */
const NON_RECORD_TYPES = new Set(['summary', 'seen-not-probed']);

function oneLine(v: unknown, max: number): string | undefined {
  if (typeof v !== 'string') return undefined;
  const c = clean(v, max);
  return c || undefined;
}

/**
 * One untrusted JSON value as an observation record: a record, or a camsweep device row (its
 * `observations`). Returns undefined for a camsweep summary line; throws InputError when it is neither.
 * Fields every part of camsweep prints or compares are normalised here: ports are port numbers, lists
 * of names and addresses are single-line strings.
 */
export function toRecord(x: unknown, where: string): ObservationRecord | undefined {
  let v = cleanJson(x) as Record<string, unknown> | undefined;
  if (v && typeof v === 'object' && !Array.isArray(v) && typeof v.type === 'string' && NON_RECORD_TYPES.has(v.type)) return undefined;
  // A saved scan report's device, or one of its JSON Lines, carries the record under "observations".
  if (v && typeof v === 'object' && v.observations && typeof v.observations === 'object' && !Array.isArray(v.observations)) v = v.observations as Record<string, unknown>;
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new InputError(`${where} is not a JSON object`);
  const ip = oneLine(v.ip, 64);
  if (!ip) throw new InputError(`${where} has no "ip"`);
  v.ip = ip;
  if ('open_ports' in v) v.open_ports = Array.isArray(v.open_ports) ? [...new Set(v.open_ports.filter((p): p is number => Number.isInteger(p) && (p as number) >= 1 && (p as number) <= 65535))].sort((a, b) => a - b) : [];
  for (const k of ['seen_by', 'addresses'] as const) {
    if (k in v) v[k] = Array.isArray(v[k]) ? (v[k] as unknown[]).map((s) => oneLine(s, k === 'seen_by' ? 32 : 64)).filter((s): s is string => !!s).slice(0, 64) : [];
  }
  for (const k of ['mac', 'mac_from', 'hostname'] as const) {
    if (k in v) { const s = oneLine(v[k], k === 'hostname' ? 256 : 32); if (s) v[k] = s; else delete v[k]; }
  }
  return v as unknown as ObservationRecord;
}

/** Records of a whole JSON document: an array, one record, or a saved report ({devices: [...]}). */
export function recordsOfDocument(text: string, source: string): ObservationRecord[] {
  let doc: unknown;
  try { doc = JSON.parse(text); } catch (e) { throw new InputError(`${source}: not valid JSON: ${clean((e as Error).message, 200)}`); }
  const items: unknown[] = Array.isArray(doc) ? doc
    : doc && typeof doc === 'object' && Array.isArray((doc as { devices?: unknown }).devices) ? (doc as { devices: unknown[] }).devices
      : [doc];
  const out: ObservationRecord[] = [];
  items.forEach((x, i) => { const r = toRecord(x, `${source}: record ${i + 1}`); if (r) out.push(r); });
  return out;
}

/** Parse observation records from a string (a JSON argument, a small file): JSON document or JSON Lines. */
export function parseRecords(text: string, source: string): ObservationRecord[] {
  const t = text.trim();
  if (!t) throw new InputError(`${source}: no observation records`);
  if (t.startsWith('[') || (t.startsWith('{') && !firstLineIsJson(t))) return recordsOfDocument(t, source);
  const out: ObservationRecord[] = [];
  let no = 0;
  for (const line of t.split('\n')) {
    no++;
    for (const r of lineRecords(line, source, no)) out.push(r);
  }
  if (out.length === 0) throw new InputError(`${source}: no observation records`);
  return out;
}

function firstLineIsJson(t: string): boolean {
  const nl = t.indexOf('\n');
  const first = (nl < 0 ? t : t.slice(0, nl)).trim();
  if (!first.endsWith('}')) return false;
  try { JSON.parse(first); return true; } catch { return false; }
}

/** The records of one line: a record, a device row, or a whole saved report written on one line. */
function lineRecords(raw: string, source: string, no: number): ObservationRecord[] {
  const l = raw.trim();
  if (!l || l.startsWith('#')) return [];
  let x: unknown;
  try { x = JSON.parse(l); } catch (e) { throw new InputError(`${source}:${no}: not valid JSON: ${clean((e as Error).message, 200)}`); }
  if (x && typeof x === 'object' && !Array.isArray(x) && !('ip' in x) && Array.isArray((x as { devices?: unknown }).devices)) {
    const out: ObservationRecord[] = [];
    (x as { devices: unknown[] }).devices.forEach((d, i) => { const r = toRecord(d, `${source}:${no}: device ${i + 1}`); if (r) out.push(r); });
    return out;
  }
  const r = toRecord(x, `${source}:${no}`);
  return r ? [r] : [];
}

async function* chunksOf(stream: NodeJS.ReadableStream): AsyncGenerator<Buffer> {
  for await (const c of stream) yield Buffer.isBuffer(c) ? c : Buffer.from(String(c));
}

/** An async iterable that yields `head` first, then the rest of `rest`. */
async function* prepend(head: Buffer[], rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  yield* head;
  for (;;) {
    const n = await rest.next();
    if (n.done) return;
    yield n.value;
  }
}

/**
 * The records of a file (or stdin when `file` is undefined or "-"), one at a time. JSON Lines stream
 * in bounded memory; a JSON document is read whole, up to INPUT_CAPS.document.
 */
export async function* readRecordStream(file: string | undefined, stdin: NodeJS.ReadableStream, signal?: AbortSignal): AsyncGenerator<ObservationRecord> {
  const source = !file || file === '-' ? 'stdin' : file;
  let stream: NodeJS.ReadableStream;
  if (source === 'stdin') stream = stdin;
  else {
    const fd = openInput(file!, 'observation file');
    stream = fs.createReadStream('', { fd, highWaterMark: 256 * 1024 });
  }
  // An interrupted run stops reading at once, even from an idle pipe: the stream is destroyed, and the
  // error that ends its iteration is the end of the records, not a failure.
  const destroy = () => (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
  if (signal?.aborted) return;
  signal?.addEventListener('abort', destroy, { once: true });
  try {
    yield* recordsOf(stream, source);
  } catch (e) {
    if (!signal?.aborted) throw e;
  } finally {
    signal?.removeEventListener('abort', destroy);
    destroy();
  }
}

async function* recordsOf(stream: NodeJS.ReadableStream, source: string): AsyncGenerator<ObservationRecord> {
  const it = chunksOf(stream)[Symbol.asyncIterator]();
  // Peek: up to the first newline (or PEEK bytes) decides between JSON Lines and a JSON document.
  const head: Buffer[] = [];
  let peeked = 0;
  for (;;) {
    const n = await it.next();
    if (n.done) break;
    head.push(n.value);
    peeked += n.value.length;
    if (n.value.includes(0x0a) || peeked >= PEEK) break;
  }
  const start = Buffer.concat(head).toString('utf8').replace(/^\uFEFF/, '').trimStart();
  if (!start.trim()) throw new InputError(`${source}: no observation records`);
  const isDocument = start.startsWith('[') || (start.startsWith('{') && !firstLineIsJson(start));
  if (isDocument) {
    const parts = [...head];
    let total = peeked;
    for (;;) {
      const n = await it.next();
      if (n.done) break;
      total += n.value.length;
      if (total > INPUT_CAPS.document) {
        throw new InputError(`${source}: a JSON document larger than ${INPUT_CAPS.document / 1024 / 1024} MiB; give it as JSON Lines (one record per line, e.g. scan -f jsonl), which has no size limit`);
      }
      parts.push(n.value);
    }
    yield* recordsOfDocument(Buffer.concat(parts, total).toString('utf8').replace(/^\uFEFF/, ''), source);
    return;
  }
  let any = false;
  for await (const { line, no } of inputLines(prepend(head, it), source, INPUT_CAPS.line)) {
    for (const r of lineRecords(line, source, no)) { any = true; yield r; }
  }
  if (!any) throw new InputError(`${source}: no observation records`);
}
