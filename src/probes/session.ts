// A session to one port for a probe: the network edge's own (kept connections) when it has one,
// otherwise one exchange per request (a NetApi written for a test, or a plain `exchange`).
import type { NetApi, Session, SessionOptions } from '../model/net.js';

export function openSession(net: NetApi, o: SessionOptions): Session {
  if (net.session) return net.session(o);
  let connections = 0;
  let closed = false;
  return {
    get connections() { return connections; },
    async request(r) {
      if (closed || o.signal?.aborted) return { data: Buffer.alloc(0), end: 'aborted', code: 'ABORTED', ms: 0 };
      await o.beforeConnect?.();
      connections++;
      return net.exchange({ host: o.host, port: o.port, tls: o.tls, servername: o.servername, signal: o.signal, ...r });
    },
    reset() {},
    close() { closed = true; },
  };
}
