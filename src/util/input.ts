// Every file a user hands camsweep (target lists, credentials, policy files, observation records) is
// read through here: bounded in bytes whatever it is (a regular file, a pipe, /dev/zero), with a
// one-line error naming the file. Streams (stdin, big JSON Lines files) are read line by line with a
// cap per line, so memory stays bounded however long the input is.
import fs from 'node:fs';

/** A bad or oversized input: the CLI prints the message on one line and exits 2. */
export class InputError extends Error {}

const MiB = 1024 * 1024;
/** Size caps per kind of input. */
export const INPUT_CAPS = {
  targets: 16 * MiB,
  credentials: 1 * MiB,
  /** A policy file is a few kilobytes. */
  policy: 1 * MiB,
  /** A baseline of accepted devices, a config file. */
  baseline: 4 * MiB,
  config: 1 * MiB,
  /** A JSON document (array or saved report) read whole for `identify` / `explain --input`. */
  document: 64 * MiB,
  /** One JSON Lines record. */
  line: 16 * MiB,
} as const;

function human(n: number): string {
  return n % MiB === 0 ? `${n / MiB} MiB` : `${n} bytes`;
}

function reason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : code ?? (e as Error).message;
}

/** Open `file` for reading (a directory or an unreadable path is an InputError). */
export function openInput(file: string, what: string): number {
  let fd: number;
  try { fd = fs.openSync(file, 'r'); } catch (e) { throw new InputError(`cannot read ${what} ${file}: ${reason(e)}`); }
  try {
    if (fs.fstatSync(fd).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
  } catch (e) {
    fs.closeSync(fd);
    throw new InputError(`cannot read ${what} ${file}: ${reason(e)}`);
  }
  return fd;
}

/** Read a whole file as UTF-8, refusing more than `cap` bytes (regular files, FIFOs and devices alike). */
export function readInputFile(file: string, what: string, cap: number): string {
  const fd = openInput(file, what);
  try {
    const st = fs.fstatSync(fd);
    if (st.isFile() && st.size > cap) throw new InputError(`${what} ${file} is larger than ${human(cap)}`);
    const chunks: Buffer[] = [];
    let total = 0;
    const buf = Buffer.allocUnsafe(Math.min(cap + 1, MiB));
    for (;;) {
      let n: number;
      try { n = fs.readSync(fd, buf, 0, buf.length, null); } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue;
        throw new InputError(`cannot read ${what} ${file}: ${reason(e)}`);
      }
      if (n === 0) break;
      total += n;
      if (total > cap) throw new InputError(`${what} ${file} is larger than ${human(cap)}`);
      chunks.push(Buffer.from(buf.subarray(0, n)));
    }
    return Buffer.concat(chunks, total).toString('utf8').replace(/^\uFEFF/, '');
  } finally {
    fs.closeSync(fd);
  }
}

/** Read a whole stream as UTF-8, refusing more than `cap` bytes. */
export async function readInputStream(stream: NodeJS.ReadableStream, what: string, cap: number): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const c of stream) {
    const b = Buffer.isBuffer(c) ? c : Buffer.from(String(c));
    total += b.length;
    if (total > cap) {
      (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
      throw new InputError(`${what} is larger than ${human(cap)}`);
    }
    chunks.push(b);
  }
  return Buffer.concat(chunks, total).toString('utf8').replace(/^\uFEFF/, '');
}

/**
 * The lines of a stream (LF or CRLF), each at most `maxLine` bytes, with their 1-based numbers.
 * Memory: one line plus one chunk, however long the stream.
 */
export async function* inputLines(stream: AsyncIterable<Buffer | string>, source: string, maxLine: number): AsyncGenerator<{ line: string; no: number }> {
  let parts: Buffer[] = [];
  let partLen = 0;
  let no = 0;
  const take = (tail: Buffer): string => {
    const all = parts.length ? Buffer.concat([...parts, tail], partLen + tail.length) : tail;
    parts = [];
    partLen = 0;
    let s = all.toString('utf8');
    if (no === 1) s = s.replace(/^\uFEFF/, '');
    return s.endsWith('\r') ? s.slice(0, -1) : s;
  };
  {
    for await (const c of stream) {
      const b = Buffer.isBuffer(c) ? c : Buffer.from(String(c));
      let from = 0;
      for (;;) {
        const nl = b.indexOf(0x0a, from);
        if (nl < 0) break;
        if (partLen + nl - from > maxLine) throw new InputError(`${source}:${no + 1}: line longer than ${human(maxLine)}`);
        no++;
        yield { line: take(b.subarray(from, nl)), no };
        from = nl + 1;
      }
      if (from < b.length) {
        partLen += b.length - from;
        if (partLen > maxLine) throw new InputError(`${source}:${no + 1}: line longer than ${human(maxLine)}`);
        parts.push(Buffer.from(b.subarray(from)));
      }
    }
    if (partLen > 0) { no++; yield { line: take(Buffer.alloc(0)), no }; }
  }
}

/** True when standard input carries data to read: a pipe, a file or a socket (not a terminal, not /dev/null). */
export function stdinHasData(fd = 0): boolean {
  try {
    const st = fs.fstatSync(fd);
    return st.isFIFO() || st.isFile() || st.isSocket();
  } catch {
    return false;
  }
}
