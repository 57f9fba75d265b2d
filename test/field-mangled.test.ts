// Field converter, round 5: captures whose publication mangled the reply (lines collapsed into one by a
// blog, a Python bytes literal, Markdown backslash escapes, typographic quotes, a log that re-wrapped a
// line inside a tag) and replies whose firmware sent a stray line inside the header block. Every case is
// a real tune capture (record id and public source named). Publication mangling is undone in tools/field
// only; the firmware quirk is read by src/protocols/response.ts, so a live scan reads it too.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { pastedResponses, stripLogPrefix, toObservation, unglue, unwrapTags, type Capture } from '../tools/field/corpus.js';
import { unbytesRepr, unescapeMarkup, upnpFragment } from '../tools/field/dumps.js';
import { extractFields } from '../src/fingerprint/fields.js';
import { identify } from '../src/fingerprint/engine.js';
import { loadKnowledgeBase } from '../src/data/load.js';
import { isTerminalSafe } from '../src/util/sanitize.js';

// Sources of the captures below (all tune records):
//   HIK_BLOG_*    field-7r-0006   http://runxinzhi.com/jingzhishen-p-5673143.html (a blog collapsed each RTSP reply into one line)
//   HILINK_*      telecom-0004    https://github.com/Salamek/huawei-lte-api/issues/39 (Python bytes literals in a debug log)
//   AXIS_BYTES    cameras-other-0044 https://github.com/home-assistant/core/issues/112824
//   IPCAM_BYTES   field-6r-0012   https://github.com/home-assistant/core/issues/92308 (zeep printing the reply as bytes)
//   NETGEAR       field-6o-0042   https://github.com/pavel-pimenov/flylinkdc-r5xx/issues/1278 (a debugger's view: "\<" before every tag)
//   NETWAVE       field-6o-0020   https://forum.arduino.cc/t/remote-connection-getting-closed-hitting-an-arbitary-url/87983 (curly quotes)
//   HIPCAM        datasets-0059   https://mo4tech.com/?p=122880 (a blog's typography: curly quotes, spaced slash, double spacing)
//   XM_FRAGMENT   cameras-other-0055 https://github.com/home-assistant/core/issues/91678 (middle of a GetCapabilities answer, log-wrapped)
//   DAHUA_ERR     field-6r-0010   https://github.com/rroller/dahua/issues/460 (a DHIP error reply as Python bytes escapes)
const HIK_BLOG_401 = "RTSP/1.0 401 Unauthorized CSeq: 2 WWW-Authenticate: Digest realm=\"Hikvision\", nonce=\"3c8a0e5d19f2b74e60d1a95f27b8c4e3\", random=\"+FeTGE9jY6DXLFwxbn0zJ4/iHBPwBt2qFko+pe2glxvlzc6XEqkODju95yt+3Ajl\", stale=\"FALSE\" WWW-Authenticate: Basic realm=\"/\"";
const HIK_BLOG_200 = "RTSP/1.0 200 OK CSeq: 3 Public: OPTIONS, DESCRIBE, SETUP, TEARDOWN, PLAY, PAUSE";
const HILINK_BYTES = "b'<?xml version=\"1.0\" encoding=\"UTF-8\"?><response><username></username><password_type>4</password_type><firstlogin>1</firstlogin><history_login_flag>0</history_login_flag><wifipwdsamewithwebpwd>1</wifipwdsamewithwebpwd><extern_password_type>1</extern_password_type><State>-1</State><userlevel></userlevel></response>'";
const HILINK_BYTES_CUT = "b'<?xml version=\"1.0\" encoding=\"UTF-8\"?>\\r\\n<response>\\r\\n<DeviceName>B525s-23a</DeviceName>\\r\\n<SerialNumber>XXXXXXX</SerialNumber>\\r\\n<Imei>XXXXX</Imei>\\r\\n<Imsi>XXXXXX</Imsi>\\r\\n<Iccid>XXXX</Iccid>\\r\\n<Msisdn>XXXXX</Msisdn>\\r\\n<HardwareVersion>WL1B520FM</HardwareVersion>\\r";
const AXIS_BYTES = "b'root.Properties.AlwaysMulticast.AlwaysMulticast=yes\\nroot.Properties.API.Browser.Language=yes\\nroot.Properties.API.Browser.RootPwdSetValue=yes\\nroot.Properties.API.Browser.UserGroup=yes\\nroot.Properties.API.ClientNotes.ClientNotes=yes\\nroot.Pro";
const NETGEAR = "WAN Device</friendlyName>\n\\<manufacturer>NETGEAR, Inc.</manufacturer>\n\\<manufacturerURL>http://www.NETGEAR.com</manufacturerURL>\n\\<modelDescription>NETGEAR WNR3500L N300 Wireless Gigabit Router</modelDescription>\n\\<modelNumber>WNR3500L</modelNumber>\n\\<modelName>WNR3500L</modelName>\n\\<modelURL> http://www.netgear.com/Products/RoutersandGateways/RangeMaxNEXTWirelessRoutersandGateways/WNR3500L.aspx</modelURL> \\<UDN>uuid:281decff-7d48-a95d-383f-2b37ef72052e</UDN>\n\\<iconList>\n\\<icon>\n\\<mimetype>image/x-icon</mimetype>\n\\<width>64</width>\n\\<height>64</height>\n\\<depth>32</depth>\n\\<url>http://192.0.2.1/upnp.ico</url>\n\\</icon>\n\\</iconList>\n\\<serviceList>\n\\<service>\n\\<serviceType>urn:schemas-upnp-org:service:WANCommonInterfaceConfig:1</serviceType>\n\\<serviceId>urn:upnp-org:serviceId:WANCommonIFC1</serviceId>\n\\<SCPDURL>/Public_UPNP_WAND.xml</SCPDURL>\n\\<controlURL>/Public_UPNP_C2</controlURL>\n\\<eventSubURL>/Public_UPNP_Event_2</eventSubURL>\n\\</service>\n\\</serviceList>\n";
const NETWAVE = "HTTP/1.1 401 Unauthorized\nServer: Netwave IP Camera\nDate: Wed, 01 Feb 2012 21:37:37 GMT\nWWW-Authenticate: Basic realm=“ipcamera_000DC5A7B2E9”\nContent-Type: text/html\nContent-Length: 140\nConnection: close\n\n401 Unauthorized\n\n401 Unauthorized\n\nAuthorization required.\n";
const HIPCAM = "RTSP / 1.0 401 Unauthorized\n\nServer: HiIpcam/V100R003 VodServer / 1.0.0\n\nCseq: 2\n\nWWW-Authenticate:Digest  realm=”HipcamRealServer”, nonce=”8a5c1df882c684b3e38e01837f1d286b”";
const XM_FRAGMENT = "p://192.0.2.120:8899/onvif/device_service</tt:XAddr><tt:Network><tt:IPFilter>false</tt:IPFilter><tt:ZeroConfiguration>true</tt:ZeroConfiguration><tt:IPVersion6>false</tt:IPVersion6><tt:DynDNS>true</tt:DynDNS><tt:Extension><tt:Dot11Configuration>false</tt:Dot11Configuration></tt:Extension></tt:Network><tt:System><tt:DiscoveryResolve>false</tt:DiscoveryResolve><tt:DiscoveryBye>true</tt:DiscoveryBye><tt:RemoteDiscovery>false</tt:RemoteDiscovery><tt:SystemBackup>false</tt:SystemBackup><tt:SystemLogging>true</tt:SystemLogging><tt:FirmwareUpgrade>false</tt:FirmwareUpgrade><tt:SupportedVersions><tt:Major>17</tt:Major><tt:Minor>12</tt:Minor></tt:SupportedVersions><tt:SupportedVersions><tt:Major>16</tt:Major><tt:Minor>12</tt:Minor></tt:SupportedVersions><tt:SupportedVersions><tt:Major>2</tt:Major><tt:Minor>60</tt:Minor></tt:SupportedVersions><tt:SupportedVersions><tt:Major>2</tt:Major><tt:Minor>40</tt:Minor></tt:SupportedVersions><tt:SupportedVersions><tt:Major>2</tt:Major><tt:Minor>20</tt:Min\nor></tt:SupportedVersions><tt:SupportedVersions><tt:Major>2</tt:Major><tt:Minor>10</tt:Minor></tt:SupportedVersions><tt:SupportedVersions><tt:Major>2</tt:Major><tt:Minor>0</tt:Minor></tt:SupportedVersions><tt:Extension><tt:HttpFirmwareUpgrade>false</tt:HttpFirmwareUpgrade><tt:HttpSystem";
const DAHUA_ERR = "\\x00\\x00\\x00DHIP\\x14\\x80\\x81\\x19\\x12\\x00\\x00\\x00\\x86\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x86\\x00\\x00\\x00\\x00\\x00\\x00\\x00{\"error\":{\"code\":268959743,\"message\":\"Unknown error! error code was not set in service!\"},\"id\":18,\"result\":false,\"session\":427917332}";
const IPCAM_BYTES = "b'<?xml version=\"1.0\" encoding=\"UTF-8\"?><s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" xmlns:e=\"http://www.w3.org/2003/05/soap-encoding\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:wsa=\"http://www.w3.org/2005/08/addressing\" xmlns:xmime=\"http://www.w3.org/2005/05/xmlmime\" xmlns:tns1=\"http://www.onvif.org/ver10/topics\" xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" xmlns:xop=\"http://www.w3.org/2004/08/xop/include\" xmlns:tt=\"http://www.onvif.org/ver10/schema\" xmlns:wsnt=\"http://docs.oasis-open.org/wsn/b-2\" xmlns:wstop=\"http://docs.oasis-open.org/wsn/t-1\" xmlns:tds=\"http://www.onvif.org/ver10/device/wsdl\" xmlns:tan=\"http://www.onvif.org/ver20/analytics/wsdl\" xmlns:tr2=\"http://www.onvif.org/ver20/media/wsdl\" xmlns:trt=\"http://www.onvif.org/ver10/media/wsdl\" xmlns:tev=\"http://www.onvif.org/ver10/events/wsdl\" xmlns:tptz=\"http://www.onvif.org/ver20/ptz/wsdl\" xmlns:timg=\"http://www.onvif.org/ver20/imaging/wsdl\" xmlns:ter=\"http://www.onvif.org/ver10/error\"  xmlns:tmd=\n\"http://www.onvif.org/ver10/deviceIO/wsdl\" xmlns:hikwsd=\"http://www.onvifext.com/onvif/ext/ver10/wsdl\" xmlns:hikxsd=\"http://www.onvifext.com/onvif/ext/ver10/schema\" ><s:Body><tds:GetDeviceInformationResponse><tds:Manufacturer>IPCAM</tds:Manuf";

const rec = (captures: Capture[]) => toObservation({ id: 't-0001', captures });
const kb = loadKnowledgeBase();

// field-6o-0031, https://github.com/home-assistant/core/issues/14960 (curl -v of a GoAhead camera's /snapshot.cgi)
const GOAHEAD = "*   Trying 192.0.2.12...\n* TCP_NODELAY set\n* Connected to 192.0.2.12 (192.0.2.12) port 81 (#0)\n* Server auth using Basic with user 'admin'\n> GET /snapshot.cgi HTTP/1.1\n> Host: 192.0.2.12:81\n> Authorization: Basic YWRtaW46aXBjYW0=\n> User-Agent: curl/7.60.0\n> Accept: */*\n>\n< HTTP/1.1 200 OK\n< Server: GoaHead\n< Tue, 12 Jun 2012 01:56:34 GMT\n< Content-Type:image/jpeg\n< Content-Length:23100\n< Connection: close\n<\n";
// cameras-other-2-0063, offensive-security/exploitdb@b4e29f1f:exploits/hardware/webapps/39798.txt (JVC VR-809/816)
const JVC = "HTTP/1.1 200 OK\nConnection: close\nContent-Type: text/html; charset=utf-8\nContent-Length: 564\nX-Response: video.input(01).comment<img src=a\nonerror=alert(\"XSS\")>&video.input(02).comment&video.input(03).comment&video.input(04).comment&video.input(05).comment&video.input(06).comment&video.input(07).comment&video.input(08).comment&video.input(09).comment\nCache-control: no-cache\nPragma: no-cache\nExpires: Thu, 05 May 2016 14:20:45 GMT\nServer: JVC VR-809/816 API Server/1.0.0\nDate: Thu, 05 May 2016 14:20:45 GMT\n";
// dahua-0028 (capture 3): an event-stream body pasted without status line or headers
const DAHUA_MP = '--myboundary\nContent-Type: text/plain\nContent-Length: 9\n\nHeartbeat';

describe('converter + response parser: a stray line inside the header block (firmware quirk)', () => {
  it('keeps the header lines after a nameless date line (field-6o-0031, GoAhead)', () => {
    const { record } = rec([{ kind: 'http', port: 81, path: '/snapshot.cgi', partial: true, raw: GOAHEAD }]);
    expect(record.http?.[0].headers).toEqual({ server: 'GoaHead', 'content-type': 'image/jpeg', 'content-length': '23100', connection: 'close' });
    expect(record.http?.[0].body ?? '').toBe('');
  });
  it('keeps the header lines after a value broken by a raw LF; the Server header names the recorder (cameras-other-2-0063)', () => {
    const { record } = rec([{ kind: 'http', port: 80, raw: JVC }]);
    expect(record.http?.[0].headers.server).toBe('JVC VR-809/816 API Server/1.0.0');
    expect(record.http?.[0].headers['cache-control']).toBe('no-cache');
    expect(identify(record, kb).maker).toBe('jvc');
  });
  it('a body-only multipart paste stays a body (dahua-0028)', () => {
    const [t] = pastedResponses(DAHUA_MP, 'HTTP/1.1');
    expect(t).toBe(`HTTP/1.1 000 not-captured\r\n\r\n${DAHUA_MP}`);
  });
});

describe('converter: lines a blog collapsed into one (publication)', () => {
  it('gets the line ends back before the header names, never inside a quoted value (field-7r-0006)', () => {
    expect(unglue(HIK_BLOG_401)).toBe('RTSP/1.0 401 Unauthorized\r\nCSeq: 2\r\nWWW-Authenticate: Digest realm="Hikvision", nonce="3c8a0e5d19f2b74e60d1a95f27b8c4e3", random="+FeTGE9jY6DXLFwxbn0zJ4/iHBPwBt2qFko+pe2glxvlzc6XEqkODju95yt+3Ajl", stale="FALSE"\r\nWWW-Authenticate: Basic realm="/"');
    const { record } = rec([{ kind: 'rtsp', port: 554, method: 'OPTIONS', raw: HIK_BLOG_401 }, { kind: 'rtsp', port: 554, method: 'OPTIONS', raw: HIK_BLOG_200 }]);
    expect(record.rtsp?.[0].headers['www-authenticate']).toEqual([expect.stringContaining('Digest realm="Hikvision"'), 'Basic realm="/"']);
    expect(record.rtsp?.[1].headers.public).toBe('OPTIONS, DESCRIBE, SETUP, TEARDOWN, PLAY, PAUSE');
    expect(identify(record, kb).maker).toBe('hikvision');
  });
  it('still reads a glued paste, and leaves multi-line text and quoted header names alone', () => {
    expect(unglue('RTSP/1.0 401 UnauthorizedCseq: 1Date: Wed, Mar 13 2024 16:24:18 GMTWww-Authenticate: Basic realm="TP-Link IP-Camera"'))
      .toBe('RTSP/1.0 401 Unauthorized\r\nCseq: 1\r\nDate: Wed, Mar 13 2024 16:24:18 GMT\r\nWww-Authenticate: Basic realm="TP-Link IP-Camera"');
    expect(unglue('RTSP/1.0 401 Unauthorized\nCSeq: 2 Server: x')).toBe('RTSP/1.0 401 Unauthorized\nCSeq: 2 Server: x');
    expect(unglue('HTTP/1.1 401 Unauthorized WWW-Authenticate: Basic realm="a Server: b"')).toBe('HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm="a Server: b"');
    expect(unglue('HTTP/1.1 200 OK X-Server: y')).toBe('HTTP/1.1 200 OK X-Server: y');
  });
});

describe('converter: a Python bytes literal is the bytes it prints (publication)', () => {
  it('reads HiLink XML answers printed as b\'…\', whole and cut short (telecom-0004)', () => {
    expect(unbytesRepr(HILINK_BYTES)).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?><response><username><\/username>/);
    expect(unbytesRepr(HILINK_BYTES_CUT)).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\r\n<response>\r\n<DeviceName>B525s-23a<\/DeviceName>/);
    const { record } = rec([{ kind: 'http', port: 80, path: '/api/device/information', partial: true, raw: HILINK_BYTES_CUT }]);
    expect(record.http?.[0].body?.startsWith('<?xml')).toBe(true);
    expect(extractFields(record).find((x) => x.field === 'http.xml.DeviceName')?.value).toBe('B525s-23a');
    expect(identify(record, kb).model).toBe('B525s-23a');
  });
  it('reads an Axis param.cgi answer and an ONVIF reply printed as bytes (cameras-other-0044, field-6r-0012)', () => {
    const { record } = rec([{ kind: 'http', port: 80, path: '/axis-cgi/param.cgi?action=list&group=root.Properties', partial: true, raw: AXIS_BYTES }]);
    expect(record.http?.[0].body).toMatch(/^root\.Properties\.AlwaysMulticast\.AlwaysMulticast=yes\nroot\.Properties\.API\.Browser\.Language=yes\n/);
    const onvif = rec([{ kind: 'onvif-device-info', partial: true, raw: IPCAM_BYTES }]);
    expect(onvif.record.onvif?.manufacturer).toBe('IPCAM');
  });
  it('leaves text that is no bytes literal alone', () => {
    expect(unbytesRepr('<response/>')).toBeUndefined();
    expect(unbytesRepr("b'abc' and more text")).toBeUndefined();
    expect(unbytesRepr('b"caf\u00e9"')).toBeUndefined();
    expect(unbytesRepr("b'\\xe2\\x80\\x9c'")).toBe('\u201c');
  });
});

describe('converter: markup with a backslash before every tag, quoted from inside <device> (publication)', () => {
  it('reads the NETGEAR description fragment (field-6o-0042)', () => {
    const xml = unescapeMarkup(NETGEAR)!;
    expect(xml).toContain('<manufacturer>NETGEAR, Inc.</manufacturer>\n<manufacturerURL>');
    expect(xml).not.toContain('\\<');
    expect(upnpFragment(xml)?.startsWith('<device>WAN Device</friendlyName>')).toBe(true);
    const { record, unused } = rec([{ kind: 'upnp-description', partial: true, raw: NETGEAR }]);
    expect(unused).toEqual([]);
    expect(record.upnp).toMatchObject({ manufacturer: 'NETGEAR, Inc.', modelName: 'WNR3500L', modelNumber: 'WNR3500L', modelDescription: 'NETGEAR WNR3500L N300 Wireless Gigabit Router' });
    // The half-quoted friendlyName ("WAN Device</friendlyName>") is not read: its opening tag was not published.
    expect(record.upnp?.friendlyName).toBeUndefined();
  });
  it('leaves markup with few escaped tags, and documents with their <device> or <root>, alone', () => {
    expect(unescapeMarkup('<a>\\<b></a>')).toBeUndefined();
    expect(upnpFragment('<root><device><manufacturer>X</manufacturer></device></root>')).toBeUndefined();
    expect(upnpFragment('<html><p>hello</p></html>')).toBeUndefined();
  });
});

describe('converter: curly quotes a forum or blog put around a realm (publication)', () => {
  it('gives the header block its straight quotes back (field-6o-0020, datasets-0059)', () => {
    const { record } = rec([{ kind: 'http', port: 80, path: '/camera_control.cgi', raw: NETWAVE }]);
    expect(record.http?.[0].headers['www-authenticate']).toBe('Basic realm="ipcamera_000DC5A7B2E9"');
    // The body is not the header block: its text stays as published.
    const { record: r2 } = rec([{ kind: 'rtsp', port: 554, method: 'DESCRIBE', partial: true, raw: HIPCAM }]);
    expect(r2.rtsp?.[0].headers['www-authenticate']).toBe('Digest  realm="HipcamRealServer", nonce="8a5c1df882c684b3e38e01837f1d286b"');
    expect(r2.rtsp?.[0].headers.server).toBe('HiIpcam/V100R003 VodServer / 1.0.0');
  });
});

describe('converter: the middle of a GetCapabilities answer, wrapped by a log (publication)', () => {
  it('reads the fragment as the answer to POST /onvif/device_service on the port its XAddr names (cameras-other-0055)', () => {
    expect(unwrapTags('<tt:Minor>20</tt:Min\nor></tt:SupportedVersions>')).toBe('<tt:Minor>20</tt:Minor></tt:SupportedVersions>');
    expect(unwrapTags('<a>line one\nline two</a>')).toBe('<a>line one\nline two</a>');
    const { record, unused } = rec([{ kind: 'onvif-services', partial: true, raw: XM_FRAGMENT }]);
    expect(unused).toEqual([]);
    const h = record.http?.[0];
    expect(h?.path).toBe('/onvif/device_service');
    expect(h?.port).toBe(8899);
    expect(h?.body).toContain('<tt:Major>2</tt:Major><tt:Minor>20</tt:Minor></tt:SupportedVersions>');
    expect(record.open_ports).toEqual([8899]);
  });
});

describe('converter: a DHIP error reply is kept with its code (firmware answer, read by src/protocols/dhip.ts)', () => {
  it('reads the error code and message of a reply with no params (field-6r-0010)', () => {
    const { record, unused } = rec([{ kind: 'dhip', raw: DAHUA_ERR }]);
    expect(unused).toEqual([]);
    expect(record.dhip).toEqual({ 'error.code': '268959743', 'error.message': 'Unknown error! error code was not set in service!' });
  });
});

// dahua-2-0009, https://github.com/dchesterton/amcrest2mqtt/issues/101: amcrest2mqtt's log of what the doorbell's CGI said
const AMCREST_LOG = "[INFO] Device type: AD110\n16/02/2023 16:23:22 [INFO] Serial number: XYZ\n16/02/2023 16:23:22 [INFO] Software version: 1.000.00AC009.0.R";

describe('converter: a summary printed by a logger with day-first time stamps and levels (publication)', () => {
  it('drops the log prefixes and reads the summary as the reply\'s fields (dahua-2-0009)', () => {
    expect(stripLogPrefix(AMCREST_LOG)).toBe('Device type: AD110\r\nSerial number: XYZ\r\nSoftware version: 1.000.00AC009.0.R');
    const { record } = rec([{ kind: 'http', port: 80, path: '/cgi-bin/magicBox.cgi?action=getSoftwareVersion', partial: true, raw: AMCREST_LOG }]);
    expect(record.http?.[0].body).toBe('<deviceType>AD110</deviceType>\n<serialNumber>XYZ</serialNumber>\n<firmwareVersion>1.000.00AC009.0.R</firmwareVersion>');
    expect(identify(record, kb).maker).toBe('dahua');
  });
});

describe('property: the publication readers never throw, stay bounded and put no control characters into a record', () => {
  it('unglue / unbytesRepr / unescapeMarkup / upnpFragment / unwrapTags on arbitrary and paste-shaped text', () => {
    const shaped = fc.oneof(
      fc.string({ maxLength: 400 }),
      fc.string({ maxLength: 300 }).map((x) => `RTSP/1.0 401 Unauthorized CSeq: 2 ${x} Server: y "${x}`),
      fc.string({ maxLength: 300, unit: 'binary' }).map((x) => `b'${x.replace(/'/g, "\\'")}`),
      fc.string({ maxLength: 300 }).map((x) => `\\<manufacturer>${x}\\</manufacturer>\\<modelName>${x}`),
      fc.string({ maxLength: 300 }).map((x) => `<tt:Min\n${x}>`),
    );
    fc.assert(fc.property(shaped, (t) => {
      unglue(t); unbytesRepr(t); unescapeMarkup(t); upnpFragment(t); unwrapTags(t);
      for (const kind of ['http', 'rtsp', 'upnp-description', 'onvif-services', 'onvif-device-info'] as const) {
        const { record } = rec([{ kind, raw: t }]);
        for (const h of [...(record.http ?? []), ...(record.rtsp ?? [])]) for (const v of Object.values(h.headers).flat()) expect(isTerminalSafe(v)).toBe(true);
        for (const v of Object.values(record.upnp ?? {})) if (typeof v === 'string') expect(isTerminalSafe(v)).toBe(true);
      }
    }), { numRuns: 300 });
    // Long inputs are cut, not walked to the end.
    expect(unglue(`HTTP/1.1 200 OK ${'Server: x '.repeat(10000)}`).length).toBeGreaterThan(0);
    expect(unbytesRepr(`b'${'\\x41'.repeat(100000)}`)!.length).toBeLessThanOrEqual(65536);
  });
});
