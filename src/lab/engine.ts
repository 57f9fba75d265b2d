// The responder engine of the simulated lab: turns the persona data (src/data/lab/personas.yaml) into
// responders. A response is data — a status line, headers in wire order with their exact case, a body —
// with a few placeholders for what a real device makes up per request; the handful of behaviours that
// are more than a template (the ONVIF device service, a UPnP description, VAPIX basicdeviceinfo) are
// named handlers here, parametrised by the persona's data. Pure apart from randomness and the clock.
import { parseDigestAuthorization, digestResponse } from '../protocols/digest.js';
import {
  buildDeviceInformationResponse, buildGetServicesResponse, buildSoapFault, buildSystemDateAndTimeResponse, parseSoapRequest, verifyUsernameToken,
} from '../protocols/wsdiscovery.js';
import { BOM, hex, httpDate, httpResponse, makeIco, rtspResponse, type Bytes, type LabRequest, type Responder } from './wire.js';

/** One response as data. */
export interface ResponseSpec {
  /** "200 OK", or a whole status line ("HTTP/1.0 200 OK"). RTSP ports answer "RTSP/1.0 <status>". */
  status: string;
  /** In wire order, names exactly as sent; a value "{len}" is the body length. */
  headers?: Array<[string, string]>;
  body?: string;
  /** The body is a 1×1 .ico of this colour (rrggbb): distinct bytes per persona, no vendor artwork. */
  favicon?: string;
  /** The body as hex bytes (binary replies). */
  body_hex?: string;
  /** Length header appended when no "{len}" is given (default Content-Length; null: none). */
  length_header?: string | null;
  /** "Connection: close" appended unless one is given (null: none). */
  connection?: string | null;
}

/** A route: a response, a template with its variables, or a named handler. */
export type RouteSpec = ResponseSpec | { use: string; vars?: Record<string, string> } | { handler: HandlerName; vars?: Record<string, string> };

export const HANDLERS = ['onvif-device-service', 'upnp-description', 'axis-basic-device-info'] as const;
export type HandlerName = (typeof HANDLERS)[number];

/** What a handler may read of its persona. */
export interface HandlerContext {
  persona: string;
  onvif?: OnvifServiceData;
  upnp?: UpnpDescriptionData;
  vars: Record<string, string>;
  /** Free-form data of the persona (axis-basic-device-info reads `axis_properties`). */
  data: Record<string, unknown>;
}

export interface OnvifServiceData {
  manufacturer: string; model: string; firmware: string; serial: string; hardware: string; xaddrPath: string;
  deviceInfoPreAuth?: boolean; credentials?: { username: string; password: string }; auth?: 'both' | 'digest'; clockSkewS?: number;
}

export interface UpnpDescriptionData {
  server: string; deviceType: string; friendlyName: string; manufacturer: string; manufacturerURL?: string; modelName: string;
  modelNumber?: string; modelDescription?: string; serialNumber?: string; udn: string;
}

/** A random 9-digit decimal (Dahua's login "random"). */
function rand9(): string {
  return String(100000000 + Math.floor(Math.random() * 899999999));
}

/** Hikvision "IP Camera(xxxxx)" nonce: hex of a base64 string (shape seen in public captures). */
function hikNonce(): string {
  return Buffer.from(Buffer.from(hex(12)).toString('base64')).toString('hex').slice(0, 48);
}

/** The RTSP Date form Hikvision firmware sends: " Tue, Jan 02 2024 10:00:00 GMT". */
function hikRtspDate(): string {
  return new Date().toUTCString().replace(/^(\w+), (\d+) (\w+) (\d+) /, '$1, $3 $2 $4 ');
}

/** The JSON request id of the body (Dahua RPC echoes it), 1 when there is none. */
function jsonId(req: LabRequest): string {
  try { const j = JSON.parse(req.body.toString('utf8')) as { id?: unknown }; if (typeof j.id === 'number') return JSON.stringify(j.id); } catch { /* not JSON */ }
  return '1';
}

/**
 * Fill a text: `${name}` from the variables; `{date}`, `{date-hik-rtsp}`, `{hex:N}` (N random bytes, hex;
 * the same N gives the same value within one response), `{rand31}`, `{rand9}`, `{hik-nonce}` (one per
 * response), `{host}` (the Host header), `{id}` (the request's JSON id), `{bom}`. `{len}` and `{cseq}`
 * are left for the wire builders.
 */
export function fill(text: string, vars: Record<string, string>, req: LabRequest, memo: Map<string, string>): string {
  const once = (k: string, make: () => string) => { let v = memo.get(k); if (v === undefined) { v = make(); memo.set(k, v); } return v; };
  return text
    .replace(/\$\{([a-z0-9_-]+)\}/gi, (m, k: string) => (Object.prototype.hasOwnProperty.call(vars, k) ? vars[k] : m))
    .replace(/\{(date|date-hik-rtsp|hex:\d{1,2}|rand31|rand9|hik-nonce|host|id|bom)\}/g, (_m, k: string) => {
      if (k === 'date') return httpDate();
      if (k === 'date-hik-rtsp') return hikRtspDate();
      if (k.startsWith('hex:')) return once(k, () => hex(Number(k.slice(4))));
      if (k === 'rand31') return once(k, () => String(Math.floor(Math.random() * 2 ** 31)));
      if (k === 'rand9') return once(k, rand9);
      if (k === 'hik-nonce') return once(k, hikNonce);
      if (k === 'host') return req.host;
      if (k === 'id') return jsonId(req);
      return BOM;
    });
}

function ico(rgb: string): Buffer {
  const n = Number.parseInt(rgb, 16);
  return makeIco((n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
}

/** Render one response spec for one request. */
export function render(spec: ResponseSpec, vars: Record<string, string>, req: LabRequest, rtsp: boolean): Buffer {
  const memo = new Map<string, string>();
  const headers = (spec.headers ?? []).map(([k, v]) => [k, fill(v, vars, req, memo)] as [string, string]);
  const body: Bytes = spec.favicon !== undefined ? ico(fill(spec.favicon, vars, req, memo))
    : spec.body_hex !== undefined ? Buffer.from(spec.body_hex, 'hex') : fill(spec.body ?? '', vars, req, memo);
  const status = fill(spec.status, vars, req, memo);
  if (rtsp) return rtspResponse(req, status, headers, body);
  return httpResponse(status, headers, body, {
    ...(spec.length_header !== undefined ? { lengthHeader: spec.length_header } : {}),
    ...(spec.connection !== undefined ? { connection: spec.connection } : {}),
  });
}

/**
 * ONVIF device service (ONVIF Core): GetSystemDateAndTime and GetServices are PRE_AUTH and always
 * answered (the clock shifted by `clockSkewS`); GetDeviceInformation is answered when `deviceInfoPreAuth`,
 * or when the persona's `credentials` come as a WS-UsernameToken PasswordDigest (Created within 5 minutes of
 * the device clock; not with auth 'digest') or as HTTP Digest; a wrong token gets a ter:NotAuthorized fault
 * (HTTP 400), anything else HTTP 401 with a Digest challenge in `realm`.
 */
function onvifService(info: OnvifServiceData, server: string | undefined, realm: string): Responder {
  const sh = (): Array<[string, string]> => [['Date', httpDate()], ...(server ? [['Server', server] as [string, string]] : []), ['Content-Type', 'application/soap+xml; charset=utf-8'], ['Content-Length', '{len}'], ['Connection', 'close']];
  // The codec's responder-side builders (src/protocols/wsdiscovery.ts): one copy of ONVIF's XML.
  const faultBody = buildSoapFault();
  const deviceNow = () => new Date(Date.now() + (info.clockSkewS ?? 0) * 1000);
  const digestOk = (req: LabRequest): boolean => {
    const c = info.credentials;
    const a = parseDigestAuthorization(req.headers['authorization']);
    if (!c || !a || a.username !== c.username || a.realm !== realm || !a.nonce || !a.response) return false;
    const alg = (a.algorithm ?? 'MD5').toUpperCase() === 'SHA-256' ? 'SHA-256' : 'MD5';
    const want = digestResponse({ algorithm: alg, username: c.username, realm, password: c.password, method: req.method, uri: a.uri ?? req.target, nonce: a.nonce, nc: a.nc, cnonce: a.cnonce, qop: a.qop });
    return want === a.response && (a.uri ?? '') === req.target;
  };
  const deviceInfo = () => httpResponse('200 OK', sh(), buildDeviceInformationResponse({ manufacturer: info.manufacturer, model: info.model, firmware: info.firmware, serial: info.serial, hardware: info.hardware }));
  return (req) => {
    const b = req.body.toString('utf8');
    if (/GetSystemDateAndTime/.test(b)) return httpResponse('200 OK', sh(), buildSystemDateAndTimeResponse(deviceNow()));
    if (/GetServices/.test(b)) {
      const base = `http://${req.host}`;
      return httpResponse('200 OK', sh(), buildGetServicesResponse([
        { namespace: 'http://www.onvif.org/ver10/device/wsdl', xaddr: `${base}${info.xaddrPath}`, version: '17.12' },
        { namespace: 'http://www.onvif.org/ver10/media/wsdl', xaddr: `${base}/onvif/Media`, version: '17.12' },
        { namespace: 'http://www.onvif.org/ver10/events/wsdl', xaddr: `${base}/onvif/Events`, version: '17.12' },
      ]));
    }
    if (/GetDeviceInformation/.test(b)) {
      if (info.deviceInfoPreAuth || digestOk(req)) return deviceInfo();
      const sec = parseSoapRequest(b)?.security;
      if (sec && info.credentials && info.auth !== 'digest') {
        const created = Date.parse(sec.created);
        const fresh = Number.isFinite(created) && Math.abs(created - deviceNow().getTime()) <= 300_000;
        if (fresh && verifyUsernameToken(sec, info.credentials.username, info.credentials.password)) return deviceInfo();
        return httpResponse('400 Bad Request', sh(), faultBody);
      }
      return httpResponse('401 Unauthorized', [['Date', httpDate()], ...(server ? [['Server', server] as [string, string]] : []),
        ['WWW-Authenticate', `Digest realm="${realm}", qop="auth", nonce="${hex(16)}"`], ['Content-Type', 'application/soap+xml; charset=utf-8'], ['Content-Length', '{len}'], ['Connection', 'close']],
      faultBody);
    }
    return httpResponse('400 Bad Request', sh(), buildSoapFault({ subcode: '', reason: 'Action not supported by the lab' }));
  };
}

/** The UPnP description document, as the persona's web server sends it. */
function upnpDescription(u: UpnpDescriptionData): Responder {
  return () => httpResponse('200 OK', [['Content-Type', 'text/xml; charset="utf-8"'], ['Content-Length', '{len}'], ['Connection', 'close'], ['Server', u.server]],
    `<?xml version="1.0"?>\n<root xmlns="urn:schemas-upnp-org:device-1-0">\n<specVersion><major>1</major><minor>0</minor></specVersion>\n<device>\n` +
    `<deviceType>${u.deviceType}</deviceType>\n<friendlyName>${u.friendlyName}</friendlyName>\n<manufacturer>${u.manufacturer}</manufacturer>\n` +
    (u.manufacturerURL ? `<manufacturerURL>${u.manufacturerURL}</manufacturerURL>\n` : '') +
    (u.modelDescription ? `<modelDescription>${u.modelDescription}</modelDescription>\n` : '') +
    `<modelName>${u.modelName}</modelName>\n` + (u.modelNumber ? `<modelNumber>${u.modelNumber}</modelNumber>\n` : '') +
    (u.serialNumber ? `<serialNumber>${u.serialNumber}</serialNumber>\n` : '') + `<UDN>${u.udn}</UDN>\n</device>\n</root>\n`);
}

/** VAPIX Basic device information: getAllUnrestrictedProperties (the default) and getSupportedVersions, no auth. */
function axisBasicInfo(props: unknown): Responder {
  return (req) => {
    let method = 'getAllUnrestrictedProperties';
    try { const j = JSON.parse(req.body.toString('utf8')) as { method?: unknown }; if (typeof j.method === 'string') method = j.method; } catch { /* GET or bad JSON */ }
    const body = method === 'getSupportedVersions'
      ? { apiVersion: '1.3', method, data: { apiVersions: ['1.3'] } }
      : { apiVersion: '1.3', data: { propertyList: props }, method: 'getAllUnrestrictedProperties' };
    return httpResponse('200 OK', [['Date', httpDate()], ['Content-Type', 'application/json'], ['Content-Length', '{len}'], ['Connection', 'close']], JSON.stringify(body));
  };
}

/** The responder of a named handler. */
export function handler(name: HandlerName, c: HandlerContext): Responder {
  switch (name) {
    case 'onvif-device-service':
      if (!c.onvif) throw new Error(`lab: persona ${c.persona}: onvif-device-service needs discovery.onvif`);
      return onvifService(c.onvif, c.vars.server || undefined, c.vars.realm ?? '');
    case 'upnp-description':
      if (!c.upnp) throw new Error(`lab: persona ${c.persona}: upnp-description needs discovery.upnp`);
      return upnpDescription(c.upnp);
    case 'axis-basic-device-info':
      return axisBasicInfo(c.data.axis_properties ?? {});
  }
}
