// Field converter, round 4: captures quoted in a form no device sends — a reply printed as a JSON string
// literal (quotes escaped, line ends as \n), a JSON member cut out of a printout, an ONVIF answer quoted
// from <s:Body> on without its Envelope (in a Markdown code fence), and a GetCapabilities / GetServices
// answer, which a scan gets as the HTTP reply to the onvif-getservices request (src/data/http-paths.yaml).
// Every case is a real tune capture (record id and public source named). Real devices always send the
// Envelope, so the Body-only case is read in tools/field only; src/protocols stays strict.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { toObservation, type Capture } from '../tools/field/corpus.js';
import { dumpToOnvifInfo, unfenceSoap, unquoteDocument } from '../tools/field/dumps.js';
import { parseDeviceInformation } from '../src/protocols/wsdiscovery.js';
import { extractFields } from '../src/fingerprint/fields.js';
import { identify } from '../src/fingerprint/engine.js';
import { loadKnowledgeBase } from '../src/data/load.js';

const rec = (captures: Capture[]) => toObservation({ id: 't-0001', captures });
const kb = loadKnowledgeBase();

// telecom-0015, https://github.com/Salamek/huawei-lte-api/issues (a HiLink client printed each answer as a JSON string)
const HILINK = "\"<?xml version=\\\"1.0\\\" encoding=\\\"UTF-8\\\"?>\\n<response>\\n<CurrentMonthDownload>46860797566</CurrentMonthDownload>\\n<CurrentMonthUpload>2102634491</CurrentMonthUpload>\\n<MonthDuration>393907</MonthDuration>\\n<MonthLastClearTime>2026-05-26</MonthLastClearTime>\\n<CurrentDayUsed>5676902883</CurrentDayUsed>\\n<CurrentDayDuration>63513</CurrentDayDuration>\\n</response>\\n\"";
const HILINK_CUT = "\"<?xml version=\\\"1.0\\\" encoding=\\\"UTF-8\\\"?>\\r\\n<response>\\r\\n<DeviceName>H153-381</DeviceName>\\r\\n<SerialNumber>5TQ8W36D13018225</SerialNumber>\\r\\n<Imei>356218049173526</Imei>\\r\\n<Imsi>5101154";
// field-6r-0006, OpenVisualCloud/Smart-City-Sample@9590b3a9:sensor/README.md (discover tool's JSON, one member quoted)
const LOREX = "  \"device\": {\n    \"Manufacturer\": \"LOREX\",\n    \"Model\": \"LNB8973B\",\n    \"FirmwareVersion\": \"2.460.0001.5.R, Build Date 2017-08-11\",\n    \"SerialNumber\": \"ND021808017352\",\n    \"HardwareId\": \"1.00\"\n  },";
// field-6o-0017 / field-6r-0011, KostasEreksonas/Besder-6024PB-XMA501-ip-camera-security-investigation@bf343b23:README.md
const XM_BODY = "  <s:Body>\n    <tds:GetDeviceInformationResponse>\n      <tds:Manufacturer>H264</tds:Manufacturer>\n      <tds:Model>XM530_50X50-WG_8M</tds:Model>\n      <tds:FirmwareVersion>V5.00.R02.00030747.10010.349f17..ONVIF 16.12</tds:FirmwareVersion>\n      <tds:SerialNumber>Redacted</tds:SerialNumber>\n      <tds:HardwareId>00001</tds:HardwareId>\n    </tds:GetDeviceInformationResponse>\n  </s:Body>";
const XM_BODY_END = "  <s:Body>\n    <tds:GetDeviceInformationResponse>\n      <tds:Manufacturer>H264</tds:Manufacturer>\n      <tds:Model>XM530_50X50-WG_8M</tds:Model>\n      <tds:FirmwareVersion>V5.00.R02.00030747.10010.349f17..ONVIF 16.12</tds:FirmwareVersion>\n      <tds:SerialNumber>Redacted</tds:SerialNumber>\n      <tds:HardwareId>00001</tds:HardwareId>\n    </tds:GetDeviceInformationResponse>\n  </s:Body>\n</s:Envelope>";
// field-6o-0017 capture 2 (its first 1400 characters): GetCapabilities quoted from <s:Body> on, in a ```xml fence
const XM_CAPS = "```xml\n  <s:Body>\n    <tds:GetCapabilitiesResponse>\n      <tds:Capabilities>\n        <tt:Analytics>\n          <tt:XAddr>http://<camera-ip>:8899/onvif/analytics_service</tt:XAddr>\n          <tt:RuleSupport>true</tt:RuleSupport>\n          <tt:AnalyticsModuleSupport>true</tt:AnalyticsModuleSupport>\n        </tt:Analytics>\n        <tt:Device>\n          <tt:XAddr>http://<camera-ip>:8899/onvif/device_service</tt:XAddr>\n          <tt:Network>\n            <tt:IPFilter>false</tt:IPFilter>\n            <tt:ZeroConfiguration>true</tt:ZeroConfiguration>\n            <tt:IPVersion6>false</tt:IPVersion6>\n            <tt:DynDNS>true</tt:DynDNS>\n            <tt:Extension>\n              <tt:Dot11Configuration>false</tt:Dot11Configuration>\n            </tt:Extension>\n          </tt:Network>\n          <tt:System>\n            <tt:DiscoveryResolve>false</tt:DiscoveryResolve>\n            <tt:DiscoveryBye>true</tt:DiscoveryBye>\n            <tt:RemoteDiscovery>false</tt:RemoteDiscovery>\n            <tt:SystemBackup>false</tt:SystemBackup>\n            <tt:SystemLogging>true</tt:SystemLogging>\n            <tt:FirmwareUpgrade>false</tt:FirmwareUpgrade>\n            <tt:SupportedVersions>\n              <tt:Major>17</tt:Major>\n              <tt:Minor>12</tt:Minor>\n            </tt:SupportedVersions>\n            <tt:SupportedVersions>\n              <tt:Major>16</tt:Major>\n              <tt:Minor>12</tt:Minor>\n";
// consumer-0028, https://github.com/koush/scrypted/issues/1775 (Tapo camera's GetCapabilities, cut off at the end)
const TAPO_CAPS = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<SOAP-ENV:Envelope                              ><SOAP-ENV:Header></SOAP-ENV:Header><SOAP-ENV:Body><tds:GetCapabilitiesResponse><tds:Capabilities><tt:Analytics><tt:XAddr>http://192.0.2.28:2020/onvif/service</tt:XAddr><tt:RuleSupport>true</tt:RuleSupport><tt:AnalyticsModuleSupport>true</tt:AnalyticsModuleSupport></tt:Analytics><tt:Device><tt:XAddr>http://192.0.2.28:2020/onvif/service</tt:XAddr><tt:Network><tt:IPFilter>false</tt:IPFilter><tt:ZeroConfiguration>false</tt:ZeroConfiguration><tt:IPVersion6>false</tt:IPVersion6><tt:DynDNS>false</tt:DynDNS><tt:Extension><tt:Dot11Configuration>true</tt:Dot11Configuration></tt:Extension></tt:Network><tt:System><tt:DiscoveryResolve>false</tt:DiscoveryResolve><tt:DiscoveryBye>true</tt:DiscoveryBye><tt:RemoteDiscovery>false</tt:RemoteDiscovery><tt:SystemBackup>false</tt:SystemBackup><tt:SystemLogging>false</tt:SystemLogging><tt:FirmwareUpgrade>false</tt:FirmwareUpgrade><tt:SupportedVersions><tt:Major>20</tt:Major><tt:Minor>6</tt:Minor></tt:SupportedVersions><tt:Extension><tt:HttpFirmwareUpgrade>false</tt:HttpFirmwareUpgrade><tt:HttpSystemBackup>false</tt:HttpSystemBackup><tt:HttpSystemLogging>false</tt:HttpSystemLogging><tt:HttpSupportInformation>false</tt:HttpSupportInformation></tt:Extension></tt:System><tt:IO></tt:IO><tt:Security><tt:TLS";

describe('converter: a reply printed as a JSON string literal is the document inside it', () => {
  it('reads a HiLink XML answer printed as a quoted string (telecom-0015), whole and cut short', () => {
    expect(unquoteDocument(HILINK)).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<response>\n<CurrentMonthDownload>46860797566<\/CurrentMonthDownload>/);
    expect(unquoteDocument(HILINK_CUT)).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\r\n<response>\r\n<DeviceName>H153-381<\/DeviceName>\r\n/);
    const { record } = rec([
      { kind: 'http', port: 80, path: '/api/monitoring/month_statistics', raw: HILINK },
      { kind: 'http', port: 80, path: '/api/device/information', partial: true, raw: HILINK_CUT },
    ]);
    expect(record.http?.[0].body?.startsWith('<?xml version="1.0"')).toBe(true);
    expect(record.http?.[1].body).toContain('<DeviceName>H153-381</DeviceName>');
    const f = extractFields(record);
    expect(f.find((x) => x.field === 'http.xml.DeviceName')?.value).toBe('H153-381');
    const id = identify(record, kb);
    expect(id.maker).toBe('huawei');
    expect(id.model).toBe('H153-381');
  });
  it('reads a JSON document inside a string, and leaves object members, plain strings and real bodies alone', () => {
    expect(unquoteDocument('"{\\"model\\":\\"C200\\"}"')).toBe('{"model":"C200"}');
    expect(unquoteDocument(LOREX)).toBeUndefined();
    expect(unquoteDocument('"System/deviceInfo": { "a": "b" }')).toBeUndefined();
    expect(unquoteDocument('"hello"')).toBeUndefined();
    expect(unquoteDocument('HTTP/1.1 200 OK\r\n\r\n"<x>"')).toBeUndefined();
  });
  it('reads a quoted JSON member holding a GetDeviceInformation answer (field-6r-0006, Lorex LNB8973B)', () => {
    const soap = dumpToOnvifInfo(LOREX)!;
    expect(soap).toContain('<tds:Manufacturer>LOREX</tds:Manufacturer><tds:Model>LNB8973B</tds:Model>');
    const { record, unused } = rec([{ kind: 'onvif-device-info', partial: true, raw: LOREX }]);
    expect(unused).toEqual([]);
    expect(record.onvif?.manufacturer).toBe('LOREX');
    expect(record.onvif?.firmware).toBe('2.460.0001.5.R, Build Date 2017-08-11');
  });
});

describe('converter: an ONVIF answer quoted from <s:Body> on gets its Envelope back (tools/field only)', () => {
  it('reads a Body-only GetDeviceInformation answer, with and without the Envelope\'s closing tag (field-6o-0017, field-6r-0011)', () => {
    // The device parser stays strict: a real device sends the Envelope.
    expect(parseDeviceInformation(XM_BODY)).toBeNull();
    for (const raw of [XM_BODY, XM_BODY_END]) {
      const info = parseDeviceInformation(unfenceSoap(raw)!);
      expect(info).toEqual({ manufacturer: 'H264', model: 'XM530_50X50-WG_8M', firmware: 'V5.00.R02.00030747.10010.349f17..ONVIF 16.12', serial: 'Redacted', hardware: '00001' });
      const { record, unused } = rec([{ kind: 'onvif-device-info', raw }]);
      expect(unused).toEqual([]);
      expect(record.onvif?.model).toBe('XM530_50X50-WG_8M');
    }
  });
  it('leaves a full Envelope and text without a SOAP body alone', () => {
    expect(unfenceSoap('<s:Envelope xmlns:s="x"><s:Body/></s:Envelope>')).toBeUndefined();
    expect(unfenceSoap('<html><body>x</body></html>')).toBeUndefined();
    expect(unfenceSoap('Manufacturer: H264')).toBeUndefined();
  });
});

describe('converter: a GetCapabilities / GetServices answer is the HTTP reply a scan gets', () => {
  it('reads a fenced Body-only GetCapabilities answer as the reply to POST /onvif/device_service (field-6o-0017)', () => {
    const { record, unused } = rec([{ kind: 'onvif-services', raw: XM_CAPS }]);
    expect(unused).toEqual([]);
    const h = record.http?.[0];
    expect(h?.path).toBe('/onvif/device_service');
    expect(h?.headers['content-type']).toBe('application/soap+xml; charset=utf-8');
    expect(h?.body).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?><s:Envelope xmlns:s="http:\/\/www.w3.org\/2003\/05\/soap-envelope"><s:Body>\n {4}<tds:GetCapabilitiesResponse>/);
    // The owner replaced the address by "<camera-ip>", which no device sends: the XAddrs are not read,
    // and nothing the paste did not hold is made up (no namespace declared beyond the Envelope's).
    expect(extractFields(record).filter((x) => x.field === 'onvif.service.xaddr')).toEqual([]);
    expect(extractFields(record).filter((x) => x.field === 'http.xmlns').map((x) => x.value)).toEqual(['http://www.w3.org/2003/05/soap-envelope']);
  });
  it('reads a GetCapabilities answer cut off at the end, on the port of its device service (consumer-0028, Tapo)', () => {
    const { record, unused } = rec([{ kind: 'onvif-services', raw: TAPO_CAPS }]);
    expect(unused).toEqual([]);
    expect(record.open_ports).toEqual([2020]);
    expect(record.http?.[0].port).toBe(2020);
    const xaddrs = extractFields(record).filter((x) => x.field === 'onvif.service.xaddr').map((x) => x.value);
    expect(xaddrs).toEqual(['/onvif/service']);
  });
  it('reads an answer pasted with its status line as that HTTP reply', () => {
    const raw = `HTTP/1.1 200 OK\r\nServer: gSOAP/2.8\r\nContent-Type: application/soap+xml; charset=utf-8\r\n\r\n${TAPO_CAPS}`;
    const { record } = rec([{ kind: 'onvif-services', raw }]);
    expect(record.http?.[0].headers.server).toBe('gSOAP/2.8');
    expect(record.http?.[0].body?.startsWith('<?xml')).toBe(true);
  });
  it('does not invent an answer from text that is none', () => {
    const { record, unused } = rec([{ kind: 'onvif-services', raw: '<html>not soap</html>' }]);
    expect(record.http).toBeUndefined();
    expect(unused).toEqual(['captures[0]: no GetServices / GetCapabilities answer']);
  });
});

describe('converter: TXT records printed as their strings are the key/value map a scan builds', () => {
  // field-6o-0025, https://github.com/alexpevzner/sane-airscan/issues/98 (avahi-browse of a Canon MF440 Series)
  const CANON = {"instance": "Canon MF440 Series", "type": "_uscan._tcp", "host": "Canon3d91a0.local", "port": 80, "txt": ["usb_MFG=Canon", "mopria-certified-scan=1.2", "duplex=T", "is=platen,adf", "UUID=6d4ff0ce-6b11-11d8-8020-00bbc13d91a0", "cs=color,grayscale", "pdl=application/octet-stream,application/pdf,image/jpeg", "representation=http://Canon3d91a0.local/en/media/dev_icon_128x128.png", "adminurl=http://Canon3d91a0.local:80/airprint.html", "rs=eSCL", "vers=2.63", "note=", "ty=Canon MF440 Series", "txtvers=1"]};
  it('reads avahi-browse\'s "key=value" list as the TXT map (keys lower-cased as src/protocols/mdns.ts does)', () => {
    const { record } = rec([{ kind: 'mdns', services: [CANON] as never }]);
    const txt = record.mdns?.[0].txt as Record<string, string>;
    expect(txt.usb_mfg).toBe('Canon');
    expect(txt.ty).toBe('Canon MF440 Series');
    expect(txt.note).toBe('');
    const f = extractFields(record);
    expect(f.find((x) => x.field === 'mdns.txt.ty')?.value).toBe('Canon MF440 Series');
    expect(f.some((x) => x.field === 'mdns.txt.0')).toBe(false);
    expect(identify(record, kb).maker).toBe('canon');
  });
  it('keeps a TXT map as it is, and a bare key as a boolean attribute', () => {
    const { record } = rec([{ kind: 'mdns', services: [{ type: '_http._tcp', txt: { vendor: 'Synology' } }, { type: '_x._tcp', txt: ['IC-3115W Network Camera', 'a=1', 'A=2'] }] as never }]);
    expect(record.mdns?.[0].txt).toEqual({ vendor: 'Synology' });
    expect(record.mdns?.[1].txt).toEqual({ 'ic-3115w network camera': '', a: '1' });
  });
});

describe('property: the quoted-paste readers never throw and stay bounded', () => {
  it('unquoteDocument / unfenceSoap / dumpToOnvifInfo on arbitrary and quote-shaped text', () => {
    const quoted = fc.tuple(fc.constantFrom('"', '"<', '"{\\"', '```xml\n<s:Body>', '<tds:GetDeviceInformationResponse>', '"x": {'), fc.string({ maxLength: 300 })).map(([a, b]) => a + b);
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 400 }), quoted), (s) => {
      const u = unquoteDocument(s);
      if (u !== undefined) expect(u.length).toBeLessThanOrEqual(s.length);
      const w = unfenceSoap(s);
      if (w !== undefined) expect(w.length).toBeLessThan(s.length + 600);
      dumpToOnvifInfo(s);
      toObservation({ id: 't-0001', captures: [{ kind: 'onvif-services', raw: s }, { kind: 'http', raw: s }, { kind: 'onvif-device-info', raw: s }] });
    }), { numRuns: 300 });
  });
});
