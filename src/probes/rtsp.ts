// RTSP probe: OPTIONS then DESCRIBE (no credentials). The Server header and the WWW-Authenticate
// realm of the 401 are strong maker clues (e.g. "Dahua Rtsp Server", realm "IP Camera(C2183)").
import type { HostError, RtspObservation } from '../model/types.js';
import { parseResponse, responseComplete } from '../protocols/response.js';
import { coded } from '../model/status.js';
import type { Session } from '../model/net.js';
import { openSession } from './session.js';
import type { Probe, ProbeContext, ProbeResult, ProbeTarget } from './types.js';

export const RTSP_PORTS = [554, 8554, 10554] as const;

export function buildRtspRequest(method: 'OPTIONS' | 'DESCRIBE', t: ProbeTarget, cseq: number, ua: string): string {
  const host = t.ip.includes(':') ? `[${t.ip}]` : t.ip;
  const lines = [`${method} rtsp://${host}:${t.port}/ RTSP/1.0`, `CSeq: ${cseq}`, `User-Agent: ${ua}`];
  if (method === 'DESCRIBE') lines.push('Accept: application/sdp');
  return lines.join('\r\n') + '\r\n\r\n';
}

async function one(t: ProbeTarget, ctx: ProbeContext, s: Session, method: 'OPTIONS' | 'DESCRIBE', cseq: number): Promise<RtspObservation | HostError> {
  const r = await s.request({
    request: buildRtspRequest(method, t, cseq, ctx.userAgent),
    timeoutMs: ctx.timeoutMs, maxBytes: Math.min(ctx.maxBytes, 65536), isComplete: (b) => responseComplete(b),
  });
  const p = parseResponse(r.data);
  if (!p || !p.protocol.startsWith('RTSP')) {
    return { stage: 'rtsp', port: t.port, ...coded(r.end === 'timeout' ? 'ETIMEDOUT' : r.code ?? (r.data.length ? 'PROTOCOL' : 'EMPTY'), r.connected), message: `${method}: ${r.data.length ? 'not an RTSP response' : `no response (${r.end})`}` };
  }
  return { port: t.port, method, status: p.status, headers: p.headers };
}

export const rtspProbe: Probe = {
  name: 'rtsp',
  description: 'RTSP OPTIONS and DESCRIBE banners and realm',
  ports: RTSP_PORTS,
  async run(t, ctx): Promise<ProbeResult> {
    const rtsp: RtspObservation[] = [];
    const errors: HostError[] = [];
    // RTSP connections are persistent (RFC 2326 §1.1): both requests go over one where the server allows.
    const s = openSession(ctx.net, { host: t.ip, port: t.port, signal: ctx.signal });
    try {
      const o = await one(t, ctx, s, 'OPTIONS', 1);
      if ('stage' in o) { errors.push(o); return { record: {}, errors }; }
      rtsp.push(o);
      if (!ctx.signal.aborted) {
        const d = await one(t, ctx, s, 'DESCRIBE', 2);
        if ('stage' in d) errors.push(d); else rtsp.push(d);
      }
      return { record: { rtsp }, errors };
    } finally { s.close(); }
  },
};
