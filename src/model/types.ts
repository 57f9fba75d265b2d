// The data model shared by every part of camsweep. Pure types, no I/O.
//
// Flow: targets -> probes/discovery (edges, sockets) -> ObservationRecord per device
//       -> fingerprint engine (pure) -> Identification -> policy engine (pure) -> Verdict
//       -> report renderers (pure).
import type { ModuleResult, Status } from './status.js';

/** Version of the observation-record and scan-report formats. Bump on a breaking change. */
export const SCHEMA_VERSION = '1.1';

export type Headers = Record<string, string | string[]>;

export interface HttpObservation {
  port: number;
  tls?: boolean;
  /** Request path that produced this answer ("/" for the index page, or a vendor path). */
  path?: string;
  status?: number;
  /** Lower-case header names; a header that repeats is an array. */
  headers?: Headers;
  title?: string;
  /** First bytes of the body (bounded), control characters removed. */
  body?: string;
  favicon_md5?: string;
  favicon_mmh3?: number;
}

export interface TlsObservation {
  port: number;
  subject?: string;
  issuer?: string;
  version?: string;
  not_before?: string;
  not_after?: string;
  fingerprint256?: string;
}

export interface RtspObservation {
  port: number;
  method?: string;
  status?: number;
  headers?: Headers;
  /** First bytes of the body (a DESCRIBE answer's SDP: session name `s=`, tool `a=tool`), control characters removed. */
  body?: string;
}

export interface OnvifObservation {
  manufacturer?: string;
  model?: string;
  firmware?: string;
  serial?: string;
  hardware?: string;
  scopes?: string[];
  xaddrs?: string[];
  endpoint?: string;
  types?: string[];
  clock_skew_s?: number;
}

export interface UpnpObservation {
  server?: string;
  location?: string;
  usn?: string;
  st?: string;
  manufacturer?: string;
  manufacturerURL?: string;
  modelName?: string;
  modelNumber?: string;
  modelDescription?: string;
  friendlyName?: string;
  serialNumber?: string;
  deviceType?: string;
  udn?: string;
}

export interface MdnsObservation {
  instance?: string;
  type?: string;
  host?: string;
  port?: number;
  txt?: Record<string, string>;
}

/** Free-form vendor discovery answers (SADP, DHIP): key -> string value. */
export type VendorDiscoveryObservation = Record<string, string | number | boolean | undefined>;

/**
 * One device as seen on the wire. This is the single interchange format: `scan --format json`
 * embeds one per device and `identify` reads them back. Only `ip` is required.
 */
export interface ObservationRecord {
  ip: string;
  mac?: string;
  /** Which protocol or table gave the MAC: sadp, dhip, onvif, mdns, ssdp, arp (neighbour table), eui64 (IPv6 address). */
  mac_from?: string;
  hostname?: string;
  /** Other addresses the same physical device answered from. */
  addresses?: string[];
  open_ports?: number[];
  http?: HttpObservation[];
  tls?: TlsObservation[];
  rtsp?: RtspObservation[];
  onvif?: OnvifObservation;
  upnp?: UpnpObservation;
  mdns?: MdnsObservation[];
  sadp?: VendorDiscoveryObservation;
  dhip?: VendorDiscoveryObservation;
  /** Which protocols/probes saw this device (e.g. "tcp", "http", "onvif", "sadp"). */
  seen_by?: string[];
  /** Free-form annotations (e.g. an ID for a labelled corpus record). */
  [extra: `x_${string}`]: unknown;
}

/** A value read out of an observation record, with the path it came from. */
export interface FieldValue {
  /** Canonical field name a rule reads, e.g. "http.header.server". */
  field: string;
  value: string;
  /** Where exactly it came from, e.g. "http:80/" or "rtsp:554". */
  where: string;
  /** For http fields: the request path that produced it. */
  path?: string;
}

export type DeviceType = 'camera' | 'recorder' | 'doorbell' | 'thermal' | 'access-control' | 'camera-or-recorder'
  | 'router' | 'gateway' | 'switch' | 'printer' | 'nas' | 'web-server' | 'appliance' | 'radio' | 'other';

/** What one rule extracted. `{1}`/`{name}` placeholders are filled from capture groups. */
export interface Extraction {
  /** Canonical maker id from the vocabulary (who built the device / whose platform it runs). */
  maker?: string;
  /** Label on the box, when the evidence names a brand (e.g. "amcrest"). */
  brand?: string;
  model?: string;
  firmware?: string;
  serial?: string;
  device_type?: DeviceType;
  /** A software product (web server, SDK) identified by this rule, e.g. "nginx". */
  product?: string;
  /** Platform/firmware family, e.g. "dahua-oem" for a Dahua firmware built for an OEM. */
  platform?: string;
}

export interface Evidence {
  rule: string;
  field: string;
  where: string;
  /** The observed value (sanitised; for long values an excerpt around the match). */
  value: string;
  /** Exactly the text the rule's pattern matched (bounded). */
  matched?: string;
  extracted: Extraction;
  confidence: number;
  description: string;
  source: string;
}

export interface Claim {
  value: string;
  score: number;
  rules: string[];
}

export interface Identification {
  /** Canonical maker id (vocabulary key), or undefined when not identified. */
  maker?: string;
  maker_name?: string;
  maker_score: number;
  brand?: string;
  brand_name?: string;
  model?: string;
  firmware?: string;
  serial?: string;
  device_type?: DeviceType;
  product?: string;
  /** Platform/firmware family, e.g. "dahua-oem" for a Dahua firmware built for another label. */
  platform?: string;
  /** Makers that other evidence pointed to, with their scores: conflicts are shown, not hidden. */
  conflicts: Claim[];
  evidence: Evidence[];
  /** Human sentences explaining how brand, maker and platform were linked. */
  reasoning: string[];
  /**
   * Recorders: camera channels the recorder reports in SADP (AnalogChannelNum/DigitalChannelNum) or DHIP
   * (VideoInputChannels/RemoteVideoInputChannels). Cameras on those channels (often on the recorder's own
   * PoE subnet) are not seen directly by a scan.
   */
  channels?: RecorderChannels;
}

export interface RecorderChannels {
  analog: number;
  ip: number;
  total: number;
  /** Which discovery answer gave the counts. */
  from: 'sadp' | 'dhip';
}

export type VerdictStatus = 'restricted' | 'suspect' | 'clear' | 'unknown';
export const VERDICT_ORDER: Record<VerdictStatus, number> = { unknown: 0, clear: 1, suspect: 2, restricted: 3 };

export interface ListingRef {
  /** The list's name. */
  list: string;
  /** Its id in the policy data (src/data/policy/lists.yaml). */
  list_id?: string;
  /** What the instrument is: prohibition, export-control, procurement-criterion, contracting-ban, information. */
  type?: string;
  instrument: string;
  /** In force for this company (YYYY-MM-DD; YYYY-MM where the day is not verified). */
  date: string;
  source: string;
  /** Whom the instrument binds and what it requires. */
  scope?: string;
  /** Which of the company's equipment it covers (e.g. telecom-any). */
  covers?: string;
  /** `named`: the instrument names the company; `criterion`: camsweep's reading of a criterion. */
  basis?: 'named' | 'criterion';
  reading?: string;
  /** The act that listed the company, e.g. "84 FR 54002". */
  cite?: string;
  /** `reported` or `unverified` when the listing could not be confirmed in a primary source. */
  status?: string;
  note?: string;
  max_verdict?: 'suspect';
}

export interface Verdict {
  status: VerdictStatus;
  /** The restricted entity this device was tied to (policy entity id), if any. */
  entity?: string;
  entity_name?: string;
  listings: ListingRef[];
  reasons: string[];
  policy: string;
}

export interface HostError {
  stage: string;
  port?: number;
  code: string;
  message: string;
  /** The code in the closed result vocabulary (src/model/status.ts). */
  status?: Status;
}

export interface DeviceReport {
  ip: string;
  addresses?: string[];
  mac?: string;
  hostname?: string;
  open_ports: number[];
  seen_by: string[];
  observations: ObservationRecord;
  identification: Identification;
  verdict: Verdict;
  errors: HostError[];
  /** How each module went against this device: the TCP connects per port and each probe per port. */
  results?: ModuleResult[];
}

/**
 * Why a host has no (complete) result. Names are taken from the result-status vocabulary proposed for
 * the scan envelope (success, refused, timeout, io-timeout, protocol-error, truncated, local-error,
 * not-in-scope): `local-error` = this machine ran out of something (EMFILE, ENOBUFS, …).
 */
export type HostStatus = 'local-error' | 'not-in-scope';

export interface NotScanned {
  ip: string;
  status: 'local-error';
  /** The local error, e.g. "EMFILE". */
  code: string;
}

/**
 * A device that answered discovery from outside the targets (status not-in-scope): what it announced,
 * cleaned like every network string; it received no follow-up request, no probe, no credential.
 */
export interface SeenNotProbed {
  ip: string;
  status: 'not-in-scope';
  addresses?: string[];
  mac?: string;
  hostname?: string;
  seen_by: string[];
  announced: Partial<ObservationRecord>;
}

export interface ScanReport {
  schema_version: string;
  tool: { name: 'camsweep'; version: string };
  command: string;
  started_at: string;
  finished_at: string;
  targets: string[];
  policy: { name: string; lists: string[]; as_of?: string };
  options: Record<string, unknown>;
  devices: DeviceReport[];
  summary: { hosts_scanned: number; devices: number; restricted: number; suspect: number; clear: number; unknown: number };
  warnings: string[];
  /** False when the scan did not finish (interrupted) or could not see everything (local errors). */
  complete?: boolean;
  /** The signal that stopped the scan early, when one did ("SIGINT" or "SIGTERM"). */
  interrupted?: string;
  /** Hosts that could not be scanned because this machine ran out of a resource. */
  not_scanned?: NotScanned[];
  /** Devices that answered discovery from outside the targets: listed, never contacted. */
  seen_not_probed?: SeenNotProbed[];
  /** How each module of the run went: the TCP sweep and every discovery module (failures included). */
  results?: ModuleResult[];
  /** Timings: whole run, TCP sweep, and each discovery module (milliseconds). */
  stats?: { duration_ms: number; tcp_ms?: number; discovery_ms?: Record<string, number>; sightings: number };
}
