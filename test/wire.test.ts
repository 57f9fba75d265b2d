import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { dechunk, parseResponse, responseComplete } from '../src/protocols/response.js';
import { extractTitle } from '../src/protocols/html.js';
import { base64Lines, faviconMmh3, murmur3_32 } from '../src/protocols/hash.js';
import { clean, cleanJson, isTerminalSafe } from '../src/util/sanitize.js';

const b = (s: string) => Buffer.from(s, 'latin1');

describe('response parser', () => {
  it('keeps duplicate WWW-Authenticate challenges apart (Hikvision ISAPI 401, agsh/onvif#294)', () => {
    const r = parseResponse(b('HTTP/1.1 401 Unauthorized\r\nDate: Sat, 01 Jan 2022 00:00:00 GMT\r\nServer: App-webs/\r\n'
      + 'WWW-Authenticate: Digest qop="auth", realm="IP Camera(C2183)", nonce="4e6a", stale="FALSE"\r\n'
      + 'WWW-Authenticate: Digest qop="auth", realm="IP Camera(C2183)", nonce="4e6a", stale="FALSE", algorithm="SHA-256"\r\n'
      + 'Content-Length: 5\r\n\r\nDenied'))!;
    expect(r.status).toBe(401);
    expect(r.headers['www-authenticate']).toHaveLength(2);
    expect(r.headers.server).toBe('App-webs/');
    expect(r.body.toString()).toBe('Denie');
  });
  it('tolerates bare LF, upper-case names, no reason phrase, header names with spaces (Dahua-style)', () => {
    const r = parseResponse(b('HTTP/1.1 200\nCONTENT-TYPE: text/html\nX Bad Header: yes\nP3P: CP=CAO PSA OUR\n\n\xef\xbb\xbf<!DOCTYPE html><title>WEB SERVICE</title>'))!;
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/html');
    expect(r.headers['x-bad-header']).toBe('yes');
    expect(r.headers.p3p).toBe('CP=CAO PSA OUR');
  });
  it('parses RTSP replies', () => {
    const r = parseResponse(b('RTSP/1.0 401 Unauthorized\r\nCSeq: 2\r\nWWW-Authenticate: Basic realm="device"\r\nServer: Dahua Rtsp Server\r\n\r\n'))!;
    expect(r.protocol).toBe('RTSP/1.0');
    expect(r.headers.server).toBe('Dahua Rtsp Server');
    expect(responseComplete(b('RTSP/1.0 200 OK\r\nCSeq: 1\r\n\r\n'))).toBe(true);
  });
  it('decodes chunked bodies and notices truncation', () => {
    expect(dechunk(b('4\r\nWiki\r\n5\r\npedia\r\n0\r\n\r\n'))).toEqual({ body: b('Wikipedia'), complete: true });
    expect(dechunk(b('4\r\nWi')).complete).toBe(false);
    expect(parseResponse(b('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n'))!.body.toString()).toBe('abc');
  });
  it('strips control characters and escape sequences from header values', () => {
    const r = parseResponse(b('HTTP/1.0 200 OK\r\nServer: evil\x1b[31mred\x07\x01\r\n\r\n'))!;
    expect(r.headers.server).toBe('evilred');
  });
  it('a body that starts without the blank line is the body, not headers (real captures)', () => {
    // Hikvision DS-K1T341AM deviceInfo (pergolafabio/Hikvision-Addons#148) right after the status line.
    const isapi = '<DeviceInfo version="2.0" xmlns="http://www.isapi.org/ver20/XMLSchema">\n\n<deviceName>Access Controller</deviceName>\n\n<model>DS-K1T341AM</model>\n';
    const r = parseResponse(b('HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\n' + isapi))!;
    expect(r.headers).toEqual({ 'content-type': 'application/xml' });
    expect(r.body.toString('latin1')).toBe(isapi);
    // Amcrest AD410 getSystemInfo (rroller/dahua#304): key=value lines; the one with colons is not a header.
    const kv = 'appAutoStart=true\r\ndeviceType=AD410\r\nhardwareVersion=1.00\r\nupdateSerial=DB6I\r\nupdateSerialCloudUpgrade=DB6I:01:04:07:7C:41:00\r\n';
    const d = parseResponse(b('HTTP/1.1 200 OK\r\n' + kv))!;
    expect(d.headers).toEqual({});
    expect(d.body.toString('latin1')).toBe(kv);
    // xmltodict JSON of an ISAPI reply (maciej-or/hikvision_next fixtures) and a Python dict rendering.
    for (const body of ['"System/deviceInfo": {\n  "response": {\n    "DeviceInfo": {\n      "@xmlns": "http://www.hikvision.com/ver20/XMLSchema",',
      "{'DeviceInfo': {'@version': '2.0', '@xmlns': 'http://www.isapi.org/ver20/XMLSchema', 'model': 'DS-KV8213-WME1(C)'}}"]) {
      const j = parseResponse(b('HTTP/1.1 200 OK\r\n' + body))!;
      expect(j.headers).toEqual({});
      expect(j.body.toString('latin1')).toBe(body);
    }
  });
  it('a stray line between two header lines is skipped, the headers after it kept (real captures)', () => {
    // field-6o-0031: a GoAhead camera's /snapshot.cgi answer with a nameless date line
    // (https://github.com/home-assistant/core/issues/14960, curl -v transcript).
    const goahead = parseResponse(b('HTTP/1.1 200 OK\r\nServer: GoaHead\r\nTue, 12 Jun 2012 01:56:34 GMT\r\nContent-Type:image/jpeg\r\nContent-Length:23100\r\nConnection: close\r\n\r\n'))!;
    expect(goahead.headers).toEqual({ server: 'GoaHead', 'content-type': 'image/jpeg', 'content-length': '23100', connection: 'close' });
    expect(goahead.body.length).toBe(0);
    // cameras-other-2-0063: JVC VR-809/816 API server echoing a raw LF inside X-Response (offensive-security/exploitdb@b4e29f1f:exploits/hardware/webapps/39798.txt);
    // the Server header after the broken line is what names the recorder.
    const jvc = parseResponse(b('HTTP/1.1 200 OK\nConnection: close\nContent-Type: text/html; charset=utf-8\nX-Response: video.input(01).comment<img src=a\nonerror=alert("XSS")>&video.input(02).comment\nCache-control: no-cache\nServer: JVC VR-809/816 API Server/1.0.0\nDate: Thu, 05 May 2016 14:20:45 GMT\n\n'))!;
    expect(jvc.headers.server).toBe('JVC VR-809/816 API Server/1.0.0');
    expect(jvc.headers['x-response']).toBe('video.input(01).comment<img src=a');
    // A multipart body right after the headers (no blank line) is still the body (dahua-0028's event stream).
    const mp = parseResponse(b('HTTP/1.1 200 OK\r\nContent-Type: multipart/x-mixed-replace; boundary=myboundary\r\n--myboundary\r\nContent-Type: text/plain\r\nContent-Length: 9\r\n\r\nHeartbeat'))!;
    expect(Object.keys(mp.headers)).toEqual(['content-type']);
    expect(mp.body.toString('latin1')).toMatch(/^--myboundary\r\nContent-Type: text\/plain/);
    // A stray line followed by markup or key=value lines still starts the body.
    const kv = parseResponse(b('HTTP/1.1 200 OK\r\nServer: x\r\ndeviceType=31\r\nprocessor=ST7108\r\n'))!;
    expect(kv.headers).toEqual({ server: 'x' });
    expect(kv.body.toString('latin1')).toBe('deviceType=31\r\nprocessor=ST7108\r\n');
  });
  it('header lines around one stray line are all read, whatever the stray line (property)', () => {
    const name = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,15}$/).filter((n) => !['__proto__', 'constructor', 'prototype', 'content-length', 'transfer-encoding'].includes(n.toLowerCase()));
    const value = fc.stringMatching(/^[!-~]([ -~]{0,30}[!-~])?$/);
    const stray = fc.stringMatching(/^[!-~][ -~]{0,40}$/).filter((l) => !/^(?:[<{["']|--)/.test(l) && !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+(?: +[!#$%&'*+.^_`|~0-9A-Za-z-]+)*\s*:/.test(l) && !/^(?:HTTP|RTSP)\//i.test(l));
    fc.assert(fc.property(fc.array(fc.tuple(name, value), { minLength: 1, maxLength: 4 }), stray, fc.array(fc.tuple(name, value), { minLength: 1, maxLength: 4 }), (h1, s, h2) => {
      const line = (hs: Array<[string, string]>) => hs.map(([n, v]) => `${n}: ${v}`).join('\r\n');
      const r = parseResponse(b(`HTTP/1.1 200 OK\r\n${line(h1)}\r\n${s}\r\n${line(h2)}\r\n\r\nbody`))!;
      expect(r.rawHeaders.map(([n]) => n)).toEqual([...h1, ...h2].map(([n]) => n));
      expect(r.body.toString('latin1')).toBe('body');
      for (const v of Object.values(r.headers).flat()) expect(isTerminalSafe(v)).toBe(true);
    }), { numRuns: 300 });
  });
  it('headers followed by the blank line parse as before; a repeated status line is skipped (property)', () => {
    const name = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,15}$/).filter((n) => !['__proto__', 'constructor', 'prototype'].includes(n.toLowerCase()));
    const value = fc.stringMatching(/^[!-~]([ -~]{0,30}[!-~])?$/);
    fc.assert(fc.property(fc.array(fc.tuple(name, value), { maxLength: 8 }), fc.string({ maxLength: 64 }), (hs, body) => {
      const head = hs.map(([n, v]) => `${n}: ${v}`).join('\r\n');
      const r = parseResponse(b(`HTTP/1.1 200 OK\r\nHTTP/1.1 200 OK\r\n${head}${head ? '\r\n' : ''}\r\n${body}`))!;
      expect(r.rawHeaders.map(([n]) => n)).toEqual(hs.map(([n]) => n));
      if (!hs.some(([n]) => /^(content-length|transfer-encoding)$/i.test(n))) expect(r.body.toString('latin1')).toBe(Buffer.from(body, 'latin1').toString('latin1'));
    }), { numRuns: 300 });
  });
  it('rejects non-HTTP input without throwing', () => {
    expect(parseResponse(b('SSH-2.0-OpenSSH_9.2\r\n'))).toBeUndefined();
    expect(parseResponse(Buffer.from([0x16, 0x03, 0x01, 0x00]))).toBeUndefined();
  });
  it('never throws and never yields control characters, whatever the bytes (property)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 2048 }), (bytes) => {
      const r = parseResponse(Buffer.concat([b('HTTP/1.1 200 OK\r\n'), Buffer.from(bytes)]));
      if (r) for (const v of Object.values(r.headers).flat()) expect(isTerminalSafe(v)).toBe(true);
    }), { numRuns: 500 });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 1024 }), (bytes) => { parseResponse(Buffer.from(bytes)); dechunk(Buffer.from(bytes)); responseComplete(Buffer.from(bytes)); }), { numRuns: 500 });
  });
  it('survives every truncation of a real response (property)', () => {
    const full = b('HTTP/1.1 302 Redirect\r\nServer: Hikvision-Webs\r\nLocation: /doc/page/login.asp\r\nContent-Length: 0\r\n\r\n');
    fc.assert(fc.property(fc.integer({ min: 0, max: full.length }), (n) => { parseResponse(full.subarray(0, n)); }));
  });
});

describe('html and hashes', () => {
  it('extracts titles with entities, case-insensitive, bounded', () => {
    expect(extractTitle('<HTML><TITLE>Axis &amp; co</TITLE>')).toBe('Axis & co');
    expect(extractTitle('<title id="x">\n  NETSurveillance WEB\n</title>')).toBe('NETSurveillance WEB');
    expect(extractTitle('<title>unterminated')).toBe('unterminated');
    expect(extractTitle('no title')).toBeUndefined();
    fc.assert(fc.property(fc.string({ maxLength: 500 }), (s) => { const t = extractTitle('<title>' + s); if (t) expect(isTerminalSafe(t)).toBe(true); }));
  });
  it('reads a <title> leaf wrapped in CDATA as its text (QNAP QDocRoot, field-3-0036, home-assistant/core#42732)', () => {
    // The authLogin.cgi answer carries an empty <title><![CDATA[]]></title>: that is no title, not the markup.
    expect(extractTitle('<SUID><![CDATA[f22131ea064cec1f52ec9932cc4f5a51]]></SUID><title><![CDATA[]]></title><content><![CDATA[]]></content>')).toBeUndefined();
    expect(extractTitle('<title><![CDATA[TS-453D &amp; x]]></title>')).toBe('TS-453D &amp; x');
    expect(extractTitle('<title>a <![CDATA[b]]></title>')).toBe('a <![CDATA[b]]>');
    fc.assert(fc.property(fc.string({ maxLength: 600, unit: 'binary' }), (s) => {
      const t = extractTitle(`<title><![CDATA[${s}]]></title>`);
      if (t) { expect(isTerminalSafe(t)).toBe(true); expect(t.length).toBeLessThanOrEqual(256); }
    }), { numRuns: 300 });
  });
  it('computes MurmurHash3 x86_32 like the reference implementation', () => {
    // Reference values of MurmurHash3_x86_32 (seed 0), as printed by Python mmh3.hash().
    expect(murmur3_32(Buffer.from(''))).toBe(0);
    expect(murmur3_32(Buffer.from('hello'))).toBe(613153351);
    expect(murmur3_32(Buffer.from('The quick brown fox jumps over the lazy dog'))).toBe(776992547);
  });
  it('hashes favicons over base64 with 76-column lines (Shodan convention)', () => {
    const data = Buffer.alloc(100, 7);
    expect(base64Lines(data).split('\n')[0]).toHaveLength(76);
    expect(base64Lines(data).endsWith('\n')).toBe(true);
    expect(faviconMmh3(data)).toBe(murmur3_32(Buffer.from(base64Lines(data))));
  });
});

describe('sanitizer', () => {
  it('removes ANSI, C0/C1 and bidi controls and bounds length', () => {
    expect(clean('a\x1b]0;title\x07b\u202ec\x9bd')).toBe('ab c d');
    expect(clean('x'.repeat(100), 10)).toBe('xxxxxxxxxx…');
    expect(clean('one\u2028two\u2029three')).toBe('one two three'); // Unicode line/paragraph separators break lines too
    fc.assert(fc.property(fc.string({ maxLength: 300, unit: 'binary' }), (s) => { expect(isTerminalSafe(clean(s))).toBe(true); }));
  });
  it('drops prototype keys from untrusted JSON', () => {
    const v = cleanJson(JSON.parse('{"ip":"1.2.3.4","__proto__":{"polluted":1},"a":{"constructor":1,"b":"\\u001b[2J"}}')) as Record<string, unknown>;
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(v)).toEqual(['ip', 'a']);
    expect((v.a as Record<string, string>).b).toBe('');
  });
});
