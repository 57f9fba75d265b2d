// Vendor paths that name D-Link (HNAP) and Reolink (api.cgi) devices whose index page names no
// platform, over real sockets on loopback (127.77.180.0/24): the host's MAC maker makes the path the
// most likely extra request, the device's answer names the maker, and the request carries no credential.
import { afterAll, describe, expect, it } from 'vitest';
import { httpProbe, hostEvidence, planPaths } from '../src/probes/http.js';
import { connectCheck, exchange, session } from '../src/net/tcp.js';
import { httpPaths, defaultKnowledgeBase } from '../src/data/load.js';
import { identify } from '../src/fingerprint/engine.js';
import type { HttpObservation, ObservationRecord } from '../src/model/types.js';
import type { ProbeContext } from '../src/probes/types.js';
import { httpServer, type HttpReply, type HttpRequestSeen } from './helpers/responders.js';

const closers: Array<() => Promise<void>> = [];
afterAll(async () => { await Promise.all(closers.map((c) => c())); });
const kb = defaultKnowledgeBase();
const ctxFor = (o: Partial<ProbeContext> = {}): ProbeContext => ({
  timeoutMs: 3000, maxBytes: 262144, signal: new AbortController().signal, userAgent: 'camsweep-test',
  net: { exchange, connectCheck, session }, httpPaths: httpPaths(), ...o,
});
const PAGE = '<!DOCTYPE html><html><head><title>Login</title></head><body><form><input name="user"></form></body></html>';
const none: HttpReply = { status: 404, headers: { 'Content-Type': 'text/html' }, body: '<html><body>Not Found</body></html>' };
const recordOf = (ip: string, r: Partial<ObservationRecord>): ObservationRecord => ({ ip, ...r } as ObservationRecord);
async function http(ip: string, port: number, reply: (r: HttpRequestSeen) => HttpReply) {
  const s = await httpServer(ip, port, reply, { keepAlive: true });
  closers.push(() => s.close());
  return s;
}
const obs = (o: Partial<HttpObservation>): HttpObservation => ({ port: 80, path: '/', status: 200, ...o } as HttpObservation);

// The GetDeviceSettingsResponse layout nmap's hnap-info.nse parses (D-Link DIR routers).
const HNAP = '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
  + '<GetDeviceSettingsResponse xmlns="http://purenetworks.com/HNAP1/"><Type>GatewayWithWiFi</Type><DeviceName>D-Link DIR-865L</DeviceName><VendorName>D-Link</VendorName>'
  + '<ModelDescription>Wireless AC1750 Dual Band Gigabit Cloud Router</ModelDescription><ModelName>DIR-865L</ModelName><FirmwareVersion>1.07, 2016/01/06</FirmwareVersion>'
  + '<PresentationURL>/</PresentationURL><SOAPActions><string>http://purenetworks.com/HNAP1/GetDeviceSettings</string></SOAPActions></GetDeviceSettingsResponse></soap:Body></soap:Envelope>';
// Reolink's api.cgi answer to a command without a token (the error envelope of the Reolink HTTP API).
const REOLINK = '[\n   {\n      "cmd" : "GetDevInfo",\n      "code" : 1,\n      "error" : {\n         "detail" : "please login first",\n         "rspCode" : -6\n      }\n   }\n]\n';

describe('D-Link HNAP and Reolink api.cgi as extra requests', () => {
  const defs = httpPaths();
  const ids = (d: Array<{ id: string }>) => d.map((x) => x.id);

  it('the MAC maker puts its path first; an index naming the platform asks it alone', () => {
    const plain = [obs({ headers: { 'content-type': 'text/html' }, body: PAGE })];
    expect(ids(planPaths(defs, plain, [80], ['dlink']).extra)[0]).toBe('dlink-hnap1');
    expect(ids(planPaths(defs, plain, [80], ['reolink']).extra)[0]).toBe('reolink-getdevinfo');
    // Without any mark the new paths are last in file order: a scan of an unknown device is unchanged.
    expect(ids(planPaths(defs, plain, [80]).extra).slice(-2)).toEqual(['dlink-hnap1', 'reolink-getdevinfo']);
    const named = planPaths(defs, [obs({ headers: { 'content-type': 'text/html' }, body: '<script src="/js/hnap.js"></script><script>var url="/HNAP1/";</script>' })], [80]);
    expect(ids(named.always)).toEqual(['favicon', 'dlink-hnap1']);
    expect(named.extra).toEqual([]);
  });

  it('over real sockets: a D-Link MAC host is asked /HNAP1/ first and its GetDeviceSettings answer names D-Link', async () => {
    const srv = await http('127.77.180.10', 8080, (q) => (q.path === '/' ? { status: 200, headers: { 'Content-Type': 'text/html' }, body: PAGE }
      : q.method === 'GET' && q.path === '/HNAP1/' ? { status: 200, headers: { 'Content-Type': 'text/xml' }, body: HNAP } : none));
    const host = hostEvidence([80, 8080], undefined, ['dlink']);
    const r = await httpProbe.run({ ip: '127.77.180.10', port: 8080 }, ctxFor({ host }));
    expect(srv.requests.map((q) => `${q.method} ${q.path}`)).toEqual(['GET /', 'GET /favicon.ico', 'GET /HNAP1/']);
    expect(srv.requests.every((q) => q.headers.authorization === undefined && q.headers.soapaction === undefined)).toBe(true);
    const id = identify(recordOf('127.77.180.10', r.record), kb);
    expect(id.maker).toBe('dlink');
  });

  it('over real sockets: a Reolink MAC host is sent GetDevInfo without a token and the API envelope names Reolink', async () => {
    const srv = await http('127.77.180.11', 8080, (q) => (q.path === '/' ? { status: 200, headers: { 'Content-Type': 'text/html' }, body: PAGE }
      : q.method === 'POST' && q.path === '/cgi-bin/api.cgi?cmd=GetDevInfo' ? { status: 200, headers: { 'Content-Type': 'application/json' }, body: REOLINK } : none));
    const host = hostEvidence([80, 8080], undefined, ['reolink']);
    const r = await httpProbe.run({ ip: '127.77.180.11', port: 8080 }, ctxFor({ host }));
    expect(srv.requests.map((q) => `${q.method} ${q.path}`)).toEqual(['GET /', 'GET /favicon.ico', 'POST /cgi-bin/api.cgi?cmd=GetDevInfo']);
    expect(JSON.parse(srv.requests[2].body)).toEqual([{ cmd: 'GetDevInfo', action: 0, param: {} }]);
    expect(srv.requests[2].headers.authorization).toBeUndefined();
    expect(srv.requests[2].path).not.toMatch(/token|password|user/i);
    expect(identify(recordOf('127.77.180.11', r.record), kb).maker).toBe('reolink');
  });
});
