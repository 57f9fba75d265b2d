// A UdpApi for tests that need discovery to believe it has a multicast interface while nothing leaves
// loopback: sockets that would bind 0.0.0.0 bind `listen` (a loopback address) instead, no multicast
// group is joined and no outgoing multicast interface is set, and a send to anything outside
// 127.0.0.0/8 (the multicast groups) is recorded and dropped before it reaches the OS. Announcements
// the test sends by unicast to `listen`'s well-known ports arrive as a group's would.
import type { UdpApi, UdpSocket, UdpSocketOptions } from '../../src/discovery/types.js';

export interface LoopbackUdp extends UdpApi {
  opened: UdpSocketOptions[];
  /** Sends dropped because they were not to loopback (multicast rounds). */
  dropped: Array<{ port: number; address: string }>;
}

export function loopbackUdp(inner: UdpApi, listen: string): LoopbackUdp {
  if (!listen.startsWith('127.')) throw new Error(`test safety: ${listen} is not loopback`);
  const opened: UdpSocketOptions[] = [];
  const dropped: LoopbackUdp['dropped'] = [];
  return {
    opened, dropped,
    async open(opts, signal) {
      opened.push(opts);
      if (opts.family === 'udp6') throw Object.assign(new Error('test: no IPv6 here'), { code: 'EAFNOSUPPORT' });
      const { join: _join, multicastInterface: _mif, ...rest } = opts;
      const s = await inner.open({ ...rest, bindAddress: !opts.bindAddress || opts.bindAddress === '0.0.0.0' ? listen : opts.bindAddress }, signal);
      const wrapped: UdpSocket = {
        get localPort() { return s.localPort; },
        warnings: s.warnings,
        onMessage: (fn) => s.onMessage(fn),
        close: () => s.close(),
        send: async (data, port, address) => {
          if (!address.startsWith('127.')) { dropped.push({ port, address }); return; }
          await s.send(data, port, address);
        },
      };
      return wrapped;
    },
  };
}
