// RTSP probe: OPTIONS then DESCRIBE (no credentials). The Server header and the WWW-Authenticate
// realm of the 401 are strong maker clues (e.g. "Dahua Rtsp Server", realm "IP Camera(C2183)").
import type { HostError, RtspObservation } from '../model/types.js';
import { parseResponse, responseComplete } from '../protocols/response.js';
import { coded } from '../model/status.js';
import type { Probe, ProbeContext, ProbeResult, ProbeTarget } from './types.js';

export const RTSP_PORTS = [554, 8554, 10554] as const;

export function buildRtspRequest(method: 'OPTIONS' | 'DESCRIBE', t: ProbeTarget, cseq: number, ua: string): string {
  const host = t.ip.includes(':') ? `[${t.ip}]` : t.ip;
  const lines = [`${method} rtsp://${host}:${t.port}/ RTSP/1.0`, `CSeq: ${cseq}`, `User-Agent: ${ua}`];
  if (method === 'DESCRIBE') lines.push('Accept: application/sdp');
  return lines.join('\r\n') + '\r\n\r\n';
}

async function one(t: ProbeTarget, ctx: ProbeContext, method: 'OPTIONS' | 'DESCRIBE', cseq: number): Promise<RtspObservation | HostError> {
  const r = await ctx.net.exchange({
    host: t.ip, port: t.port, request: buildRtspRequest(method, t, cseq, ctx.userAgent),
    timeoutMs: ctx.timeoutMs, maxBytes: Math.min(ctx.maxBytes, 65536), signal: ctx.signal, isComplete: (b) => responseComplete(b),
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
    const o = await one(t, ctx, 'OPTIONS', 1);
    if ('stage' in o) { errors.push(o); return { record: {}, errors }; }
    rtsp.push(o);
    if (!ctx.signal.aborted) {
      const d = await one(t, ctx, 'DESCRIBE', 2);
      if ('stage' in d) errors.push(d); else rtsp.push(d);
    }
    return { record: { rtsp }, errors };
  },
};
