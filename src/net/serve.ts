// The listening side, for the simulated lab's devices (demo, lab, tests): TCP, TLS and UDP servers.
// With tcp.ts and udp.ts, the only code that opens sockets; the lab's responders get them from here.
import dgram from 'node:dgram';
import net from 'node:net';
import tls from 'node:tls';

export type { Server as TcpServer, Socket as TcpSocket } from 'node:net';
export type { Server as TlsServer, TlsOptions } from 'node:tls';
export type { RemoteInfo, Socket as UdpServerSocket } from 'node:dgram';

export function tcpServer(onConnection: (s: net.Socket) => void): net.Server {
  return net.createServer(onConnection);
}

export function tlsServer(options: tls.TlsOptions, onConnection: (s: tls.TLSSocket) => void): tls.Server {
  return tls.createServer(options, onConnection);
}

/** An unbound UDP socket (SO_REUSEADDR; udp6 ones IPv6-only). */
export function udpSocket(family: 'udp4' | 'udp6'): dgram.Socket {
  return family === 'udp6' ? dgram.createSocket({ type: 'udp6', reuseAddr: true, ipv6Only: true }) : dgram.createSocket({ type: 'udp4', reuseAddr: true });
}
