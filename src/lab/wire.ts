// Byte-level helpers the lab personas use to build vendor-exact replies. Pure (no sockets).
import { createHash, randomBytes } from 'node:crypto';

export type Bytes = Buffer | string;

/** One request as the lab server parsed it (HTTP or RTSP). */
export interface LabRequest {
  /** 'GET', 'POST', 'OPTIONS', 'DESCRIBE', … exactly as sent (upper-cased). */
  method: string;
  /** Request target as sent, e.g. "/cgi-bin/magicBox.cgi?action=getSystemInfo" or "rtsp://h/x". */
  target: string;
  /** Path part of the target without query (for RTSP absolute URIs: the URI path). */
  path: string;
  /** Query string without "?", or "". */
  query: string;
  /** "HTTP/1.1", "RTSP/1.0", … */
  version: string;
  /** Lower-case header names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
  /** RTSP CSeq as sent (echo it back), or undefined. */
  cseq?: string;
  tls: boolean;
  /** Address the device is bound on and the port the client reached. */
  ip: string;
  /** The standard port this service simulates (80, 443, 554, …). */
  port: number;
  boundPort: number;
  /** Host header value, or ip:boundPort. */
  host: string;
}

export type Responder = Bytes | ((req: LabRequest) => Bytes);

/** RFC 7231 IMF-fixdate. */
export function httpDate(d = new Date()): string {
  return d.toUTCString();
}

export interface HttpResponseOptions {
  /** Name of the length header to append when the header list has no "{len}" placeholder; null = none. */
  lengthHeader?: string | null;
  /** Appended as "Connection: close" unless the list already has a connection header; null = none. */
  connection?: string | null;
}

/**
 * Build a raw HTTP response. Header names are written exactly as given (vendor case quirks survive),
 * repeated names are written as separate lines, and a value of "{len}" is replaced by the body length.
 */
export function httpResponse(status: string, headers: Array<[string, string]>, body: Bytes = '', opts: HttpResponseOptions = {}): Buffer {
  const b = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const line = status.startsWith('HTTP/') ? status : `HTTP/1.1 ${status}`;
  const hs = headers.map(([k, v]) => [k, v === '{len}' ? String(b.length) : v] as [string, string]);
  const lengthHeader = opts.lengthHeader === undefined ? 'Content-Length' : opts.lengthHeader;
  if (lengthHeader && !headers.some(([, v]) => v === '{len}')) hs.push([lengthHeader, String(b.length)]);
  const connection = opts.connection === undefined ? 'Connection' : opts.connection;
  if (connection && !hs.some(([k]) => k.toLowerCase() === 'connection')) hs.push([connection, 'close']);
  const head = [line, ...hs.map(([k, v]) => `${k}: ${v}`)].join('\r\n') + '\r\n\r\n';
  return Buffer.concat([Buffer.from(head, 'latin1'), b]);
}

/** Build a raw RTSP reply; CSeq is echoed (placed where a "{cseq}" value sits, else first). */
export function rtspResponse(req: LabRequest, status: string, headers: Array<[string, string]>, body: Bytes = ''): Buffer {
  const b = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const cseq = req.cseq ?? '0';
  let hs = headers.map(([k, v]) => [k, v === '{cseq}' ? cseq : v === '{len}' ? String(b.length) : v] as [string, string]);
  if (!headers.some(([, v]) => v === '{cseq}')) hs = [['CSeq', cseq], ...hs];
  const head = [`RTSP/1.0 ${status}`, ...hs.map(([k, v]) => `${k}: ${v}`)].join('\r\n') + '\r\n\r\n';
  return Buffer.concat([Buffer.from(head, 'latin1'), b]);
}

export function hex(n: number): string {
  return randomBytes(n).toString('hex');
}

export function md5(s: string): string {
  return createHash('md5').update(s).digest('hex');
}

/** UTF-8 byte-order mark, which Hikvision and Dahua web UIs put before "<!DOCTYPE". */
export const BOM = '\ufeff';

/**
 * A tiny valid .ico (1×1, 32-bit) in a persona-specific colour: distinct bytes per persona, no
 * copyrighted artwork. Real vendor favicon hashes therefore do NOT match these (by design).
 */
export function makeIco(r: number, g: number, b: number): Buffer {
  const buf = Buffer.alloc(70);
  buf.writeUInt16LE(0, 0); buf.writeUInt16LE(1, 2); buf.writeUInt16LE(1, 4);
  buf.writeUInt8(1, 6); buf.writeUInt8(1, 7); buf.writeUInt8(0, 8); buf.writeUInt8(0, 9);
  buf.writeUInt16LE(1, 10); buf.writeUInt16LE(32, 12); buf.writeUInt32LE(48, 14); buf.writeUInt32LE(22, 18);
  buf.writeUInt32LE(40, 22); buf.writeInt32LE(1, 26); buf.writeInt32LE(2, 30);
  buf.writeUInt16LE(1, 34); buf.writeUInt16LE(32, 36); buf.writeUInt32LE(0, 38); buf.writeUInt32LE(8, 42);
  buf.writeUInt8(b, 62); buf.writeUInt8(g, 63); buf.writeUInt8(r, 64); buf.writeUInt8(255, 65);
  return buf;
}
