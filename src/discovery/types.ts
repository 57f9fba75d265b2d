// The discovery-module interface. Each protocol (ONVIF WS-Discovery, SSDP/UPnP, mDNS/DNS-SD, Hikvision
// SADP, Dahua DHIP) is one module behind this interface; codecs live in src/protocols/ (pure), sockets
// come from ctx.udp / ctx.http (src/net/). The scan core knows modules only through the registry
// (src/discovery/index.ts).
import type { ObservationRecord } from '../types.js';

export type DiscoveryName = 'onvif' | 'ssdp' | 'mdns' | 'sadp' | 'dhip';
export const DISCOVERY_NAMES: readonly DiscoveryName[] = ['onvif', 'ssdp', 'mdns', 'sadp', 'dhip'];

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

export interface Credential { username: string; password: string }

export interface DiscoveryContext {
  signal: AbortSignal;
  /** How long to listen after the last send (and, in passive mode, in total). */
  listenMs: number;
  /** Interfaces to send multicast on and listen on; empty = no multicast. */
  interfaces: NetIface[];
  /** Hosts to probe by unicast (routed subnets, VLANs, and loopback labs). */
  unicastTargets: string[];
  /**
   * May follow-up traffic (description fetches, SOAP calls, mDNS follow-up queries, credentials) go to
   * this address? True only for the scan's targets (and never a public one without --allow-public):
   * a device that answers from elsewhere is reported as seen, not probed.
   */
  inScope(ip: string): boolean;
  /** A local resource error (EMFILE, ENOBUFS, …) that discovery could not get past: the scan could not see. */
  onLocalError?(what: string, code: string): void;
  /** Send nothing: only listen for announcements (ONVIF Hello/Bye, SSDP NOTIFY, mDNS, vendor). */
  passive: boolean;
  udp: UdpApi;
  http: HttpApi;
  /** Waits for a send token (the scan's --rate). */
  rate(): Promise<void>;
  /** Per-request deadline for follow-up HTTP/SOAP calls. */
  timeoutMs: number;
  maxBytes: number;
  userAgent: string;
  credentials: Credential[];
  log(msg: string): void;
}

/** One device as one protocol saw it. Merged into devices by MAC, then serial, then endpoint, then IP. */
export interface Sighting {
  protocol: DiscoveryName;
  /** The address that answered: IPv4, or IPv6 (link-local with its zone, e.g. fe80::1%eth0). */
  ip: string;
  /** From a protocol field, or from the EUI-64 interface id of an IPv6 source address. */
  mac?: string;
  /** Where `mac` came from when it is not the protocol's own payload (e.g. "eui64"). */
  macFrom?: string;
  /** Other addresses the device itself says are its own (mDNS A/AAAA records of its host name, listing `ip`). */
  aliases?: string[];
  serial?: string;
  /** ONVIF endpoint reference or UPnP UDN. */
  endpoint?: string;
  /** Observation fragment: onvif / upnp / mdns / sadp / dhip (and tls/http when a follow-up call was made). */
  record: Partial<ObservationRecord>;
  /** ISO time it was seen. */
  at: string;
}

export interface DiscoveryModule {
  name: DiscoveryName;
  description: string;
  run(ctx: DiscoveryContext, emit: (s: Sighting) => void): Promise<void>;
}
