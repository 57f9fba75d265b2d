// The data model shared by every part of camsweep. Pure types, no I/O.
//
// Flow: targets -> probes/discovery (edges, sockets) -> ObservationRecord per device
//       -> fingerprint engine (pure) -> Identification -> policy engine (pure) -> Verdict
//       -> report renderers (pure).
//
// The observation record is declared in src/model/fields.ts (the field registry), the report in
// src/model/report.ts; their types are derived there and re-exported here.
import type { VerdictStatus } from './report.js';

export type {
  Headers, HttpObservation, MdnsObservation, ObservationRecord, OnvifObservation, RtspObservation, TlsObservation, UpnpObservation, VendorDiscoveryObservation,
} from './fields.js';
export type {
  Acceptance, Claim, DeviceReport, DeviceType, Evidence, Extraction, HostError, Identification, ListingRef, MergeInfo, NotScanned, RecorderChannels, ScanReport, SeenNotProbed, ShardInfo, ShardSighting,
  Sighting as DeviceSighting, Verdict, VerdictStatus,
} from './report.js';
export { SCHEMA_VERSION } from './report.js';

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

export const VERDICT_ORDER: Record<VerdictStatus, number> = { unknown: 0, clear: 1, suspect: 2, restricted: 3 };

/**
 * Why a host has no (complete) result, in the result vocabulary (src/model/status.ts): `local-error` =
 * this machine ran out of something (EMFILE, ENOBUFS, …); `not-in-scope` = outside the targets.
 */
export type HostStatus = 'local-error' | 'not-in-scope';

/** One safe vendor HTTP request (src/data/http-paths.yaml): an unauthenticated read or the first step of a login challenge, with its source. */
export interface HttpPathDef {
  id: string; method: 'GET' | 'POST'; path: string; body?: string; content_type?: string; purpose: string; source: string;
  /** `html-index`: asked only when the index answer is an HTML page. */
  when?: 'html-index';
  /** Platform marks (regexes, case-insensitive) in the index answers that make this path worth asking. */
  hints?: string[];
  /**
   * Weak marks (regexes, case-insensitive, multi-line) that make this path likelier when the index names
   * no platform: they order the extra requests, they never narrow them.
   */
  likely?: string[];
  /** Open ports of the host that make this path likelier (a vendor's SDK or default web port). */
  ports?: number[];
  /** Makers (vendors.yaml ids) whose MAC prefix on the host makes this path likelier. */
  makers?: string[];
}
