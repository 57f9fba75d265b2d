// Ask more when the answer is weak (issue 9, item 5), over real sockets on loopback
// (127.77.150.0/24 - 127.77.159.0/24): what RTSP answers reveal beyond the Server header (realms,
// unauthenticated DESCRIBE), API error envelopes of vendor paths, ONVIF GetServices, and the extra
// vendor requests a device without a named platform gets, in order of likelihood, capped per host.
// Scope: none of these requests ever reaches an address outside the targets, whatever the answers name.
import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { httpProbe, hostEvidence, MAX_EXTRA_PATHS, planPaths, choosePaths, likelihood } from '../src/probes/http.js';
import { rtspProbe, SDP_KEEP } from '../src/probes/rtsp.js';
import { connectCheck, exchange, session } from '../src/net/tcp.js';
import { httpPaths, defaultKnowledgeBase } from '../src/data/load.js';
import { extractFields } from '../src/fingerprint/fields.js';
import { identify } from '../src/fingerprint/engine.js';
import { sweepHosts, type ScanOptions } from '../src/scan/scan.js';
import type { HttpObservation, ObservationRecord } from '../src/model/types.js';
import type { ProbeContext } from '../src/probes/types.js';
import { httpServer, type HttpReply, type HttpRequestSeen, type HttpServer } from './helpers/responders.js';

const closers: Array<() => Promise<void>> = [];
afterAll(async () => { await Promise.all(closers.map((c) => c())); });
const kb = defaultKnowledgeBase();
const ctxFor = (o: Partial<ProbeContext> = {}): ProbeContext => ({
  timeoutMs: 3000, maxBytes: 262144, signal: new AbortController().signal, userAgent: 'camsweep-test',
  net: { exchange, connectCheck, session }, httpPaths: httpPaths(), ...o,
});
const PAGE = '<!DOCTYPE html><html><head><title>Login</title></head><body><form><input name="user"></form></body></html>';
const html = (body = PAGE): HttpReply => ({ status: 200, headers: { 'Content-Type': 'text/html' }, body });
const none: HttpReply = { status: 404, headers: { 'Content-Type': 'text/html' }, body: '<html><body>Not Found</body></html>' };

async function http(ip: string, port: number, reply: (r: HttpRequestSeen) => HttpReply): Promise<HttpServer> {
  const s = await httpServer(ip, port, reply, { keepAlive: true });
  closers.push(() => s.close());
  return s;
}

/** An RTSP/1.0 server: `answer(method, url)` gives status line, headers and body; CSeq echoed; one connection, many requests. */
async function rtsp(ip: string, port: number, answer: (method: string, url: string) => { status: string; headers?: Array<[string, string]>; body?: string }): Promise<{ connections: number; methods: string[] }> {
  const st = { connections: 0, methods: [] as string[] };
  const socks = new Set<net.Socket>();
  const srv = net.createServer((s) => {
    st.connections++;
    socks.add(s);
    s.on('error', () => {});
    s.on('close', () => socks.delete(s));
    let buf = '';
    s.on('data', (d) => {
      buf += d.toString('latin1');
      for (let end = buf.indexOf('\r\n\r\n'); end >= 0; end = buf.indexOf('\r\n\r\n')) {
        const head = buf.slice(0, end).split('\r\n');
        buf = buf.slice(end + 4);
        const [method, url] = head[0].split(' ');
        st.methods.push(method);
        const cseq = head.find((l) => /^cseq:/i.test(l))?.split(':')[1]?.trim() ?? '0';
        const a = answer(method, url);
        const body = Buffer.from(a.body ?? '', 'utf8');
        const hs: Array<[string, string]> = [['CSeq', cseq], ...(a.headers ?? []), ...(a.body !== undefined ? [['Content-Length', String(body.length)] as [string, string]] : [])];
        s.write(Buffer.concat([Buffer.from(`RTSP/1.0 ${a.status}\r\n${hs.map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`, 'latin1'), body]));
      }
    });
  });
  await new Promise<void>((r, j) => { srv.once('error', j); srv.listen(port, ip, () => r()); });
  closers.push(() => new Promise((r) => { for (const s of socks) s.destroy(); srv.close(() => r()); }));
  return st;
}

/** A plain TCP listener that counts connections (a port that is open and says nothing). */
async function listener(ip: string, port: number): Promise<{ connections: number }> {
  const st = { connections: 0 };
  const socks = new Set<net.Socket>();
  const srv = net.createServer((s) => { st.connections++; socks.add(s); s.on('error', () => {}); s.on('close', () => socks.delete(s)); });
  await new Promise<void>((r, j) => { srv.once('error', j); srv.listen(port, ip, () => r()); });
  closers.push(() => new Promise((r) => { for (const s of socks) s.destroy(); srv.close(() => r()); }));
  return st;
}

const fieldsOf = (rec: ObservationRecord, prefix: string) => extractFields(rec).filter((f) => f.field.startsWith(prefix)).map((f) => `${f.field}=${f.value}`);
const recordOf = (ip: string, part: Partial<ObservationRecord>): ObservationRecord => ({ ip, ...part });

// zwensoft/seven-media-server TestRtspClient.java (a Dahua DESCRIBE answer).
const DAHUA_SDP = 'v=0\r\no=- 2251938191 2251938191 IN IP4 0.0.0.0\r\ns=RTSP Session of ZheJiang Dahua Technology CO.,LTD.\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\na=control:*\r\na=range:npt=now-\r\na=packetization-supported:DH\r\nm=video 0 RTP/AVP 96\r\na=control:trackID=0\r\na=rtpmap:96 H264/90000\r\n';

describe('RTSP: realms and unauthenticated DESCRIBE answers', () => {
  it('keeps the SDP of a DESCRIBE answered without credentials and names the maker from it', async () => {
    const st = await rtsp('127.77.150.10', 8554, (m) => (m === 'OPTIONS'
      ? { status: '200 OK', headers: [['Public', 'OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN']] }
      : { status: '200 OK', headers: [['Content-Type', 'application/sdp'], ['Content-Base', 'rtsp://127.77.150.10:8554/']], body: DAHUA_SDP }));
    const r = await rtspProbe.run({ ip: '127.77.150.10', port: 8554 }, ctxFor());
    expect(st.methods).toEqual(['OPTIONS', 'DESCRIBE']);
    const rec = recordOf('127.77.150.10', r.record);
    expect(r.record.rtsp?.[1]?.body).toContain('s=RTSP Session of ZheJiang Dahua Technology');
    expect(fieldsOf(rec, 'rtsp.sdp.session')).toEqual(['rtsp.sdp.session=RTSP Session of ZheJiang Dahua Technology CO.,LTD.']);
    const id = identify(rec, kb);
    expect(id.maker).toBe('dahua');
    expect(id.evidence.map((e) => e.rule)).toContain('dahua.rtsp.sdp.session-company');
  });

  it('reads the realm of a 401 (every challenge) into rtsp.realm: Hanwha iPOLiS', async () => {
    await rtsp('127.77.150.11', 8554, (m) => (m === 'OPTIONS'
      ? { status: '200 OK', headers: [['Public', 'OPTIONS, DESCRIBE']] }
      : { status: '401 Unauthorized', headers: [['WWW-Authenticate', 'Digest realm="iPOLiS", nonce="2CB39FCBBE5843DA3430129B4EA1414C"'], ['WWW-Authenticate', 'Basic realm="iPOLiS"']] }));
    const r = await rtspProbe.run({ ip: '127.77.150.11', port: 8554 }, ctxFor());
    const rec = recordOf('127.77.150.11', r.record);
    expect(r.record.rtsp?.[1]?.body).toBeUndefined();
    expect(fieldsOf(rec, 'rtsp.realm')).toEqual(['rtsp.realm=iPOLiS']);
    expect(identify(rec, kb).maker).toBe('hanwha');
  });

  it('keeps at most SDP_KEEP characters of a huge DESCRIBE body, without control characters', async () => {
    const huge = `v=0\r\ns=\u001b[31mx\u0007\r\n${'a=x-pad:' + 'y'.repeat(200) + '\r\n'}`.repeat(1) + 'a=x-fill:' + 'z'.repeat(100_000) + '\r\n';
    await rtsp('127.77.150.12', 8554, (m) => (m === 'OPTIONS' ? { status: '200 OK' } : { status: '200 OK', headers: [['Content-Type', 'application/sdp']], body: huge }));
    const r = await rtspProbe.run({ ip: '127.77.150.12', port: 8554 }, ctxFor());
    const body = r.record.rtsp?.[1]?.body ?? '';
    expect(body.length).toBeGreaterThan(0);
    expect(body.length).toBeLessThanOrEqual(SDP_KEEP);
    expect(body).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
    for (const f of extractFields(recordOf('127.77.150.12', r.record))) expect(f.value, f.field).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/);
  });

  it('sends DESCRIBE without credentials, and an error body is not kept as an SDP', async () => {
    let describe = '';
    const srv = net.createServer((s) => { s.on('error', () => {}); s.on('data', (d) => { const t = d.toString(); if (t.startsWith('DESCRIBE')) describe = t; const cseq = /CSeq: (\d+)/.exec(t)?.[1]; s.write(t.startsWith('OPTIONS') ? `RTSP/1.0 200 OK\r\nCSeq: ${cseq}\r\n\r\n` : `RTSP/1.0 404 Not Found\r\nCSeq: ${cseq}\r\nContent-Length: 9\r\n\r\nnot found`); }); });
    await new Promise<void>((r) => srv.listen(8554, '127.77.150.13', () => r()));
    closers.push(() => new Promise((r) => srv.close(() => r())));
    const r = await rtspProbe.run({ ip: '127.77.150.13', port: 8554 }, ctxFor());
    expect(describe).toMatch(/^DESCRIBE rtsp:\/\/127\.77\.150\.13:8554\/ RTSP\/1\.0\r\n/);
    expect(describe).not.toMatch(/authorization/i);
    expect(r.record.rtsp?.[1]?.status).toBe(404);
    expect(fieldsOf(recordOf('127.77.150.13', r.record), 'rtsp.sdp.')).toEqual([]);
  });
});

describe('API error bodies of vendor paths', () => {
  it('keeps a 404 whose body is an API error envelope and reads it into http.api.error', async () => {
    const isapi = '<?xml version="1.0" encoding="UTF-8"?>\n<ResponseStatus version="1.0" xmlns="http://www.hikvision.com/ver10/XMLSchema">\n<requestURL>/ISAPI/System/deviceInfo</requestURL>\n<statusCode>4</statusCode>\n<statusString>Invalid Operation</statusString>\n<subStatusCode>notSupport</subStatusCode>\n</ResponseStatus>\n';
    const srv = await http('127.77.151.10', 8080, (q) => (q.path === '/' ? { status: 200, headers: { Server: 'App-webs/', 'Content-Type': 'text/html' }, body: PAGE }
      : q.path === '/ISAPI/System/deviceInfo' ? { status: 404, headers: { 'Content-Type': 'application/xml' }, body: isapi } : none));
    const r = await httpProbe.run({ ip: '127.77.151.10', port: 8080 }, ctxFor());
    expect(srv.requests.map((q) => q.path)).toEqual(['/', '/favicon.ico', '/ISAPI/System/deviceInfo']);
    const obs = r.record.http?.find((h) => h.path === '/ISAPI/System/deviceInfo');
    expect(obs?.status).toBe(404);
    expect(fieldsOf(recordOf('127.77.151.10', r.record), 'http.api.error')).toEqual(['http.api.error=ResponseStatus xmlns=http://www.hikvision.com/ver10/XMLSchema statusCode=4 statusString=Invalid Operation subStatusCode=notSupport']);
  });

  it('drops a 404 without an envelope (an HTML error page adds nothing)', async () => {
    await http('127.77.151.11', 8080, (q) => (q.path === '/' ? { status: 200, headers: { Server: 'App-webs/', 'Content-Type': 'text/html' }, body: PAGE } : none));
    const r = await httpProbe.run({ ip: '127.77.151.11', port: 8080 }, ctxFor());
    expect(r.record.http?.map((h) => h.path)).toEqual(['/']);
  });
});

describe('extra vendor requests for a device whose index names no platform', () => {
  const defs = httpPaths();
  const obs = (o: Partial<HttpObservation>): HttpObservation => ({ port: 80, tls: false, path: '/', status: 200, headers: {}, ...o });
  const ids = (xs: readonly { id: string }[]) => xs.map((x) => x.id);

  it('orders them by likelihood: open ports of a maker, weak marks of the index, then the file order', () => {
    const index = [obs({ headers: { 'content-type': 'text/html' }, body: PAGE })];
    expect(ids(planPaths(defs, index, [80]).extra).slice(0, 4)).toEqual(['hikvision-isapi-deviceinfo', 'dahua-rpc2-login', 'axis-basicdeviceinfo', 'uniview-lapi-deviceinfo']);
    expect(ids(planPaths(defs, index, [80, 554]).extra)[0]).toBe('onvif-getservices');
    expect(ids(planPaths(defs, index, [80, 37777]).extra).slice(0, 2)).toEqual(['dahua-rpc2-login', 'dahua-oem-custom-lang']);
    expect(ids(planPaths(defs, index, [80, 5000]).extra)[0]).toBe('synology-api-info');
    const hilinkish = [obs({ headers: { 'content-type': 'text/html' }, body: '<html><head><meta name="csrf_token" content="abc"></head></html>' })];
    expect(ids(planPaths(defs, hilinkish, [80]).extra).slice(0, 2)).toEqual(['huawei-hilink-sestokinfo', 'huawei-hilink-basic-information']);
    const d = defs.find((x) => x.id === 'onvif-getservices')!;
    expect([likelihood(d, '', [80]), likelihood(d, '', [554]), likelihood(d, '<a href="/onvif/">', [554])]).toEqual([0, 1, 3]);
  });

  it('a platform named by the index gets its own paths and no extra request', () => {
    const syno = planPaths(defs, [obs({ headers: { 'content-type': 'text/html' }, title: 'Synology DiskStation', body: '<title>Synology DiskStation</title>' })], [80, 554, 5000]);
    expect(ids(syno.always)).toEqual(['favicon', 'synology-api-info']);
    expect(syno.extra).toEqual([]);
    expect(ids(choosePaths(defs, [obs({ status: 401, headers: { server: 'App-webs/' } })], [554, 8000]))).toEqual(['hikvision-isapi-deviceinfo']);
  });

  it('over real sockets: the most likely vendor path answers and the device is named; nothing is asked after it', async () => {
    const api = '{"data":{"SYNO.API.Auth":{"maxVersion":6,"minVersion":1,"path":"entry.cgi"},"SYNO.API.Info":{"maxVersion":1,"minVersion":1,"path":"query.cgi"}},"success":true}';
    const srv = await http('127.77.152.10', 8080, (q) => (q.path === '/' ? html() : q.path.startsWith('/webapi/query.cgi') ? { status: 200, headers: { 'Content-Type': 'application/json' }, body: api } : none));
    const host = hostEvidence([5000, 8080]);
    const r = await httpProbe.run({ ip: '127.77.152.10', port: 8080 }, ctxFor({ host }));
    expect(srv.requests.map((q) => q.path)).toEqual(['/', '/favicon.ico', '/webapi/query.cgi?api=SYNO.API.Info&version=1&method=query']);
    expect(host.extraLeft).toBe(MAX_EXTRA_PATHS - 1);
    expect(identify(recordOf('127.77.152.10', r.record), kb).maker).toBe('synology');
  });

  it('over real sockets: GetServices is asked first of an unnamed device with an RTSP port, and its Axis services name it', async () => {
    const services = '<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" xmlns:tds="http://www.onvif.org/ver10/device/wsdl" xmlns:tt="http://www.onvif.org/ver10/schema"><SOAP-ENV:Body><tds:GetServicesResponse>'
      + '<tds:Service><tds:Namespace>http://www.onvif.org/ver10/device/wsdl</tds:Namespace><tds:XAddr>http://127.77.152.11/onvif/services</tds:XAddr></tds:Service>'
      + '<tds:Service><tds:Namespace>http://www.axis.com/vapix/ws/action1</tds:Namespace><tds:XAddr>http://127.77.152.11/vapix/services</tds:XAddr></tds:Service>'
      + '</tds:GetServicesResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>';
    const srv = await http('127.77.152.11', 8080, (q) => (q.path === '/' ? html() : q.method === 'POST' && q.path === '/onvif/device_service' && q.body.includes('<GetServices') ? { status: 200, headers: { 'Content-Type': 'application/soap+xml' }, body: services } : none));
    const r = await httpProbe.run({ ip: '127.77.152.11', port: 8080 }, ctxFor({ host: hostEvidence([554, 8080]) }));
    expect(srv.requests.map((q) => `${q.method} ${q.path}`)).toEqual(['GET /', 'GET /favicon.ico', 'POST /onvif/device_service']);
    expect(srv.requests[2].headers['content-type']).toMatch(/^application\/soap\+xml/);
    expect(srv.requests[2].headers.authorization).toBeUndefined();
    const rec = recordOf('127.77.152.11', r.record);
    expect(fieldsOf(rec, 'onvif.service.')).toEqual(expect.arrayContaining(['onvif.service.namespace=http://www.axis.com/vapix/ws/action1', 'onvif.service.xaddr=/onvif/services']));
    expect(identify(rec, kb).maker).toBe('axis');
  });

  it('over real sockets: the extra requests of one host stop at MAX_EXTRA_PATHS across its ports', async () => {
    const a = await http('127.77.153.10', 8080, (q) => (q.path === '/' ? html() : none));
    const b = await http('127.77.153.10', 8081, (q) => (q.path === '/' ? html() : none));
    const host = hostEvidence([8080, 8081]);
    await Promise.all([8080, 8081].map((port) => httpProbe.run({ ip: '127.77.153.10', port }, ctxFor({ host }))));
    const extra = [...a.requests, ...b.requests].filter((q) => q.path !== '/' && q.path !== '/favicon.ico');
    expect(extra.length).toBe(MAX_EXTRA_PATHS);
    expect(host.extraLeft).toBe(0);
  });

  it('over real sockets: a named device (Hikvision Server header, camera ports open) gets its platform path only', async () => {
    const srv = await http('127.77.153.11', 8080, (q) => (q.path === '/' ? { status: 200, headers: { Server: 'App-webs/', 'Content-Type': 'text/html' }, body: PAGE } : none));
    const host = hostEvidence([554, 8000, 8080]);
    await httpProbe.run({ ip: '127.77.153.11', port: 8080 }, ctxFor({ host }));
    expect(srv.requests.map((q) => q.path)).toEqual(['/', '/favicon.ico', '/ISAPI/System/deviceInfo']);
    expect(host.extraLeft).toBe(MAX_EXTRA_PATHS);
  });
});

describe('scope: DESCRIBE, GetServices and extra paths never reach a non-target', () => {
  it('a sweep of one target follows nothing its answers name on another address', async () => {
    const T = '127.77.154.10';
    const OTHER = '127.77.154.20';
    const services = `<?xml version="1.0" encoding="UTF-8"?><env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" xmlns:tds="http://www.onvif.org/ver10/device/wsdl"><env:Body><tds:GetServicesResponse><tds:Service><tds:Namespace>http://www.onvif.org/ver10/media/wsdl</tds:Namespace><tds:XAddr>http://${OTHER}:8080/onvif/Media</tds:XAddr></tds:Service></tds:GetServicesResponse></env:Body></env:Envelope>`;
    const web = await http(T, 8080, (q) => (q.path === '/' ? html(`<html><head><title>Login</title></head><body><a href="http://${OTHER}:8080/login.cgi">x</a><img src="http://${OTHER}:8080/favicon.ico"></body></html>`)
      : q.path === '/onvif/device_service' ? { status: 200, headers: { 'Content-Type': 'application/soap+xml' }, body: services }
        : { status: 302, headers: { Location: `http://${OTHER}:8080${q.path}` }, body: '' }));
    const st = await rtsp(T, 8554, (m) => (m === 'OPTIONS' ? { status: '200 OK' }
      : { status: '200 OK', headers: [['Content-Type', 'application/sdp'], ['Content-Base', `rtsp://${OTHER}:8554/`]], body: `v=0\r\ns=Media Server\r\na=control:rtsp://${OTHER}:8554/trackID=0\r\n` }));
    const otherWeb = await listener(OTHER, 8080);
    const otherRtsp = await listener(OTHER, 8554);
    const options: ScanOptions = { ports: [8080, 8554], timeoutMs: 2000, hostTimeoutMs: 20000, concurrency: 8, rate: 0, maxBytes: 262144, userAgent: 'camsweep-test', ping: false, httpPaths: httpPaths() };
    const res = await sweepHosts([T], new Map(), options);
    expect(res.hosts).toHaveLength(1);
    // The target was asked: DESCRIBE and GetServices (an RTSP port is open, the index named nothing).
    expect(st.methods).toContain('DESCRIBE');
    expect(web.requests.some((q) => q.method === 'POST' && q.path === '/onvif/device_service')).toBe(true);
    expect(web.requests.length).toBeLessThanOrEqual(2 + MAX_EXTRA_PATHS);
    // Nothing went to the other address.
    expect(otherWeb.connections).toBe(0);
    expect(otherRtsp.connections).toBe(0);
  });
});

describe('the MAC prefix of a host on the link orders the extra requests', () => {
  const defs = httpPaths();
  const vocab = kb.vocab;
  it('every `makers` entry of http-paths.yaml is a vocabulary id', () => {
    for (const d of defs) for (const m of d.makers ?? []) expect(vocab[m], `${d.id}: ${m}`).toBeDefined();
  });

  it('makerOfMac reads the IEEE organisation through the mac.vendor rules; unknown and locally administered MACs give nothing', async () => {
    const { makerOfMac } = await import('../src/fingerprint/oui.js');
    const { defaultMacLookup } = await import('../src/data/load.js');
    const lookup = defaultMacLookup();
    expect(makerOfMac(kb, lookup, '00:e0:fc:12:34:56')).toBe('huawei');
    expect(makerOfMac(kb, lookup, '44:19:b6:12:34:56')).toBe('hikvision');
    expect(makerOfMac(kb, lookup, '02:00:00:00:00:01')).toBeUndefined();
    expect(makerOfMac(kb, lookup, undefined)).toBeUndefined();
    expect(makerOfMac(kb, lookup, 'not a mac')).toBeUndefined();
  });

  it('over real sockets, through the scan: a Huawei MAC in the neighbour table puts the HiLink request first', async () => {
    const { executePlan, planScan } = await import('../src/scan/scan.js');
    const { defaultMacLookup, loadPolicy } = await import('../src/data/load.js');
    const IP = '127.77.156.10';
    const sestok = '<?xml version="1.0" encoding="UTF-8"?>\n<response>\n<SesInfo>SessionID=Qm9ndXNTZXNzaW9uSWRGb3JUZXN0aW5nT25seTAxMjM0NTY3ODk</SesInfo>\n<TokInfo>abcdef0123456789</TokInfo>\n</response>\n';
    const srv = await http(IP, 8080, (q) => (q.path === '/' ? html() : q.path === '/api/webserver/SesTokInfo' ? { status: 200, headers: { 'Content-Type': 'text/html' }, body: sestok } : none));
    const options: ScanOptions = { ports: [8080], timeoutMs: 2000, hostTimeoutMs: 20000, concurrency: 8, rate: 0, maxBytes: 262144, userAgent: 'camsweep-test', ping: false, httpPaths: httpPaths() };
    const plan = planScan({ hosts: [IP], explicitTargets: true, protocols: ['tcp'], interfaces: [], interfaceNamed: false, passive: false, listenMs: 0, options });
    const rt = { modules: {}, udp: { open: async () => { throw new Error('no UDP in this test'); } }, http: { fetch: async () => ({ error: 'none', code: 'ENONE' }) }, neighbours: () => new Map([[IP, '00:e0:fc:a1:b2:c3']]) };
    const out = await executePlan(plan, { kb, policy: loadPolicy('ndaa', kb.vocab), macVendor: defaultMacLookup() }, rt as never);
    expect(srv.requests.map((q) => q.path)).toEqual(['/', '/favicon.ico', '/api/webserver/SesTokInfo']);
    const dev = out.devices.find((d) => d.ip === IP)!;
    expect(dev.identification.maker).toBe('huawei');
    expect(dev.verdict.status).toBe('restricted');
  });
});
