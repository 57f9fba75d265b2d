// Structured values read out of HTTP bodies (src/fingerprint/body-fields.ts), from real captures of the
// field corpus's tune half, plus properties: never throws, bounded, linear on hostile bodies.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bodyFields, MAX_BODY_FIELDS } from '../src/fingerprint/body-fields.js';
import { isTerminalSafe } from '../src/util/sanitize.js';

const get = (body: string) => {
  const out: Record<string, string[]> = {};
  for (const f of bodyFields(body)) (out[f.field] ??= []).push(f.value);
  return out;
};

describe('bodyFields (real captures)', () => {
  it('ISAPI deviceInfo XML (pergolafabio/Hikvision-Addons#260, indoor station)', () => {
    const f = get('<DeviceInfo version="2.0" xmlns="http://www.isapi.org/ver20/XMLSchema">\n<deviceName>Interphone</deviceName>\n'
      + '<model>DS-KH6320Y-WTE2</model>\n<firmwareVersion>V2.2.12</firmwareVersion>\n<deviceType>DVR</deviceType>\n<OEMCode>1</OEMCode>\n</DeviceInfo>');
    expect(f['http.xmlns']).toEqual(['http://www.isapi.org/ver20/XMLSchema']);
    expect(f['http.xml.model']).toEqual(['DS-KH6320Y-WTE2']);
    expect(f['http.xml.firmwareVersion']).toEqual(['V2.2.12']);
    expect(f['http.xml.OEMCode']).toEqual(['1']);
  });
  it('the same document as xmltodict JSON and as a Python dict (hikvision_next diagnostics, #196)', () => {
    const j = get('"DeviceInfo": {\n "@version": "2.0",\n "@xmlns": "http://www.hikvision.com/ver20/XMLSchema",\n "model": "DS-2CD2146G2-ISU",\n "deviceType": "IPCamera"');
    expect(j['http.xmlns']).toEqual(['http://www.hikvision.com/ver20/XMLSchema']);
    expect(j['http.json.model']).toEqual(['DS-2CD2146G2-ISU']);
    const d = get("{'DeviceInfo': {'@version': '2.0', '@xmlns': 'http://www.isapi.org/ver20/XMLSchema', 'model': 'DS-KV8213-WME1(C)', 'deviceType': 'VIS'}}");
    expect(d['http.xmlns']).toEqual(['http://www.isapi.org/ver20/XMLSchema']);
    expect(d['http.json.model']).toEqual(['DS-KV8213-WME1(C)']);
    expect(d['http.json.deviceType']).toEqual(['VIS']);
  });
  it('Dahua CGI key=value lines (RCooLeR/DahuaBridge notes; khoanguyen-3fc/dh-p2p#17)', () => {
    const f = get('deviceType=DHI-VTO2311R-WP\r\nprocessor=SSC338BQ\r\nserialNumber=BE1693DPAK47251\r\n');
    expect(f['http.kv.deviceType']).toEqual(['DHI-VTO2311R-WP']);
    expect(f['http.kv']).toContain('processor=SSC338BQ');
    const t = get('table.T2UServer.Address=p2p.amcrestview.com\ntable.T2UServer.Type=dhp2p\n');
    expect(t['http.kv']).toEqual(['table.T2UServer.Address=p2p.amcrestview.com', 'table.T2UServer.Type=dhp2p']);
    expect(Object.keys(t).filter((k) => k.startsWith('http.kv.'))).toEqual([]); // dotted keys only whole
    expect(get('Code=VideoMotion;action=Start;index=0\n')['http.kv.Code']).toEqual(['VideoMotion;action=Start;index=0']);
  });
  it('Huawei HiLink XML with literal \\r\\n escapes left in by the paste (huawei-lte-api#39)', () => {
    const f = get("b'<?xml version=\"1.0\" encoding=\"UTF-8\"?>\\r\\n<response>\\r\\n<DeviceName>B525s-23a</DeviceName>\\r\\n<HardwareVersion>WL1B520FM</HardwareVersion>'");
    expect(f['http.xml.DeviceName']).toEqual(['B525s-23a']);
    expect(f['http.xml.HardwareVersion']).toEqual(['WL1B520FM']);
  });
  it('a leaf that is one CDATA section (QNAP authLogin.cgi QDocRoot, Clivebi/nvtscript gb_qnap_nas_detect.sc)', () => {
    const f = bodyFields('<?xml version="1.0" encoding="UTF-8" ?><QDocRoot version="1.0"><authPassed><![CDATA[0]]></authPassed><modelName><![CDATA[TS-453D]]></modelName><empty><![CDATA[]]></empty><odd><![CDATA[a<b]]></odd></QDocRoot>');
    expect(f.filter((x) => x.field.startsWith('http.xml.'))).toEqual([{ field: 'http.xml.authPassed', value: '0' }, { field: 'http.xml.modelName', value: 'TS-453D' }]);
  });
  it('entities are decoded, controls never come out', () => {
    const f = get('<friendlyName>A &amp; B &#x1b;[31m</friendlyName><x>\u0007bell</x>');
    expect(f['http.xml.friendlyName']).toEqual(['A & B  [31m']);
    for (const v of Object.values(f).flat()) expect(isTerminalSafe(v)).toBe(true);
  });
});

describe('bodyFields (properties)', () => {
  it('never throws; bounded; every value terminal-safe', () => {
    fc.assert(fc.property(fc.string({ maxLength: 4000 }), (s) => {
      const out = bodyFields(s);
      expect(out.length).toBeLessThanOrEqual(MAX_BODY_FIELDS);
      for (const f of out) { expect(isTerminalSafe(f.value)).toBe(true); expect(f.field).toMatch(/^http\.(xmlns|kv|(xml|json|kv)\.[A-Za-z0-9_]+)$/); }
    }), { numRuns: 400 });
  });
  it('reads back what an XML/JSON/kv writer wrote', () => {
    const key = fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,12}$/);
    const val = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 ._/()-]{0,30}[A-Za-z0-9)]$/);
    fc.assert(fc.property(key, val, (k, v) => {
      expect(get(`<r><${k}>${v}</${k}></r>`)[`http.xml.${k}`]).toEqual([v]);
      expect(get(`{"${k}": "${v}"}`)[`http.json.${k}`]).toEqual([v]);
      expect(get(`${k}=${v}\n`)[`http.kv.${k}`]).toEqual([v]);
    }), { numRuns: 300 });
  });
  it('hostile 64 KiB bodies finish (the scan is linear; ratios are printed, not asserted)', () => {
    const shapes = ['<a '.repeat(21000), '<a>' + 'x'.repeat(65000), '"a":"'.repeat(13000), 'a='.repeat(32000), ('<' + 'a'.repeat(60) + ' ').repeat(1000),
      'xmlns="'.repeat(9000), ('a'.repeat(95) + '\n').repeat(650)];
    for (const s of shapes) {
      const t0 = performance.now();
      bodyFields(s);
      const ms = performance.now() - t0;
      if (ms > 50) console.log(`bodyFields: ${s.slice(0, 12)}… ${ms.toFixed(1)} ms`);
    }
  });
});
