// The discovery-module interface. Each protocol (ONVIF WS-Discovery, SSDP/UPnP, mDNS/DNS-SD, Hikvision
// SADP, Dahua DHIP) is one module behind this interface; codecs live in src/protocols/ (pure), sockets
// come from ctx.udp / ctx.http (src/net/). The scan core knows modules only through the registry
// (src/discovery/index.ts).
import type { ObservationRecord } from '../model/types.js';
import type { HttpApi, NetIface, UdpApi } from '../model/net.js';

// The socket facades discovery modules are given (defined below both src/net and src/discovery).
export type { HttpApi, HttpFetchError, HttpFetchResult, NetIface, UdpApi, UdpMessage, UdpSocket, UdpSocketOptions } from '../model/net.js';

export const DISCOVERY_NAMES = ['onvif', 'ssdp', 'mdns', 'sadp', 'dhip', 'ubnt', 'tdp'] as const;
export type DiscoveryName = (typeof DISCOVERY_NAMES)[number];

export interface Credential { username: string; password: string }

/** Addresses as a list (duplicates possible), or a set of distinct ones that is iterated, never copied. */
export type TargetList = readonly string[] | (Iterable<string> & { readonly size: number });

export interface DiscoveryContext {
  signal: AbortSignal;
  /** How long to listen after the last send (and, in passive mode, in total). */
  listenMs: number;
  /** Interfaces to send multicast on and listen on; empty = no multicast. */
  interfaces: NetIface[];
  /**
   * Hosts to probe by unicast (routed subnets, VLANs, and loopback labs): a list, or a set of distinct
   * addresses iterated lazily (the scan's targets: no per-address copy in any module).
   */
  unicastTargets: TargetList;
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
