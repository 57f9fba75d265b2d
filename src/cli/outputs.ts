// Where a report goes: standard output and any number of files (-o FILE, repeatable, the format from
// the file's extension), and the Markdown summary (--summary-file). Every destination is checked
// before any work starts, so a scan never runs only to fail at the end.
import fs from 'node:fs';
import path from 'node:path';
import type { FailOn } from '../model/fail-on.js';
import type { ScanReport } from '../model/types.js';
import { colorsFor, outputWidth } from '../report/color.js';
import { isReporterName, loadReporter, reporterForFile, type ReporterName } from '../report/registry.js';
import { DEFAULT_RENDER, type RenderOptions } from '../report/reporter.js';
import { RunError, UsageError } from '../runner/index.js';
import { clean } from '../util/sanitize.js';

type Opts = Record<string, unknown>;

export interface Destination {
  /** A file, or undefined for standard output. */
  file?: string;
  /** The format (src/report/registry.ts). */
  format: ReporterName;
  /** Append (the Markdown summary) instead of replacing. */
  append?: boolean;
}

const WRITE_ERRORS: Record<string, string> = { ENOENT: 'no such directory', EACCES: 'permission denied', EISDIR: 'is a directory', ENOTDIR: 'a parent is not a directory', EROFS: 'read-only file system', ENOSPC: 'no space left on device' };

export function writeError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code ?? '';
  return WRITE_ERRORS[code] ? `${WRITE_ERRORS[code]} (${code})` : code || clean((e as Error).message, 200);
}

/** The -o files given (none, one or several). */
export function outputFiles(o: Opts): string[] {
  const v = o.output;
  return Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : [];
}

/** For commands that write one file (explain, vendors): that file, or undefined; more than one is a usage error. */
export function oneOutputFile(o: Opts, cmd: string): string | undefined {
  const files = outputFiles(o);
  if (files.length > 1) throw new UsageError(`${cmd} writes one file: give -o once`);
  return files[0];
}

/** Fail before any work (and before the first packet) when a file cannot be written. */
export function checkWritable(file: string): void {
  const fail = (why: string) => { throw new RunError(`cannot write ${file}: ${why}`); };
  let st: fs.Stats | undefined;
  try { st = fs.statSync(file); } catch (e) { if ((e as NodeJS.ErrnoException).code !== 'ENOENT') fail((e as NodeJS.ErrnoException).code ?? 'error'); }
  if (st?.isDirectory()) fail('is a directory (EISDIR)');
  try {
    if (st) fs.accessSync(file, fs.constants.W_OK);
    else {
      const dir = path.dirname(path.resolve(file));
      const ds = fs.statSync(dir);
      if (!ds.isDirectory()) fail('a parent is not a directory (ENOTDIR)');
      fs.accessSync(dir, fs.constants.W_OK | fs.constants.X_OK);
    }
  } catch (e) {
    if (e instanceof RunError) throw e;
    fail(writeError(e));
  }
}

/** Write (or append) a whole file; a failure is a RunError naming the file. */
export function writeFile(file: string, text: string, append = false): void {
  try { if (append) fs.appendFileSync(file, text); else fs.writeFileSync(file, text); } catch (e) {
    throw new RunError(`cannot write ${file}: ${writeError(e)}`);
  }
}

/**
 * The destinations of a report, from -f, -o and --summary-file:
 * - a file's format is its extension's (.html, .csv, .md, .xml, .sarif, .json, .jsonl, .txt; the
 *   longest match wins, so x.sarif.json is SARIF); a file whose extension names none takes -f (or json);
 * - standard output gets -f (default: `stdoutDefault`) when no file is given, and with files only when
 *   -f names a format that no file was given in;
 * - --summary-file FILE appends the Markdown summary to FILE; --summary-file alone, to $GITHUB_STEP_SUMMARY.
 * Throws UsageError for a file named twice or a summary file with nowhere to go.
 */
export function destinations(o: Opts, env: NodeJS.ProcessEnv, stdoutDefault: ReporterName): Destination[] {
  const flag = typeof o.format === 'string' && isReporterName(o.format) ? o.format : undefined;
  const files = outputFiles(o);
  const seen = new Set<string>();
  const out: Destination[] = [];
  for (const file of files) {
    const key = path.resolve(file);
    if (seen.has(key)) throw new UsageError(`-o ${file} is given twice`);
    seen.add(key);
    out.push({ file, format: reporterForFile(file) ?? flag ?? 'json' });
  }
  if (files.length === 0) out.unshift({ format: flag ?? stdoutDefault });
  else if (flag && !out.some((d) => d.format === flag)) out.unshift({ format: flag });
  if (o.summaryFile !== undefined && o.summaryFile !== false) {
    const file = o.summaryFile === true ? env.GITHUB_STEP_SUMMARY : String(o.summaryFile);
    if (!file) throw new UsageError('--summary-file without a file writes to $GITHUB_STEP_SUMMARY, which is not set');
    if (seen.has(path.resolve(file))) throw new UsageError(`--summary-file ${file} is also given as -o`);
    out.push({ file, format: 'markdown', append: true });
  }
  return out;
}

/** Check every file destination before the work starts. */
export function checkDestinations(ds: readonly Destination[]): void {
  for (const d of ds) if (d.file) checkWritable(d.file);
}

/** Render options for one destination: the terminal's width and colour for stdout, 100 columns without colour for a file. */
export function renderOptionsFor(d: Destination, io: { stdout: { isTTY?: boolean; columns?: number }; env: NodeJS.ProcessEnv }, o: Opts): RenderOptions {
  const failOn = (typeof o.failOn === 'string' ? o.failOn : 'restricted') as FailOn;
  if (d.file) return { width: 100, color: false, failOn };
  return { width: outputWidth(io.stdout, io.env), color: colorsFor(io.stdout, o.color === false, io.env).enabled, failOn };
}

/**
 * Render the report to every destination: files written as the reporter produces its pieces (a JSON
 * report one device at a time), standard output through `toStdout`, piece by piece too.
 */
export async function writeReport(report: ScanReport, ds: readonly Destination[], io: { stdout: { isTTY?: boolean; columns?: number }; env: NodeJS.ProcessEnv }, o: Opts, toStdout: (text: string) => void | Promise<void>): Promise<void> {
  for (const d of ds) {
    const rendered = (await loadReporter(d.format)).render(report, { ...DEFAULT_RENDER, ...renderOptionsFor(d, io, o) });
    if (!d.file) {
      // A piece waits while the reader is behind (toStdout's promise): the pieces are not all queued in memory.
      if (typeof rendered === 'string') await toStdout(rendered);
      else for (const piece of rendered) await toStdout(piece);
    } else if (typeof rendered === 'string' || d.append) {
      const text = typeof rendered === 'string' ? rendered : [...rendered].join('');
      writeFile(d.file, d.append ? (text.endsWith('\n') ? text : text + '\n') + '\n' : text, d.append);
    } else writePieces(d.file, rendered);
  }
}

/** Write a file from pieces, replacing it; a failure to write is a RunError naming the file. */
function writePieces(file: string, pieces: Iterable<string>): void {
  const io = <T>(f: () => T): T => { try { return f(); } catch (e) { throw new RunError(`cannot write ${file}: ${writeError(e)}`); } };
  const fd = io(() => fs.openSync(file, 'w'));
  try {
    for (const piece of pieces) {
      const b = Buffer.from(piece, 'utf8');
      for (let off = 0; off < b.length;) off += io(() => fs.writeSync(fd, b, off, b.length - off));
    }
  } finally {
    fs.closeSync(fd);
  }
}
