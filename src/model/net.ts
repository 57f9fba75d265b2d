// The socket facades, as types: what src/net implements and what probes, discovery and the scan are
// handed. Defined here, below both, so neither imports the other for them. Pure types.

export const PORT_STATES = ['open', 'closed', 'filtered', 'error'] as const;
export type PortState = (typeof PORT_STATES)[number];

export interface ConnectResult {
  state: PortState; code?: string; ms: number;
  /**
   * The event loop never waited for I/O between the connect and its verdict (it was busy throughout):
   * `ms` then says how long the loop took to get to the answer, not how long the network took.
   */
  busy?: true;
}

export interface PeerCert { subject?: string; issuer?: string; not_before?: string; not_after?: string; fingerprint256?: string }

export interface ExchangeResult {
  data: Buffer;
  /** Why reading stopped: complete, closed (peer closed), cap (maxBytes), timeout, error. */
  end: 'complete' | 'closed' | 'cap' | 'timeout' | 'error' | 'aborted';
  code?: string;
  cert?: PeerCert;
  tlsVersion?: string;
  /** The connection (and TLS handshake) was made: a timeout after it is an io-timeout. */
  connected?: boolean;
  ms: number;
}

export interface ExchangeOptions {
  host: string;
  port: number;
  tls?: boolean;
  servername?: string;
  request: Buffer | string;
  timeoutMs: number;
  maxBytes: number;
  signal?: AbortSignal;
  isComplete?: (data: Buffer) => boolean;
}

/** Where a session connects: one host and port, over TCP or TLS. */
export interface SessionOptions {
  host: string;
  port: number;
  tls?: boolean;
  servername?: string;
  signal?: AbortSignal;
  /** Called before every new connection the session opens (the scan's --rate counts connections). */
  beforeConnect?: () => Promise<void>;
}

/** One request of a session: the request bytes and how to tell the response is whole. */
export interface SessionRequest {
  request: Buffer | string;
  timeoutMs: number;
  maxBytes: number;
  isComplete?: (data: Buffer) => boolean;
}

/**
 * Several requests to one port over as few connections as the peer allows (HTTP keep-alive, RTSP):
 * one request at a time; a connection the peer closed is replaced before the next request, and a
 * request that met a connection closed before it answered is sent once more on a fresh one.
 */
export interface Session {
  request(r: SessionRequest): Promise<ExchangeResult>;
  /** Close the current connection (the response said `Connection: close`): the next request opens a new one. */
  reset(): void;
  close(): void;
  /** Connections opened so far. */
  readonly connections: number;
}

/** The TCP edge as the probes and the sweep see it (src/net/tcp.ts implements it). */
export interface NetApi {
  exchange(o: ExchangeOptions): Promise<ExchangeResult>;
  /** Optional: without it, a session is one exchange per request (src/probes/session.ts). */
  session?(o: SessionOptions): Session;
  /** `current`, when given, is the deadline as it is now (it may shrink while the connect waits: the sweep's adaptive timeout). */
  connectCheck(host: string, port: number, timeoutMs: number, signal?: AbortSignal, current?: () => number): Promise<ConnectResult>;
}

export interface NetIface {
  name: string;
  address: string;
  netmask: string;
  cidr: string;
  mac?: string;
  /** Has the MULTICAST flag and is up (from /sys/class/net/<name>/flags where available). */
  multicast: boolean;
  /** The interface's IPv6 link-local address (fe80::…, no scope) when IPv6 is up on it. */
  ipv6LinkLocal?: string;
  /** IPv6 zone of the interface: its name (Linux, macOS) or its index (Windows), as in `ff02::c%<scopeId>`. */
  scopeId?: string;
}

export interface UdpMessage { data: Buffer; address: string; port: number }

export interface UdpSocketOptions {
  /** Address family (default: udp6 when bindAddress is an IPv6 address, else udp4). udp6 sockets are IPv6-only. */
  family?: 'udp4' | 'udp6';
  /** Local address to bind (default 0.0.0.0, or :: for udp6). */
  bindAddress?: string;
  /** Local port (default 0 = ephemeral). */
  port?: number;
  reuseAddr?: boolean;
  /** Outgoing multicast interface address (IPv4), or `::%<scope>` for udp6. */
  multicastInterface?: string;
  /** Multicast groups to join, each on an interface address (IPv4) or `::%<scope>` (udp6). */
  join?: Array<{ group: string; iface?: string }>;
  ttl?: number;
  /** Receive buffer (a busy LAN answering at once overflows the default). */
  recvBufferSize?: number;
  /** Largest datagram kept (bigger ones are dropped). */
  maxDatagram?: number;
}

export interface UdpSocket {
  /** Resolves when sent (or rejects with the OS error); never sends in passive mode. */
  send(data: Buffer, port: number, address: string): Promise<void>;
  onMessage(fn: (m: UdpMessage) => void): void;
  readonly localPort: number;
  /** Non-fatal problems met while opening (e.g. a multicast group that could not be joined on one interface). */
  readonly warnings?: readonly string[];
  close(): void;
}

export interface UdpApi {
  open(opts: UdpSocketOptions, signal: AbortSignal): Promise<UdpSocket>;
}

export interface HttpFetchResult { status: number; headers: Record<string, string | string[]>; body: Buffer }

/** A failed fetch; `code` is the socket error when there was one (ECONNREFUSED, ETIMEDOUT, EMFILE, …). */
export interface HttpFetchError { error: string; code?: string }

export interface HttpApi {
  /** One bounded request to a URL whose host must be `allowHost` (SSRF guard); never throws. */
  fetch(url: string, o: { method?: 'GET' | 'POST'; body?: string; contentType?: string; headers?: Record<string, string>; allowHost: string; timeoutMs: number; maxBytes: number; signal: AbortSignal }): Promise<HttpFetchResult | HttpFetchError>;
}
