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
