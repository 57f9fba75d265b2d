// Field converter, round 3: captures published as a program's printout of the reply (xml2js objects,
// Python dicts, a plugin's one-line summary), a DHIP answer without deviceInfo, "<- " verbose logs,
// protocol-less status lines and timestamp-only lines. Each case is a real tune capture (record id and
// public source named); properties show the readers never throw and stay bounded.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { dedent, pastedResponses, stripLogPrefix, toObservation, unbareStatus, unpaste, type Capture } from '../tools/field/corpus.js';
import { dumpToOnvifInfo, dumpToUpnpXml, dumpToXml, litToXml, parseLiteral, summaryToXml } from '../tools/field/dumps.js';
import { identify } from '../src/fingerprint/engine.js';
import { loadKnowledgeBase } from '../src/data/load.js';

const rec = (captures: Capture[]) => toObservation({ id: 't-0001', captures });
const kb = loadKnowledgeBase();

describe('converter: printed replies become the document the device sent', () => {
  it('reads Node\'s printout of an xml2js ISAPI deviceInfo (hikvision-2-0001, eu-evops/homebridge-hikvision#18)', () => {
    const raw = "DeviceInfo: {\n    '$': {\n      version: '1.0',\n      xmlns: 'http://www.hikvision.com/ver20/XMLSchema'\n    },\n    deviceName: 'Network Video Recorder',\n    deviceID: 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx',\n    model: 'DS-7616NI-K2/16P',\n    serialNumber: 'DS-7616NI-K2/16Pxxxxxxxxxxxxxxxxxxxxxxxx',\n    macAddress: 'xx:xx:xx:xx:xx:xx',\n    firmwareVersion: 'V3.4.101',\n    firmwareReleasedDate: 'build 180904',\n    encoderVersion: 'V5.0',\n    encoderReleasedDate: 'build 180903',\n    deviceType: 'IPC',\n    telecontrolID: '255'\n  }";
    const xml = dumpToXml(raw)!;
    expect(xml).toMatch(/^<DeviceInfo version="1.0" xmlns="http:\/\/www.hikvision.com\/ver20\/XMLSchema"><deviceName>Network Video Recorder<\/deviceName>/);
    expect(xml).toContain('<model>DS-7616NI-K2/16P</model>');
    const { record } = rec([{ kind: 'http', port: 80, path: '/ISAPI/System/deviceInfo', raw }]);
    expect(record.http?.[0].headers).toEqual({});
    expect(record.http?.[0].body).toBe(xml);
    const id = identify(record, kb);
    expect(id.maker).toBe('hikvision');
    expect(id.model).toBe('DS-7616NI-K2/16P');
  });
  it('reads xml2js JSON of an HTML page, title included (hikvision-2-0019, nayrnet/node-hikvision-api#8)', () => {
    const raw = '{"html":{"head":[{"title":["Document Error: Unauthorized"]}],"body":[{"h2":["Access Error: 401 -- Unauthorized"],"p":["Authentication Error"]}]}}';
    expect(dumpToXml(raw)).toBe('<html><head><title>Document Error: Unauthorized</title></head><body><h2>Access Error: 401 -- Unauthorized</h2><p>Authentication Error</p></body></html>');
    const { record } = rec([{ kind: 'http', port: 80, raw }]);
    expect(record.http?.[0].title).toBe('Document Error: Unauthorized');
  });
  it('leaves real JSON bodies alone (an API answer is what the device sent)', () => {
    expect(dumpToXml('{"device_info":{"basic_info":{"device_model":"C200","device_type":"SMART.IPCAMERA"}}}')).toBeUndefined();
    expect(dumpToXml('{"error_code":0,"result":{"model":"C100"}}')).toBeUndefined();
    const { record } = rec([{ kind: 'http', port: 80, raw: 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{"model":["x"]}' }]);
    expect(record.http?.[0].body).toBe('{"model":["x"]}');
  });
  it('reads a plugin\'s one-line summary as the deviceInfo leaves it names (hikvision-2-0014, centreon/centreon-plugins#4734)', () => {
    const raw = 'Model: DS-I114W, Serial: DS-I114W20171106AAWR638204915, Firmware: V5.4.81';
    expect(summaryToXml(raw)).toBe('<model>DS-I114W</model>\n<serialNumber>DS-I114W20171106AAWR638204915</serialNumber>\n<firmwareVersion>V5.4.81</firmwareVersion>');
    const { record } = rec([{ kind: 'http', port: 443, tls: true, path: '/ISAPI/System/deviceInfo', raw }]);
    expect(identify(record, kb).maker).toBe('hikvision');
    // A line of known labels alone is a summary too (telecom-2-0005, Kajkac/ZTE-MC-Home-assistant-repo#13);
    // prose with a colon is not.
    expect(summaryToXml('Router version: MC889A_DNAY_B13_FWA')).toBe('<firmwareVersion>MC889A_DNAY_B13_FWA</firmwareVersion>');
    expect(summaryToXml('The router says: hello')).toBeUndefined();
    expect(summaryToXml('Firmware: V5.4.81\nthe camera rebooted twice')).toBeUndefined();
    expect(summaryToXml('HTTP/1.1 200 OK\nServer: x')).toBeUndefined();
  });
  it('reads a Python dict of a UPnP description under its printed names (network-other-2-0037, StevenLooman/home-assistant-dlna-dmr#7)', () => {
    const raw = "{'host': '192.0.2.14',\n  'manufacturer': 'Samsung Electronics',\n  'model_name': 'UE50KU6000',\n  'model_number': 'AllShare1.0',\n  'name': '[TV] Samsung 6 Series (50)',\n  'port': 9197,\n  'serial': '0CEX5FXUT88203V',\n  'ssdp_description': 'http://192.0.2.14:9197/dmr',\n  'udn': 'uuid:31d37029-62e4-a1b8-4ed6-4ea1673fccc2',\n  'upnp_device_type': 'urn:schemas-upnp-org:device:MediaRenderer:1'}";
    expect(dumpToUpnpXml(raw)).toContain('<manufacturer>Samsung Electronics</manufacturer><modelName>UE50KU6000</modelName>');
    const { record, unused } = rec([{ kind: 'upnp-description', raw }]);
    expect(unused).toEqual([]);
    expect(record.upnp).toMatchObject({ manufacturer: 'Samsung Electronics', modelName: 'UE50KU6000', modelNumber: 'AllShare1.0', friendlyName: '[TV] Samsung 6 Series (50)' });
  });
  it('reads a dict cut off mid-way, nested lists included (network-other-2-0034, Home Assistant upnp debug log)', () => {
    const raw = "{'ssdp_location': 'http://xxx.xxx.xxx.xxx:1900/igd1617652855214343.xml', 'deviceType': 'urn:schemas-upnp-org:device:InternetGatewayDevice:1', 'friendlyName': 'TP-Link SMB TL-R605', 'manufacturer': 'TP-Link', 'modelName': 'TL-R605', 'modelNumber': '1.0', 'serviceList': {'service': {'serviceType': 'urn:schemas-upnp-org:service:Layer3Forwarding:1', 'SCPDURL': '/l3f1617652855214343.xml'}}, 'deviceList': {'device': {'deviceType': 'urn:schemas-upnp-org:device:WANDevice:1', 'modelURL': None, 'serialNumber': '12345678900001', 'UPC': '123456789001'";
    const { record } = rec([{ kind: 'upnp-description', raw }]);
    expect(record.upnp).toMatchObject({ manufacturer: 'TP-Link', modelName: 'TL-R605', deviceType: 'urn:schemas-upnp-org:device:InternetGatewayDevice:1' });
  });
  it('reads a printed GetDeviceInformation answer (the onvif npm client\'s object) as the SOAP reply', () => {
    // Shape printed by agsh/onvif's getDeviceInformation callback (lib/device.js: manufacturer, model,
    // firmwareVersion, serialNumber, hardwareId), as owners paste it.
    const raw = "{ manufacturer: 'HIKVISION', model: 'DS-2CD2042WD-I', firmwareVersion: 'V5.4.5 build 170124', serialNumber: 'DS-2CD2042WD-I20160913AAWR000000000', hardwareId: '88' }";
    const soap = dumpToOnvifInfo(raw)!;
    expect(soap).toContain('<tds:Manufacturer>HIKVISION</tds:Manufacturer><tds:Model>DS-2CD2042WD-I</tds:Model>');
    const { record } = rec([{ kind: 'onvif-device-info', raw }]);
    expect(record.onvif).toMatchObject({ manufacturer: 'HIKVISION', model: 'DS-2CD2042WD-I' });
  });
  it('reads a DHIP answer without deviceInfo: a global.login challenge (dahua-0030, mcw0/DahuaConsole#29)', () => {
    const raw = '20000000|44484950|d9649aa9|00000000|eb000000|00000000|eb000000|00000000\n{"result":false,"params":{"realm":"Login to 5C93A07E1D2B64F8","random":"3b9e6f02-7d14-4c58-a0e2-91f6c4d8b573","encryption":"Default"},"error":{"code":268632079,"message":"Component error: login challenge!"},"id":0,"session":2845467865}';
    const { record, unused } = rec([{ kind: 'dhip', port: 80, raw }]);
    expect(unused).toEqual([]);
    expect(record.dhip).toMatchObject({ realm: 'Login to 5C93A07E1D2B64F8', encryption: 'Default', 'error.code': '268632079' });
    const id = identify(record, kb);
    expect(id.maker).toBe('dahua');
    expect(id.evidence.map((e) => e.rule)).toContain('dahua.dhip.login-realm');
    // A DHIP frame with neither deviceInfo, params nor error says nothing.
    expect(rec([{ kind: 'dhip', raw: '{"result":true,"id":1}' }]).unused.join(' ')).toMatch(/no DHIP deviceInfo, params or error/);
  });
});

describe('converter: verbose-log and recorder formats', () => {
  it('reads "<- " received-line markers like curl\'s "< " (telecom-0019, kenshaw/hilink#19)', () => {
    const raw = "<- HTTP/1.1 200 OK\n<- Content-Length: 88\n<- Cache-Control: no-cache, no-store, max-age=0, must-revalidate\n<- Content-Security-Policy: default-src 'self' 'unsafe-inline' 'unsafe-eval'\n<- Content-Type: text/html\n<- Pragma: no-cache\n<- X-Content-Type-Options: nosniff\n<- X-Download-Options: noopen\n<- X-Frame-Options: SAMEORIGIN\n<-";
    expect(unpaste(raw)).toMatch(/^HTTP\/1.1 200 OK\r\nContent-Length: 88\r\n/);
    const { record } = rec([{ kind: 'http', port: 80, path: '/api/sms/sms-list', raw }]);
    expect(record.http?.[0].status).toBe(200);
    expect(record.http?.[0].headers).toMatchObject({ 'x-download-options': 'noopen', 'content-type': 'text/html' });
    expect(record.http?.[0].body ?? '').toBe('');
    // "-> " request lines after the reply are dropped from the body.
    expect(unpaste('<- HTTP/1.1 200 OK\n<- Server: x\n<-\n-> GET / HTTP/1.1\nbody')).toBe('HTTP/1.1 200 OK\r\nServer: x\r\n\r\nbody');
  });
  it('keeps a curl -v body that starts with "<" whole after the lone "<" line (cameras-other-2-0059, cameras-other-2-0067)', () => {
    const raw = '< HTTP/1.0 200 OK\n< Server: GoAhead-Webs\n< Pragma: no-cache\n< Cache-control: no-cache\n< Content-Type: text/html\n<\n<html>\n<br><br><center><table><tr><td>Completed to change configuration! Restart in 10 seconds</td></tr></table></center></body></html>';
    const { record } = rec([{ kind: 'http', port: 8086, path: '/goform/setconf', raw }]);
    expect(record.http?.[0].headers).toEqual({ server: 'GoAhead-Webs', pragma: 'no-cache', 'cache-control': 'no-cache', 'content-type': 'text/html' });
    expect(record.http?.[0].body).toMatch(/^<html>\n<br><br><center>/);
    const xml = '< HTTP/1.1 200 OK\n< Content-type: text/xml\n< Connection: close\n< AuthInfo:\n<\n<?xml version="1.0" encoding="UTF-8"?>\n<response version="1.0">\t<status>success</status>\n</response>';
    const x = rec([{ kind: 'http', port: 80, path: '/doLogin', raw: xml }]);
    expect(x.record.http?.[0].body).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<response version="1\.0">/);
  });
  it('gives a protocol-less status line its protocol back (network-other-0018, pywemo vcr cassette)', () => {
    const raw = '200 OK\nConnection: close\nContent-Length: 3506\nContent-Type: text/xml\n\n<?xml version="1.0"?><root xmlns="urn:Belkin:device-1-0"><device><manufacturer>Belkin International Inc.</manufacturer></device></root>';
    expect(unbareStatus(raw, 'HTTP/1.1')).toMatch(/^HTTP\/1.1 200 OK\n/);
    const { record } = rec([{ kind: 'http', port: 49153, path: '/setup.xml', raw }]);
    expect(record.http?.[0].status).toBe(200);
    expect(record.http?.[0].headers?.['content-type']).toBe('text/xml');
    expect(record.http?.[0].body).toMatch(/^<\?xml/);
    // A body line that starts with three digits is not a status line.
    expect(unbareStatus('200 cameras found', 'HTTP/1.1')).toBe('200 cameras found');
  });
  it('reads a line of two timestamps and nothing else as the empty line that ends the headers (cameras-other-0130, go2rtc trace)', () => {
    const raw = '2025-03-19 14:47:10.728849715  Content-Type: application/sdp\n2025-03-19 14:47:55.632221  2025-03-19 14:47:10.728851825\n2025-03-19 14:47:10.728853723  v=0\n2025-03-19 14:47:10.728855774  o=- 1001 1 IN\n2025-03-19 14:47:10.728857926  s=VCP IPC Realtime stream';
    expect(stripLogPrefix(raw).split('\r\n')[1]).toBe('');
    const [r] = pastedResponses(raw, 'RTSP/1.0');
    expect(r).toBe('RTSP/1.0 000 not-captured\r\nContent-Type: application/sdp\r\n\r\nv=0\no=- 1001 1 IN\ns=VCP IPC Realtime stream');
  });
});

describe('converter: pastes that went through a document', () => {
  it('gives soft hyphens in a header block their "-" back (field-3-0003, exploit-db 38773, ZTE ZXHN H108N)', () => {
    const raw = 'HTTP/1.0 200 OK\nContent\u00adtype: text/html\nPragma: no\u00adcache\nCache\u00adControl: no\u00adcache\nset\u00adcookie: sessionid=3fa9c21e; expires=Fri, 31\u00adDec\u00ad9999 23:59:59\nGMT;path=/\n\n#root:x:0:0:root:/root:/bin/bash';
    const { record } = rec([{ kind: 'http', port: 80, path: '/cgi-bin/webproc', raw }]);
    expect(record.http?.[0].headers).toMatchObject({ 'content-type': 'text/html', pragma: 'no-cache', 'cache-control': 'no-cache', 'set-cookie': 'sessionid=3fa9c21e; expires=Fri, 31-Dec-9999 23:59:59' });
    // The body keeps its bytes as pasted.
    expect(record.http?.[0].body).toMatch(/^GMT;path=\/\n\n#root/);
  });
});

describe('converter: decoded bodies under the headers that framed them', () => {
  it('keeps a body pasted decoded under "Transfer-Encoding: chunked" (field-3-0040, home-assistant/core#43365, Synology DSM 6.1)', () => {
    const raw = "Server: nginx\nDate: Wed, 18 Nov 2020 21:48:41 GMT\nContent-Type: text/plain; charset=\"UTF-8\"\nTransfer-Encoding: chunked\nConnection: keep-alive\nKeep-Alive: timeout=20\n\n{'data': {'SYNO.API.Auth': {'maxVersion': 6, 'minVersion': 1, 'path': 'auth.cgi'}, 'SYNO.API.Info': {'maxVersion': 1, 'minVersion': 1, 'path': 'query.cgi'}}, 'success': True}";
    const { record } = rec([{ kind: 'http', port: 5001, tls: true, path: '/webapi/query.cgi?api=SYNO.API.Info&version=1&method=query', raw }]);
    expect(record.http?.[0].body).toMatch(/^\{'data': \{'SYNO\.API\.Auth'/);
    expect(record.http?.[0].headers?.['transfer-encoding']).toBeUndefined();
    expect(identify(record, kb).maker).toBe('synology');
    // A body that is still in chunks is dechunked as on the wire.
    const wire = rec([{ kind: 'http', raw: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n' }]);
    expect(wire.record.http?.[0].body).toBe('hello');
  });
});

describe('converter: pastes indented as a block', () => {
  it('drops a comment marker every line shares (a Dahua OPTIONS answer quoted in openhab-addons ipcamera RtspConnection.java)', () => {
    const raw = '        // RTSP/1.0 200 OK\n        // CSeq: 1\n        // Server: Rtsp Server/3.0\n        // Public: OPTIONS, DESCRIBE, ANNOUNCE, SETUP, PLAY, RECORD, PAUSE, TEARDOWN, SET_PARAMETER, GET_PARAMETER\n';
    expect(dedent(raw)).toBe('RTSP/1.0 200 OK\nCSeq: 1\nServer: Rtsp Server/3.0\nPublic: OPTIONS, DESCRIBE, ANNOUNCE, SETUP, PLAY, RECORD, PAUSE, TEARDOWN, SET_PARAMETER, GET_PARAMETER\n');
    const { record } = rec([{ kind: 'rtsp', port: 554, raw }]);
    expect(record.rtsp?.[0].headers).toMatchObject({ server: 'Rtsp Server/3.0', cseq: '1' });
    expect(identify(record, kb).maker).toBe('dahua');
  });
  it('drops the indentation of a Markdown code block, and leaves unindented and ragged text alone', () => {
    const raw = '    RTSP/1.0 200 OK\n    CSeq: 3\n    Server: Rtsp Server/3.0\n\n    ';
    expect(rec([{ kind: 'rtsp', raw }]).record.rtsp?.[0].headers?.server).toBe('Rtsp Server/3.0');
    const plain = 'HTTP/1.1 200 OK\r\nServer: x\r\n\r\n  indented body';
    expect(dedent(plain)).toBe(plain);
    expect(dedent('  a\n b\n')).toBe(' a\nb\n');
    expect(dedent(' a\n\tb')).toBe(' a\n\tb');
  });
  it('never throws and never grows the text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 2000 }), (t) => {
      expect(dedent(t).length).toBeLessThanOrEqual(t.length);
    }), { numRuns: 400 });
  });
});

describe('property: the dump readers never throw and stay bounded', () => {
  it('parseLiteral / dumpToXml / dumpToUpnpXml / dumpToOnvifInfo / summaryToXml on arbitrary text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 3000 }), (s) => {
      const p = parseLiteral(s);
      if (p) expect(typeof p.value).toBe('object');
      for (const f of [dumpToXml, dumpToUpnpXml, dumpToOnvifInfo, summaryToXml]) {
        const out = f(s);
        if (out !== undefined) expect(out.length).toBeLessThan(s.length * 8 + 1024);
      }
    }), { numRuns: 500 });
  });
  it('object-shaped text with hostile keys and deep nesting', () => {
    const lit: fc.Arbitrary<string> = fc.letrec((tie) => ({
      v: fc.oneof({ depthSize: 'small' }, fc.string({ maxLength: 12 }).map((x) => JSON.stringify(x)), tie('o') as fc.Arbitrary<string>, fc.array(tie('v') as fc.Arbitrary<string>, { maxLength: 3 }).map((a) => `[${a.join(', ')}]`)),
      o: fc.array(fc.tuple(fc.constantFrom('__proto__', 'constructor', '$', '_', 'model', "'a b'", 'x'), tie('v') as fc.Arbitrary<string>), { maxLength: 4 }).map((kv) => `{ ${kv.map(([k, v]) => `${k}: ${v}`).join(', ')} }`),
    })).o;
    fc.assert(fc.property(lit, fc.nat(40), (s, cut) => {
      const t = s.slice(0, Math.max(1, s.length - cut));
      const p = parseLiteral(t);
      if (p) {
        expect(Object.prototype.hasOwnProperty.call(p.value, '__proto__')).toBe(false);
        expect(typeof litToXml('root', p.value)).toBe('string');
      }
      dumpToXml(t);
      const { record } = toObservation({ id: 't-0001', captures: [{ kind: 'http', raw: t }, { kind: 'upnp-description', raw: t }, { kind: 'onvif-device-info', raw: t }] });
      expect(record.ip).toBe('192.0.2.10');
    }), { numRuns: 400 });
    // Deep nesting stops at the depth bound instead of the stack.
    expect(() => parseLiteral('{a:'.repeat(20000))).not.toThrow();
    expect(() => dumpToXml('{"a":['.repeat(20000))).not.toThrow();
  });
});
