// Parsers of network bytes in the discovery edge: table tests from the specs and property tests that
// hostile input never throws.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { digestAuthorization, digestResponse, parseDigestAuthorization, parseDigestChallenges } from '../../src/protocols/digest.js';
import { checkUrl } from '../../src/net/http-fetch.js';
import { macFromEui64, readNeighbours } from '../../src/net/neighbours.js';

describe('HTTP Digest', () => {
  it('computes the RFC 2617 §3.5 example response', () => {
    expect(digestResponse({ algorithm: 'MD5', username: 'Mufasa', realm: 'testrealm@host.com', password: 'Circle Of Life', method: 'GET',
      uri: '/dir/index.html', nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093', nc: '00000001', cnonce: '0a4f113b', qop: 'auth' })).toBe('6629fae49393a05397450978507c4ef1');
  });
  it('reads both challenges of a Hikvision 401 (agsh/onvif#294), SHA-256 first', () => {
    const c = parseDigestChallenges(['Digest qop="auth", realm="IP Camera(C2183)", nonce="4e6a", stale="FALSE"',
      'Digest qop="auth", realm="IP Camera(C2183)", nonce="4e6a", stale="FALSE", algorithm="SHA-256"']);
    expect(c.map((x) => x.algorithm)).toEqual(['SHA-256', 'MD5']);
    expect(c[0].realm).toBe('IP Camera(C2183)');
    expect(parseDigestChallenges('Basic realm="device"')).toEqual([]);
  });
  it('round-trips an Authorization header through the lab-side parser', () => {
    const [c] = parseDigestChallenges('Digest realm="Login to 4X7C5A1ZAG21L3F", nonce="abc", qop="auth", opaque="o"');
    const a = parseDigestAuthorization(digestAuthorization(c, 'POST', '/onvif/device_service', 'admin', 'pw', 'cafe'))!;
    expect(a).toMatchObject({ username: 'admin', realm: 'Login to 4X7C5A1ZAG21L3F', nonce: 'abc', uri: '/onvif/device_service', qop: 'auth', cnonce: 'cafe', opaque: 'o' });
  });
  it('never throws on hostile challenges, and never pollutes prototypes (property)', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 400 }), fc.array(fc.string({ maxLength: 200 }), { maxLength: 10 })), (h) => {
      const cs = parseDigestChallenges(h);
      for (const c of cs) expect(typeof c.nonce).toBe('string');
      parseDigestAuthorization(Array.isArray(h) ? h[0] : h);
    }), { numRuns: 500 });
    parseDigestChallenges('Digest __proto__="x", realm="r", nonce="n"');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

describe('SSRF guard on device-supplied URLs', () => {
  it('accepts only http(s) URLs on the responding host, without credentials', () => {
    expect(checkUrl('http://10.0.0.5:49152/rootDesc.xml', '10.0.0.5')).toMatchObject({ host: '10.0.0.5', port: 49152, tls: false, path: '/rootDesc.xml' });
    for (const bad of ['http://10.0.0.6/x', 'file:///etc/passwd', 'http://user:pw@10.0.0.5/x', 'gopher://10.0.0.5/', 'http://example.com/x', 'not a url']) {
      expect('error' in checkUrl(bad, '10.0.0.5'), bad).toBe(true);
    }
  });
  it('never throws (property)', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (u) => { checkUrl(u, '10.0.0.5'); }), { numRuns: 500 });
  });
});

describe('MAC sources', () => {
  it('reads complete entries of /proc/net/arp and skips incomplete ones', () => {
    const text = 'IP address       HW type     Flags       HW address            Mask     Device\n'
      + '10.213.0.11      0x1         0x2         bc:ba:c2:11:22:33     *        eth0\n'
      + '10.213.0.99      0x1         0x0         00:00:00:00:00:00     *        eth0\n';
    const m = readNeighbours(text);
    expect([...m.keys()]).toEqual(['10.213.0.11']);
  });
  it('derives the MAC from an EUI-64 link-local address (RFC 4291 app. A), with or without zone', () => {
    expect(macFromEui64('fe80::beba:c2ff:fe11:2233%eth0')).toBe('bc:ba:c2:11:22:33');
    expect(macFromEui64('fe80::1')).toBeUndefined();
  });
  it('never throws (property)', () => {
    fc.assert(fc.property(fc.string({ maxLength: 600 }), (t) => { readNeighbours(t); macFromEui64(t); }), { numRuns: 500 });
  });
});
