// The simulated devices of the built-in lab (`camsweep demo`, `camsweep lab`, the test suite). They are
// data: src/data/lab/personas.yaml (each response with the public source it copies); this module reads
// that file (through src/data/load.ts) and makes each route a responder with the engine
// (src/lab/engine.ts). Persona i lives at <subnet>.(10+i), in file order: do not reorder.
import { labPersonaData } from '../data/load.js';
import { handler, HANDLERS, render, type HandlerName, type ResponseSpec, type RouteSpec } from './engine.js';
import type { Bytes, LabRequest, Responder } from './wire.js';

export type { Bytes, LabRequest, Responder } from './wire.js';

export const PORT_PROTOCOLS = ['http', 'https', 'rtsp', 'tcp-banner', 'tcp-open'] as const;
export type PortProtocol = (typeof PORT_PROTOCOLS)[number];

/** Names of the lab's TLS identities (made at start-up by src/lab/x509.ts). */
export const CERT_NAMES = ['hikvision', 'dahua', 'axis', 'bosch', 'hp'] as const;
export type CertName = (typeof CERT_NAMES)[number];

export interface PortSpec {
  /** Standard port number the real device uses (mapped to an unprivileged one unless realPorts). */
  port: number;
  protocol: PortProtocol;
  /**
   * http/https: "METHOD /path" (path without query, or the full target with query) → response.
   * "* /path" matches any method; HEAD falls back to GET without the body.
   * rtsp: "METHOD" (e.g. "OPTIONS", "DESCRIBE") or "*" → response. Build RTSP replies with rtspResponse
   * so CSeq is echoed.
   */
  routes?: Record<string, Responder>;
  /** Reply when no route matches (default: a bare 404 / RTSP 404). */
  fallback?: Responder;
  /** https: certificate to present. */
  cert?: CertName;
  /** tcp-banner: bytes sent as soon as the connection opens. */
  banner?: Bytes;
  /** tcp-banner: bytes sent after the client's first data (then the server closes). */
  reply?: Bytes;
  /** Where the behaviour of this port comes from. */
  source?: string;
}

/**
 * Discovery answers, for the discovery simulators (ONVIF, SSDP, SADP, DHIP, mDNS). Pure data.
 * Conventions: an empty address field (SADP IPv4Address, DHIP IPv4Address.IPAddress) means "fill in the
 * device's lab IP"; ports are the standard numbers (map them with mapPort(); the lab records the result
 * in LabDevice.ports); paths (xaddrPath, locationPath) are served by the persona's HTTP port.
 */
export interface PersonaDiscovery {
  onvif?: {
    manufacturer: string;
    model: string;
    firmware: string;
    serial: string;
    hardware: string;
    /** Full scope URIs as the device lists them in ProbeMatch/Hello. */
    scopes: string[];
    types: string[];
    /** Stable endpoint reference (urn:uuid:…). */
    endpoint: string;
    /** Path of the device service on the device's HTTP port: xaddr = http://<ip>:<http port><path>. */
    xaddrPath: string;
    /** Whether GetDeviceInformation is answered without credentials (most firmware: no). */
    deviceInfoPreAuth?: boolean;
    /** The device's ONVIF user (synthetic): GetDeviceInformation is answered when it is presented. */
    credentials?: { username: string; password: string };
    /** How the ONVIF user may authenticate: WS-UsernameToken or HTTP Digest ('both', the default), or HTTP Digest only. */
    auth?: 'both' | 'digest';
    /** Device clock minus true UTC, in seconds (cheap cameras drift; WS-UsernameToken must use the device clock). */
    clockSkewS?: number;
  };
  /** Hikvision SADP ProbeMatch fields (PEERS §3.1), tag → text, in wire order. */
  sadp?: Record<string, string>;
  /** Dahua DHIP client.notifyDevInfo: top-level mac + params.deviceInfo (PEERS §3.2). */
  dhip?: { mac: string; deviceInfo: Record<string, unknown> };
  /** Ubiquiti discovery answer (UDP 10001): the MAC and the text TLVs (antoine-lombardo/unifi-cam-proxy adoption-flow.md). */
  ubnt?: { mac: string; hostname?: string; platform?: string; model?: string; firmware?: string };
  /** TP-Link discovery answer (UDP 20002): the `result` object's fields (python-kasa tests/fixtures discovery_result). */
  tdp?: { mac: string; device_type: string; device_model: string; hw_ver?: string; firmware_version?: string };
  /** SSDP answer + UPnP description fields (PEERS §4.2). */
  upnp?: {
    server: string;
    st: string;
    usn: string;
    /** Path of the description XML on the device's HTTP port. */
    locationPath: string;
    deviceType: string;
    friendlyName: string;
    manufacturer: string;
    manufacturerURL?: string;
    modelName: string;
    modelNumber?: string;
    modelDescription?: string;
    serialNumber?: string;
    udn: string;
  };
  /** mDNS / DNS-SD services (PEERS §4.3). Port is the standard port. */
  mdns?: Array<{ instance: string; type: string; port: number; txt?: Record<string, string> }>;
}

export interface Persona {
  /** Stable id, used by `only` and in test names. */
  name: string;
  /** What a human sees (the product as labelled). */
  label: string;
  /** Synthetic MAC (vendor OUI + made-up NIC part); visible only through discovery payloads. */
  mac?: string;
  ports: PortSpec[];
  discovery?: PersonaDiscovery;
  /** Free text shown by `camsweep lab`. */
  notes?: string;
}

interface PortData extends Omit<PortSpec, 'routes' | 'fallback' | 'banner' | 'reply'> {
  routes?: Record<string, RouteSpec>;
  fallback?: RouteSpec;
  banner_hex?: string;
  reply_hex?: string;
}
interface PersonaData extends Omit<Persona, 'ports'> { vars?: Record<string, string>; data?: Record<string, unknown>; ports: PortData[] }
interface PersonaFile { templates?: Record<string, ResponseSpec>; personas: PersonaData[] }

function responder(route: RouteSpec, p: PersonaData, templates: Record<string, ResponseSpec>, rtsp: boolean, where: string): Responder {
  const vars = { ...(p.vars ?? {}), ...((route as { vars?: Record<string, string> }).vars ?? {}) };
  if ('handler' in route) {
    if (!(HANDLERS as readonly string[]).includes(route.handler)) throw new Error(`lab: ${where}: unknown handler ${route.handler}`);
    return handler(route.handler as HandlerName, { persona: p.name, onvif: p.discovery?.onvif, upnp: p.discovery?.upnp, vars, data: p.data ?? {} });
  }
  let spec: ResponseSpec;
  if ('use' in route) {
    const t = templates[route.use];
    if (!t) throw new Error(`lab: ${where}: unknown template ${route.use}`);
    spec = t;
  } else spec = route;
  return (req: LabRequest) => render(spec, vars, req, rtsp);
}

function build(file: PersonaFile): Persona[] {
  const templates = file.templates ?? {};
  return file.personas.map((p) => ({
    name: p.name, label: p.label, ...(p.mac ? { mac: p.mac } : {}), ...(p.discovery ? { discovery: p.discovery } : {}), ...(p.notes ? { notes: p.notes } : {}),
    ports: p.ports.map((port): PortSpec => {
      const rtsp = port.protocol === 'rtsp';
      const where = `${p.name} ${port.protocol}/${port.port}`;
      if (!(PORT_PROTOCOLS as readonly string[]).includes(port.protocol)) throw new Error(`lab: ${where}: unknown protocol`);
      if (port.cert !== undefined && !(CERT_NAMES as readonly string[]).includes(port.cert)) throw new Error(`lab: ${where}: unknown certificate ${port.cert}`);
      return {
        port: port.port, protocol: port.protocol, ...(port.cert ? { cert: port.cert } : {}), ...(port.source ? { source: port.source } : {}),
        ...(port.routes ? { routes: Object.fromEntries(Object.entries(port.routes).map(([k, r]) => [k, responder(r, p, templates, rtsp, `${where} ${k}`)])) } : {}),
        ...(port.fallback ? { fallback: responder(port.fallback, p, templates, rtsp, `${where} fallback`) } : {}),
        ...(port.banner_hex !== undefined ? { banner: Buffer.from(port.banner_hex, 'hex') } : {}),
        ...(port.reply_hex !== undefined ? { reply: Buffer.from(port.reply_hex, 'hex') } : {}),
      };
    }),
  }));
}

/** All personas, in a fixed order: persona i lives at <subnet>.(10+i). Do not reorder (IPs are part of the contract). */
export const PERSONAS: readonly Persona[] = build(labPersonaData() as PersonaFile);

export function getPersona(name: string): Persona | undefined {
  return PERSONAS.find((p) => p.name === name);
}
