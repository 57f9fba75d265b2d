// Fields derived from what a device sent: a MAC-address realm is looked up like a MAC (real challenge
// from bluenviron/gortsplib's tests of a camera whose realm is its MAC 44:19:b6:…, a Hikvision MA-L).
import { describe, expect, it } from 'vitest';
import { extractFields } from '../src/fingerprint/fields.js';
import { identify } from '../src/fingerprint/engine.js';
import { defaultKnowledgeBase } from '../src/data/load.js';
import { defaultMacLookup } from '../src/data/load.js';

const CHALLENGE = 'Digest realm="4419b63f5e51", nonce="8b84a3b789283a8bea8da7fa7d41f08b", stale="FALSE"';

describe('realm.mac_vendor', () => {
  it('a 12-hex realm names the organisation its MAC is registered to (RTSP and HTTP)', () => {
    const rec = { ip: '192.0.2.10', rtsp: [{ port: 554, status: 401, headers: { 'www-authenticate': [CHALLENGE, 'Basic realm="4419b63f5e51"'] } }] };
    const f = extractFields(rec, defaultMacLookup()).filter((x) => x.field === 'realm.mac_vendor');
    expect(f.map((x) => x.value)).toEqual(['Hangzhou Hikvision Digital Technology Co.,Ltd.', 'Hangzhou Hikvision Digital Technology Co.,Ltd.']);
    const id = identify(rec, defaultKnowledgeBase(), defaultMacLookup());
    expect(id.maker).toBe('hikvision');
    expect(id.evidence.map((e) => e.rule)).toContain('hikvision.auth.realm-mac');
  });
  it('other realms, randomised MACs and no lookup give nothing', () => {
    for (const realm of ['IP Camera(C2183)', '4419b63f5e5', '4619b63f5e51', 'zz19b63f5e51']) {
      const rec = { ip: '192.0.2.10', http: [{ port: 80, status: 401, headers: { 'www-authenticate': `Digest realm="${realm}"` } }] };
      expect(extractFields(rec, defaultMacLookup()).some((x) => x.field === 'realm.mac_vendor'), realm).toBe(false);
    }
    const rec = { ip: '192.0.2.10', http: [{ port: 80, status: 401, headers: { 'www-authenticate': CHALLENGE } }] };
    expect(extractFields(rec).some((x) => x.field === 'realm.mac_vendor')).toBe(false);
  });
});
