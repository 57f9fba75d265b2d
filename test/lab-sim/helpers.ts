// Plain node:net / node:tls clients for the lab tests (loopback only).
import net from 'node:net';
import tls from 'node:tls';

export interface RawReply { data: Buffer; text: string }

/** Connect, optionally write, collect until the peer closes (or timeout). */
export function exchange(ip: string, port: number, send?: string | Buffer, opts: { timeoutMs?: number; untilBytes?: number; until?: (buf: Buffer) => boolean } = {}): Promise<RawReply> {
  if (!ip.startsWith('127.')) throw new Error('tests talk to loopback only');
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const s = net.connect({ host: ip, port });
    const done = () => { clearTimeout(t); s.destroy(); const data = Buffer.concat(chunks); resolve({ data, text: data.toString('latin1') }); };
    const t = setTimeout(done, opts.timeoutMs ?? 3000);
    s.on('connect', () => { if (send !== undefined) s.write(send); });
    s.on('data', (c: Buffer) => {
      chunks.push(c);
      const all = Buffer.concat(chunks);
      if ((opts.untilBytes && all.length >= opts.untilBytes) || opts.until?.(all)) done();
    });
    s.on('end', done);
    s.on('close', done);
    s.on('error', (e) => { clearTimeout(t); reject(e); });
  });
}

/** TLS connect (no verification: lab certs are self-signed), write, collect; also returns the peer certificate. */
export function tlsExchange(ip: string, port: number, send: string): Promise<RawReply & { cert: tls.DetailedPeerCertificate; chainLength: number }> {
  if (!ip.startsWith('127.')) throw new Error('tests talk to loopback only');
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const s = tls.connect({ host: ip, port, rejectUnauthorized: false, servername: undefined });
    let cert: tls.DetailedPeerCertificate | undefined;
    let chainLength = 0;
    const done = () => {
      clearTimeout(t); s.destroy();
      const data = Buffer.concat(chunks);
      if (!cert) return reject(new Error('no certificate'));
      resolve({ data, text: data.toString('latin1'), cert, chainLength });
    };
    const t = setTimeout(done, 4000);
    s.on('secureConnect', () => {
      cert = s.getPeerCertificate(true);
      let c: tls.DetailedPeerCertificate | undefined = cert; const seen = new Set<string>();
      while (c && c.fingerprint256 && !seen.has(c.fingerprint256)) { seen.add(c.fingerprint256); chainLength++; c = c.issuerCertificate; }
      s.write(send);
    });
    s.on('data', (c: Buffer) => chunks.push(c));
    s.on('end', done);
    s.on('close', done);
    s.on('error', (e) => { clearTimeout(t); reject(e); });
  });
}

/** Split a raw HTTP/RTSP response into status line, ordered raw header lines and body. */
export function splitResponse(data: Buffer): { status: string; headerLines: string[]; body: Buffer } {
  const i = data.indexOf('\r\n\r\n');
  const head = (i < 0 ? data : data.subarray(0, i)).toString('latin1').split('\r\n');
  return { status: head[0] ?? '', headerLines: head.slice(1), body: i < 0 ? Buffer.alloc(0) : data.subarray(i + 4) };
}

export function headerValues(lines: string[], name: string): string[] {
  const n = name.toLowerCase();
  return lines.filter((l) => l.slice(0, l.indexOf(':')).trim().toLowerCase() === n).map((l) => l.slice(l.indexOf(':') + 1).trim());
}

export function get(path: string, extra = ''): string {
  return `GET ${path} HTTP/1.1\r\nHost: lab\r\nUser-Agent: camsweep-test\r\nConnection: close\r\n${extra}\r\n`;
}

/** For RTSP (connection stays open): stop once `n` complete replies (header blocks) have arrived. */
export function replies(n: number): (buf: Buffer) => boolean {
  return (buf) => buf.toString('latin1').split('\r\n\r\n').length - 1 >= n;
}
