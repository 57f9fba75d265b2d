// The parsers of what weak answers reveal (issue 9, item 5): SDP of an unauthenticated DESCRIBE and the
// realms of RTSP challenges (src/protocols/sdp.ts), API error envelopes and ONVIF GetServices answers
// (src/protocols/envelope.ts). Tables from public captures, then fast-check properties: never throws,
// bounded output, no control character, linear on hostile input.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { challengeRealms, MAX_CHALLENGES, MAX_SDP_VALUES, parseSdp, SDP_VALUE_MAX } from '../../src/protocols/sdp.js';
import { apiErrorEnvelope, ENVELOPE_MAX, MAX_ONVIF_VALUES, onvifServices, xaddrPath } from '../../src/protocols/envelope.js';
import { isTerminalSafe } from '../../src/util/sanitize.js';

// Eson-Jia/EasyDarwin@11031b08:Capture.md (Hikvision camera, after the 401 with realm "IP Camera(C2875)").
const HIK_SDP = 'v=0\r\no=- 1589474735691720 1589474735691720 IN IP4 192.0.2.147\r\ns=Media Presentation\r\ne=NONE\r\nb=AS:5100\r\nt=0 0\r\n'
  + 'a=control:rtsp://192.0.2.147:554/\r\nm=video 0 RTP/AVP 96\r\nc=IN IP4 0.0.0.0\r\nb=AS:5000\r\na=recvonly\r\na=x-dimensions:1920,1080\r\n'
  + 'a=control:rtsp://192.0.2.147:554/trackID=1\r\na=rtpmap:96 H264/90000\r\na=fmtp:96 profile-level-id=420029; packetization-mode=1\r\n'
  + 'a=Media_header:MEDIAINFO=494D4B48010200000400000101200110803E0000803E000000000000000000000000000000000000;\r\na=appversion:1.0\r\n';
// zwensoft/seven-media-server TestRtspClient.java (Dahua).
const DAHUA_SDP = 'v=0\no=- 2251938191 2251938191 IN IP4 0.0.0.0\ns=RTSP Session of ZheJiang Dahua Technology CO.,LTD.\nc=IN IP4 0.0.0.0\nt=0 0\n'
  + 'a=control:*\na=range:npt=now-\na=packetization-supported:DH\nm=video 0 RTP/AVP 96\na=control:trackID=0\na=framerate:25.000000\na=rtpmap:96 H264/90000\n';
// dotwoo/joy4 format/rtsp/sdp/parser_test.go (LIVE555-based network video server).
const LIVE555_SDP = 'v=0\no=- 1459325504777324 1 IN IP4 192.0.2.123\ns=RTSP/RTP stream from Network Video Server\ni=mpeg4cif\nt=0 0\n'
  + 'a=tool:LIVE555 Streaming Media v2009.09.28\na=type:broadcast\na=control:*\na=x-qt-text-nam:RTSP/RTP stream from Network Video Server\n';

const pick = (xs: ReturnType<typeof parseSdp>, key: string) => xs.filter((x) => x.key === key).map((x) => x.value);

describe('parseSdp (tables from public DESCRIBE captures)', () => {
  it('Hikvision: session name, control URLs, the IMKH media header and appversion as vendor attributes', () => {
    const v = parseSdp(HIK_SDP);
    expect(pick(v, 'session')).toEqual(['Media Presentation']);
    expect(pick(v, 'control')).toEqual(['rtsp://192.0.2.147:554/', 'rtsp://192.0.2.147:554/trackID=1']);
    expect(pick(v, 'rtpmap')).toEqual(['96 H264/90000']);
    expect(pick(v, 'attr')).toEqual(['x-dimensions:1920,1080', 'media_header:MEDIAINFO=494D4B48010200000400000101200110803E0000803E000000000000000000000000000000000000;', 'appversion:1.0']);
    expect(pick(v, 'origin')).toEqual([]); // "-" is no user name
  });
  it('Dahua: the company in s=, DH packetization as an attribute; standard attributes are not kept', () => {
    const v = parseSdp(DAHUA_SDP);
    expect(pick(v, 'session')).toEqual(['RTSP Session of ZheJiang Dahua Technology CO.,LTD.']);
    expect(pick(v, 'attr')).toEqual(['packetization-supported:DH']);
    expect(v.some((x) => /^(?:range|framerate|fmtp)/.test(x.value))).toBe(false);
  });
  it('LIVE555: tool, information line, QuickTime text attributes', () => {
    const v = parseSdp(LIVE555_SDP);
    expect(pick(v, 'tool')).toEqual(['LIVE555 Streaming Media v2009.09.28']);
    expect(pick(v, 'info')).toEqual(['mpeg4cif']);
    expect(pick(v, 'attr')).toEqual(['x-qt-text-nam:RTSP/RTP stream from Network Video Server']);
  });
  it('an origin with a user name is kept (o=<user> …)', () => {
    expect(pick(parseSdp('v=0\no=broadcast_sdp 94424920 3525593033 IN IP4 192.0.2.15\ns=x\n'), 'origin')).toEqual(['broadcast_sdp']);
  });
  it('reads nothing that is not an SDP (an HTML error page, JSON, an empty body)', () => {
    expect(parseSdp('<html><body>s=Hikvision</body></html>')).toEqual([]);
    expect(parseSdp('{"s":"x"}')).toEqual([]);
    expect(parseSdp('')).toEqual([]);
    expect(parseSdp(undefined)).toEqual([]);
  });
});

describe('challengeRealms', () => {
  it('reads quoted, unquoted, several challenges on one line and a quote never closed', () => {
    expect(challengeRealms('Digest realm="IP Camera(C2875)", nonce="938032d9", stale="FALSE"')).toEqual(['IP Camera(C2875)']);
    expect(challengeRealms(['Digest realm="Hikvision", nonce="1"', 'Basic realm="/"'])).toEqual(['Hikvision', '/']);
    expect(challengeRealms('Digest realm="iPOLiS", nonce="2CB3", Basic realm=device')).toEqual(['iPOLiS', 'device']);
    expect(challengeRealms('Digest realm="Login to 4X7C5A1ZAG21L3F')).toEqual(['Login to 4X7C5A1ZAG21L3F']);
    expect(challengeRealms('Basic')).toEqual([]);
    expect(challengeRealms(undefined)).toEqual([]);
  });
});

describe('apiErrorEnvelope (public captures and documented envelopes)', () => {
  it('Hikvision ISAPI ResponseStatus with its namespace', () => {
    expect(apiErrorEnvelope('<?xml version="1.0" encoding="UTF-8"?>\n<ResponseStatus version="1.0" xmlns="http://www.hikvision.com/ver20/XMLSchema">\n<requestURL>/ISAPI/System/deviceInfo</requestURL>\n<statusCode>4</statusCode>\n<statusString>Invalid Operation</statusString>\n<subStatusCode>notSupport</subStatusCode>\n</ResponseStatus>'))
      .toBe('ResponseStatus xmlns=http://www.hikvision.com/ver20/XMLSchema statusCode=4 statusString=Invalid Operation subStatusCode=notSupport');
  });
  it('Dahua RPC2 error (login challenge, invalid session) and Synology WebAPI error', () => {
    expect(apiErrorEnvelope('{"error":{"code":268632079,"message":"Component error: login challenge!"},"id":1,"params":{"realm":"Login to 4X7C5A1ZAG21L3F"},"result":false,"session":"abc"}'))
      .toBe('json code=268632079 message=Component error: login challenge! result=false');
    expect(apiErrorEnvelope('{"error":{"code":287637505,"message":"Invalid session in request data!"},"id":2,"result":false,"session":0}'))
      .toBe('json code=287637505 message=Invalid session in request data! result=false');
    expect(apiErrorEnvelope('{"error":{"code":119},"success":false}')).toBe('json code=119 success=false');
  });
  it('Huawei HiLink error and an ONVIF SOAP fault (opensensor/lightNVR#339)', () => {
    expect(apiErrorEnvelope('<?xml version="1.0" encoding="UTF-8"?><error><code>100003</code><message></message></error>')).toBe('error code=100003 message=');
    const fault = '<?xml version="1.0" encoding="utf-8" standalone="yes" ?>\n<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:ter="http://www.onvif.org/ver10/error">\n  <s:Body>\n    <s:Fault>\n      <s:Code>\n        <s:Value>s:Sender</s:Value>\n        <s:Subcode><s:Value>ter:NotAuthorized</s:Value></s:Subcode></s:Code>\n      <s:Reason>\n        <s:Text xml:lang="en">Sender not Authorized.</s:Text></s:Reason></s:Fault></s:Body></s:Envelope>';
    expect(apiErrorEnvelope(fault)).toBe('Fault Value=s:Sender Value=ter:NotAuthorized Text=Sender not Authorized.');
  });
  it('reads no envelope from a page, a plain document or a SOAP answer without a fault', () => {
    expect(apiErrorEnvelope('<!DOCTYPE html><html><head><title>404</title></head></html>')).toBeUndefined();
    expect(apiErrorEnvelope('{"data":{"SYNO.API.Auth":{"maxVersion":6}},"success":true}')).toBeUndefined();
    expect(apiErrorEnvelope('<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><tds:GetServicesResponse/></s:Body></s:Envelope>')).toBeUndefined();
    expect(apiErrorEnvelope('<DeviceInfo xmlns="http://www.hikvision.com/ver20/XMLSchema"><model>DS-2CD2143G0-I</model></DeviceInfo>')).toBeUndefined();
  });
});

describe('onvifServices', () => {
  const answer = (services: Array<[string, string]>) => '<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" xmlns:tds="http://www.onvif.org/ver10/device/wsdl"><SOAP-ENV:Body><tds:GetServicesResponse>'
    + services.map(([ns, x]) => `<tds:Service><tds:Namespace>${ns}</tds:Namespace><tds:XAddr>${x}</tds:XAddr><tds:Version><tt:Major>2</tt:Major><tt:Minor>5</tt:Minor></tds:Version></tds:Service>`).join('')
    + '</tds:GetServicesResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>';
  it('lists every service namespace and the path of every XAddr (the device address dropped)', () => {
    const v = onvifServices(answer([['http://www.onvif.org/ver10/device/wsdl', 'http://192.0.2.9/onvif/services'], ['http://www.axis.com/vapix/ws/action1', 'http://192.0.2.9/vapix/services']]));
    expect(v).toEqual([
      { key: 'namespace', value: 'http://www.onvif.org/ver10/device/wsdl' }, { key: 'namespace', value: 'http://www.axis.com/vapix/ws/action1' },
      { key: 'xaddr', value: '/onvif/services' }, { key: 'xaddr', value: '/vapix/services' },
    ]);
  });
  it('reads only a GetServices / GetCapabilities answer; paths of odd XAddrs', () => {
    expect(onvifServices('<tds:Namespace>http://x/</tds:Namespace>')).toEqual([]);
    expect(xaddrPath('http://[fe80::1]:8899/onvif/Media')).toBe('/onvif/Media');
    expect(xaddrPath('http://192.0.2.1')).toBe('/');
    expect(xaddrPath('not a url')).toBeUndefined();
  });
});

describe('properties: never throws, bounded, clean, linear', () => {
  const lines = fc.array(fc.oneof(
    fc.constantFrom('v=0', 's=', 'i=', 'o=', 'u=', 'a=tool:', 'a=control:', 'a=rtpmap:', 'a=x-', 'a=Media_header:', 'a=', 'm=video 0 RTP/AVP 96'),
    fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }),
  ), { maxLength: 60 });
  it('parseSdp', () => {
    fc.assert(fc.property(lines, fc.constantFrom('\n', '\r\n', '\r'), (ls, nl) => {
      const v = parseSdp(['v=0', ...ls].join(nl));
      expect(v.length).toBeLessThanOrEqual(MAX_SDP_VALUES);
      for (const x of v) { expect(x.value.length).toBeLessThanOrEqual(SDP_VALUE_MAX + 1); expect(isTerminalSafe(x.value)).toBe(true); expect(x.value).toBe(x.value.trim()); }
    }), { numRuns: 400 });
  });
  it('challengeRealms', () => {
    fc.assert(fc.property(fc.array(fc.oneof(fc.string({ maxLength: 80 }), fc.constantFrom('Digest realm="', 'realm=', '", ', 'Basic realm="x"')), { maxLength: 12 }), (parts) => {
      const v = challengeRealms([parts.join(''), parts.join(' ')]);
      expect(v.length).toBeLessThanOrEqual(2 * MAX_CHALLENGES);
      for (const r of v) { expect(r.length).toBeLessThanOrEqual(SDP_VALUE_MAX + 1); expect(isTerminalSafe(r)).toBe(true); }
    }), { numRuns: 400 });
  });
  it('apiErrorEnvelope and onvifServices', () => {
    const piece = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('<ResponseStatus xmlns="h">', '<statusCode>', '</statusCode>', '<error>', '<code>', '</code>', '{"error":{', '"code":', '"message":"', '"}', ',"success":false}', '<tds:GetServicesResponse>', '<tds:Namespace>', '</tds:Namespace>', '<tds:XAddr>http://a/b', '</tds:XAddr>', '<s:Fault>', '<s:Value>', '</s:Value>'));
    fc.assert(fc.property(fc.array(piece, { maxLength: 80 }), fc.constantFrom('', '<', '{', ' \ufeff<'), (ps, lead) => {
      const body = lead + ps.join('');
      const e = apiErrorEnvelope(body);
      if (e !== undefined) { expect(e.length).toBeLessThanOrEqual(ENVELOPE_MAX + 1); expect(isTerminalSafe(e)).toBe(true); }
      const o = onvifServices(body);
      expect(o.length).toBeLessThanOrEqual(MAX_ONVIF_VALUES);
      for (const x of o) expect(isTerminalSafe(x.value)).toBe(true);
    }), { numRuns: 400 });
  });
  it('hostile sizes stay linear (each parser well under a second on 1 MB shaped input)', () => {
    const big = (s: string) => s.repeat(Math.ceil(1_000_000 / s.length));
    const inputs = ['v=0\n' + big('a=x-' + 'a'.repeat(50) + '\n'), 'v=0\n' + big('s='), big('realm="'), big('realm='), '<ResponseStatus>' + big('<code>1</code'), '{' + big('"code":"\\'), '<tds:GetServicesResponse>' + big('<tds:XAddr>http://'), big('<a:b>')];
    for (const x of inputs) {
      const t0 = performance.now();
      parseSdp(x); challengeRealms(x); apiErrorEnvelope(x); onvifServices(x);
      expect(performance.now() - t0, x.slice(0, 30)).toBeLessThan(1000);
    }
  });
});
