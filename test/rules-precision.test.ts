// Precision of the restricted makers' grammars against other makers' numbers and generic SDK strings:
// a model number or server string of a non-restricted maker must never be claimed for Hikvision, Dahua,
// Huawei or ZTE. Values are real (public model lists, product pages, captures named per case).
import { describe, expect, it } from 'vitest';
import { firstMatch, identify } from '../src/fingerprint/engine.js';
import { loadKnowledgeBase } from '../src/data/load.js';

const kb = loadKnowledgeBase();
const RESTRICTED = new Set(['hikvision', 'dahua', 'huawei', 'zte']);
const claim = (field: string, value: string) => firstMatch(kb, { field, value });

describe('restricted grammars leave other makers\' model numbers alone', () => {
  it('VIVOTEK speed domes are not Dahua SD domes (SD8363E, SD9364-EHL, SD9161-H: vivotek.com product pages)', () => {
    for (const v of ['SD8363E', 'SD9364-EHL', 'SD9161-H', 'SD9366-EHL']) {
      for (const f of ['onvif.model', 'onvif.hardware', 'upnp.modelName', 'upnp.modelNumber', 'http.xml.model', 'http.json.model']) {
        const hit = claim(f, v);
        expect(RESTRICTED.has(hit?.extracted.maker ?? ''), `${f}=${v} claimed by ${hit?.rule.id}`).toBe(false);
      }
    }
    expect(claim('onvif.model', 'SD8363E')?.extracted.maker).toBe('vivotek');
  });
  it('Dahua\'s own speed-dome shapes still are (SD6A982-HNI, SD59230U-HNI, DH-SD-6A1230S-HN, SD22204T-GN)', () => {
    for (const v of ['SD6A982-HNI', 'SD59230U-HNI', 'DH-SD-6A1230S-HN', 'SD22204T-GN', 'DH-SD49225XA-HNR']) {
      expect(claim('onvif.model', v)?.extracted.maker, v).toBe('dahua');
    }
  });
});

describe('generic SDK strings name no maker', () => {
  it('"Cross Web Server" (HiSilicon-SDK recorder server, GeoVision GV-SNVR0811 in exploit-db 45065) names no maker', () => {
    const id = identify({ ip: '192.0.2.10', seen_by: ['http'], http: [{ port: 80, tls: false, path: '/', status: 200, headers: { server: 'Cross Web Server' } }] }, kb);
    expect(id.maker).toBeUndefined();
    expect(id.product).toBe('Cross Web Server');
  });
});

describe('round-3 restricted rules leave look-alikes alone', () => {
  it('an Axis SDP ("s=Media Presentation", five-digit b=AS, /axis-media/) and a Hikvision-clone SDP (Anjvision, IMKH header) are not Hikvision', () => {
    // Axis DESCRIBE as quoted in public RTSP client code; Anjvision SDP from the tune capture cameras-other-0011 (moonfire-nvr#356).
    const axis = 'v=0\r\no=- 1294261826758511 1294261826758511 IN IP4 192.0.2.21\r\ns=Media Presentation\r\ne=NONE\r\nc=IN IP4 0.0.0.0\r\nb=AS:50064\r\nt=0 0\r\na=control:rtsp://192.0.2.21:554/axis-media/media.amp?videocodec=jpeg\r\n';
    const anj = 'v=0\no=- 1109162014219182 1109162014219192 IN IP4 x.y.z.w\ns=RTSP/RTP stream from anjvision ipcamera\ne=NONE\nc=IN IP4 0.0.0.0\na=tool:LIVE555 Streaming Media v2011.05.25 CHAM.LI@ANJVISION.COM\na=x-dimensions: 1280, 720\na=Media_header:MEDIAINFO=494D4B48010100000400050000000000000000000000000000000000000000000000000000000000;\na=appversion:1.0\n';
    for (const body of [axis, anj]) {
      const id = identify({ ip: '192.0.2.10', seen_by: ['rtsp'], rtsp: [{ port: 554, method: 'DESCRIBE', status: 200, headers: {}, body }] }, kb);
      expect(RESTRICTED.has(id.maker ?? ''), id.evidence.map((e) => e.rule).join(',')).toBe(false);
    }
  });
  it('a live555 OPTIONS answer (TP-Link VIGI, Wyze, Foscam captures in the tune half) names no restricted maker', () => {
    const id = identify({ ip: '192.0.2.10', seen_by: ['rtsp'], rtsp: [{ port: 554, method: 'OPTIONS', status: 200, headers: { cseq: '0', date: 'Sat, Aug 12 2023 14:29:34 GMT', public: 'OPTIONS, DESCRIBE, SETUP, TEARDOWN, PLAY, PAUSE, GET_PARAMETER, SET_PARAMETER' } }] }, kb);
    expect(id.maker).toBeUndefined();
  });
  it('manufacturer strings of other companies with a restricted maker\'s word in them are not claimed', () => {
    for (const [f, v] of [['upnp.manufacturer', 'Shanghai Dahua Scale Factory'], ['http.xml.manufacturer', 'Shanghai Dahua Scale Factory'], ['upnp.manufacturer', 'Honor Device Co., Ltd.'],
      ['http.title', 'HUAWEI P30 Pro review'], ['http.title', 'ZTE Blade A52 specs'], ['upnp.manufacturerURL', 'http://www.hikvisionfake.example/']] as const) {
      const hit = claim(f, v);
      expect(RESTRICTED.has(hit?.extracted.maker ?? ''), `${f}=${v} claimed by ${hit?.rule.id}`).toBe(false);
    }
  });
  it('Atheros chip names and other makers\' switch numbers (H3C S5130, Cisco SG350, NETGEAR GS308E) are not Huawei enterprise models', () => {
    for (const v of ['AR9331', 'AR7240', 'SG350-10', 'GS308E', 'S5130-28S-EI', 'S5720-28X-SI-AC']) {
      const hit = claim('upnp.modelName', v);
      expect(hit?.extracted.maker === 'huawei', `${v} claimed by ${hit?.rule.id}`).toBe(false);
    }
  });
});

describe('other makers\' grammars leave restricted makers\' numbers alone', () => {
  it('a Huawei USG firewall number (USG6510E) is not a Ubiquiti USG gateway; Ubiquiti codes still are', () => {
    expect(claim('upnp.modelName', 'USG6510E')?.extracted.maker).toBe('huawei');
    for (const v of ['USG-3P', 'UDM-Pro', 'UDMPRO', 'U6-Lite', 'UAP-AC-Pro']) expect(claim('upnp.modelName', v)?.extracted.maker, v).toBe('ubiquiti');
  });
});

describe('restricted makers\' model numbers are claimed for them on every model field', () => {
  // Public model lists: Dahua / Imou firmware and product names (DeathCamel58/amcrest-compatible-finder cameras.json,
  // rroller/dahua README), Huawei ONT/CPE names (Huawei EchoLife manuals, HiLink issue threads), ZTE gateways and CPE
  // (mkst/zte-config-utility issues, Kajkac/ZTE-MC-Home-assistant-repo), Huawei enterprise lines (support.huawei.com).
  const cases: Array<[string, string]> = [
    ['DH-IPC-HFW2431S-S-S2', 'dahua'], ['IPC-HDBW2431E-S-S2', 'dahua'], ['IPC-EW5531-AS', 'dahua'], ['SD1A404XB-GNR', 'dahua'],
    ['DHI-NVR4208-8P-4KS2/L', 'dahua'], ['XVR5108HS-I3', 'dahua'], ['XVR1B04-I', 'dahua'], ['HCVR5104HS-V4', 'dahua'],
    ['VTO2202F-P', 'dahua'], ['ASI7214X', 'dahua'], ['TPC-BF2221-T', 'dahua'], ['IPC-A22EP', 'dahua'], ['IPC-GS7EP-5M0WE', 'dahua'],
    ['HG8245H5', 'huawei'], ['EG8145V5', 'huawei'], ['B535-232', 'huawei'], ['E5576-320', 'huawei'], ['AR1220E', 'huawei'], ['USG6510E', 'huawei'],
    ['F670L', 'zte'], ['H298A', 'zte'], ['MU5001', 'zte'], ['MF286R', 'zte'], ['ZXHN H108N', 'zte'],
  ];
  for (const f of ['upnp.modelName', 'http.xml.model', 'http.json.model']) {
    it(`on ${f}`, () => {
      for (const [v, maker] of cases) expect(claim(f, v)?.extracted.maker, `${f}=${v} (${claim(f, v)?.rule.id})`).toBe(maker);
    });
  }
});

describe('copyright rules want a copyright notice, not a licence header', () => {
  it('"Copyright 2018 ZTE Corporation. All rights reserved." in a source file served over HTTP names nobody; "Copyright © 2020 ZTE Corporation" does', () => {
    expect(claim('http.body', '/*\nCopyright 2018 ZTE Corporation. All rights reserved.\nLicensed under the Apache License, Version 2.0\n*/')?.extracted.maker).not.toBe('zte');
    expect(claim('http.body', '<div id="footer">Copyright © 2020 ZTE Corporation. All rights reserved</div>')?.extracted.maker).toBe('zte');
  });
});

