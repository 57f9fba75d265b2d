import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  buildProbe, parseProbeMatches, parseWsdMessage, scopesToIdentity, buildProbeMatches, buildHello, buildBye, looksOnvif,
  buildGetSystemDateAndTime, parseSystemDateAndTime, parseSystemDateAndTimeDetail, buildGetDeviceInformation,
  parseDeviceInformation, buildGetServices, parseGetServices, passwordDigest, parseSoapRequest, verifyUsernameToken,
  buildSystemDateAndTimeResponse, buildDeviceInformationResponse, buildGetServicesResponse, buildSoapFault, parseSoapFault,
  normalizeMessageId, toOnvifObservation,
} from '../../src/protocols/wsdiscovery.js';
import { hostileInputs, noControlChars, noPrototypeKeys, polluted } from './helpers.js';

// ---------------------------------------------------------------------------------------------------
// Fixtures: written by us from the documented formats (no capture copied).

// AXIS M1065-L ProbeMatches. Facts from agsh/onvif#239 ("Wrong SOAP Message from Device"): Types
// "tds:Device dn:NetworkVideoTransmitter", scopes Profile/Streaming, Profile/G, hardware/M1065-L,
// name/AXIS%20M1065-L, an empty location/, two XAddrs one of them link-local. Envelope per WS-Discovery
// 2005/04 §5.3 (ProbeMatches) with gSOAP-style prefixes and pretty-printing, as Axis firmware sends.
const AXIS_M1065 = `<?xml version="1.0" encoding="UTF-8"?>
<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" xmlns:SOAP-ENC="http://www.w3.org/2003/05/soap-encoding"
  xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:wsdd="http://schemas.xmlsoap.org/ws/2005/04/discovery"
  xmlns:tds="http://www.onvif.org/ver10/device/wsdl" xmlns:dn="http://www.onvif.org/ver10/network/wsdl">
 <SOAP-ENV:Header>
  <wsa:MessageID>urn:uuid:7e2b9a10-0c7e-11ee-8000-accc8e000001</wsa:MessageID>
  <wsa:RelatesTo>urn:uuid:11111111-2222-4333-8444-555555555555</wsa:RelatesTo>
  <wsa:To SOAP-ENV:mustUnderstand="true">http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</wsa:To>
  <wsa:Action SOAP-ENV:mustUnderstand="true">http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</wsa:Action>
  <wsdd:AppSequence InstanceId="1686000000" MessageNumber="3"></wsdd:AppSequence>
 </SOAP-ENV:Header>
 <SOAP-ENV:Body>
  <wsdd:ProbeMatches>
   <wsdd:ProbeMatch>
    <wsa:EndpointReference><wsa:Address>urn:uuid:a4b2c1d0-e0f1-4a2b-8c3d-accc8e000001</wsa:Address></wsa:EndpointReference>
    <wsdd:Types>tds:Device dn:NetworkVideoTransmitter</wsdd:Types>
    <wsdd:Scopes>onvif://www.onvif.org/Profile/Streaming onvif://www.onvif.org/Profile/G onvif://www.onvif.org/hardware/M1065-L
      onvif://www.onvif.org/name/AXIS%20M1065-L onvif://www.onvif.org/location/</wsdd:Scopes>
    <wsdd:XAddrs>http://192.168.1.90/onvif/device_service http://169.254.68.137/onvif/device_service</wsdd:XAddrs>
    <wsdd:MetadataVersion>1</wsdd:MetadataVersion>
   </wsdd:ProbeMatch>
  </wsdd:ProbeMatches>
 </SOAP-ENV:Body>
</SOAP-ENV:Envelope>`;

// Two ProbeMatch in one datagram (WS-Discovery 2005/04 §5.3 allows several; agsh/onvif loses both:
// fast-xml-parser collapses repeated elements unless told otherwise). Scope sets: Hikvision (evercam #22) and Dahua (Hello captures).
const TWO_MATCHES = '<?xml version="1.0" encoding="UTF-8"?><env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" '
  + 'xmlns:wsadis="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" '
  + 'xmlns:dn="http://www.onvif.org/ver10/network/wsdl" xmlns:tds="http://www.onvif.org/ver10/device/wsdl">'
  + '<env:Header><wsadis:MessageID>uuid:0e3c4f5a-1111-2222-3333-444455556666</wsadis:MessageID>'
  + '<wsadis:RelatesTo>urn:uuid:aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee</wsadis:RelatesTo>'
  + '<wsadis:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</wsadis:Action></env:Header>'
  + '<env:Body><d:ProbeMatches>'
  + '<d:ProbeMatch><wsadis:EndpointReference><wsadis:Address>urn:uuid:54575a42-4d4b-4c32-3936-4419b6000001</wsadis:Address></wsadis:EndpointReference>'
  + '<d:Types>dn:NetworkVideoTransmitter tds:Device</d:Types>'
  + '<d:Scopes>onvif://www.onvif.org/type/video_encoder onvif://www.onvif.org/Profile/Streaming onvif://www.onvif.org/Profile/G '
  + 'onvif://www.onvif.org/hardware/DS-2CD2612F-I onvif://www.onvif.org/name/DS-2CD2612F-I onvif://www.onvif.org/location/city/hangzhou</d:Scopes>'
  + '<d:XAddrs>http://192.168.1.64/onvif/device_service http://[fe80::4619:b6ff:fe00:1]/onvif/device_service</d:XAddrs>'
  + '<d:MetadataVersion>10</d:MetadataVersion></d:ProbeMatch>'
  + '<d:ProbeMatch><wsadis:EndpointReference><wsadis:Address>uuid:3c02a1b4-5d6e-7f80-9123-3cef8c000002</wsadis:Address></wsadis:EndpointReference>'
  + '<d:Types>dn:NetworkVideoTransmitter tds:Device</d:Types>'
  + '<d:Scopes>onvif://www.onvif.org/location/country/china onvif://www.onvif.org/name/Dahua onvif://www.onvif.org/hardware/IPC-HFW2228M-I1-V2 '
  + 'onvif://www.onvif.org/Profile/Streaming onvif://www.onvif.org/type/Network_Video_Transmitter onvif://www.onvif.org/extension/unique_identifier/1 '
  + 'onvif://www.onvif.org/Profile/T</d:Scopes>'
  + '<d:XAddrs>http://192.168.1.108/onvif/device_service</d:XAddrs><d:MetadataVersion>1</d:MetadataVersion></d:ProbeMatch>'
  + '</d:ProbeMatches></env:Body></env:Envelope>';

// OASIS WS-Discovery 1.1 (2009/01) ProbeMatches with WS-Addressing 1.0 (2005/08), as WCF/Windows send.
// Namespaces per the OASIS spec (docs.oasis-open.org/ws-dd/discovery/1.1) §5.3.
const WSD_2009 = '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://www.w3.org/2005/08/addressing">'
  + '<s:Header><a:Action s:mustUnderstand="1">http://docs.oasis-open.org/ws-dd/ns/discovery/2009/01/ProbeMatches</a:Action>'
  + '<a:MessageID>urn:uuid:9b1c2f3e-0000-4000-8000-000000000009</a:MessageID>'
  + '<a:RelatesTo>urn:uuid:12345678-1234-4234-8234-123456789abc</a:RelatesTo>'
  + '<d:AppSequence InstanceId="7" MessageNumber="1" xmlns:d="http://docs.oasis-open.org/ws-dd/ns/discovery/2009/01"/></s:Header>'
  + '<s:Body><ProbeMatches xmlns="http://docs.oasis-open.org/ws-dd/ns/discovery/2009/01"><ProbeMatch>'
  + '<EndpointReference xmlns="http://www.w3.org/2005/08/addressing"><Address>urn:uuid:0f0e0d0c-0b0a-4909-8807-060504030201</Address></EndpointReference>'
  + '<Types xmlns:i="http://www.onvif.org/ver10/network/wsdl">i:NetworkVideoTransmitter</Types>'
  + '<Scopes>onvif://www.onvif.org/name/WCF%20Camera onvif://www.onvif.org/hardware/VirtualCam</Scopes>'
  + '<XAddrs>https://10.0.0.5:8443/onvif/device_service</XAddrs><MetadataVersion>2</MetadataVersion>'
  + '</ProbeMatch></ProbeMatches></s:Body></s:Envelope>';

// A Windows/wsdd ProbeMatch without XAddrs (Quedale/OnvifDeviceManager#14; wsdd answers
// "wsdp:Device pub:Computer" with no XAddrs). A negative fixture: not ONVIF.
const WSDD_WINDOWS = '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope" '
  + 'xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:wsd="http://schemas.xmlsoap.org/ws/2005/04/discovery" '
  + 'xmlns:wsdp="http://schemas.xmlsoap.org/ws/2006/02/devprof" xmlns:pnpx="http://schemas.microsoft.com/windows/pnpx/2005/10" '
  + 'xmlns:pub="http://schemas.microsoft.com/windows/pub/2005/07"><soap:Header>'
  + '<wsa:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</wsa:To>'
  + '<wsa:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</wsa:Action>'
  + '<wsa:MessageID>urn:uuid:e8a2a1f0-3c3b-11ee-b3a2-0242ac110004</wsa:MessageID>'
  + '<wsa:RelatesTo>urn:uuid:c0ffee00-0000-4000-8000-000000000001</wsa:RelatesTo>'
  + '<wsd:AppSequence InstanceId="1700000000" SequenceId="urn:uuid:1" MessageNumber="2"/></soap:Header><soap:Body>'
  + '<wsd:ProbeMatches><wsd:ProbeMatch><wsa:EndpointReference><wsa:Address>urn:uuid:5a1f0c3e-7b2d-5c4e-9a8b-0242ac110004</wsa:Address>'
  + '</wsa:EndpointReference><wsd:Types>wsdp:Device pub:Computer</wsd:Types><wsd:MetadataVersion>1</wsd:MetadataVersion>'
  + '</wsd:ProbeMatch></wsd:ProbeMatches></soap:Body></soap:Envelope>';

// Dahua-style Hello (WS-Discovery 2005/04 §4.1; ONVIF Core: devices announce with Hello on joining).
const DAHUA_HELLO = '<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" '
  + 'xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:wsdd="http://schemas.xmlsoap.org/ws/2005/04/discovery" '
  + 'xmlns:dn="http://www.onvif.org/ver10/network/wsdl" xmlns:tds="http://www.onvif.org/ver10/device/wsdl"><SOAP-ENV:Header>'
  + '<wsa:MessageID>uuid:a1b2c3d4-0000-4000-8000-3cef8c111111</wsa:MessageID><wsa:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</wsa:To>'
  + '<wsa:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/Hello</wsa:Action>'
  + '<wsdd:AppSequence InstanceId="0" MessageNumber="1"/></SOAP-ENV:Header><SOAP-ENV:Body><wsdd:Hello>'
  + '<wsa:EndpointReference><wsa:Address>uuid:3c02a1b4-5d6e-7f80-9123-3cef8c111111</wsa:Address></wsa:EndpointReference>'
  + '<wsdd:Types>dn:NetworkVideoTransmitter tds:Device</wsdd:Types>'
  + '<wsdd:Scopes>onvif://www.onvif.org/location/country/china onvif://www.onvif.org/name/Dahua onvif://www.onvif.org/hardware/IPC-HFW2228M-I1-V2 '
  + 'onvif://www.onvif.org/Profile/Streaming onvif://www.onvif.org/type/Network_Video_Transmitter</wsdd:Scopes>'
  + '<wsdd:XAddrs>http://192.168.1.108/onvif/device_service</wsdd:XAddrs><wsdd:MetadataVersion>1</wsdd:MetadataVersion>'
  + '</wsdd:Hello></SOAP-ENV:Body></SOAP-ENV:Envelope>';

const DAHUA_BYE = DAHUA_HELLO.replace('/discovery/Hello', '/discovery/Bye')
  .replace(/<wsdd:Hello>[\s\S]*<\/wsdd:Hello>/, '<wsdd:Bye><wsa:EndpointReference><wsa:Address>uuid:3c02a1b4-5d6e-7f80-9123-3cef8c111111</wsa:Address></wsa:EndpointReference></wsdd:Bye>');

// A unicast Probe answered with a SOAP fault (edgexfoundry/device-onvif-camera#134: Hikvision at
// 192.168.1.64 replied d:MatchingRuleNotSupported). Fault shape per SOAP 1.2 Part 1 §5.4.
const HIK_FAULT = '<?xml version="1.0" encoding="UTF-8"?><env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" '
  + 'xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery"><env:Body><env:Fault><env:Code><env:Value>env:Sender</env:Value>'
  + '<env:Subcode><env:Value>d:MatchingRuleNotSupported</env:Value></env:Subcode></env:Code>'
  + '<env:Reason><env:Text xml:lang="en">the xml format error</env:Text></env:Reason></env:Fault></env:Body></env:Envelope>';

// ONVIF device-service replies (ONVIF Core §8.3.1 GetDeviceInformation, §8.3.10 GetSystemDateAndTime,
// §8.1.2.1 GetServices). Values: agsh/onvif test/serverMockup (GetSystemDateAndTime UTC 2014-12-24 19:14:37,
// "Mockup Manufacturer"), futomi/node-onvif README (Canon VB-S30D, "Ver. 1.3.3", HardwareId "1D").
const SDT = '<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" '
  + 'xmlns:tds="http://www.onvif.org/ver10/device/wsdl" xmlns:tt="http://www.onvif.org/ver10/schema"><SOAP-ENV:Body>'
  + '<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime><tt:DateTimeType>Manual</tt:DateTimeType>'
  + '<tt:DaylightSavings>false</tt:DaylightSavings><tt:TimeZone><tt:TZ>MoroccoStandardTime0</tt:TZ></tt:TimeZone>'
  + '<tt:UTCDateTime><tt:Time><tt:Hour>19</tt:Hour><tt:Minute>14</tt:Minute><tt:Second>37</tt:Second></tt:Time>'
  + '<tt:Date><tt:Year>2014</tt:Year><tt:Month>12</tt:Month><tt:Day>24</tt:Day></tt:Date></tt:UTCDateTime>'
  + '<tt:LocalDateTime><tt:Time><tt:Hour>19</tt:Hour><tt:Minute>14</tt:Minute><tt:Second>37</tt:Second></tt:Time>'
  + '<tt:Date><tt:Year>2014</tt:Year><tt:Month>12</tt:Month><tt:Day>24</tt:Day></tt:Date></tt:LocalDateTime>'
  + '</tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>';

const CANON_DI = `<?xml version="1.0" encoding="UTF-8"?>
<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" xmlns:tds="http://www.onvif.org/ver10/device/wsdl">
<env:Body><tds:GetDeviceInformationResponse>
<tds:Manufacturer>Canon</tds:Manufacturer><tds:Model>VB-S30D</tds:Model><tds:FirmwareVersion>Ver. 1.3.3</tds:FirmwareVersion>
<tds:SerialNumber>0012AB34</tds:SerialNumber><tds:HardwareId>1D</tds:HardwareId>
</tds:GetDeviceInformationResponse></env:Body></env:Envelope>`;

// agsh/onvif#184: "Sender not authorized" (ONVIF Core §5.11.2.1: env:Sender / ter:NotAuthorized).
const NOT_AUTHORIZED = '<?xml version="1.0" encoding="UTF-8"?><env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" '
  + 'xmlns:ter="http://www.onvif.org/ver10/error"><env:Body><env:Fault><env:Code><env:Value>env:Sender</env:Value>'
  + '<env:Subcode><env:Value>ter:NotAuthorized</env:Value></env:Subcode></env:Code><env:Reason>'
  + '<env:Text xml:lang="en">Sender not authorized</env:Text></env:Reason><env:Detail><env:Text>The action requested requires '
  + 'authorization and the sender is not authorized</env:Text></env:Detail></env:Fault></env:Body></env:Envelope>';

const GET_SERVICES = '<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
  + 'xmlns:tds="http://www.onvif.org/ver10/device/wsdl" xmlns:tt="http://www.onvif.org/ver10/schema"><s:Body><tds:GetServicesResponse>'
  + '<tds:Service><tds:Namespace>http://www.onvif.org/ver10/device/wsdl</tds:Namespace><tds:XAddr>http://192.168.68.111/onvif/services</tds:XAddr>'
  + '<tds:Version><tt:Major>2</tt:Major><tt:Minor>40</tt:Minor></tds:Version></tds:Service>'
  + '<tds:Service><tds:Namespace>http://www.onvif.org/ver10/media/wsdl</tds:Namespace><tds:XAddr>http://192.168.68.111/onvif/services</tds:XAddr>'
  + '<tds:Version><tt:Major>2</tt:Major><tt:Minor>60</tt:Minor></tds:Version></tds:Service>'
  + '</tds:GetServicesResponse></s:Body></s:Envelope>';

const BILLION_LAUGHS = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
  + '<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]>'
  + TWO_MATCHES.replace('<?xml version="1.0" encoding="UTF-8"?>', '').replace('name/Dahua', 'name/&lol2;');
const XXE = '<?xml version="1.0"?><!DOCTYPE e [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
  + AXIS_M1065.replace('<?xml version="1.0" encoding="UTF-8"?>', '').replace('hardware/M1065-L', 'hardware/&xxe;');

const ALL_VALID = [AXIS_M1065, TWO_MATCHES, WSD_2009, WSDD_WINDOWS, DAHUA_HELLO, DAHUA_BYE, HIK_FAULT, SDT, CANON_DI, NOT_AUTHORIZED, GET_SERVICES];

// ---------------------------------------------------------------------------------------------------

describe('buildProbe', () => {
  it('builds the minified 2005/04 NVT probe of WS-Discovery 2005/04', () => {
    const p = buildProbe({ messageId: 'urn:uuid:11111111-2222-4333-8444-555555555555' }).toString();
    expect(p).toBe('<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
      + 'xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" '
      + 'xmlns:dn="http://www.onvif.org/ver10/network/wsdl" xmlns:tds="http://www.onvif.org/ver10/device/wsdl" '
      + 'xmlns:wsdp="http://schemas.xmlsoap.org/ws/2006/02/devprof" xmlns:pub="http://schemas.microsoft.com/windows/pub/2005/07">'
      + '<s:Header><a:Action s:mustUnderstand="1">http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</a:Action>'
      + '<a:MessageID>urn:uuid:11111111-2222-4333-8444-555555555555</a:MessageID><a:ReplyTo><a:Address>'
      + 'http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:Address></a:ReplyTo>'
      + '<a:To s:mustUnderstand="1">urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To></s:Header>'
      + '<s:Body><d:Probe><d:Types>dn:NetworkVideoTransmitter</d:Types></d:Probe></s:Body></s:Envelope>');
    expect(p).not.toMatch(/>\s+</);
  });

  it.each([
    ['nvt', 'dn:NetworkVideoTransmitter'], ['device', 'tds:Device'], ['wsdp-device', 'wsdp:Device'], ['none', ''],
  ] as const)('types %s -> %s, and parses back as a probe', (types, want) => {
    const b = buildProbe({ messageId: 'abc-123', types });
    const m = parseWsdMessage(b)!;
    expect(m.kind).toBe('probe');
    expect(m.messageId).toBe('urn:uuid:abc-123'); // nmap requires urn:uuid: MessageIDs
    expect(m.probeTypes).toEqual(want ? [want] : []);
    if (types === 'none') expect(b.toString()).toContain('<d:Probe/>');
  });

  it('uses the 2009/01 namespaces on request', () => {
    const b = buildProbe({ messageId: 'urn:uuid:x', version: '2009/01' }).toString();
    expect(b).toContain('http://docs.oasis-open.org/ws-dd/ns/discovery/2009/01/Probe');
    expect(b).toContain('urn:docs-oasis-open-org:ws-dd:ns:discovery:2009:01');
    expect(parseWsdMessage(b)!.version).toBe('2009/01');
  });

  it('normalizes message ids', () => {
    expect(normalizeMessageId('uuid:1')).toBe('urn:uuid:1');
    expect(normalizeMessageId('URN:UUID:1')).toBe('URN:UUID:1');
    expect(normalizeMessageId('1')).toBe('urn:uuid:1');
  });
});

describe('parseProbeMatches / parseWsdMessage (table)', () => {
  it('AXIS M1065-L (agsh/onvif#239): types, scopes, two XAddrs incl. link-local', () => {
    const [m, ...rest] = parseProbeMatches(Buffer.from(AXIS_M1065));
    expect(rest).toEqual([]);
    expect(m).toEqual({
      endpoint: 'urn:uuid:a4b2c1d0-e0f1-4a2b-8c3d-accc8e000001',
      types: ['tds:Device', 'dn:NetworkVideoTransmitter'],
      scopes: ['onvif://www.onvif.org/Profile/Streaming', 'onvif://www.onvif.org/Profile/G', 'onvif://www.onvif.org/hardware/M1065-L',
        'onvif://www.onvif.org/name/AXIS%20M1065-L', 'onvif://www.onvif.org/location/'],
      xaddrs: ['http://192.168.1.90/onvif/device_service', 'http://169.254.68.137/onvif/device_service'],
      metadataVersion: '1',
      relatesTo: 'urn:uuid:11111111-2222-4333-8444-555555555555',
      // Its MessageID is a time-based UUID whose node is the camera's MAC (Axis OUI AC:CC:8E).
      senderMac: 'ac:cc:8e:00:00:01',
    });
    expect(looksOnvif(m)).toBe(true);
    const id = scopesToIdentity(m.scopes);
    expect(id).toEqual({ name: 'AXIS M1065-L', hardware: 'M1065-L', profiles: ['Streaming', 'G'], types: [] });
    const full = parseWsdMessage(AXIS_M1065)!;
    expect(full.kind).toBe('probematches');
    expect(full.version).toBe('2005/04');
    expect(full.messageId).toBe('urn:uuid:7e2b9a10-0c7e-11ee-8000-accc8e000001');
    expect(full.action).toBe('http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches');
  });

  it('two ProbeMatch in one datagram yield two devices (Hikvision + Dahua scopes)', () => {
    const ms = parseProbeMatches(TWO_MATCHES);
    expect(ms).toHaveLength(2);
    expect(ms[0].xaddrs).toEqual(['http://192.168.1.64/onvif/device_service', 'http://[fe80::4619:b6ff:fe00:1]/onvif/device_service']);
    expect(ms[0].metadataVersion).toBe('10');
    expect(ms[1].endpoint).toBe('uuid:3c02a1b4-5d6e-7f80-9123-3cef8c000002');
    expect(ms.every((m) => m.relatesTo === 'urn:uuid:aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee')).toBe(true);
    expect(scopesToIdentity(ms[0].scopes)).toEqual({
      name: 'DS-2CD2612F-I', hardware: 'DS-2CD2612F-I', location: 'city/hangzhou', profiles: ['Streaming', 'G'], types: ['video_encoder'],
    });
    expect(scopesToIdentity(ms[1].scopes)).toMatchObject({
      name: 'Dahua', hardware: 'IPC-HFW2228M-I1-V2', location: 'country/china', profiles: ['Streaming', 'T'], types: ['Network_Video_Transmitter'],
    });
  });

  it('OASIS 2009/01 namespace, default-namespace elements, https XAddr', () => {
    const m = parseWsdMessage(WSD_2009)!;
    expect(m.version).toBe('2009/01');
    expect(m.kind).toBe('probematches');
    expect(m.matches).toEqual([{
      endpoint: 'urn:uuid:0f0e0d0c-0b0a-4909-8807-060504030201', types: ['i:NetworkVideoTransmitter'],
      scopes: ['onvif://www.onvif.org/name/WCF%20Camera', 'onvif://www.onvif.org/hardware/VirtualCam'],
      xaddrs: ['https://10.0.0.5:8443/onvif/device_service'], metadataVersion: '2',
      relatesTo: 'urn:uuid:12345678-1234-4234-8234-123456789abc',
    }]);
    expect(looksOnvif(m.matches[0])).toBe(true);
  });

  it('Windows wsdd ProbeMatch without XAddrs is returned but is not ONVIF', () => {
    const [m] = parseProbeMatches(WSDD_WINDOWS);
    expect(m.types).toEqual(['wsdp:Device', 'pub:Computer']);
    expect(m.xaddrs).toEqual([]);
    expect(m.scopes).toEqual([]);
    expect(looksOnvif(m)).toBe(false);
  });

  it('Hello and Bye', () => {
    const h = parseWsdMessage(DAHUA_HELLO)!;
    expect(h.kind).toBe('hello');
    expect(h.matches).toHaveLength(1);
    expect(h.matches[0].xaddrs).toEqual(['http://192.168.1.108/onvif/device_service']);
    expect(h.matches[0].relatesTo).toBe('');
    expect(parseProbeMatches(DAHUA_HELLO)).toEqual([]); // a Hello is not a reply
    const b = parseWsdMessage(DAHUA_BYE)!;
    expect(b.kind).toBe('bye');
    expect(b.matches[0]).toMatchObject({ endpoint: 'uuid:3c02a1b4-5d6e-7f80-9123-3cef8c111111', xaddrs: [], types: [] });
  });

  it('MatchingRuleNotSupported fault (edgex#134)', () => {
    const m = parseWsdMessage(HIK_FAULT)!;
    expect(m.kind).toBe('fault');
    expect(m.fault).toEqual({ fault: 'MatchingRuleNotSupported', code: 'env:Sender', subcodes: ['d:MatchingRuleNotSupported'], reason: 'the xml format error' });
    expect(parseProbeMatches(HIK_FAULT)).toEqual([]);
  });

  it('drops XAddrs that are not http(s) URLs, and caps lists', () => {
    const x = AXIS_M1065.replace('http://192.168.1.90/onvif/device_service', 'javascript:alert(1) ftp://x/ not-a-url http://ok/onvif/device_service');
    expect(parseProbeMatches(x)[0].xaddrs).toEqual(['http://ok/onvif/device_service', 'http://169.254.68.137/onvif/device_service']);
    const many = AXIS_M1065.replace('<wsdd:MetadataVersion>', `<wsdd:Scopes>${'onvif://www.onvif.org/x '.repeat(1000)}</wsdd:Scopes><wsdd:MetadataVersion>`);
    expect(parseProbeMatches(many)[0].scopes.length).toBeLessThanOrEqual(64);
  });

  it('entity expansion and external entities are never honoured', () => {
    const ms = parseProbeMatches(BILLION_LAUGHS);
    expect(ms).toHaveLength(2);
    expect(ms[1].scopes).toContain('onvif://www.onvif.org/name/&lol2;');
    expect(JSON.stringify(ms)).not.toMatch(/lollol/);
    const x = parseProbeMatches(XXE);
    expect(x).toHaveLength(1);
    expect(x[0].scopes).toContain('onvif://www.onvif.org/hardware/&xxe;');
    expect(JSON.stringify(x)).not.toContain('root:');
  });

  it('junk, truncation, non-SOAP and oversize input give [] / null', () => {
    expect(parseProbeMatches('lollipop')).toEqual([]);
    expect(parseWsdMessage('lollipop')).toBeNull();
    expect(parseWsdMessage('')).toBeNull();
    expect(parseWsdMessage(Buffer.alloc(0))).toBeNull();
    expect(parseWsdMessage(undefined as unknown as string)).toBeNull();
    expect(parseProbeMatches(AXIS_M1065.slice(0, 600))).toEqual([]);
    expect(parseWsdMessage('<a><b>x</a>')).toBeNull();
    expect(parseWsdMessage('x'.repeat(70000))).toBeNull();
    for (let n = 0; n < TWO_MATCHES.length; n += 97) {
      const r = parseProbeMatches(TWO_MATCHES.slice(0, n));
      expect(Array.isArray(r)).toBe(true);
    }
  });

  it('strips control characters and ANSI escapes from every field', () => {
    const evil = AXIS_M1065.replace('name/AXIS%20M1065-L', 'name/AXIS\u001b[31m%1B%5B2J%07RED')
      .replace('urn:uuid:a4b2c1d0', 'urn:uuid:&#27;[2J&#x7;a4b2c1d0');
    const [m] = parseProbeMatches(evil);
    expect(noControlChars(m)).toBe(true);
    expect(noControlChars(scopesToIdentity(m.scopes))).toBe(true);
    expect(scopesToIdentity(m.scopes).name).toBe('AXIS RED') // raw ESC stripped at scope level, %1B%5B2J decoded then stripped as ANSI;
  });

  it('ignores __proto__ elements without polluting', () => {
    const x = AXIS_M1065.replace('<wsdd:MetadataVersion>', '<__proto__><polluted>yes</polluted></__proto__><constructor><prototype>1</prototype></constructor><wsdd:MetadataVersion>');
    const ms = parseProbeMatches(x);
    expect(ms).toHaveLength(1);
    expect(polluted()).toBe(false);
    expect(noPrototypeKeys(ms)).toBe(true);
  });
});

describe('scopesToIdentity', () => {
  it.each([
    // TP-Link/VIGI non-standard MAC scope (python-ws-discovery#56)
    [['onvif://www.onvif.org/hardware/IPC-model', 'onvif://www.onvif.org/name/NVT', 'onvif://www.onvif.org/A1C2B3/mac/00:12:43:aa:bb:cc'],
      { hardware: 'IPC-model', name: 'NVT', mac: '00:12:43:aa:bb:cc' }],
    // FLIR (vicmaeg/onvif-discovery#17): two manufacturer scopes, first wins
    [['onvif://www.onvif.org/hardware/CM-6204-11-I', 'onvif://www.onvif.org/name/FLIR%20CM-6204-11-I%20K816600858',
      'onvif://www.onvif.org/manufacturer/FLIR%20Systems', 'onvif://www.onvif.org/manufacturer/DVTel'],
    { hardware: 'CM-6204-11-I', name: 'FLIR CM-6204-11-I K816600858', manufacturer: 'FLIR Systems' }],
    // generic Chinese unit: location without country/city key
    [['onvif://www.onvif.org/name/ONVIF_ICAMERA', 'onvif://www.onvif.org/hardware/MSTAR_IPNC', 'onvif://www.onvif.org/location/Shenzhen'],
      { name: 'ONVIF_ICAMERA', hardware: 'MSTAR_IPNC', location: 'Shenzhen' }],
    // ONVIF Core scope categories MacAddress / SerialNumber; upper-case MAC; several locations
    [['ONVIF://www.onvif.org/MacAddress/001122334455', 'onvif://www.onvif.org/SerialNumber/SN%2F123',
      'onvif://www.onvif.org/location/country/us', 'onvif://www.onvif.org/location/city/austin', 'ldap:///ou=cams'],
    { mac: '00:11:22:33:44:55', serial: 'SN/123', location: 'country/us, city/austin' }],
    // HeroSpeed puts the maker in a scope (ZoneMinder#1645)
    [['onvif://www.onvif.org/manufacturer/HeroSpeed', 'onvif://www.onvif.org/MAC/AA-BB-CC-DD-EE-FF', 'onvif://www.onvif.org/name/%ZZbad'],
      { manufacturer: 'HeroSpeed', mac: 'aa:bb:cc:dd:ee:ff', name: '%ZZbad' }],
  ])('%j', (scopes, want) => {
    expect(scopesToIdentity(scopes)).toEqual({ profiles: [], types: [], ...want });
  });

  it('tolerates garbage', () => {
    expect(scopesToIdentity(null as unknown as string[])).toEqual({ profiles: [], types: [] });
    expect(scopesToIdentity([1, {}, 'onvif://www.onvif.org/', 'onvif://www.onvif.org/name/'] as unknown as string[])).toEqual({ profiles: [], types: [] });
  });
});

describe('responder builders round-trip', () => {
  const match = {
    endpoint: 'urn:uuid:54575a42-4d4b-4c32-3936-4419b6000001',
    types: ['dn:NetworkVideoTransmitter', 'tds:Device'],
    scopes: ['onvif://www.onvif.org/name/A%26B', 'onvif://www.onvif.org/hardware/DS-2CD2143G0-I'],
    xaddrs: ['http://10.77.0.46/onvif/device_service'],
    metadataVersion: '1',
  };

  it.each(['2005/04', '2009/01'] as const)('ProbeMatches %s (one and two matches)', (version) => {
    const one = buildProbeMatches({ messageId: 'urn:uuid:r1', relatesTo: 'urn:uuid:q1', matches: [match], version });
    const m = parseWsdMessage(one)!;
    expect(m.kind).toBe('probematches');
    expect(m.version).toBe(version);
    expect(m.relatesTo).toBe('urn:uuid:q1');
    expect(m.matches).toEqual([{ ...match, relatesTo: 'urn:uuid:q1' }]);
    const two = buildProbeMatches({ messageId: 'r2', relatesTo: 'q2', matches: [match, { ...match, endpoint: 'urn:uuid:2', xaddrs: [] }], version });
    expect(parseProbeMatches(two).map((x) => x.endpoint)).toEqual([match.endpoint, 'urn:uuid:2']);
    expect(one.toString()).not.toMatch(/>\s+</);
  });

  it('Hello and Bye', () => {
    const h = parseWsdMessage(buildHello({ messageId: 'h1', match }))!;
    expect(h.kind).toBe('hello');
    expect(h.matches[0]).toEqual({ ...match, relatesTo: '' });
    const b = parseWsdMessage(buildBye({ messageId: 'b1', match, version: '2009/01' }))!;
    expect(b.kind).toBe('bye');
    expect(b.version).toBe('2009/01');
    expect(b.matches[0].endpoint).toBe(match.endpoint);
  });

  it('escapes markup in builder inputs', () => {
    const evil = { ...match, scopes: ['onvif://www.onvif.org/name/</d:Scopes><x>'] };
    const m = parseProbeMatches(buildProbeMatches({ messageId: 'a', relatesTo: 'b', matches: [evil] }));
    expect(m[0].scopes).toEqual(['onvif://www.onvif.org/name/</d:Scopes><x>']);
  });
});

describe('ONVIF device service', () => {
  it('GetSystemDateAndTime request and agsh mockup response', () => {
    expect(buildGetSystemDateAndTime()).toBe('<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope">'
      + '<s:Body><GetSystemDateAndTime xmlns="http://www.onvif.org/ver10/device/wsdl"/></s:Body></s:Envelope>');
    expect(parseSystemDateAndTime(SDT)!.toISOString()).toBe('2014-12-24T19:14:37.000Z');
    expect(parseSystemDateAndTimeDetail(SDT)).toMatchObject({ tz: 'MoroccoStandardTime0', dateTimeType: 'Manual', daylightSavings: 'false' });
    expect(parseSystemDateAndTime(SDT.replace(/<tt:UTCDateTime>[\s\S]*<\/tt:UTCDateTime>/, ''))).toBeNull();
    expect(parseSystemDateAndTime(SDT.replace('<tt:Month>12</tt:Month>', '<tt:Month>13</tt:Month>'))).toBeNull();
    expect(parseSystemDateAndTime(NOT_AUTHORIZED)).toBeNull();
    expect(parseSystemDateAndTime('junk')).toBeNull();
  });

  it('PasswordDigest matches the ONVIF Application Programmer\'s Guide example', () => {
    // ONVIF Application Programmer's Guide §6.1.1.3 (as recalled): nonce LKqI6G/AikKCQrN0zqZFlg==,
    // created 2010-09-16T07:50:45Z, password userpassword -> tuOSpGlFlIXsozq4HFNeeGeFLEI=
    expect(passwordDigest('LKqI6G/AikKCQrN0zqZFlg==', '2010-09-16T07:50:45Z', 'userpassword')).toBe('tuOSpGlFlIXsozq4HFNeeGeFLEI=');
    // raw-bytes nonce form gives the same digest
    expect(passwordDigest(Buffer.from('LKqI6G/AikKCQrN0zqZFlg==', 'base64'), '2010-09-16T07:50:45Z', 'userpassword')).toBe('tuOSpGlFlIXsozq4HFNeeGeFLEI=');
  });

  it('GetDeviceInformation with and without UsernameToken; the simulator can verify it', () => {
    const plain = buildGetDeviceInformation();
    expect(plain).toContain('<GetDeviceInformation xmlns="http://www.onvif.org/ver10/device/wsdl"/>');
    expect(plain).not.toContain('Security');
    expect(parseSoapRequest(plain)).toEqual({ operation: 'GetDeviceInformation' });
    const auth = { username: 'admin', password: 'pässwörd', nonce: Buffer.from('0123456789abcdef'), created: '2024-05-01T12:00:00Z' };
    const signed = buildGetDeviceInformation(auth);
    expect(signed).toContain('#PasswordDigest');
    expect(signed).toContain('<wsse:Nonce EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary">MDEyMzQ1Njc4OWFiY2RlZg==</wsse:Nonce>');
    const req = parseSoapRequest(signed)!;
    expect(req.operation).toBe('GetDeviceInformation');
    expect(req.security).toMatchObject({ username: 'admin', passwordType: 'digest', created: '2024-05-01T12:00:00Z', nonce: 'MDEyMzQ1Njc4OWFiY2RlZg==' });
    expect(verifyUsernameToken(req.security, 'admin', 'pässwörd')).toBe(true);
    expect(verifyUsernameToken(req.security, 'admin', 'wrong')).toBe(false);
    expect(verifyUsernameToken(req.security, 'root', 'pässwörd')).toBe(false);
    expect(verifyUsernameToken(undefined, 'admin', 'x')).toBe(false);
  });

  it('parses device information (Canon VB-S30D, futomi/node-onvif) keeping serials as strings', () => {
    expect(parseDeviceInformation(CANON_DI)).toEqual({ manufacturer: 'Canon', model: 'VB-S30D', firmware: 'Ver. 1.3.3', serial: '0012AB34', hardware: '1D' });
    const zeros = CANON_DI.replace('0012AB34', '000123');
    expect(parseDeviceInformation(zeros)).toMatchObject({ serial: '000123' });
  });

  it('NotAuthorized fault (agsh/onvif#184)', () => {
    expect(parseDeviceInformation(NOT_AUTHORIZED)).toEqual({
      fault: 'NotAuthorized', code: 'env:Sender', subcodes: ['ter:NotAuthorized'], reason: 'Sender not authorized',
    });
    expect(parseSoapFault(NOT_AUTHORIZED)!.fault).toBe('NotAuthorized');
    expect(parseSoapFault(CANON_DI)).toBeNull();
    // SOAP 1.1-style fault from cheap firmware
    const soap11 = '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode>s:Client</faultcode>'
      + '<faultstring>Authority failure</faultstring></s:Fault></s:Body></s:Envelope>';
    expect(parseDeviceInformation(soap11)).toEqual({ fault: 'Client', code: 's:Client', subcodes: [], reason: 'Authority failure' });
    // nested subcodes: the deepest names the fault
    const nested = NOT_AUTHORIZED.replace('<env:Value>ter:NotAuthorized</env:Value>', '<env:Value>ter:InvalidArgVal</env:Value><env:Subcode><env:Value>ter:NoProfile</env:Value></env:Subcode>');
    expect(parseSoapFault(nested)).toMatchObject({ fault: 'NoProfile', subcodes: ['ter:InvalidArgVal', 'ter:NoProfile'] });
  });

  it('GetServices request/response', () => {
    expect(buildGetServices({ includeCapability: true })).toContain('<IncludeCapability>true</IncludeCapability>');
    expect(parseSoapRequest(buildGetServices())).toEqual({ operation: 'GetServices', includeCapability: false });
    expect(parseGetServices(GET_SERVICES)).toEqual([
      { namespace: 'http://www.onvif.org/ver10/device/wsdl', xaddr: 'http://192.168.68.111/onvif/services', version: '2.40' },
      { namespace: 'http://www.onvif.org/ver10/media/wsdl', xaddr: 'http://192.168.68.111/onvif/services', version: '2.60' },
    ]);
    expect(parseGetServices(NOT_AUTHORIZED)).toMatchObject({ fault: 'NotAuthorized' });
    expect(parseGetServices('<x/>')).toBeNull();
  });

  it('responder builders round-trip', () => {
    const now = new Date('2025-03-04T05:06:07Z');
    expect(parseSystemDateAndTime(buildSystemDateAndTimeResponse(now))!.getTime()).toBe(now.getTime());
    expect(parseSystemDateAndTime(buildSystemDateAndTimeResponse(now, { omitUtc: true }))).toBeNull();
    expect(parseSystemDateAndTimeDetail(buildSystemDateAndTimeResponse(now, { omitUtc: true }))!.local!.getTime()).toBe(now.getTime());
    const info = { manufacturer: 'HIKVISION', model: 'DS-2CD2143G0-I', firmware: 'V5.5.0 build 170725', serial: 'DS-2CD2143G0-I20200101AACH123456789', hardware: '88' };
    expect(parseDeviceInformation(buildDeviceInformationResponse(info))).toEqual(info);
    expect(parseDeviceInformation(buildDeviceInformationResponse({ manufacturer: 'A & B <C>' }))).toEqual({ manufacturer: 'A & B <C>' });
    const svcs = [{ namespace: 'http://www.onvif.org/ver10/device/wsdl', xaddr: 'http://10.0.0.1/onvif/device_service', version: '2.5' }];
    expect(parseGetServices(buildGetServicesResponse(svcs))).toEqual(svcs);
    expect(parseDeviceInformation(buildSoapFault())).toEqual({ fault: 'NotAuthorized', code: 's:Sender', subcodes: ['ter:NotAuthorized'], reason: 'Sender not authorized' });
  });

  it('toOnvifObservation combines a match, device information and skew', () => {
    const [m] = parseProbeMatches(AXIS_M1065);
    const o = toOnvifObservation(m, parseDeviceInformation(CANON_DI), 12.4);
    expect(o).toEqual({
      endpoint: m.endpoint, types: m.types, scopes: m.scopes, xaddrs: m.xaddrs,
      manufacturer: 'Canon', model: 'VB-S30D', firmware: 'Ver. 1.3.3', serial: '0012AB34', hardware: '1D', clock_skew_s: 12, uuid_mac: 'ac:cc:8e:00:00:01',
    });
    // Random (version 4) and locally administered message ids give no MAC.
    for (const id of ['urn:uuid:9b1c2f3e-0000-4000-8000-000000000009', 'urn:uuid:e8a2a1f0-3c3b-11ee-b3a2-0242ac110004']) {
      const [x] = parseProbeMatches(AXIS_M1065.replace('urn:uuid:7e2b9a10-0c7e-11ee-8000-accc8e000001', id));
      expect(x.senderMac, id).toBeUndefined();
    }
    expect(toOnvifObservation(null, parseDeviceInformation(NOT_AUTHORIZED))).toEqual({});
  });

  it('XXE in a SOAP reply is not resolved', () => {
    const x = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>' + CANON_DI.replace(/^<\?xml[^>]*>/, '').replace('Canon', '&xxe;');
    expect(parseDeviceInformation(x)).toMatchObject({ manufacturer: '&xxe;', model: 'VB-S30D' });
  });
});

describe('properties: parsers never throw and never emit control characters', () => {
  const inputs = hostileInputs([...ALL_VALID, buildProbe({ messageId: 'x' }), buildProbeMatches({ messageId: 'a', relatesTo: 'b', matches: [{ endpoint: 'e', xaddrs: ['http://h/'] }] })]);
  const parsers: Array<[string, (x: Buffer | string) => unknown]> = [
    ['parseWsdMessage', parseWsdMessage], ['parseProbeMatches', parseProbeMatches],
    ['parseSystemDateAndTimeDetail', parseSystemDateAndTimeDetail], ['parseDeviceInformation', parseDeviceInformation],
    ['parseGetServices', parseGetServices], ['parseSoapRequest', parseSoapRequest], ['parseSoapFault', parseSoapFault],
    ['scopesToIdentity', (x) => scopesToIdentity(String(x).split(/\s+/))],
  ];
  it.each(parsers)('%s', (_n, parse) => {
    fc.assert(fc.property(inputs, (x) => {
      const r = parse(x);
      expect(noControlChars(r)).toBe(true);
      expect(noPrototypeKeys(r)).toBe(true);
    }), { numRuns: 300 });
    expect(polluted()).toBe(false);
  });

  it('scopesToIdentity on arbitrary onvif scopes', () => {
    fc.assert(fc.property(fc.array(fc.string({ maxLength: 60 }).map((s) => 'onvif://www.onvif.org/' + s), { maxLength: 20 }), (scopes) => {
      expect(noControlChars(scopesToIdentity(scopes))).toBe(true);
    }));
  });

  it('build -> parse round trip for arbitrary field text', () => {
    const word = fc.string({ minLength: 1, maxLength: 30 }).filter((s) => !/\s/.test(s));
    fc.assert(fc.property(word, fc.array(word, { maxLength: 5 }), (ep, scopes) => {
      const m = parseProbeMatches(buildProbeMatches({ messageId: 'a', relatesTo: 'b', matches: [{ endpoint: ep, scopes }] }));
      expect(m).toHaveLength(1);
      expect(noControlChars(m)).toBe(true);
    }));
  });
});
