// HTTP/1.1 requests as camsweep sends them (the HTTP probe, discovery follow-ups). Pure: one builder.

/** The Host header value: IPv6 literals bracketed; the port left out when `omitPort` says it is the default. */
export function hostHeader(host: string, port: number, omitPort: boolean): string {
  return (host.includes(':') ? `[${host}]` : host) + (omitPort ? '' : `:${port}`);
}

/**
 * One request: the request line, the headers in order (later ones with the same name replace earlier
 * ones, in place), then Content-Type and Content-Length when there is a body, and the body.
 */
export function buildHttpRequest(o: { method: string; path: string; headers: Array<[string, string]>; body?: string | Buffer; contentType?: string }): Buffer {
  const headers: Array<[string, string]> = [];
  for (const [k, v] of o.headers) {
    const i = headers.findIndex(([n]) => n.toLowerCase() === k.toLowerCase());
    if (i >= 0) headers[i] = [k, v]; else headers.push([k, v]);
  }
  const body = o.body === undefined ? undefined : typeof o.body === 'string' ? Buffer.from(o.body, 'utf8') : o.body;
  if (body) headers.push(['Content-Type', o.contentType ?? 'application/octet-stream'], ['Content-Length', String(body.length)]);
  const head = `${o.method} ${o.path} HTTP/1.1\r\n` + headers.map(([k, v]) => `${k}: ${v}`).join('\r\n') + '\r\n\r\n';
  return body ? Buffer.concat([Buffer.from(head, 'latin1'), body]) : Buffer.from(head, 'latin1');
}
