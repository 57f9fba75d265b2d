// Simulated devices for the built-in lab (`camsweep demo`, `camsweep lab`, the test suite).
//
// Every reply copies PUBLIC facts about what a vendor's firmware sends; the source of each is cited
// next to it. "FP §x" = /work/shared/research/fingerprints.md section x, "PEERS §x" =
// /work/shared/research/peers.md section x (both cite the original nmap / recog / Greenbone / tool
// sources). Where no public byte-exact capture was available the value is marked "illustrative":
// it keeps the documented marker but the surrounding bytes are our own.
//
// Serial numbers, MAC addresses, nonces and keys are synthetic (well-formed, not real devices).
import { BOM, type Bytes, type LabRequest, type Responder, hex, httpDate, httpResponse, makeIco, rtspResponse } from './wire.js';
import { parseSoapRequest, verifyUsernameToken, buildGetServicesResponse } from '../protocols/wsdiscovery.js';
import { digestResponse, parseDigestAuthorization } from '../protocols/digest.js';

export type { Bytes, LabRequest, Responder } from './wire.js';

export type PortProtocol = 'http' | 'https' | 'rtsp' | 'tcp-banner' | 'tcp-open';

/** Names of the lab's TLS identities (made at start-up by src/lab/x509.ts). */
export type CertName = 'hikvision' | 'dahua' | 'axis' | 'bosch' | 'hp';

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

// ---------------------------------------------------------------------------------------------
// Shared building blocks

const CT_HTML = 'text/html';

function notFoundGoahead(server: string): Responder {
  // GoAhead-derived error page (Hikvision App-webs / DNVRS-Webs are GoAhead-based: FP §4.6 "_goaheadwebSessionId").
  return () => httpResponse('404 Not Found', [['Date', httpDate()], ['Server', server], ['Content-Length', '{len}'], ['Content-Type', CT_HTML], ['Connection', 'close']],
    '<!DOCTYPE html>\n<html><head><title>Document Error: Page not found</title></head>\n<body><h2>Access Error: 404 -- Not Found</h2>\n<p>Cannot open URL</p>\n</body>\n</html>\n');
}

/** Hikvision "IP Camera(xxxxx)" nonce: hex of a base64 string (shape seen in public captures). */
function hikNonce(): string {
  return Buffer.from(Buffer.from(hex(12)).toString('base64')).toString('hex').slice(0, 48);
}

/**
 * Hikvision ISAPI 401: two WWW-Authenticate lines (MD5 then SHA-256 variant).
 * Realm format `IP Camera(<5 alnum>)` and `qop="auth"`/`stale="FALSE"`: FP §4.1 "A:".
 */
function hikIsapi401(server: string, realm: string): Responder {
  return () => {
    const nonce = hikNonce();
    return httpResponse('401 Unauthorized', [
      ['Date', httpDate()], ['Server', server], ['Content-Length', '{len}'], ['Content-Type', CT_HTML], ['Connection', 'close'],
      ['WWW-Authenticate', `Digest qop="auth", realm="${realm}", nonce="${nonce}", stale="FALSE"`],
      ['WWW-Authenticate', `Digest qop="auth", realm="${realm}", nonce="${nonce}", stale="FALSE", algorithm="SHA-256"`],
    ], '<!DOCTYPE html>\n<html><head><title>Document Error: Unauthorized</title></head>\n<body><h2>Access Error: 401 -- Unauthorized</h2>\n<p>Authentication Error</p>\n</body>\n</html>\n');
  };
}

/** `/` on Hikvision firmware: a script stub that sends the browser to /doc/page/login.asp (FP §4.1 "P:", Ingram `body=doc/page/login.asp`). */
function hikIndex(server: string, extraHeaders: Array<[string, string]> = [], bom = false): Responder {
  return () => httpResponse('200 OK', [['Date', httpDate()], ['Server', server], ...extraHeaders, ['Content-Length', '{len}'], ['Content-Type', CT_HTML], ['Connection', 'close']],
    (bom ? BOM + '<!doctype html>' : '<!DOCTYPE html>') + '\n<html>\n<head>\n<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />\n<meta http-equiv="Pragma" content="no-cache" />\n<meta http-equiv="Cache-Control" content="no-cache" />\n<meta http-equiv="Expires" content="0" />\n<title></title>\n<script>\nwindow.location.href = "/doc/page/login.asp?_" + (new Date()).getTime();\n</script>\n</head>\n<body>\n</body>\n</html>\n');
}

/** /doc/page/login.asp: the login shell; `brandTitle` lets OEM firmware show its own label. Illustrative markup around documented markers. */
function hikLogin(server: string, brandTitle: string, webVersion: string, extraHeaders: Array<[string, string]> = []): Responder {
  return () => httpResponse('200 OK', [['Date', httpDate()], ['Server', server], ...extraHeaders, ['Content-Length', '{len}'], ['Content-Type', CT_HTML], ['Connection', 'close']],
    `<!DOCTYPE html>\n<html>\n<head>\n<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />\n<title>${brandTitle}</title>\n` +
    `<link rel="stylesheet" type="text/css" href="../css/ui.css" />\n<script type="text/javascript" src="../script/lib/seajs/sea.js"></script>\n` +
    `<script type="text/javascript" src="../script/lib/seajs/config/sea-config.js?version=${webVersion}"></script>\n` +
    `<script type="text/javascript">var g_szCacheTime = "${webVersion}"; seajs.use(["login"], function (oLogin) { oLogin.init(); });</script>\n` +
    `</head>\n<body>\n<div id="login" class="login">\n<input id="username" type="text" maxlength="32" />\n<input id="password" type="password" maxlength="16" />\n<button id="loginBtn">Login</button>\n</div>\n</body>\n</html>\n`);
}

/** Greenbone gb_hikvision_ip_camera_detect: `seajs.web_version = "V<ver>build<yymmdd>"` in sea-config.js (FP §4.1 "P:"). */
function hikSeaConfig(server: string, webVersion: string): Responder {
  return () => httpResponse('200 OK', [['Date', httpDate()], ['Server', server], ['Content-Length', '{len}'], ['Content-Type', 'application/javascript'], ['Connection', 'close']],
    `seajs.web_version = "${webVersion}";\nseajs.config({ base: "../script/", alias: { "jquery": "lib/jquery/jquery-1.12.4.min" }, map: [[".js", ".js?version=" + seajs.web_version]] });\n`);
}

/** Hikvision RTSP: OPTIONS answered, DESCRIBE → 401 Digest (FP §4.1 "R:", nmap L14882; realm per "A:"). No Server header. */
function hikRtsp(realm: string, alsoBasic = false): Record<string, Responder> {
  const date = () => new Date().toUTCString().replace(/^(\w+), (\d+) (\w+) (\d+) /, '$1, $3 $2 $4 ');
  return {
    OPTIONS: (req) => rtspResponse(req, '200 OK', [['CSeq', '{cseq}'], ['Public', 'OPTIONS, DESCRIBE, PLAY, PAUSE, SETUP, TEARDOWN, SET_PARAMETER, GET_PARAMETER'], ['Date', ` ${date()}`]]),
    '*': (req) => rtspResponse(req, '401 Unauthorized', [['CSeq', '{cseq}'],
      ['WWW-Authenticate', `Digest realm="${realm}", nonce="${hex(16)}", stale="FALSE"`],
      ...(alsoBasic ? [['WWW-Authenticate', 'Basic realm="/"'] as [string, string]] : []),
      ['Date', ` ${date()}`]]),
  };
}

/** Hikvision SDK "server" port 8000: nmap `match ipcam m|^\0\0\0\x10\0\0\0\x1e\0\0\0\x1e\0\0\0\0|` (FP §4.1, nmap L1821). */
const HIK_SDK_REPLY = Buffer.from([0, 0, 0, 0x10, 0, 0, 0, 0x1e, 0, 0, 0, 0x1e, 0, 0, 0, 0]);

/** Dahua web header shape: no Server, upper-case names, P3P, Etag (FP §4.2 "H:", nmap L10444-10445, Plum-Island#204). */
function dahuaHeaders(contentType: string): Array<[string, string]> {
  return [['CONNECTION', 'close'], ['CONTENT-LENGTH', '{len}'], ['CACHE-CONTROL', 'max-age=0'], ['CONTENT-TYPE', contentType],
    ['P3P', 'CP=CAO PSA OUR'], ['X-Frame-Options', 'SAMEORIGIN'], ['Etag', `"1780651407:298f"`]];
}

/**
 * Dahua /RPC2_Login first-step challenge (FP §4.2 "P:"; code 268632079 "Component error: login challenge!"
 * is what Dahua client libraries look for). The request id is echoed when the body is JSON.
 */
function dahuaRpcLogin(realm: string): Responder {
  return (req) => {
    let id: unknown = 1;
    try { const j = JSON.parse(req.body.toString('utf8')) as { id?: unknown }; if (typeof j.id === 'number') id = j.id; } catch { /* not JSON */ }
    const random = String(100000000 + Math.floor(Math.random() * 899999999));
    const body = `{"error":{"code":268632079,"message":"Component error: login challenge!"},"id":${JSON.stringify(id)},"params":{"authorization":"${hex(20)}","encryption":"Default","mac":"","random":"${random}","realm":"${realm}"},"result":false,"session":"${hex(16)}"}\n`;
    return httpResponse('HTTP/1.1 200 OK', dahuaHeaders('application/json; charset=UTF-8'), body, { lengthHeader: null, connection: null });
  };
}

/** /RPC2 without a session: "Invalid session in request data!" (error 287637505; seen in Dahua client libraries). */
const dahuaRpcNoSession: Responder = (req) => {
  let id: unknown = 1;
  try { const j = JSON.parse(req.body.toString('utf8')) as { id?: unknown }; if (typeof j.id === 'number') id = j.id; } catch { /* not JSON */ }
  return httpResponse('HTTP/1.1 200 OK', dahuaHeaders('application/json; charset=UTF-8'),
    `{"error":{"code":287637505,"message":"Invalid session in request data!"},"id":${JSON.stringify(id)},"result":false,"session":0}\n`, { lengthHeader: null, connection: null });
};

/** Dahua CGI (magicBox.cgi etc.) requires auth: 401 Digest with the `Login to <serial>` realm and a decimal nonce. */
function dahuaCgi401(realm: string): Responder {
  return () => httpResponse('HTTP/1.1 401 Unauthorized', [['CONNECTION', 'close'], ['CONTENT-LENGTH', '{len}'], ['CONTENT-TYPE', 'text/plain; charset=utf-8'],
    ['WWW-Authenticate', `Digest realm="${realm}", qop="auth", nonce="${Math.floor(Math.random() * 2 ** 31)}", opaque="${hex(20)}"`]],
  'Error\r\nInvalid Authority!\r\n', { lengthHeader: null, connection: null });
}

/** Dahua RTSP: every method → 401 Digest `Login to <serial>`, `Server: Dahua Rtsp Server` (FP §4.2 "A/R:", nmap L12373/L14883). */
function dahuaRtsp(realm: string): Record<string, Responder> {
  return {
    '*': (req) => rtspResponse(req, '401 Unauthorized', [['CSeq', '{cseq}'],
      ['WWW-Authenticate', `Digest realm="${realm}", nonce="${hex(16)}"`], ['Server', 'Dahua Rtsp Server']]),
  };
}

function dahuaLoginPage(title: string, extraScript = ''): string {
  // Greenbone gb_dahua_devices_http_detect markers: `<title>WEB SERVICE</title>` && `ui-dialog-content`;
  // `@WebVersion@` && `t_username` && `>Login<`; `ui-video-wrap-icon` && `slct_userType` (FP §4.2 "T/body").
  return BOM + `<!DOCTYPE html>\n<html>\n<head>\n<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />\n<meta http-equiv="X-UA-Compatible" content="IE=edge" />\n` +
    `<title>${title}</title>\n<link rel="stylesheet" type="text/css" href="css/login.css?version=@WebVersion@" />\n` +
    `<script type="text/javascript" src="jsBase/lib/jquery.js?version=@WebVersion@"></script>\n` +
    `<script type="text/javascript" src="jsCore/rpcCore.js?version=@WebVersion@"></script>\n${extraScript}` +
    `</head>\n<body>\n<div class="ui-dialog-content" id="login">\n<div class="ui-video-wrap-icon"></div>\n` +
    `<input type="text" id="login_user" class="t_username" />\n<input type="password" id="login_psw" class="t_password" />\n` +
    `<select id="slct_userType" class="slct_userType"><option value="0">TCP</option></select>\n<a id="b_login" class="u-button">Login</a>\n` +
    `</div>\n<script type="text/javascript">var loginUrl = "/RPC2_Login"; var loginMethod = {"method":"global.login"};</script>\n</body>\n</html>\n`;
}

function fileResponder(body: Bytes, ct: string, server?: string): Responder {
  return () => httpResponse('200 OK', [['Date', httpDate()], ...(server ? [['Server', server] as [string, string]] : []), ['Content-Type', ct], ['Content-Length', '{len}'], ['Connection', 'close']], body);
}

function favicon(ico: Buffer, server?: string): Responder {
  return fileResponder(ico, 'image/x-icon', server);
}

/**
 * ONVIF device service (ONVIF Core; PEERS §4.1): GetSystemDateAndTime and GetServices are PRE_AUTH and always
 * answered (the clock shifted by `clockSkewS`); GetDeviceInformation is answered when `deviceInfoPreAuth`,
 * or when the persona's `credentials` come as a WS-UsernameToken PasswordDigest (Created within 5 minutes of
 * the device clock; not with auth 'digest') or as HTTP Digest; a wrong token gets a ter:NotAuthorized fault
 * (HTTP 400), anything else HTTP 401 with a Digest challenge in `realm`.
 */
function onvifService(info: NonNullable<PersonaDiscovery['onvif']>, server: string | undefined, realm: string): Responder {
  const soap = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>\n<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" xmlns:tds="http://www.onvif.org/ver10/device/wsdl" xmlns:tt="http://www.onvif.org/ver10/schema"><env:Body>${body}</env:Body></env:Envelope>\n`;
  const sh = (): Array<[string, string]> => [['Date', httpDate()], ...(server ? [['Server', server] as [string, string]] : []), ['Content-Type', 'application/soap+xml; charset=utf-8'], ['Content-Length', '{len}'], ['Connection', 'close']];
  const x = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const faultBody = soap('<env:Fault><env:Code><env:Value>env:Sender</env:Value><env:Subcode><env:Value xmlns:ter="http://www.onvif.org/ver10/error">ter:NotAuthorized</env:Value></env:Subcode></env:Code><env:Reason><env:Text xml:lang="en">Sender not Authorized</env:Text></env:Reason></env:Fault>');
  const deviceNow = () => new Date(Date.now() + (info.clockSkewS ?? 0) * 1000);
  const digestOk = (req: LabRequest): boolean => {
    const c = info.credentials;
    const a = parseDigestAuthorization(req.headers['authorization']);
    if (!c || !a || a.username !== c.username || a.realm !== realm || !a.nonce || !a.response) return false;
    const alg = (a.algorithm ?? 'MD5').toUpperCase() === 'SHA-256' ? 'SHA-256' : 'MD5';
    const want = digestResponse({ algorithm: alg, username: c.username, realm, password: c.password, method: req.method, uri: a.uri ?? req.target, nonce: a.nonce, nc: a.nc, cnonce: a.cnonce, qop: a.qop });
    return want === a.response && (a.uri ?? '') === req.target;
  };
  const deviceInfo = () => httpResponse('200 OK', sh(), soap(`<tds:GetDeviceInformationResponse><tds:Manufacturer>${x(info.manufacturer)}</tds:Manufacturer><tds:Model>${x(info.model)}</tds:Model><tds:FirmwareVersion>${x(info.firmware)}</tds:FirmwareVersion><tds:SerialNumber>${x(info.serial)}</tds:SerialNumber><tds:HardwareId>${x(info.hardware)}</tds:HardwareId></tds:GetDeviceInformationResponse>`));
  return (req) => {
    const b = req.body.toString('utf8');
    if (/GetSystemDateAndTime/.test(b)) {
      const d = deviceNow();
      return httpResponse('200 OK', sh(), soap(`<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime><tt:DateTimeType>NTP</tt:DateTimeType><tt:DaylightSavings>false</tt:DaylightSavings><tt:TimeZone><tt:TZ>UTC0</tt:TZ></tt:TimeZone><tt:UTCDateTime><tt:Time><tt:Hour>${d.getUTCHours()}</tt:Hour><tt:Minute>${d.getUTCMinutes()}</tt:Minute><tt:Second>${d.getUTCSeconds()}</tt:Second></tt:Time><tt:Date><tt:Year>${d.getUTCFullYear()}</tt:Year><tt:Month>${d.getUTCMonth() + 1}</tt:Month><tt:Day>${d.getUTCDate()}</tt:Day></tt:Date></tt:UTCDateTime></tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>`));
    }
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
    return httpResponse('400 Bad Request', sh(), soap('<env:Fault><env:Code><env:Value>env:Sender</env:Value></env:Code><env:Reason><env:Text xml:lang="en">Action not supported by the lab</env:Text></env:Reason></env:Fault>'));
  };
}

function upnpDescription(u: NonNullable<PersonaDiscovery['upnp']>): Responder {
  return () => httpResponse('200 OK', [['Content-Type', 'text/xml; charset="utf-8"'], ['Content-Length', '{len}'], ['Connection', 'close'], ['Server', u.server]],
    `<?xml version="1.0"?>\n<root xmlns="urn:schemas-upnp-org:device-1-0">\n<specVersion><major>1</major><minor>0</minor></specVersion>\n<device>\n` +
    `<deviceType>${u.deviceType}</deviceType>\n<friendlyName>${u.friendlyName}</friendlyName>\n<manufacturer>${u.manufacturer}</manufacturer>\n` +
    (u.manufacturerURL ? `<manufacturerURL>${u.manufacturerURL}</manufacturerURL>\n` : '') +
    (u.modelDescription ? `<modelDescription>${u.modelDescription}</modelDescription>\n` : '') +
    `<modelName>${u.modelName}</modelName>\n` + (u.modelNumber ? `<modelNumber>${u.modelNumber}</modelNumber>\n` : '') +
    (u.serialNumber ? `<serialNumber>${u.serialNumber}</serialNumber>\n` : '') + `<UDN>${u.udn}</UDN>\n</device>\n</root>\n`);
}

const ONVIF_TYPES = ['dn:NetworkVideoTransmitter', 'tds:Device'];

// ---------------------------------------------------------------------------------------------
// 1. Hikvision DS-2CD2143G0-I (4 MP dome camera)

const HIK_CAM_REALM = 'IP Camera(C2183)';
const HIK_CAM_WEB = 'V4.0.1build190402';
const hikCamDiscovery: PersonaDiscovery = {
  // ONVIF scopes/fields: FP §4.1 "D:" (hardware/name/location scopes; Manufacturer HIKVISION; firmware `V5.6.1 build 190813` shape).
  onvif: {
    manufacturer: 'HIKVISION', model: 'DS-2CD2143G0-I', firmware: 'V5.6.3 build 190923', serial: 'DS-2CD2143G0-I20190923AAWRD12345678',
    hardware: '88', types: ONVIF_TYPES, endpoint: 'urn:uuid:3fa1b2c4-1dd2-11b2-a105-4419b6123456', xaddrPath: '/onvif/device_service',
    // Synthetic ONVIF user; the clock runs 1 h 2 min fast (WS-UsernameToken must use the device clock).
    credentials: { username: 'onvif-audit', password: 'Lab-Hik-2143!' }, clockSkewS: 3720,
    scopes: ['onvif://www.onvif.org/type/video_encoder', 'onvif://www.onvif.org/Profile/Streaming', 'onvif://www.onvif.org/Profile/G', 'onvif://www.onvif.org/Profile/T',
      'onvif://www.onvif.org/MAC/44:19:b6:12:34:56', 'onvif://www.onvif.org/hardware/DS-2CD2143G0-I', 'onvif://www.onvif.org/name/HIKVISION%20DS-2CD2143G0-I', 'onvif://www.onvif.org/location/city/hangzhou'],
  },
  // SADP ProbeMatch (PEERS §3.1 tag list/order; values synthetic).
  sadp: {
    Types: 'inquiry', DeviceType: '138', DeviceDescription: 'DS-2CD2143G0-I', DeviceSN: 'DS-2CD2143G0-I20190923AAWRD12345678', CommandPort: '8000', HttpPort: '80',
    MAC: '44-19-b6-12-34-56', IPv4Address: '', IPv4SubnetMask: '255.255.255.0', IPv4Gateway: '0.0.0.0', IPv6Address: '::', IPv6Gateway: '::', IPv6MaskLen: '64', DHCP: 'false',
    AnalogChannelNum: '0', DigitalChannelNum: '1', SoftwareVersion: 'V5.6.3build 190923', DSPVersion: 'V7.3 build 190527', BootTime: '2024-03-02 08:14:55',
    Encoder: 'true', ResetAbility: 'false', DiskNumber: '0', Activated: 'true', PasswordResetAbility: 'true', PasswordResetModeSecond: 'true',
    SupportHCPlatform: 'true', HCPlatformEnable: 'false', IsModifyVerificationCode: 'false', SDKOverTLSPort: '8443', SDKServerStatus: 'true',
  },
};

const hikCamHttp: Record<string, Responder> = {
  'GET /': hikIndex('App-webs/'),
  'GET /doc/page/login.asp': hikLogin('App-webs/', '', HIK_CAM_WEB),
  'GET /doc/script/lib/seajs/config/sea-config.js': hikSeaConfig('App-webs/', HIK_CAM_WEB),
  'GET /ISAPI/System/deviceInfo': hikIsapi401('App-webs/', HIK_CAM_REALM),
  'GET /ISAPI/Security/userCheck': hikIsapi401('App-webs/', HIK_CAM_REALM),
  'GET /ISAPI/Event/notification/alertStream': hikIsapi401('App-webs/', HIK_CAM_REALM),
  'GET /favicon.ico': favicon(makeIco(0xd7, 0x1e, 0x28), 'App-webs/'),
  'POST /onvif/device_service': onvifService(hikCamDiscovery.onvif!, 'App-webs/', HIK_CAM_REALM),
};
const hikvisionCamera: Persona = {
  name: 'hikvision-camera',
  label: 'Hikvision DS-2CD2143G0-I dome camera',
  mac: '44:19:b6:12:34:56',
  discovery: hikCamDiscovery,
  ports: [
    { port: 80, protocol: 'http', routes: hikCamHttp, fallback: notFoundGoahead('App-webs/'), source: 'FP §4.1: Server App-webs/ (nmap L9762), /doc/page/login.asp, ISAPI realm IP Camera(C2183)' },
    { port: 443, protocol: 'https', cert: 'hikvision', routes: hikCamHttp, fallback: notFoundGoahead('App-webs/'), source: 'FP §4.1 "X:" recog x509 subject' },
    { port: 554, protocol: 'rtsp', routes: hikRtsp(HIK_CAM_REALM), source: 'FP §4.1 "R:" nmap L14882, realm per "A:"' },
    { port: 8000, protocol: 'tcp-banner', reply: HIK_SDK_REPLY, source: 'FP §4.1: SDK port 8000, nmap L1821' },
  ],
};

// ---------------------------------------------------------------------------------------------
// 2. Hikvision DS-7608NI-K2 (8-channel NVR)

const HIK_NVR_REALM = 'DVRNVRDVS';
const hikNvrDiscovery: PersonaDiscovery = {
  onvif: {
    manufacturer: 'HIKVISION', model: 'DS-7608NI-K2', firmware: 'V4.22.005 build 191229', serial: 'DS-7608NI-K20820200312CCRRE12345678WCVU',
    hardware: '88', types: ['tds:Device'], endpoint: 'urn:uuid:54abcd12-1dd2-11b2-8d04-c056e3a1b2c3', xaddrPath: '/onvif/device_service',
    scopes: ['onvif://www.onvif.org/type/NetworkVideoRecorder', 'onvif://www.onvif.org/Profile/Streaming', 'onvif://www.onvif.org/hardware/DS-7608NI-K2',
      'onvif://www.onvif.org/name/HIKVISION%20DS-7608NI-K2', 'onvif://www.onvif.org/location/city/hangzhou'],
  },
  sadp: {
    Types: 'inquiry', DeviceType: '30001', DeviceDescription: 'DS-7608NI-K2', DeviceSN: 'DS-7608NI-K20820200312CCRRE12345678WCVU', CommandPort: '8000', HttpPort: '80',
    MAC: 'c0-56-e3-a1-b2-c3', IPv4Address: '', IPv4SubnetMask: '255.255.255.0', IPv4Gateway: '0.0.0.0', DHCP: 'false',
    AnalogChannelNum: '0', DigitalChannelNum: '8', SoftwareVersion: 'V4.22.005build 191229', DSPVersion: 'V5.0, build 191204', BootTime: '2024-02-11 03:40:12',
    DiskNumber: '1', Activated: 'true', PasswordResetAbility: 'true', SupportHCPlatform: 'true', HCPlatformEnable: 'true', IsModifyVerificationCode: 'true',
  },
};
const hikNvrHttp: Record<string, Responder> = {
  // DNVRS-Webs (nmap L10283); older NVR firmware answers `/` with a redirect (cf. L9906 "302 Redirect").
  'GET /': (req) => httpResponse('302 Redirect', [['Server', 'DNVRS-Webs'], ['Date', httpDate()], ['Connection', 'close'], ['Location', `http://${req.host}/doc/page/login.asp`]], '', { lengthHeader: null }),
  'GET /doc/page/login.asp': hikLogin('DNVRS-Webs', '', 'V4.0.1build191229'),
  'GET /ISAPI/System/deviceInfo': hikIsapi401('DNVRS-Webs', HIK_NVR_REALM),
  'GET /ISAPI/Security/userCheck': hikIsapi401('DNVRS-Webs', HIK_NVR_REALM),
  'GET /favicon.ico': favicon(makeIco(0xd7, 0x1e, 0x29), 'DNVRS-Webs'),
  'POST /onvif/device_service': onvifService(hikNvrDiscovery.onvif!, 'DNVRS-Webs', HIK_NVR_REALM),
};
const hikvisionNvr: Persona = {
  name: 'hikvision-nvr',
  label: 'Hikvision DS-7608NI-K2 8-channel NVR',
  mac: 'c0:56:e3:a1:b2:c3',
  discovery: hikNvrDiscovery,
  ports: [
    { port: 80, protocol: 'http', routes: hikNvrHttp, fallback: notFoundGoahead('DNVRS-Webs'), source: 'FP §4.1: Server DNVRS-Webs (nmap L10283), realm DVRNVRDVS [L]' },
    { port: 443, protocol: 'https', cert: 'hikvision', routes: hikNvrHttp, fallback: notFoundGoahead('DNVRS-Webs') },
    // nmap L12367 "Hikvision DVR rtspd": Digest realm="Hikvision" + Basic realm="/".
    { port: 554, protocol: 'rtsp', routes: hikRtsp('Hikvision', true), source: 'FP §4.1 "A:" nmap L12367' },
    { port: 8000, protocol: 'tcp-banner', reply: HIK_SDK_REPLY, source: 'nmap L1821' },
  ],
};

// ---------------------------------------------------------------------------------------------
// 3. Dahua IPC-HFW2431S-S-S2 (4 MP bullet)

const DAHUA_SERIAL = '4X7C5A1ZAG21L3F';
const DAHUA_REALM = `Login to ${DAHUA_SERIAL}`;
const dahuaDiscovery: PersonaDiscovery = {
  // Dahua Hello scopes (FP §4.2 "D:"); firmware shape `2.800.0000000.4.R, Build Date 2019-11-05`.
  onvif: {
    manufacturer: 'Dahua', model: 'IPC-HFW2431S-S-S2', firmware: '2.800.0000016.0.R, Build Date 2020-06-05', serial: DAHUA_SERIAL, hardware: '1.00',
    types: ONVIF_TYPES, endpoint: 'urn:uuid:f1a2b3c4-d5e6-4789-a012-3cef8c416cce', xaddrPath: '/onvif/device_service',
    // Synthetic ONVIF user, HTTP Digest only (the device answers a UsernameToken with 401 + Digest challenge).
    credentials: { username: 'onvif-audit', password: 'Lab-Dahua-2431!' }, auth: 'digest',
    scopes: ['onvif://www.onvif.org/location/country/china', 'onvif://www.onvif.org/name/Dahua', 'onvif://www.onvif.org/hardware/IPC-HFW2431S-S-S2',
      'onvif://www.onvif.org/Profile/Streaming', 'onvif://www.onvif.org/type/Network_Video_Transmitter', 'onvif://www.onvif.org/extension/unique_identifier/1', 'onvif://www.onvif.org/Profile/T'],
  },
  // DHIP reply (PEERS §3.2 field set).
  dhip: {
    mac: '3c:ef:8c:41:6c:ce',
    deviceInfo: {
      DeviceClass: 'IPC', DeviceType: 'IPC-HFW2431S-S-S2', SerialNo: DAHUA_SERIAL, MachineName: DAHUA_SERIAL, Manufacturer: 'Dahua', Vendor: 'General',
      Version: '2.800.0000016.0.R', HttpPort: 80, HttpsPort: 443, Port: 37777,
      IPv4Address: { IPAddress: '', SubnetMask: '255.255.255.0', DefaultGateway: '0.0.0.0', DhcpEnable: false },
      IPv6Address: { IPAddress: 'fe80::3eef:8cff:fe41:6cce/64', DefaultGateway: 'fe80::', DhcpEnable: false },
      VideoInputChannels: 1, RemoteVideoInputChannels: 0, VideoOutputChannels: 0, AlarmInputChannels: 0, AlarmOutputChannels: 0, Find: 'BC', Init: 150,
    },
  },
};
const dahuaHttp: Record<string, Responder> = {
  'GET /': () => httpResponse('HTTP/1.1 200 OK', dahuaHeaders(CT_HTML), dahuaLoginPage('WEB SERVICE'), { lengthHeader: null, connection: null }),
  'POST /RPC2_Login': dahuaRpcLogin(DAHUA_REALM),
  'POST /RPC2': dahuaRpcNoSession,
  'GET /cgi-bin/magicBox.cgi': dahuaCgi401(DAHUA_REALM),
  'GET /cgi-bin/configManager.cgi': dahuaCgi401(DAHUA_REALM),
  'GET /cgi-bin/snapshot.cgi': dahuaCgi401(DAHUA_REALM),
  'GET /favicon.ico': () => httpResponse('HTTP/1.1 200 OK', dahuaHeaders('image/x-icon'), makeIco(0x00, 0x5b, 0xac), { lengthHeader: null, connection: null }),
  'POST /onvif/device_service': onvifService(dahuaDiscovery.onvif!, undefined, DAHUA_REALM),
};
const dahuaNotFound: Responder = () => httpResponse('HTTP/1.1 404 Not Found', dahuaHeaders(CT_HTML), '<html><head><title>404 Not Found</title></head><body>404 Not Found</body></html>', { lengthHeader: null, connection: null });
const dahuaCamera: Persona = {
  name: 'dahua-camera',
  label: 'Dahua IPC-HFW2431S-S-S2 bullet camera',
  mac: '3c:ef:8c:41:6c:ce',
  discovery: dahuaDiscovery,
  ports: [
    { port: 80, protocol: 'http', routes: dahuaHttp, fallback: dahuaNotFound, source: 'FP §4.2 "H:", "T/body", "P:"' },
    { port: 443, protocol: 'https', cert: 'dahua', routes: dahuaHttp, fallback: dahuaNotFound, source: 'FP §4.2 "X:" Plum-Island#204 issuer Dahua Device NVR CA' },
    { port: 554, protocol: 'rtsp', routes: dahuaRtsp(DAHUA_REALM), source: 'FP §4.2 "A/R:"' },
    { port: 37777, protocol: 'tcp-open', source: 'FP §4.2 "Ports:" TCP 37777 (DVRIP)' },
  ],
};

// ---------------------------------------------------------------------------------------------
// 4. Amcrest IP4M-1041B (Dahua OEM; internal model IPC-AW46WN-S2)

const AMCREST_REALM = 'Login to 9C8ECD3E5A71';
const AMCREST_FW = 'V2.800.00AC006.0.R';
const amcrestDiscovery: PersonaDiscovery = {
  onvif: {
    manufacturer: 'Amcrest', model: 'IP4M-1041B', firmware: '2.800.00AC006.0.R, Build Date 2023-10-27', serial: 'AMC0574D3E5A719C8E', hardware: '1.00',
    types: ONVIF_TYPES, endpoint: 'urn:uuid:0a1b2c3d-4e5f-4a6b-8c7d-9c8ecd3e5a71', xaddrPath: '/onvif/device_service',
    scopes: ['onvif://www.onvif.org/location/country/china', 'onvif://www.onvif.org/name/Amcrest', 'onvif://www.onvif.org/hardware/IP4M-1041B',
      'onvif://www.onvif.org/Profile/Streaming', 'onvif://www.onvif.org/type/Network_Video_Transmitter', 'onvif://www.onvif.org/extension/unique_identifier/1'],
  },
  dhip: {
    mac: '9c:8e:cd:3e:5a:71',
    deviceInfo: {
      DeviceClass: 'IPC', DeviceType: 'IP4M-1041B', SerialNo: 'AMC0574D3E5A719C8E', MachineName: 'AMC0574D3E5A719C8E', Manufacturer: 'Amcrest', Vendor: 'Amcrest',
      Version: '2.800.00AC006.0.R', HttpPort: 80, Port: 37777,
      IPv4Address: { IPAddress: '', SubnetMask: '255.255.255.0', DefaultGateway: '0.0.0.0', DhcpEnable: true },
      VideoInputChannels: 1, RemoteVideoInputChannels: 0, Find: 'BC', Init: 150,
    },
  },
};
const amcrestHttp: Record<string, Responder> = {
  // Amcrest label on a Dahua page shell (nmap L10443 "Amcrest IP camera http interface" shares the Dahua header shape).
  // The firmware string in page JS is a lab simplification of "Dahua version format is reachable" (FP §2 Amcrest row, §5.2 "Dahua-inside tells").
  'GET /': () => httpResponse('HTTP/1.1 200 OK', dahuaHeaders(CT_HTML),
    dahuaLoginPage('Amcrest', `<script type="text/javascript">var g_brand = "Amcrest"; var g_softwareVersion = "${AMCREST_FW}, Build Date: 2023-10-27"; var g_deviceType = "IP4M-1041B";</script>\n`),
    { lengthHeader: null, connection: null }),
  // Greenbone gb_amcrest_ip_camera_detect: /custom_lang/English.txt with `Copyright <year> Amcrest Technologies` && `w_camera_info` (FP §4.2).
  'GET /custom_lang/English.txt': () => httpResponse('HTTP/1.1 200 OK', dahuaHeaders('text/plain'),
    'w_camera_info=Camera Info\r\nw_login=Login\r\nw_copyright=Copyright 2023 Amcrest Technologies. All Rights Reserved.\r\n', { lengthHeader: null, connection: null }),
  'POST /RPC2_Login': dahuaRpcLogin(AMCREST_REALM),
  'POST /RPC2': dahuaRpcNoSession,
  'GET /cgi-bin/magicBox.cgi': dahuaCgi401(AMCREST_REALM),
  'GET /favicon.ico': () => httpResponse('HTTP/1.1 200 OK', dahuaHeaders('image/x-icon'), makeIco(0x1a, 0x8f, 0xd0), { lengthHeader: null, connection: null }),
  'POST /onvif/device_service': onvifService(amcrestDiscovery.onvif!, undefined, AMCREST_REALM),
};
const amcrestCamera: Persona = {
  name: 'amcrest-camera',
  label: 'Amcrest IP4M-1041B pan/tilt camera',
  mac: '9c:8e:cd:3e:5a:71',
  discovery: amcrestDiscovery,
  notes: 'Dahua OEM: Amcrest label, Dahua firmware (RPC2_Login, Dahua RTSP server, 37777, 2.800.00AC006 version format).',
  ports: [
    { port: 80, protocol: 'http', routes: amcrestHttp, fallback: dahuaNotFound, source: 'FP §2 (Amcrest = Dahua OEM), §4.2' },
    { port: 554, protocol: 'rtsp', routes: dahuaRtsp(AMCREST_REALM), source: 'FP §4.2 "A/R:"' },
    { port: 37777, protocol: 'tcp-open', source: 'FP §2 "OEM Dahua firmware keeps … TCP 37777"' },
  ],
};

// ---------------------------------------------------------------------------------------------
// 5. LTS CMIP8242WB-28M (Hikvision OEM)

const LTS_REALM = 'IP Camera(E4529)';
const ltsDiscovery: PersonaDiscovery = {
  onvif: {
    manufacturer: 'LTS', model: 'CMIP8242WB-28M', firmware: 'V5.5.82 build 190909', serial: 'CMIP8242WB-28M20210315AAWRF12345678', hardware: '88',
    types: ONVIF_TYPES, endpoint: 'urn:uuid:7c9e6679-7425-40de-944b-142ffd0a1b2c', xaddrPath: '/onvif/device_service',
    scopes: ['onvif://www.onvif.org/type/video_encoder', 'onvif://www.onvif.org/Profile/Streaming', 'onvif://www.onvif.org/hardware/CMIP8242WB-28M',
      'onvif://www.onvif.org/name/LTS%20CMIP8242WB-28M', 'onvif://www.onvif.org/location/city/hangzhou'],
  },
  sadp: {
    Types: 'inquiry', DeviceType: '138', DeviceDescription: 'CMIP8242WB-28M', DeviceSN: 'CMIP8242WB-28M20210315AAWRF12345678', CommandPort: '8000', HttpPort: '80',
    MAC: '14-2f-fd-0a-1b-2c', IPv4Address: '', IPv4SubnetMask: '255.255.255.0', IPv4Gateway: '0.0.0.0', DHCP: 'true',
    AnalogChannelNum: '0', DigitalChannelNum: '1', SoftwareVersion: 'V5.5.82build 190909', DSPVersion: 'V7.3 build 190527', Activated: 'true', OEMInfo: 'LTS',
  },
};
const ltsHttp: Record<string, Responder> = {
  'GET /': hikIndex('App-webs/'),
  // OEM label in the login page title (illustrative); Hikvision shell and paths unchanged (FP §2 "OEM Hikvision firmware keeps … /doc/page/login.asp").
  'GET /doc/page/login.asp': hikLogin('App-webs/', 'LTS', 'V4.0.1build190909'),
  'GET /ISAPI/System/deviceInfo': hikIsapi401('App-webs/', LTS_REALM),
  'GET /ISAPI/Security/userCheck': hikIsapi401('App-webs/', LTS_REALM),
  'GET /favicon.ico': favicon(makeIco(0x00, 0x4b, 0x8d), 'App-webs/'),
  'POST /onvif/device_service': onvifService(ltsDiscovery.onvif!, 'App-webs/', LTS_REALM),
};
const ltsCamera: Persona = {
  name: 'lts-camera',
  label: 'LTS CMIP8242WB-28M turret camera',
  mac: '14:2f:fd:0a:1b:2c',
  discovery: ltsDiscovery,
  notes: 'Hikvision OEM (FP §2 LTS row): LTS label, App-webs server, ISAPI realm IP Camera(…), SADP, port 8000.',
  ports: [
    { port: 80, protocol: 'http', routes: ltsHttp, fallback: notFoundGoahead('App-webs/'), source: 'FP §2 LTS row, §4.1' },
    { port: 554, protocol: 'rtsp', routes: hikRtsp(LTS_REALM), source: 'FP §4.1 "R:"' },
    { port: 8000, protocol: 'tcp-banner', reply: HIK_SDK_REPLY, source: 'nmap L1821' },
  ],
};

// ---------------------------------------------------------------------------------------------
// 6. EZVIZ CS-C6N (Hikvision consumer brand)

const EZVIZ_SERIAL = 'CS-C6N-A0-1C2WFR0120220527CCRRF12345678';
const ezvizDiscovery: PersonaDiscovery = {
  // EZVIZ serial format `CS-…<YYYYMMDD>CCRR…` (FP §2 EZVIZ row); OUI 64:f2:fb is an EZVIZ registration (FP §3).
  onvif: {
    manufacturer: 'EZVIZ', model: 'CS-C6N-A0-1C2WFR', firmware: 'V5.3.0 build 220527', serial: EZVIZ_SERIAL, hardware: '88',
    types: ONVIF_TYPES, endpoint: 'urn:uuid:9a8b7c6d-1dd2-11b2-b0c1-64f2fb112233', xaddrPath: '/onvif/device_service',
    scopes: ['onvif://www.onvif.org/type/video_encoder', 'onvif://www.onvif.org/Profile/Streaming', 'onvif://www.onvif.org/hardware/CS-C6N-A0-1C2WFR',
      'onvif://www.onvif.org/name/EZVIZ%20CS-C6N-A0-1C2WFR', 'onvif://www.onvif.org/location/city/hangzhou'],
  },
  sadp: {
    Types: 'inquiry', DeviceType: '20000', DeviceDescription: 'CS-C6N-A0-1C2WFR', DeviceSN: EZVIZ_SERIAL, CommandPort: '8000', HttpPort: '80',
    MAC: '64-f2-fb-11-22-33', IPv4Address: '', IPv4SubnetMask: '255.255.255.0', IPv4Gateway: '0.0.0.0', DHCP: 'true',
    AnalogChannelNum: '0', DigitalChannelNum: '1', SoftwareVersion: 'V5.3.0build 220527', Activated: 'true', SupportHCPlatform: 'true', HCPlatformEnable: 'true',
  },
};
const EZVIZ_REALM = 'IP Camera(F7364)';
// Newer Hikvision-platform web server: `Server: webserver` + hardening headers + BOM body (FP §4.1 "H:", nmap L10643-10645).
const EZ_SEC: Array<[string, string]> = [['X-Frame-Options', 'SAMEORIGIN'], ['X-Content-Type-Options', 'nosniff'], ['X-XSS-Protection', '1;mode=block']];
const ezvizHttp: Record<string, Responder> = {
  'GET /': hikIndex('webserver', EZ_SEC, true),
  'GET /doc/page/login.asp': hikLogin('webserver', 'EZVIZ', 'V4.1.0build220527', EZ_SEC),
  'GET /ISAPI/System/deviceInfo': hikIsapi401('webserver', EZVIZ_REALM),
  'GET /favicon.ico': favicon(makeIco(0x1e, 0xb4, 0x64), 'webserver'),
  'POST /onvif/device_service': onvifService(ezvizDiscovery.onvif!, 'webserver', EZVIZ_REALM),
};
const ezvizCamera: Persona = {
  name: 'ezviz-camera',
  label: 'EZVIZ C6N indoor pan/tilt camera',
  mac: '64:f2:fb:11:22:33',
  discovery: ezvizDiscovery,
  notes: 'Hikvision platform (webserver + ISAPI + SADP + 8000). Brand evidence: login title, SADP/ONVIF model CS-…, EZVIZ serial format.',
  ports: [
    { port: 80, protocol: 'http', routes: ezvizHttp, fallback: notFoundGoahead('webserver'), source: 'FP §4.1 newer firmware headers; EZVIZ title illustrative' },
    { port: 554, protocol: 'rtsp', routes: hikRtsp(EZVIZ_REALM), source: 'FP §4.1 "R:" (Hikvision platform)' },
    { port: 8000, protocol: 'tcp-banner', reply: HIK_SDK_REPLY, source: 'nmap L1821' },
  ],
};

// ---------------------------------------------------------------------------------------------
// 7. Uniview IPC2124SR3-PF40

const UNV_REALM = 'ipc'; // illustrative: no public capture of the LAPI realm text was found
const univDiscovery: PersonaDiscovery = {
  onvif: {
    manufacturer: 'Uniview', model: 'IPC2124SR3-PF40', firmware: 'IPC_G6103-B0015P20D1909', serial: '210235C3EN3198000123', hardware: 'A',
    types: ONVIF_TYPES, endpoint: 'urn:uuid:2419d68a-2dd2-21b2-a205-48ea63445566', xaddrPath: '/onvif/device_service',
    scopes: ['onvif://www.onvif.org/type/video_encoder', 'onvif://www.onvif.org/Profile/Streaming', 'onvif://www.onvif.org/Profile/T',
      'onvif://www.onvif.org/hardware/IPC2124SR3-PF40', 'onvif://www.onvif.org/name/IPC2124SR3-PF40', 'onvif://www.onvif.org/location/country/china'],
  },
};
const univHttp: Record<string, Responder> = {
  // Title = device name (defaults to the model) as in FingerprintHub's Uniview rule (FP §4.3); page references LAPI (illustrative).
  'GET /': () => httpResponse('200 OK', [['Content-Type', CT_HTML], ['Content-Length', '{len}'], ['Connection', 'close'], ['X-Frame-Options', 'SAMEORIGIN'], ['Cache-Control', 'no-cache']],
    '<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n<title>IPC2124SR3-PF40</title>\n<link rel="icon" href="/favicon.ico">\n' +
    '<script type="text/javascript">var LAPI_URL = "/LAPI/V1.0/"; var gDevType = "IPC";</script>\n<script type="text/javascript" src="/js/lib/jquery.min.js"></script>\n' +
    '<script type="text/javascript" src="/js/login.js"></script>\n</head>\n<body class="login">\n<div id="loginPanel"><input id="username"/><input id="password" type="password"/><button id="login">Login</button></div>\n</body>\n</html>\n'),
  // LAPI requires Digest (FP §4.3: apache/hertzbeat uniview docs).
  'GET /LAPI/V1.0/System/DeviceInfo': () => httpResponse('401 Unauthorized', [['Content-Type', 'application/json'], ['Content-Length', '{len}'], ['Connection', 'close'],
    ['WWW-Authenticate', `Digest realm="${UNV_REALM}", qop="auth", nonce="${hex(16)}", opaque="${hex(8)}"`]],
  '{"Response":{"ResponseURL":"/LAPI/V1.0/System/DeviceInfo","CreatedID":-1,"ResponseCode":4,"SubResponseCode":0,"ResponseString":"Not Authorized","StatusCode":401,"StatusString":"Unauthorized","Data":"null"}}\n'),
  'GET /favicon.ico': favicon(makeIco(0x00, 0x6e, 0xc8)),
  'POST /onvif/device_service': onvifService(univDiscovery.onvif!, undefined, UNV_REALM),
};
const univiewCamera: Persona = {
  name: 'uniview-camera',
  label: 'Uniview IPC2124SR3-PF40 bullet camera',
  mac: '48:ea:63:44:55:66',
  discovery: univDiscovery,
  notes: 'PRC vendor not named in NDAA §889: clear under ndaa, restricted under the uk pack (PEERS §3.5, §6).',
  ports: [
    { port: 80, protocol: 'http', routes: univHttp, fallback: () => httpResponse('404 Not Found', [['Content-Type', CT_HTML], ['Content-Length', '{len}']], '<html><body>404 Not Found</body></html>'), source: 'FP §4.3' },
    // RTSP paths /media/video1, /unicast/c1/s1/live (FP §4.3); reply shape illustrative.
    {
      port: 554, protocol: 'rtsp', source: 'FP §4.3 (illustrative reply shape)',
      routes: {
        OPTIONS: (req) => rtspResponse(req, '200 OK', [['CSeq', '{cseq}'], ['Public', 'OPTIONS, DESCRIBE, SETUP, TEARDOWN, PLAY, PAUSE, GET_PARAMETER, SET_PARAMETER'], ['Date', httpDate()]]),
        '*': (req) => rtspResponse(req, '401 Unauthorized', [['CSeq', '{cseq}'], ['WWW-Authenticate', `Digest realm="${UNV_REALM}", nonce="${hex(16)}"`], ['Date', httpDate()]]),
      },
    },
  ],
};

// ---------------------------------------------------------------------------------------------
// 8. Axis M1065-L

const AXIS_SERIAL = 'ACCC8E012345';
const AXIS_REALM = `AXIS_WS_${AXIS_SERIAL}`; // realm format AXIS_WS_<MAC> (FP §4.7; public RTSP client code comments)
const AXIS_PROPS = {
  Architecture: 'armv7hf', Brand: 'AXIS', BuildDate: 'Mar 29 2023 13:36', HardwareID: '76A', ProdFullName: 'AXIS M1065-L Network Camera', ProdNbr: 'M1065-L',
  ProdShortName: 'AXIS M1065-L', ProdType: 'Network Camera', ProdVariant: '', SerialNumber: AXIS_SERIAL, Soc: 'Ambarella S2L', SocSerialNumber: '00000000-00000000-01234567-89ABCDEF',
  Version: '10.12.114', WebURL: 'http://www.axis.com',
};
const axisDiscovery: PersonaDiscovery = {
  onvif: {
    manufacturer: 'AXIS', model: 'M1065-L', firmware: '10.12.114', serial: AXIS_SERIAL, hardware: '76A',
    types: ONVIF_TYPES, endpoint: 'urn:uuid:5f5a69c2-e0ae-504f-829b-00408cabcdef', xaddrPath: '/onvif/device_service',
    scopes: ['onvif://www.onvif.org/type/video_encoder', 'onvif://www.onvif.org/Profile/Streaming', 'onvif://www.onvif.org/Profile/G', 'onvif://www.onvif.org/Profile/T',
      'onvif://www.onvif.org/hardware/M1065-L', 'onvif://www.onvif.org/name/AXIS%20M1065-L', 'onvif://www.onvif.org/location/country/sweden'],
  },
  // UPnP SERVER string (FP §4.7); description fields from basicdeviceinfo values.
  upnp: {
    server: 'Linux/4.9.94-axis5, UPnP/1.0, Portable SDK for UPnP devices/1.6.22', st: 'urn:axis-com:service:BasicService:1',
    usn: `uuid:Upnp-BasicDevice-1_0-${AXIS_SERIAL}::urn:axis-com:service:BasicService:1`, locationPath: '/rootdesc1.xml',
    deviceType: 'urn:schemas-upnp-org:device:Basic:1', friendlyName: `AXIS M1065-L - ${AXIS_SERIAL}`, manufacturer: 'AXIS', manufacturerURL: 'http://www.axis.com/',
    modelName: 'AXIS M1065-L', modelNumber: 'M1065-L', modelDescription: 'AXIS M1065-L Network Camera', serialNumber: AXIS_SERIAL, udn: `uuid:Upnp-BasicDevice-1_0-${AXIS_SERIAL}`,
  },
  // mDNS (PEERS §3.3: instance "AXIS <model> - <MAC>", TXT macaddress=).
  mdns: [
    { instance: `AXIS M1065-L - ${AXIS_SERIAL}`, type: '_axis-video._tcp', port: 80, txt: { macaddress: AXIS_SERIAL } },
    { instance: `AXIS M1065-L - ${AXIS_SERIAL}`, type: '_http._tcp', port: 80 },
    { instance: `AXIS M1065-L - ${AXIS_SERIAL}`, type: '_rtsp._tcp', port: 554 },
  ],
};
// VAPIX Basic device information (https://developer.axis.com/vapix/network-video/basic-device-information/): no auth needed.
const axisBasicInfo: Responder = (req) => {
  let method = 'getAllUnrestrictedProperties';
  try { const j = JSON.parse(req.body.toString('utf8')) as { method?: unknown }; if (typeof j.method === 'string') method = j.method; } catch { /* GET or bad JSON */ }
  const body = method === 'getSupportedVersions'
    ? { apiVersion: '1.3', method, data: { apiVersions: ['1.3'] } }
    : { apiVersion: '1.3', data: { propertyList: AXIS_PROPS }, method: 'getAllUnrestrictedProperties' };
  return httpResponse('200 OK', [['Date', httpDate()], ['Content-Type', 'application/json'], ['Content-Length', '{len}'], ['Connection', 'close']], JSON.stringify(body));
};
const axis401: Responder = () => httpResponse('401 Unauthorized', [['Date', httpDate()],
  ['WWW-Authenticate', `Digest realm="${AXIS_REALM}", nonce="${hex(4)}Y${hex(19)}", algorithm=MD5, qop="auth"`],
  ['Content-Type', 'text/html; charset=iso-8859-1'], ['Content-Length', '{len}'], ['Connection', 'close']],
'<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>401 Unauthorized</title>\n</head><body>\n<h1>Unauthorized</h1>\n</body></html>\n');
const axisHttp: Record<string, Responder> = {
  'GET /': () => httpResponse('302 Found', [['Date', httpDate()], ['Location', '/camera/index.html'], ['Content-Length', '0'], ['Connection', 'close']], '', { lengthHeader: null }),
  'GET /camera/index.html': () => httpResponse('200 OK', [['Date', httpDate()], ['Content-Type', CT_HTML], ['Content-Length', '{len}'], ['Connection', 'close']],
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>AXIS</title><link rel="icon" href="/favicon.ico"></head><body><div id="root"></div><script src="/camera/static/js/main.js"></script></body></html>\n'),
  'POST /axis-cgi/basicdeviceinfo.cgi': axisBasicInfo,
  'GET /axis-cgi/basicdeviceinfo.cgi': axisBasicInfo,
  'GET /axis-cgi/param.cgi': axis401,
  'GET /axis-cgi/admin/param.cgi': axis401,
  'GET /favicon.ico': favicon(makeIco(0xff, 0xcc, 0x33)),
  'GET /rootdesc1.xml': upnpDescription(axisDiscovery.upnp!),
  'POST /onvif/device_service': onvifService(axisDiscovery.onvif!, undefined, AXIS_REALM),
};
const axisCamera: Persona = {
  name: 'axis-camera',
  label: 'AXIS M1065-L network camera',
  mac: 'ac:cc:8e:01:23:45',
  discovery: axisDiscovery,
  ports: [
    { port: 80, protocol: 'http', routes: axisHttp, source: 'VAPIX basicdeviceinfo; FP §4.7' },
    { port: 443, protocol: 'https', cert: 'axis', routes: axisHttp, source: 'FP §4.7 cert CN=axis-<mac>, O=Axis Communications AB' },
    {
      port: 554, protocol: 'rtsp', source: 'realm/nonce shape from public RTSP client code (AXIS_WS_<MAC>, nonce "0000…Y…", stale=FALSE)',
      routes: {
        OPTIONS: (req) => rtspResponse(req, '200 OK', [['CSeq', '{cseq}'], ['Public', 'OPTIONS, DESCRIBE, ANNOUNCE, GET_PARAMETER, PAUSE, PLAY, RECORD, SETUP, SET_PARAMETER, TEARDOWN'], ['Server', 'GStreamer RTSP server'], ['Date', httpDate()]]),
        '*': (req) => rtspResponse(req, '401 Unauthorized', [['CSeq', '{cseq}'], ['WWW-Authenticate', `Digest realm="${AXIS_REALM}", nonce="0000${hex(2)}Y${hex(19)}", stale=FALSE`], ['Server', 'GStreamer RTSP server'], ['Date', httpDate()]]),
      },
    },
  ],
};

// ---------------------------------------------------------------------------------------------
// 9. Hanwha Vision XNV-6080 (Wisenet X)

const HANWHA_REALM = 'iPolis_00-09-18-A1-B2-C3'; // `iPolis_<MAC>` realm, SHA-256 + MD5 challenges (public client code/docs)
const hanwhaDiscovery: PersonaDiscovery = {
  onvif: {
    manufacturer: 'Hanwha Vision', model: 'XNV-6080', firmware: '2.21.02_20230831', serial: 'ZN7J70GR600123A', hardware: 'XNV-6080',
    types: ONVIF_TYPES, endpoint: 'urn:uuid:3f7a0c2e-8d4b-4b6a-9e1f-000918a1b2c3', xaddrPath: '/onvif/device_service',
    scopes: ['onvif://www.onvif.org/type/video_encoder', 'onvif://www.onvif.org/Profile/Streaming', 'onvif://www.onvif.org/Profile/T',
      'onvif://www.onvif.org/hardware/XNV-6080', 'onvif://www.onvif.org/name/XNV-6080', 'onvif://www.onvif.org/location/country/korea'],
  },
  upnp: {
    server: 'Linux/4.14 UPnP/1.0 Hanwha Vision/1.0', st: 'upnp:rootdevice', usn: 'uuid:9e1f0a2b-6c3d-4e5f-8a9b-000918a1b2c3::upnp:rootdevice', locationPath: '/upnp/rootdesc.xml',
    deviceType: 'urn:schemas-upnp-org:device:Basic:1', friendlyName: 'XNV-6080', manufacturer: 'Hanwha Vision', manufacturerURL: 'https://www.hanwhavision.com',
    modelName: 'XNV-6080', modelNumber: 'XNV-6080', serialNumber: 'ZN7J70GR600123A', udn: 'uuid:9e1f0a2b-6c3d-4e5f-8a9b-000918a1b2c3',
  },
};
const hanwha401: Responder = () => {
  const nonce = hex(16);
  return httpResponse('401 Unauthorized', [['Server', 'nginx'], ['Date', httpDate()], ['Content-Type', CT_HTML], ['Content-Length', '{len}'], ['Connection', 'close'],
    ['WWW-Authenticate', `Digest realm="${HANWHA_REALM}", charset="UTF-8", algorithm="SHA-256", qop="auth", nonce="${nonce}"`],
    ['WWW-Authenticate', `Digest realm="${HANWHA_REALM}", charset="UTF-8", algorithm="MD5", qop="auth", nonce="${nonce}"`]],
  '<html>\r\n<head><title>401 Authorization Required</title></head>\r\n<body>\r\n<center><h1>401 Authorization Required</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n');
};
const hanwhaHttp: Record<string, Responder> = {
  // SUNAPI web UI markers: `SunapiWeb`, `/stw-cgi/`; title "Wisenet WEBVIEWER" as in Hanwha's integration guide screenshots (jiyouhai/pdf-to-markdown, Hanwha guide). Markup illustrative.
  'GET /': () => httpResponse('200 OK', [['Server', 'nginx'], ['Date', httpDate()], ['Content-Type', CT_HTML], ['Content-Length', '{len}'], ['Connection', 'close'], ['X-Frame-Options', 'SAMEORIGIN']],
    '<!DOCTYPE html>\n<html ng-app="SunapiWeb">\n<head>\n<meta charset="utf-8">\n<title>Wisenet WEBVIEWER</title>\n<link rel="icon" href="./favicon.ico">\n' +
    '<script src="./base/js/sunapi.js"></script>\n<script>var SUNAPI_CGI = "/stw-cgi/"; var DEVICE_INFO = "/stw-cgi/system.cgi?msubmenu=deviceinfo&action=view";</script>\n</head>\n<body><div ui-view></div></body>\n</html>\n'),
  'GET /stw-cgi/system.cgi': hanwha401,
  'GET /stw-cgi/attributes.cgi': hanwha401,
  'GET /favicon.ico': favicon(makeIco(0xf3, 0x70, 0x21), 'nginx'),
  'GET /upnp/rootdesc.xml': upnpDescription(hanwhaDiscovery.upnp!),
  'POST /onvif/device_service': onvifService(hanwhaDiscovery.onvif!, 'nginx', HANWHA_REALM),
};
const hanwhaCamera: Persona = {
  name: 'hanwha-camera',
  label: 'Hanwha Vision Wisenet X XNV-6080 dome',
  mac: '00:09:18:a1:b2:c3',
  discovery: hanwhaDiscovery,
  ports: [
    { port: 80, protocol: 'http', routes: hanwhaHttp, source: 'FP §4.7 Hanwha; SUNAPI /stw-cgi/' },
    {
      port: 554, protocol: 'rtsp', source: 'RTSP `Digest realm="iPOLiS", qop="auth"` (public client code)',
      routes: {
        OPTIONS: (req) => rtspResponse(req, '200 OK', [['CSeq', '{cseq}'], ['Public', 'OPTIONS, DESCRIBE, SETUP, PLAY, PAUSE, TEARDOWN, GET_PARAMETER, SET_PARAMETER'], ['Date', httpDate()]]),
        '*': (req) => rtspResponse(req, '401 Unauthorized', [['CSeq', '{cseq}'], ['WWW-Authenticate', `Digest realm="iPOLiS", nonce="${hex(16)}", qop="auth"`], ['Date', httpDate()]]),
      },
    },
  ],
};

// ---------------------------------------------------------------------------------------------
// 10. Bosch FLEXIDOME IP 5000i

const BOSCH_REALM = "Use 'live' as User Name to access the camera"; // recog "Use 'live' as User Name…" (FP §4.7); tail illustrative
const boschHttp: Record<string, Responder> = {
  // `Server: VCS-VideoJet-Webserver` (nmap; FP §4.7). Page markup illustrative.
  'GET /': () => httpResponse('HTTP/1.0 200 OK', [['Server', 'VCS-VideoJet-Webserver'], ['Content-Type', CT_HTML], ['Content-Length', '{len}'], ['Cache-Control', 'no-cache'], ['Connection', 'close']],
    '<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n<title>FLEXIDOME IP 5000i</title>\n<link rel="shortcut icon" href="/favicon.ico">\n</head>\n<body>\n<div id="bosch-live">Bosch Security Systems</div>\n</body>\n</html>\n'),
  'GET /rcp.xml': () => httpResponse('HTTP/1.0 401 Unauthorized', [['Server', 'VCS-VideoJet-Webserver'], ['WWW-Authenticate', `Basic realm="${BOSCH_REALM}"`], ['Content-Type', CT_HTML], ['Content-Length', '{len}'], ['Connection', 'close']], '<html><body>401 Unauthorized</body></html>\n'),
  'GET /config.htm': () => httpResponse('HTTP/1.0 401 Unauthorized', [['Server', 'VCS-VideoJet-Webserver'], ['WWW-Authenticate', `Basic realm="${BOSCH_REALM}"`], ['Content-Type', CT_HTML], ['Content-Length', '{len}'], ['Connection', 'close']], '<html><body>401 Unauthorized</body></html>\n'),
  'GET /favicon.ico': favicon(makeIco(0xea, 0x00, 0x16), 'VCS-VideoJet-Webserver'),
};
const boschCamera: Persona = {
  name: 'bosch-camera',
  label: 'Bosch FLEXIDOME IP 5000i',
  mac: '00:07:5f:9a:12:34',
  discovery: {
    onvif: {
      manufacturer: 'Bosch', model: 'FLEXIDOME IP 5000i', firmware: '7.80.0128', serial: '044123456789012345', hardware: 'F000B8A0',
      types: ONVIF_TYPES, endpoint: 'urn:uuid:f8d3a5b0-0000-1000-8000-00075f9a1234', xaddrPath: '/onvif/device_service',
      scopes: ['onvif://www.onvif.org/type/video_encoder', 'onvif://www.onvif.org/Profile/Streaming', 'onvif://www.onvif.org/hardware/FLEXIDOME%20IP%205000i',
        'onvif://www.onvif.org/name/Bosch%20FLEXIDOME%20IP%205000i', 'onvif://www.onvif.org/location/country/germany'],
    },
  },
  ports: [
    { port: 80, protocol: 'http', routes: boschHttp, source: 'FP §4.7 Bosch' },
    { port: 443, protocol: 'https', cert: 'bosch', routes: boschHttp, source: 'FP §4.7 cert O=Bosch Sicherheitssysteme GmbH, OU=ST-VS, CN=<MAC>' },
    {
      port: 554, protocol: 'rtsp', source: 'illustrative reply shape',
      routes: {
        OPTIONS: (req) => rtspResponse(req, '200 OK', [['CSeq', '{cseq}'], ['Public', 'DESCRIBE, SETUP, TEARDOWN, PLAY, PAUSE, OPTIONS, GET_PARAMETER, SET_PARAMETER']]),
        '*': (req) => rtspResponse(req, '401 Unauthorized', [['CSeq', '{cseq}'], ['WWW-Authenticate', `Basic realm="${BOSCH_REALM}"`]]),
      },
    },
  ],
};

// ---------------------------------------------------------------------------------------------
// 11. Plain nginx web server (negative control)

const NGINX_WELCOME = '<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n<style>\nhtml { color-scheme: light dark; }\nbody { width: 35em; margin: 0 auto;\nfont-family: Tahoma, Verdana, Arial, sans-serif; }\n</style>\n</head>\n<body>\n<h1>Welcome to nginx!</h1>\n<p>If you see this page, the nginx web server is successfully installed and\nworking. Further configuration is required.</p>\n\n<p>For online documentation and support please refer to\n<a href="http://nginx.org/">nginx.org</a>.<br/>\nCommercial support is available at\n<a href="http://nginx.com/">nginx.com</a>.</p>\n\n<p><em>Thank you for using nginx.</em></p>\n</body>\n</html>\n';
const nginxServer: Persona = {
  name: 'nginx-server',
  label: 'Generic Linux web server (nginx 1.24.0)',
  notes: 'Negative control: no camera maker anywhere.',
  ports: [{
    port: 80, protocol: 'http', source: 'nginx 1.24.0 default index.html and headers',
    routes: {
      'GET /': () => httpResponse('200 OK', [['Server', 'nginx/1.24.0'], ['Date', httpDate()], ['Content-Type', CT_HTML], ['Content-Length', '{len}'], ['Last-Modified', 'Tue, 11 Apr 2023 01:45:34 GMT'], ['Connection', 'close'], ['ETag', '"6434bbbe-267"'], ['Accept-Ranges', 'bytes']], NGINX_WELCOME),
    },
    fallback: () => httpResponse('404 Not Found', [['Server', 'nginx/1.24.0'], ['Date', httpDate()], ['Content-Type', CT_HTML], ['Content-Length', '{len}'], ['Connection', 'close']],
      '<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx/1.24.0</center>\r\n</body>\r\n</html>\r\n'),
  }],
};

// ---------------------------------------------------------------------------------------------
// 12. HP LaserJet Pro M404dn (printer, negative control)

const HP_SERVER = 'HP HTTP Server; HP LaserJet Pro M404dn - W1A53A; Serial Number: PHBQB12345; Built:Tue Apr 20, 2021 10:43:35AM {DOLEDBPP1N002.2116A.00}';
const hpHttp: Record<string, Responder> = {
  // `HP HTTP Server; HP LaserJet … - <product no>; Serial Number: …` Server header (widely captured; brief).
  'GET /': () => httpResponse('200 OK', [['Server', HP_SERVER], ['Content-Type', 'text/html; charset=UTF-8'], ['Content-Length', '{len}'], ['Cache-Control', 'max-age=0, no-cache, no-store'], ['X-Frame-Options', 'SAMEORIGIN'], ['Connection', 'close']],
    '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="UTF-8">\n<title>HP LaserJet Pro M404dn&nbsp;&nbsp;&nbsp;NPI7A2B3C</title>\n<link rel="icon" href="/favicon.ico">\n</head>\n<body>\n<div id="pgm-theatre-staging-div">HP LaserJet Pro M404dn</div>\n</body>\n</html>\n'),
  'GET /favicon.ico': favicon(makeIco(0x00, 0x96, 0xd6), HP_SERVER),
};
const hpPrinter: Persona = {
  name: 'hp-printer',
  label: 'HP LaserJet Pro M404dn printer',
  mac: '3c:52:82:a8:0e:17',
  discovery: {
    mdns: [
      { instance: 'HP LaserJet Pro M404dn (A80E17)', type: '_ipp._tcp', port: 631, txt: { ty: 'HP LaserJet Pro M404dn', product: '(HP LaserJet Pro M404dn)', usb_MFG: 'HP', usb_MDL: 'HP LaserJet Pro M404dn' } },
      { instance: 'HP LaserJet Pro M404dn (A80E17)', type: '_http._tcp', port: 80 },
    ],
  },
  notes: 'Negative control: not a camera.',
  ports: [
    { port: 80, protocol: 'http', routes: hpHttp },
    { port: 443, protocol: 'https', cert: 'hp', routes: hpHttp },
    { port: 631, protocol: 'http', routes: hpHttp, source: 'IPP over HTTP answers with the same embedded web server' },
    { port: 9100, protocol: 'tcp-open', source: 'raw printing (JetDirect) port' },
  ],
};

// ---------------------------------------------------------------------------------------------
// 13. Xiongmai (XMEye) DVR, white-label ODM

const xiongmaiDvr: Persona = {
  name: 'xiongmai-dvr',
  label: 'Generic 8-channel DVR (XMEye / Xiongmai firmware)',
  // Under the UK pack Xiongmai (Hangzhou) falls within the statement's PRC National Intelligence Law criterion.
  notes: 'White-label ODM stack (FP §4.5): not a named NDAA entity. A policy that counts HiSilicon SoCs could call it suspect.',
  ports: [
    {
      port: 80, protocol: 'http', source: 'FP §4.5: Server uc-httpd 1.0.0 (recog; nmap L10782), title NETSurveillance WEB (recog, Ingram)',
      routes: {
        'GET /': () => httpResponse('HTTP/1.0 200 OK', [['Content-type', CT_HTML], ['Server', 'uc-httpd 1.0.0'], ['Expires', '0']],
          '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n<html xmlns="http://www.w3.org/1999/xhtml">\n<head>\n<meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />\n<title>NETSurveillance WEB</title>\n<script type="text/javascript">Hash.Cookie(\'NetSuveillanceWebCookie\',{duration:\'36500\'});</script>\n</head>\n<body></body>\n</html>\n',
          { lengthHeader: null, connection: null }),
      },
      fallback: () => httpResponse('HTTP/1.0 404 File Not Found', [['Content-type', CT_HTML], ['Server', 'uc-httpd 1.0.0']], '<html><body>404 File Not Found</body></html>', { lengthHeader: null, connection: null }),
    },
    {
      port: 554, protocol: 'rtsp', source: 'XMEye RTSP server string "H264DVR 1.0" [reported]',
      routes: {
        OPTIONS: (req) => rtspResponse(req, '200 OK', [['CSeq', '{cseq}'], ['Server', 'H264DVR 1.0'], ['Public', 'OPTIONS, DESCRIBE, SETUP, TEARDOWN, GET_PARAMETER, SET_PARAMETER, PLAY, PAUSE']]),
        '*': (req) => rtspResponse(req, '401 Unauthorized', [['CSeq', '{cseq}'], ['Server', 'H264DVR 1.0'], ['WWW-Authenticate', `Digest realm="h264dvr", nonce="${hex(16)}"`]]),
      },
    },
    { port: 34567, protocol: 'tcp-open', source: 'FP §4.5 NetSDK TCP 34567' },
  ],
};

// ---------------------------------------------------------------------------------------------
// 14. Huawei enterprise router (non-camera, restricted maker under §889)

const huaweiRouter: Persona = {
  name: 'huawei-router',
  label: 'Huawei AR-series enterprise router',
  mac: '00:e0:fc:12:34:56',
  notes: 'Not a camera, but Huawei is named in NDAA §889: the tool must still flag it (FP §4.4 "Huawei Auth-Http").',
  ports: [{
    port: 80, protocol: 'http', source: 'Server "Huawei Auth-Http Server 1.0" + title "User Login" (public search-engine dorks; FP §4.4)',
    routes: {
      'GET /': () => httpResponse('200 OK', [['Server', 'Huawei Auth-Http Server 1.0'], ['Content-Type', CT_HTML], ['Content-Length', '{len}'], ['Connection', 'close'], ['X-Frame-Options', 'SAMEORIGIN']],
        '<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n<title>User Login</title>\n</head>\n<body>\n<form id="login" action="/login.cgi" method="post"><input name="UserName"/><input name="Password" type="password"/></form>\n</body>\n</html>\n'),
    },
    fallback: () => httpResponse('404 Not Found', [['Server', 'Huawei Auth-Http Server 1.0'], ['Content-Type', CT_HTML], ['Content-Length', '{len}'], ['Connection', 'close']], '<html><body>404 Not Found</body></html>'),
  }],
};

/** All personas, in a fixed order: persona i lives at <subnet>.(10+i). Do not reorder (IPs are part of the contract). */
export const PERSONAS: readonly Persona[] = [
  hikvisionCamera, hikvisionNvr, dahuaCamera, amcrestCamera, ltsCamera, ezvizCamera, univiewCamera, axisCamera,
  hanwhaCamera, boschCamera, nginxServer, hpPrinter, xiongmaiDvr, huaweiRouter,
];

export function getPersona(name: string): Persona | undefined {
  return PERSONAS.find((p) => p.name === name);
}
