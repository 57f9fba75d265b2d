// The field registry: every part of an observation record, and every field a fingerprint rule reads,
// declared once. Pure data.
//
// A record SECTION is one key of the observation record (http, tls, rtsp, onvif, upnp, mdns, sadp,
// dhip, mac, …): its shape (the TypeScript type and the JSON Schema come from it), the module that
// produces it, and how two fragments of it merge. Each section lists the rule FIELDS read out of it
// (`http.header.*`, `onvif.manufacturer`, …): the name rules use, how the value is read from the
// section, its type, its human label (explain, reasoning) and its evidence phrase (the table).
//
// From this file derive: ObservationRecord and its parts (TypeOf), the observation part of the JSON
// Schema (src/model/report.ts), which field names a rule may read (src/fingerprint/rules.ts),
// extractFields (src/fingerprint/fields.ts), describeField and the table's evidence phrases, and
// mergeRecord (src/scan/merge.ts). Adding a protocol: its codec, its module, its section here, tests.
import { anyOf, arr, bool, int, map, num, obj, str, type Shape, type TypeOf } from './shape.js';

// ---------------------------------------------------------------------------------------------
// Shapes of the sections

export const HEADERS = map(anyOf([str(), arr(str())]), { description: 'lower-case header names; a header that repeats is an array' });

export const HTTP_ITEM = obj({
  port: int({ minimum: 1, maximum: 65535 }),
  tls: bool(),
  path: str({ description: 'request path that produced this answer ("/" for the index page, or a vendor path)' }),
  status: int(),
  headers: HEADERS,
  title: str(),
  body: str({ description: 'first bytes of the body (bounded), control characters removed' }),
  favicon_md5: str({ pattern: '^[0-9a-f]{32}$' }),
  favicon_mmh3: int(),
}, ['port']);

export const TLS_ITEM = obj({
  port: int({ minimum: 1, maximum: 65535 }), subject: str(), issuer: str(), version: str(), not_before: str(), not_after: str(), fingerprint256: str(),
}, ['port']);

export const RTSP_ITEM = obj({
  port: int({ minimum: 1, maximum: 65535 }), method: str(), status: int(), headers: HEADERS,
  body: str({ description: 'first bytes of the body (a DESCRIBE answer\'s SDP), control characters removed' }),
}, ['port']);

export const ONVIF = obj({
  manufacturer: str(), model: str(), firmware: str(), serial: str(), hardware: str(),
  scopes: arr(str()), xaddrs: arr(str()), endpoint: str(), types: arr(str()), clock_skew_s: num(),
  /** The MAC in the node of the time-based UUID the device used as its WS-Discovery MessageID. */
  uuid_mac: str(),
});

export const UPNP = obj({
  server: str(), location: str(), usn: str(), st: str(), manufacturer: str(), manufacturerURL: str(), modelName: str(), modelNumber: str(),
  modelDescription: str(), friendlyName: str(), serialNumber: str(), deviceType: str(), udn: str(),
  serviceTypes: str({ description: 'the root device\'s service types, space-separated (vendor URNs such as urn:www-huawei-com:service:…)' }),
});

export const MDNS_ITEM = obj({ instance: str(), type: str(), host: str(), port: int(), txt: map(str()) });

/** Free-form vendor discovery answers (SADP, DHIP): key -> scalar value. */
export const VENDOR_FIELDS = map(anyOf([str(), num(), bool()]), { description: 'the answer\'s fields, flat (DHIP nested keys dotted: "IPv4Address.IPAddress")' });

// ---------------------------------------------------------------------------------------------
// Declarations

/** How a rule field's values are read from one item of its section. */
export interface FieldDecl {
  /** The name rules use. A family ends in `.*`: any sub-key matching `key` (a header name, a TXT key, …). */
  name: string;
  /** Families: the pattern (regex source) of the sub-key. */
  key?: string;
  /**
   * Where the values come from: a property of the item (`title`), `*` (every scalar property of the
   * item, each its own field: upnp.*, sadp.*), or `.` (the section value itself: hostname).
   */
  from?: string;
  /** `items`: one value per array element; `map`: one per key (family); `join`: the array joined with spaces. */
  each?: 'items' | 'map' | 'join';
  /** With from: '*': numbers and booleans are read as text too (vendor answers); otherwise strings only. */
  coerce?: boolean;
  /** Sub-keys in lower case (header and TXT names). */
  lower?: boolean;
  /** URI-decode each value (ONVIF scopes). */
  decode?: 'uri';
  /** With each: 'map': after each `key` value also the field named here with `key=value` (mDNS TXT). */
  pair?: string;
  /** string (cut at 1 KiB), text (page content, cut at 64 KiB), number (only numbers, as text), presence ("present"). */
  type: 'string' | 'text' | 'number' | 'presence';
  /** Computed from the section by src/fingerprint (not a plain property). */
  derive?: DerivedField;
  /** For explain and the reasoning: `{sub}` is the sub-key. */
  label: string;
  /**
   * The table's evidence phrase: `{who}` is the maker or brand the evidence points to (omitted when
   * none), `{sub}` / `{sub:words}` the sub-key; `{scheme}`, `{scope}`, `{page}` are read from the value
   * or place by the renderer. `phrases` gives sub-key specific ones for a family.
   */
  phrase?: string;
  phrases?: Record<string, string>;
  /** This field states the label on the box (a brand), for the table's Brand column. `brandKeys`: for a family, which sub-keys do. */
  brand?: boolean;
  brandKeys?: readonly string[];
  /** A software banner (web or RTSP server string): never the label on the box. */
  banner?: boolean;
  bannerKeys?: readonly string[];
}

/** Fields computed by the fingerprint layer rather than read from one property (src/fingerprint/fields.ts implements each). */
export const DERIVED_FIELDS = ['mac-address', 'mac-vendor', 'realm-mac-vendor', 'uuid-mac-vendor', 'body-fields', 'api-error', 'onvif-services', 'rtsp-realm', 'sdp-fields'] as const;
export type DerivedField = typeof DERIVED_FIELDS[number];

/** How two fragments of a section seen of one device combine. */
export const MERGES = ['append', 'fill', 'first', 'follows', 'union', 'union-sorted', 'identity'] as const;
export type Merge = typeof MERGES[number];

export interface SectionDecl<T = unknown> {
  /** The record key. */
  key: string;
  /** Which module (probe, discovery module, table) produces it; `input` for what only records carry. */
  module: string;
  /** One item (`object`, `scalar`) or a list of items (`list`). */
  kind: 'list' | 'object' | 'scalar';
  /**
   * append: lists are concatenated; fill: objects keep the first value of each key, arrays in them are
   * unioned; first: the first value wins (and the keys in `takes` come with it); follows: taken only
   * with the key that `takes` it; union / union-sorted: array values are unioned (sorted);
   * identity: the key that names the record (ip), set by the merge itself.
   */
  merge: Merge;
  takes?: readonly string[];
  shape: Shape<T>;
  description: string;
  /** Where a value was seen, for the evidence (`http:80/`, `rtsp:554`); default: the key. */
  where?: (item: never) => string;
  /** HTTP fields carry the request path that produced them. */
  path?: (item: never) => string;
  fields: readonly FieldDecl[];
}

function section<T>(d: SectionDecl<T>): SectionDecl<T> {
  return d;
}

type Item<S> = S extends Shape<Array<infer I>> ? I : S extends Shape<infer T> ? T : never;

const HTTP = arr(HTTP_ITEM);

/** A challenge whose realm is a MAC address names the organisation that MAC is registered to (read from HTTP and RTSP headers). */
const REALM_MAC: FieldDecl = { name: 'realm.mac_vendor', type: 'string', derive: 'realm-mac-vendor', label: 'MAC address in the auth realm' };
/**
 * The MAC in the node field of the device's UUID (ONVIF endpoint reference, UPnP UDN and USN: see
 * macInUuid) names the organisation it is registered to, read by the same OUI rules as the device's
 * MAC (field mac.vendor, from `uuid:<section>`).
 */
const UUID_MAC: FieldDecl = { name: 'mac.vendor', type: 'string', derive: 'uuid-mac-vendor', label: 'MAC address in the device UUID' };
const httpWhere = (h: Item<typeof HTTP>) => `${h.tls ? 'https' : 'http'}:${h.port}${typeof h.path === 'string' ? h.path : '/'}`;

/** Every section of an observation record, in the order fields are read. */
export const SECTIONS = {
  ip: section({ key: 'ip', module: 'input', kind: 'scalar', merge: 'identity', shape: str(), description: 'the address the device answered from (the lowest IPv4 one when it has several)', fields: [] }),
  mac: section({
    key: 'mac', module: 'sadp, dhip, ubnt, tdp, onvif, mdns, arp, eui64', kind: 'scalar', merge: 'first', takes: ['mac_from'], shape: str(), description: 'the device\'s MAC address',
    where: () => 'mac',
    fields: [
      { name: 'mac.address', type: 'string', derive: 'mac-address', label: 'mac.address', phrase: 'MAC address' },
      { name: 'mac.vendor', type: 'string', derive: 'mac-vendor', label: 'MAC address OUI', phrase: '{who} MAC prefix' },
    ],
  }),
  mac_from: section({ key: 'mac_from', module: 'merge', kind: 'scalar', merge: 'follows', shape: str(), description: 'which protocol or table gave the MAC: sadp, dhip, ubnt, tdp, onvif, mdns, ssdp, arp (neighbour table), eui64 (IPv6 address)', fields: [] }),
  hostname: section({ key: 'hostname', module: 'mdns, targets', kind: 'scalar', merge: 'first', shape: str(), description: 'host name (mDNS, or the target name given)', fields: [{ name: 'hostname', from: '.', type: 'string', label: 'hostname', phrase: 'host name' }] }),
  addresses: section({ key: 'addresses', module: 'merge', kind: 'scalar', merge: 'union', shape: arr(str()), description: 'every address the same physical device answered from', fields: [] }),
  open_ports: section({ key: 'open_ports', module: 'tcp', kind: 'scalar', merge: 'union-sorted', shape: arr(int({ minimum: 1, maximum: 65535 })), description: 'open TCP ports', fields: [] }),
  http: section({
    key: 'http', module: 'http', kind: 'list', merge: 'append', shape: HTTP, description: 'HTTP(S) answers: the index page, redirects followed, vendor paths',
    where: httpWhere, path: (h: Item<typeof HTTP>) => (typeof h.path === 'string' ? h.path : '/'),
    fields: [
      {
        name: 'http.header.*', key: '[a-z0-9_-]+', from: 'headers', each: 'map', lower: true, type: 'string', label: 'HTTP {sub} header', phrase: '{who} HTTP {sub} header',
        phrases: { 'www-authenticate': '{who} {scheme} realm', server: '{who} web server' }, bannerKeys: ['server'],
      },
      REALM_MAC,
      { name: 'http.title', from: 'title', type: 'string', label: 'HTTP page title', phrase: '{who} page title' },
      { name: 'http.body', from: 'body', type: 'text', label: 'HTTP page content', phrase: '{who} {page}' },
      // Structured values inside the body (src/fingerprint/body-fields.ts reads all five kinds at once).
      { name: 'http.xml.*', key: '[A-Za-z0-9_]+', type: 'string', derive: 'body-fields', label: 'HTTP XML element {sub}' },
      { name: 'http.json.*', key: '[A-Za-z0-9_]+', type: 'string', label: 'HTTP JSON value {sub}' },
      { name: 'http.kv.*', key: '[A-Za-z0-9_]+', type: 'string', label: 'HTTP key=value {sub}' },
      { name: 'http.kv', type: 'string', label: 'HTTP key=value line' },
      { name: 'http.xmlns', type: 'string', label: 'XML namespace' },
      { name: 'http.favicon_md5', from: 'favicon_md5', type: 'string', label: 'favicon hash', phrase: '{who} favicon' },
      { name: 'http.favicon_mmh3', from: 'favicon_mmh3', type: 'number', label: 'favicon hash', phrase: '{who} favicon' },
      { name: 'http.status', from: 'status', type: 'number', label: 'HTTP status', phrase: 'HTTP status' },
      // The error or status envelope of an API answer, as one line (src/protocols/envelope.ts apiErrorEnvelope).
      { name: 'http.api.error', type: 'string', derive: 'api-error', label: 'API error answer', phrase: '{who} API error answer' },
      // What an unauthenticated ONVIF GetServices / GetCapabilities answer lists (src/protocols/envelope.ts onvifServices).
      { name: 'onvif.service.namespace', type: 'string', derive: 'onvif-services', label: 'ONVIF service namespace', phrase: '{who} ONVIF service namespace' },
      { name: 'onvif.service.xaddr', type: 'string', label: 'ONVIF service address path', phrase: '{who} ONVIF service path' },
    ],
  }),
  tls: section({
    key: 'tls', module: 'http', kind: 'list', merge: 'append', shape: arr(TLS_ITEM), description: 'TLS certificates (subject and issuer names as rendered, cleaned)',
    where: (t: Item<typeof TLS_ITEM>) => `tls:${t.port}`,
    fields: [
      { name: 'tls.subject', from: 'subject', type: 'string', label: 'TLS certificate subject', phrase: '{who} TLS certificate' },
      { name: 'tls.issuer', from: 'issuer', type: 'string', label: 'TLS certificate issuer', phrase: '{who} certificate issuer' },
    ],
  }),
  rtsp: section({
    key: 'rtsp', module: 'rtsp', kind: 'list', merge: 'append', shape: arr(RTSP_ITEM), description: 'RTSP answers (OPTIONS, DESCRIBE)',
    where: (r: Item<typeof RTSP_ITEM>) => `rtsp:${r.port}`,
    fields: [
      {
        name: 'rtsp.header.*', key: '[a-z0-9-]+', from: 'headers', each: 'map', lower: true, type: 'string', label: 'RTSP {sub} header', phrase: '{who} RTSP {sub} header',
        phrases: { 'www-authenticate': '{who} RTSP {scheme} realm', server: '{who} RTSP server' }, bannerKeys: ['server'],
      },
      REALM_MAC,
      { name: 'rtsp.status', from: 'status', type: 'number', label: 'rtsp.status', phrase: 'RTSP status' },
      { name: 'rtsp.body', from: 'body', type: 'text', label: 'RTSP DESCRIBE answer (SDP)', phrase: 'rtsp body' },
      // The realm of each challenge (src/protocols/sdp.ts challengeRealms) and the SDP lines vendors name themselves in (parseSdp).
      { name: 'rtsp.realm', type: 'string', derive: 'rtsp-realm', label: 'RTSP authentication realm', phrase: '{who} RTSP realm' },
      { name: 'rtsp.sdp.session', type: 'string', derive: 'sdp-fields', label: 'RTSP SDP session name (s=)', phrase: '{who} RTSP session name' },
      { name: 'rtsp.sdp.info', type: 'string', label: 'RTSP SDP information (i=)', phrase: '{who} RTSP session information' },
      { name: 'rtsp.sdp.origin', type: 'string', label: 'RTSP SDP origin user (o=)', phrase: '{who} RTSP SDP origin' },
      { name: 'rtsp.sdp.uri', type: 'string', label: 'RTSP SDP URI (u=)', phrase: '{who} RTSP SDP URI' },
      { name: 'rtsp.sdp.tool', type: 'string', label: 'RTSP SDP tool (a=tool)', phrase: '{who} RTSP streaming library' },
      { name: 'rtsp.sdp.control', type: 'string', label: 'RTSP SDP control URL (a=control)', phrase: '{who} RTSP stream path' },
      { name: 'rtsp.sdp.rtpmap', type: 'string', label: 'RTSP SDP encoding (a=rtpmap)', phrase: '{who} RTSP encoding' },
      { name: 'rtsp.sdp.attr', type: 'string', label: 'RTSP SDP vendor attribute (a=x-…)', phrase: '{who} RTSP SDP attribute' },
    ],
  }),
  onvif: section({
    key: 'onvif', module: 'onvif', kind: 'object', merge: 'fill', shape: ONVIF, description: 'ONVIF WS-Discovery answer and the device-information calls',
    fields: [
      { name: 'onvif.manufacturer', from: 'manufacturer', type: 'string', label: 'ONVIF manufacturer', phrase: 'ONVIF manufacturer', brand: true },
      { name: 'onvif.model', from: 'model', type: 'string', label: 'ONVIF model', phrase: 'ONVIF model' },
      { name: 'onvif.firmware', from: 'firmware', type: 'string', label: 'ONVIF firmware', phrase: 'ONVIF firmware' },
      { name: 'onvif.serial', from: 'serial', type: 'string', label: 'ONVIF serial number', phrase: 'ONVIF serial' },
      { name: 'onvif.hardware', from: 'hardware', type: 'string', label: 'onvif.hardware', phrase: 'ONVIF hardware' },
      { name: 'onvif.scope', from: 'scopes', each: 'items', decode: 'uri', type: 'string', label: 'ONVIF scopes', phrase: '{scope}' },
      { name: 'onvif.xaddr', from: 'xaddrs', each: 'items', type: 'string', label: 'onvif.xaddr', phrase: 'ONVIF service address' },
      { name: 'onvif.types', from: 'types', each: 'join', type: 'string', label: 'onvif.types', phrase: 'ONVIF device type' },
      UUID_MAC,
    ],
  }),
  upnp: section({
    key: 'upnp', module: 'ssdp', kind: 'object', merge: 'fill', shape: UPNP, description: 'SSDP answer and the UPnP device description',
    fields: [
      {
        name: 'upnp.*', key: '[A-Za-z]+', from: '*', type: 'string', label: 'UPnP {sub}', phrase: 'UPnP {sub:words}',
        phrases: { server: '{who} UPnP server' }, brandKeys: ['manufacturer', 'friendlyName'], bannerKeys: ['server'],
      },
      UUID_MAC,
    ],
  }),
  mdns: section({
    key: 'mdns', module: 'mdns', kind: 'list', merge: 'append', shape: arr(MDNS_ITEM), description: 'mDNS / DNS-SD services',
    fields: [
      { name: 'mdns.type', from: 'type', type: 'string', label: 'mDNS service type', phrase: '{who} mDNS service' },
      { name: 'mdns.instance', from: 'instance', type: 'string', label: 'mdns.instance', phrase: 'mDNS name', brand: true },
      { name: 'mdns.host', from: 'host', type: 'string', label: 'mdns.host', phrase: 'mDNS host name' },
      { name: 'mdns.txt.*', key: '[a-z0-9_-]+', from: 'txt', each: 'map', lower: true, pair: 'mdns.txt', type: 'string', label: 'mDNS TXT record', phrase: 'mDNS TXT {sub:words}' },
      { name: 'mdns.txt', type: 'string', label: 'mDNS TXT record', phrase: 'mDNS TXT record' },
    ],
  }),
  sadp: section({
    key: 'sadp', module: 'sadp', kind: 'object', merge: 'fill', shape: VENDOR_FIELDS, description: 'Hikvision SADP answer',
    fields: [
      { name: 'sadp', type: 'presence', label: 'answers SADP', phrase: 'answers SADP' },
      { name: 'sadp.*', key: '[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*', from: '*', coerce: true, type: 'string', label: 'SADP {sub}', phrase: 'SADP {sub:words}' },
    ],
  }),
  dhip: section({
    key: 'dhip', module: 'dhip', kind: 'object', merge: 'fill', shape: VENDOR_FIELDS, description: 'Dahua DHIP answer',
    fields: [
      { name: 'dhip', type: 'presence', label: 'answers DHIP', phrase: 'answers DHIP' },
      { name: 'dhip.*', key: '[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*', from: '*', coerce: true, type: 'string', label: 'DHIP {sub}', phrase: 'DHIP {sub:words}', brandKeys: ['Vendor'] },
    ],
  }),
  ubnt: section({
    key: 'ubnt', module: 'ubnt', kind: 'object', merge: 'fill', shape: VENDOR_FIELDS, description: 'Ubiquiti discovery answer',
    fields: [
      { name: 'ubnt', type: 'presence', label: 'answers Ubiquiti discovery', phrase: 'answers Ubiquiti discovery' },
      { name: 'ubnt.*', key: '[a-z0-9_]+', from: '*', coerce: true, type: 'string', label: 'Ubiquiti discovery {sub}', phrase: 'Ubiquiti discovery {sub:words}' },
    ],
  }),
  tdp: section({
    key: 'tdp', module: 'tdp', kind: 'object', merge: 'fill', shape: VENDOR_FIELDS, description: 'TP-Link smart-device discovery answer (UDP 20002, or legacy Kasa UDP 9999)',
    fields: [
      { name: 'tdp', type: 'presence', label: 'answers TP-Link discovery', phrase: 'answers TP-Link smart-device discovery' },
      { name: 'tdp.*', key: '[a-z0-9_]+', from: '*', coerce: true, type: 'string', label: 'TP-Link discovery {sub}', phrase: 'TP-Link discovery {sub:words}' },
    ],
  }),
  seen_by: section({ key: 'seen_by', module: 'merge', kind: 'scalar', merge: 'union-sorted', shape: arr(str()), description: 'which protocols, probes and tables saw this device (tcp, http, onvif, sadp, arp, …)', fields: [] }),
} as const;

export type SectionKey = keyof typeof SECTIONS;
export const SECTION_LIST: ReadonlyArray<SectionDecl> = Object.values(SECTIONS) as ReadonlyArray<SectionDecl>;

type Sections = { -readonly [K in SectionKey]: TypeOf<(typeof SECTIONS)[K]['shape']> };

/**
 * One device as seen on the wire: the single interchange format (`scan --format json` embeds one per
 * device and `identify` reads them back). Only `ip` is required; `x_…` keys are free annotations.
 */
export type ObservationRecord = { ip: string } & Partial<Omit<Sections, 'ip'>> & { [extra: `x_${string}`]: unknown };

export type HttpObservation = TypeOf<typeof HTTP_ITEM>;
export type TlsObservation = TypeOf<typeof TLS_ITEM>;
export type RtspObservation = TypeOf<typeof RTSP_ITEM>;
export type OnvifObservation = TypeOf<typeof ONVIF>;
export type UpnpObservation = TypeOf<typeof UPNP>;
export type MdnsObservation = TypeOf<typeof MDNS_ITEM>;
export type VendorDiscoveryObservation = TypeOf<typeof VENDOR_FIELDS>;
export type Headers = TypeOf<typeof HEADERS>;

/** The observation record's JSON Schema (only ip required). */
export function observationSchema(): Record<string, unknown> {
  return {
    description: 'Everything seen from one device. The same object is the input format of `camsweep identify`. Only ip is required; keys starting with x_ are free annotations.',
    type: 'object',
    required: ['ip'],
    properties: Object.fromEntries(SECTION_LIST.map((s) => [s.key, { ...s.shape.schema, description: s.description }])),
  };
}

// ---------------------------------------------------------------------------------------------
// Looking fields up

export interface FieldRef { section: SectionDecl; decl: FieldDecl; sub?: string }

const exact = new Map<string, FieldRef>();
const families: Array<{ prefix: string; re: RegExp; ref: FieldRef }> = [];
for (const s of SECTION_LIST) {
  for (const d of s.fields) {
    if (d.name.endsWith('.*')) families.push({ prefix: d.name.slice(0, -1), re: new RegExp(`^(?:${d.key ?? '[A-Za-z0-9_-]+'})$`), ref: { section: s, decl: d } });
    else if (!exact.has(d.name)) exact.set(d.name, { section: s, decl: d });
  }
}
const found = new Map<string, FieldRef | null>();

/** The declaration of a rule field name (exact names first, then families), or undefined when no rule may read it. */
export function lookupField(name: string): FieldRef | undefined {
  const hit = found.get(name);
  if (hit !== undefined) return hit ?? undefined;
  let ref: FieldRef | undefined = exact.get(name);
  if (!ref) {
    for (const f of families) {
      if (!name.startsWith(f.prefix)) continue;
      const sub = name.slice(f.prefix.length);
      if (f.re.test(sub)) { ref = { ...f.ref, sub }; break; }
    }
  }
  if (found.size < 4096) found.set(name, ref ?? null);
  return ref;
}

/** May a rule read this field? */
export function isRuleField(name: string): boolean {
  return typeof name === 'string' && lookupField(name) !== undefined;
}

/** The most characters of one value a rule is ever matched against: page content 64 KiB, every other field 1 KiB. */
export const MAX_BODY_CHARS = 65536;
export const MAX_FIELD_CHARS = 1024;

export function fieldCap(name: string): number {
  return lookupField(name)?.decl.type === 'text' ? MAX_BODY_CHARS : MAX_FIELD_CHARS;
}

/** The human label of a field (explain, reasoning): "HTTP server header", "ONVIF manufacturer", "answers SADP". */
export function describeField(name: string): string {
  const ref = lookupField(name);
  if (!ref) return name;
  return ref.decl.label.replace(/\{sub\}/g, ref.sub ?? '');
}
