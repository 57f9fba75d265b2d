// The field corpus (fixtures/field): every record is valid, cites a public source, and converts through
// camsweep's own codecs; the converter reads the ways people paste responses; the split is by source.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import path from 'node:path';
import { csvFields, dhipFromScanRow, hashSplit, httpFromScanRow, normaliseKey, pastedResponses, readCorpus, splitOf, stripLogPrefix, toObservation, unpaste, validateRecord } from '../tools/field/corpus.js';
import { parseDnText, renderDn } from '../src/protocols/dn.js';

const DIR = path.join(import.meta.dirname, '..', 'fixtures', 'field');

describe('field corpus files', () => {
  const { records, problems, moved } = readCorpus(DIR);
  it('every record is valid', () => {
    expect(problems).toEqual([]);
  });
  it('every source is a public reference, never a project notes file', () => {
    for (const r of records) {
      const refs = [r.source.key, r.source.url ?? '', r.source.repo ?? ''].join(' ');
      expect(refs, r.id).not.toMatch(/\.\.\/shared|peers\.md|fingerprints\.md|\/work\//);
      expect(r.source.url ?? `${r.source.repo}/${r.source.path}`, r.id).toMatch(/^https?:\/\/|^[\w.-]+\/[\w.-]+\//);
    }
  });
  it('every capture converts into something a scan observes (or says why not)', () => {
    for (const r of records) {
      const { record, unused } = toObservation(r);
      const observed = (record.seen_by ?? []).length > 0 || !!record.mac;
      expect(observed || unused.length > 0, r.id).toBe(true);
    }
  });
  it('moves only name sources that exist', () => {
    const keys = new Set(records.map((r) => normaliseKey(r.source.key)));
    for (const k of moved) expect(keys.has(k), k).toBe(true);
  });
});

describe('split by source', () => {
  it('is a pure function of the source key (fragment and trailing slash ignored)', () => {
    expect(hashSplit('https://github.com/a/b/issues/1')).toBe(hashSplit('https://github.com/a/b/issues/1#issuecomment-9'));
    expect(hashSplit('https://github.com/a/b/issues/1/')).toBe(hashSplit('https://github.com/a/b/issues/1'));
    // Both halves occur over a handful of keys.
    const halves = new Set(Array.from({ length: 16 }, (_, i) => hashSplit(`https://example.org/${i}`)));
    expect(halves).toEqual(new Set(['tune', 'check']));
  });
  it('a moved source is tune', () => {
    const key = Array.from({ length: 64 }, (_, i) => `https://example.org/k${i}`).find((k) => hashSplit(k) === 'check')!;
    expect(splitOf({ source: { key, kind: 'blog' } }, new Set())).toBe('check');
    expect(splitOf({ source: { key, kind: 'blog' } }, new Set([normaliseKey(key)]))).toBe('tune');
  });
});

describe('converter: the ways responses are pasted', () => {
  const rec = (captures: unknown[]) => toObservation({ id: 't-0001', captures: captures as never });
  it('reads a curl -v transcript (< lines, * and > lines dropped)', () => {
    const raw = '* Connected to 192.0.2.1 port 80\n> GET / HTTP/1.1\n> Host: 192.0.2.1\n>\n< HTTP/1.1 200 OK\n< Server: DNVRS-Webs\n< Content-Type: text/html\n<\n<html><title>Login</title></html>\n* Connection #0 to host left intact';
    const { record } = rec([{ kind: 'http', port: 80, raw }]);
    expect(record.http?.[0].status).toBe(200);
    expect(record.http?.[0].headers?.server).toBe('DNVRS-Webs');
    expect(record.http?.[0].title).toBe('Login');
  });
  it('reads literal \\r\\n escapes as line ends', () => {
    const raw = 'RTSP/1.0 401 Unauthorized\\r\\nCSeq: 1\\r\\nWWW-Authenticate: Digest realm="Login to 4K01FD2PAJ6E3FF", nonce="00"\\r\\n\\r\\n';
    const { record } = rec([{ kind: 'rtsp', port: 554, raw }]);
    expect(record.rtsp?.[0].status).toBe(401);
    expect(record.rtsp?.[0].headers?.['www-authenticate']).toMatch(/Login to 4K01FD2PAJ6E3FF/);
  });
  it('keeps header-only pastes (no status line) without inventing a status', () => {
    const { record } = rec([{ kind: 'http', port: 8080, raw: 'Server: Boa/0.94.14rc21\nContent-Type: text/html', partial: true }]);
    expect(record.http?.[0].headers?.server).toBe('Boa/0.94.14rc21');
    expect(record.http?.[0].status).toBeUndefined();
    expect(record.open_ports).toEqual([8080]);
  });
  // Real pastes from the tune half (cameras-other-0094, -0089, -0001, -0130).
  it('strips a timestamp printed before every line (tcpdump/tshark style)', () => {
    const raw = '2025-02-20 20:45:27.791099417  RTSP/1.0 401 Unauthorized\n2025-02-20 20:45:27.791100617  Cseq: 1\n2025-02-20 20:45:27.791101917  Date: Fri, Feb 21 2025 04:45:36 GMT\n'
      + '2025-02-20 20:45:27.791103518  Www-Authenticate: Digest realm="BC Streaming Media", nonce="5d2f90b3ae17c64e08b9d1f7a4c2635e"\n2025-02-20 20:45:27.791104418  ';
    const { record } = rec([{ kind: 'rtsp', port: 554, method: 'DESCRIBE', raw }]);
    expect(record.rtsp?.[0].status).toBe(401);
    expect(record.rtsp?.[0].headers?.['www-authenticate']).toMatch(/^Digest realm="BC Streaming Media"/);
  });
  it('splits a paste holding several responses, each with its own headers, and strips a [tag] prefix', () => {
    const raw = '[Rebroadcast Plugin]:  RTSP/1.0 200 OK\n[Rebroadcast Plugin]: CSeq: 0\n[Rebroadcast Plugin]: Public: OPTIONS, DESCRIBE, SETUP, TEARDOWN, PLAY, GET_PARAMETER, SET_PARAMETER\n[Rebroadcast Plugin]: \n'
      + '[Rebroadcast Plugin]:  RTSP/1.0 401 Unauthorized\n[Rebroadcast Plugin]: CSeq: 1\n[Rebroadcast Plugin]: WWW-Authenticate: Basic realm="TP-Link IP-Camera"\n[Rebroadcast Plugin]: WWW-Authenticate: Dig';
    const { record } = rec([{ kind: 'rtsp', port: 554, method: 'DESCRIBE', raw }]);
    expect(record.rtsp?.map((r) => [r.method, r.status])).toEqual([['OPTIONS', 200], ['DESCRIBE', 401]]);
    expect(record.rtsp?.[1].headers?.['www-authenticate']).toEqual(['Basic realm="TP-Link IP-Camera"', 'Dig']);
  });
  it('keeps a body-only capture (an API listing, JSON) as the body, not as header lines', () => {
    const { record } = rec([{ kind: 'http', port: 80, path: '/axis-cgi/param.cgi?action=list&group=root.Brand', partial: true,
      raw: 'root.Brand.Brand=AXIS\nroot.Brand.ProdFullName=AXIS M1065-LW Network Camera\nroot.Brand.ProdNbr=M1065-LW' }]);
    expect(record.http?.[0].headers).toEqual({});
    expect(record.http?.[0].body).toMatch(/^root\.Brand\.Brand=AXIS\nroot\.Brand\.ProdFullName=AXIS M1065-LW/);
    expect(record.http?.[0].status).toBeUndefined();
  });
  it('ends the headers at the first non-header line when the blank line is missing, and keeps an SDP as the RTSP body', () => {
    const raw = 'Content-Type: application/sdp\nv=0\no=- 1001 1 IN\ns=VCP IPC Realtime stream\nm=video 0 RTP/AVP 105\na=fmtp:107 DecoderTag=h3c-v3 RTCP=0';
    const { record } = rec([{ kind: 'rtsp', port: 554, method: 'DESCRIBE', raw }]);
    expect(record.rtsp?.[0].headers).toEqual({ 'content-type': 'application/sdp' });
    expect(record.rtsp?.[0].body).toMatch(/^v=0\n.*\ns=VCP IPC Realtime stream\n/s);
  });
  it('restores the line ends of a one-line paste before standard header names (cameras-other-0092)', () => {
    const raw = 'RTSP/1.0 401 UnauthorizedCseq: 1Date: Wed, Mar 13 2024 16:24:18 GMTWww-Authenticate: Basic realm="TP-Link IP-Camera"';
    const { record } = rec([{ kind: 'rtsp', port: 554, method: 'DESCRIBE', raw }]);
    expect(record.rtsp?.[0].status).toBe(401);
    expect(record.rtsp?.[0].headers).toEqual({ cseq: '1', date: 'Wed, Mar 13 2024 16:24:18 GMT', 'www-authenticate': 'Basic realm="TP-Link IP-Camera"' });
  });
  it('reads a blog-reformatted paste: "RTSP / 1.0", double-spaced lines (datasets-0059)', () => {
    const raw = 'RTSP / 1.0 401 Unauthorized\n\nServer: HiIpcam/V100R003 VodServer / 1.0.0\n\nCseq: 2\n\nWWW-Authenticate:Digest  realm=\u201dHipcamRealServer\u201d, nonce=\u201d8a5c1df882c684b3e38e01837f1d286b\u201d';
    const { record } = rec([{ kind: 'rtsp', port: 554, raw }]);
    expect(record.rtsp?.[0].status).toBe(401);
    expect(record.rtsp?.[0].headers?.server).toBe('HiIpcam/V100R003 VodServer / 1.0.0');
    expect(record.rtsp?.[0].headers?.['www-authenticate']).toMatch(/HipcamRealServer/);
  });
  it('leaves text without a log prefix alone', () => {
    const t = 'HTTP/1.1 200 OK\r\nServer: x\r\n\r\nbody';
    expect(stripLogPrefix(t)).toBe(t);
    expect(pastedResponses(t, 'HTTP/1.1')).toEqual(['HTTP/1.1 200 OK\r\nServer: x\r\n\r\nbody']);
  });
  it('renders pasted certificate names the way the TLS probe does', () => {
    expect(renderDn(parseDnText('subject=C = CN, ST = Zhejiang, O = "ZheJiang Dahua Technology CO.,LTD.", CN = NVR'))).toBe('CN=NVR, O=ZheJiang Dahua Technology CO.,LTD., ST=Zhejiang, C=CN');
    expect(renderDn(parseDnText('/C=CN/ST=ZJ/O=Hikvision/CN=192.0.2.1'))).toBe('CN=192.0.2.1, O=Hikvision, ST=ZJ, C=CN');
    expect(renderDn(parseDnText('CN=camera, O=Axis Communications AB, C=SE'))).toBe('CN=camera, O=Axis Communications AB, C=SE');
  });
  it('reads a certificate name pasted without attributes as its common name (EZVIZ H6c, pyEzvizApi#274)', () => {
    // The owner's LAN scan prints the 8443 certificate as subject "EZVIZ Device", issuer "CAServer".
    expect(renderDn(parseDnText('EZVIZ Device'))).toBe('CN=EZVIZ Device');
    expect(renderDn(parseDnText('CAServer'))).toBe('CN=CAServer');
    const { record } = rec([{ kind: 'tls', port: 8443, subject: 'EZVIZ Device', issuer: 'CAServer' }]);
    expect(record.tls?.[0]).toEqual({ port: 8443, subject: 'CN=EZVIZ Device', issuer: 'CN=CAServer' });
    // Text with commas or slashes but no "=" is not a name: nothing is made up from it.
    expect(parseDnText('a, b, c')).toEqual({});
  });
  it('says which captures camsweep cannot observe', () => {
    const { unused } = rec([{ kind: 'banner', proto: 'tcp', port: 23, raw: 'Welcome to ZXHN H108N' }]);
    expect(unused.join(' ')).toMatch(/not something camsweep observes/);
  });
  it('validates labels and captures', () => {
    expect(validateRecord({ id: 'x-1' }, 'x').length).toBeGreaterThan(0);
  });
});

describe('property: pasted text never breaks the converter', () => {
  it('unpaste and parseDnText never throw and stay bounded', () => {
    fc.assert(fc.property(fc.string({ maxLength: 3000 }), (s) => {
      expect(unpaste(s).length).toBeLessThanOrEqual(s.length + 8);
      const dn = parseDnText(s);
      expect(Object.getPrototypeOf(dn)).toBe(Object.prototype);
      expect(Object.prototype.hasOwnProperty.call(dn, '__proto__')).toBe(false);
    }), { numRuns: 500 });
  });
  it('pastedResponses never throws, yields at most 8 responses, each with a status line', () => {
    fc.assert(fc.property(fc.string({ maxLength: 3000 }), fc.constantFrom('HTTP/1.1', 'RTSP/1.0') as fc.Arbitrary<'HTTP/1.1' | 'RTSP/1.0'>, (s, proto) => {
      const out = pastedResponses(s, proto);
      expect(out.length).toBeGreaterThan(0);
      expect(out.length).toBeLessThanOrEqual(8);
      for (const r of out) expect(r).toMatch(/^(?:HTTP|RTSP)\/\d/i);
    }), { numRuns: 500 });
  });
  it('toObservation never throws on arbitrary raw captures', () => {
    const kinds = ['http', 'rtsp', 'onvif-device-info', 'onvif-probe-match', 'upnp-description', 'ssdp', 'sadp', 'dhip'] as const;
    fc.assert(fc.property(fc.constantFrom(...kinds), fc.string({ maxLength: 2000 }), (kind, raw) => {
      const { record } = toObservation({ id: 't-0001', captures: [{ kind, raw }] });
      expect(record.ip).toBe('192.0.2.10');
    }), { numRuns: 400 });
  });
});

describe('converter: DHIP answers published as scan-dataset rows', () => {
  // A Shadowserver "Open DVR DHCPDiscover" row as quoted by certtools/intelmq's test data (tune record dahua-0013).
  const ROW = "\"timestamp\",\"ip\",\"protocol\",\"port\",\"hostname\",\"tag\",\"asn\",\"geo\",\"region\",\"city\",\"naics\",\"sic\",\"sector\",\"device_vendor\",\"device_type\",\"device_model\",\"device_version\",\"device_id\",\"device_serial\",\"machine_name\",\"manufacturer\",\"method\",\"http_port\",\"internal_port\",\"video_input_channels\",\"alarm_input_channels\",\"video_output_channels\",\"alarm_output_channels\",\"remote_video_input_channels\",\"mac_address\",\"ipv4_address\",\"ipv4_gateway\",\"ipv4_subnet_mask\",\"ipv4_dhcp_enable\",\"ipv6_address\",\"ipv6_link_local\",\"ipv6_gateway\",\"ipv6_dhcp_enable\",\"response_size\",\"amplification\"\n\"2010-02-10 00:00:00\",192.0.2.1,udp,37810,node01.example.com,dvrdhcpdiscover,64512,ZZ,Region,City,0,0,\"Communications, Service Provider, and Hosting Service\",General,IPC,BCS-TIP3401IR-E-V,2.800.106F004.0.R,,4K0C051PAH62918,4K0C051PAH62918,General,client.notifyDevInfo,80,37777,1,0,0,0,0,38:c4:e8:5d:19:a7,192.0.2.1,192.0.2.240,255.255.255.0,0,fd09:4ab5:dae9:b078::1,fe80::3ac4:e8ff:fe5d:19a7/64,fd09:4ab5:dae9:b078::ff,0,794,794.00";
  it('puts the row back under the DHIP field names', () => {
    const info = JSON.parse(dhipFromScanRow(ROW)!).params.deviceInfo;
    expect(info).toMatchObject({ Vendor: 'General', DeviceClass: 'IPC', DeviceType: 'BCS-TIP3401IR-E-V', Version: '2.800.106F004.0.R',
      SerialNo: '4K0C051PAH62918', Manufacturer: 'General', HttpPort: '80', Port: '37777', VideoInputChannels: '1' });
    const { record, unused } = toObservation({ id: 't-0001', captures: [{ kind: 'dhip', raw: ROW }] as never });
    expect(unused).toEqual([]);
    expect(record.dhip).toMatchObject({ DeviceType: 'BCS-TIP3401IR-E-V', mac: '38:c4:e8:5d:19:a7', method: 'client.notifyDevInfo' });
  });
  it('CSV quoting, and anything else is not a row', () => {
    expect(csvFields('a,"b,c","d ""e""",')).toEqual(['a', 'b,c', 'd "e"', '']);
    expect(dhipFromScanRow('just text')).toBeUndefined();
    expect(dhipFromScanRow('"a","b"\n1,2')).toBeUndefined();
  });
});

describe('converter: HTTP banners published as scan-dataset rows', () => {
  // A Shadowserver scan_cwmp row as quoted by certtools/intelmq's test data (tune record datasets-0005).
  const ROW = "\"timestamp\",\"ip\",\"protocol\",\"port\",\"hostname\",\"tag\",\"asn\",\"geo\",\"region\",\"city\",\"naics\",\"sic\",\"http\",\"http_code\",\"http_reason\",\"content_type\",\"connection\",\"www_authenticate\",\"set_cookie\",\"server\",\"content_length\",\"transfer_encoding\",\"date\",\"sector\"\n\"2019-09-04 10:44:55\",\"203.0.113.142\",\"tcp\",30005,,\"cwmp\",5678,\"AA\",\"LOCATION\",\"LOCATION\",517311,0,\"HTTP/1.1\",200,\"OK\",\"text/html\",\"keep-alive\",,,\"DNVRS-Webs\",5678,,\"Wed, 04 Sep 2019 07:42:37 GMT\",";
  it('rebuilds the response head from the row', () => {
    expect(httpFromScanRow(ROW)).toEqual({ text: 'HTTP/1.1 200 OK\r\nServer: DNVRS-Webs\r\nContent-Type: text/html\r\n\r\n', port: 30005 });
    const { record } = toObservation({ id: 't-0001', captures: [{ kind: 'banner', proto: 'http', raw: ROW }] as never });
    expect(record.http?.[0]).toMatchObject({ port: 30005, status: 200, headers: { server: 'DNVRS-Webs' } });
  });
  it('other text is not a row', () => {
    expect(httpFromScanRow('HTTP/1.1 200 OK\r\nServer: x\r\n\r\n')).toBeUndefined();
    expect(httpFromScanRow('"a","b"\n1,2')).toBeUndefined();
  });
});
