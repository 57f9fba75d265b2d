// RTSP probe: OPTIONS then DESCRIBE (no credentials, ever), to the target only. The Server header and
// the WWW-Authenticate realm of the 401 are strong maker clues (e.g. "Dahua Rtsp Server", realm
// "IP Camera(C2183)"); a device that answers DESCRIBE without credentials sends its session description
// (SDP), whose s=, i=, o=, a=tool and a=control lines name the streaming stack (src/protocols/sdp.ts
// reads them). The answer is bounded (SDP_KEEP bytes kept, the per-response byte cap and deadline of
// the scan), and nothing it names (Content-Base, control URLs on other hosts) is ever followed.
import type { HostError, RtspObservation } from '../model/types.js';
import { bodyText } from '../protocols/html.js';
import { parseResponse, responseComplete } from '../protocols/response.js';
import { cleanText } from '../util/sanitize.js';
import { coded } from '../model/status.js';
import type { Session } from '../model/net.js';
import { openSession } from './session.js';
import type { Probe, ProbeContext, ProbeResult, ProbeTarget } from './types.js';

export const RTSP_PORTS = [554, 8554, 10554] as const;
/** The most of a DESCRIBE answer's body (the SDP) that is read and kept. */
export const SDP_KEEP = 8192;
/** The most bytes read of one RTSP answer (headers and SDP). */
export const RTSP_MAX_BYTES = 65536;

export function buildRtspRequest(method: 'OPTIONS' | 'DESCRIBE', t: ProbeTarget, cseq: number, ua: string): string {
  const host = t.ip.includes(':') ? `[${t.ip}]` : t.ip;
  const lines = [`${method} rtsp://${host}:${t.port}/ RTSP/1.0`, `CSeq: ${cseq}`, `User-Agent: ${ua}`];
  if (method === 'DESCRIBE') lines.push('Accept: application/sdp');
  return lines.join('\r\n') + '\r\n\r\n';
}

async function one(t: ProbeTarget, ctx: ProbeContext, s: Session, method: 'OPTIONS' | 'DESCRIBE', cseq: number): Promise<RtspObservation | HostError> {
  const r = await s.request({
    request: buildRtspRequest(method, t, cseq, ctx.userAgent),
    timeoutMs: ctx.timeoutMs, maxBytes: Math.min(ctx.maxBytes, RTSP_MAX_BYTES), isComplete: (b) => responseComplete(b),
  });
  const p = parseResponse(r.data);
  if (!p || !p.protocol.startsWith('RTSP')) {
    return { stage: 'rtsp', port: t.port, ...coded(r.end === 'timeout' ? 'ETIMEDOUT' : r.code ?? (r.data.length ? 'PROTOCOL' : 'EMPTY'), r.connected), message: `${method}: ${r.data.length ? 'not an RTSP response' : `no response (${r.end})`}` };
  }
  if (r.end !== 'complete') s.reset();
  const o: RtspObservation = { port: t.port, method, status: p.status, headers: p.headers };
  // Only a DESCRIBE answer carries a description worth keeping (an error body is not one).
  if (method === 'DESCRIBE' && p.body.length) {
    const body = cleanText(bodyText(p.body.subarray(0, SDP_KEEP)), SDP_KEEP);
    if (body.trim()) o.body = body;
  }
  return o;
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
