// Byte-level vendor quirks the fingerprint rules depend on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../src/lab/index.js';
import { exchange, get, headerValues, replies, splitResponse } from './helpers.js';

let lab: Lab;
const at = (name: string) => {
  const d = lab.devices.find((x) => x.persona.name === name);
  if (!d) throw new Error(`no device ${name}`);
  return d;
};
const http = async (name: string, req: string, std = 80) => {
  const d = at(name);
  return splitResponse((await exchange(d.ip, d.ports[std]!, req)).data);
};
const post = (p: string, body: string, ct = 'application/json') =>
  `POST ${p} HTTP/1.1\r\nHost: lab\r\nContent-Type: ${ct}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;

beforeAll(async () => { lab = await startLab({ subnet: '127.77.2.0/24' }); });
afterAll(async () => { await lab?.stop(); });

describe('Hikvision', () => {
  it('ISAPI deviceInfo: 401 with two separate WWW-Authenticate lines and the IP Camera realm', async () => {
    const r = await http('hikvision-camera', get('/ISAPI/System/deviceInfo'));
    expect(r.status).toBe('HTTP/1.1 401 Unauthorized');
    expect(headerValues(r.headerLines, 'server')).toEqual(['App-webs/']);
    const auth = headerValues(r.headerLines, 'www-authenticate');
    expect(auth).toHaveLength(2);
    expect(auth[0]).toMatch(/^Digest qop="auth", realm="IP Camera\(C2183\)", nonce="[0-9a-f]+", stale="FALSE"$/);
    expect(auth[1]).toMatch(/realm="IP Camera\(C2183\)".*algorithm="SHA-256"/);
  });
  it('index points at /doc/page/login.asp, login page answers', async () => {
    const r = await http('hikvision-camera', get('/'));
    expect(r.status).toMatch(/^HTTP\/1\.1 (200|302) /);
    expect(r.body.toString()).toContain('/doc/page/login.asp');
    const l = await http('hikvision-camera', get('/doc/page/login.asp'));
    expect(l.status).toBe('HTTP/1.1 200 OK');
    const s = await http('hikvision-camera', get('/doc/script/lib/seajs/config/sea-config.js'));
    expect(s.body.toString()).toMatch(/seajs\.web_version\s*=\s*"V[0-9.]+build[0-9]+"/);
  });
  it('NVR: DNVRS-Webs redirect to the login page', async () => {
    const r = await http('hikvision-nvr', get('/'));
    expect(r.status).toBe('HTTP/1.1 302 Redirect');
    expect(headerValues(r.headerLines, 'server')).toEqual(['DNVRS-Webs']);
    expect(headerValues(r.headerLines, 'location')[0]).toBe('http://lab/doc/page/login.asp');
  });
  it('RTSP: OPTIONS 200 then DESCRIBE 401 on one connection, CSeq echoed', async () => {
    const d = at('hikvision-camera');
    const r = await exchange(d.ip, d.ports[554]!, `OPTIONS rtsp://${d.ip}/ RTSP/1.0\r\nCSeq: 2\r\n\r\nDESCRIBE rtsp://${d.ip}/Streaming/Channels/101 RTSP/1.0\r\nCSeq: 3\r\nAccept: application/sdp\r\n\r\n`, { until: replies(2) });
    const [a, b] = r.text.split('\r\n\r\n');
    expect(a).toMatch(/^RTSP\/1\.0 200 OK\r\nCSeq: 2\r\nPublic: OPTIONS, DESCRIBE/);
    expect(b).toMatch(/^RTSP\/1\.0 401 Unauthorized\r\nCSeq: 3\r\nWWW-Authenticate: Digest realm="IP Camera\(C2183\)", nonce="[0-9a-f]{32}", stale="FALSE"/);
    expect(r.text).not.toMatch(/\r\nServer:/);
  });
  it('SDK port 8000 answers the nmap ipcam shape', async () => {
    const d = at('hikvision-camera');
    const r = await exchange(d.ip, d.ports[8000]!, Buffer.alloc(32));
    expect(r.data).toEqual(Buffer.from([0, 0, 0, 0x10, 0, 0, 0, 0x1e, 0, 0, 0, 0x1e, 0, 0, 0, 0]));
  });
  it('LTS (OEM) keeps the Hikvision platform under its own label', async () => {
    const r = await http('lts-camera', get('/doc/page/login.asp'));
    expect(headerValues(r.headerLines, 'server')).toEqual(['App-webs/']);
    expect(r.body.toString()).toContain('<title>LTS</title>');
    const a = await http('lts-camera', get('/ISAPI/System/deviceInfo'));
    expect(headerValues(a.headerLines, 'www-authenticate')[0]).toMatch(/realm="IP Camera\([A-Z0-9]{5}\)"/);
  });
  it('EZVIZ: newer webserver headers and BOM body', async () => {
    const r = await http('ezviz-camera', get('/'));
    expect(headerValues(r.headerLines, 'server')).toEqual(['webserver']);
    expect(headerValues(r.headerLines, 'x-frame-options')).toEqual(['SAMEORIGIN']);
    expect(r.body.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });
});

describe('Dahua and Amcrest', () => {
  it('web UI: no Server header, upper-case header names, BOM, WEB SERVICE title', async () => {
    const r = await http('dahua-camera', get('/'));
    expect(r.status).toBe('HTTP/1.1 200 OK');
    expect(headerValues(r.headerLines, 'server')).toEqual([]);
    const names = r.headerLines.map((l) => l.slice(0, l.indexOf(':')));
    for (const n of ['CONTENT-TYPE', 'CACHE-CONTROL', 'P3P', 'CONTENT-LENGTH']) expect(names).toContain(n);
    expect(r.body.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const body = r.body.toString();
    expect(body).toContain('<title>WEB SERVICE</title>');
    expect(body).toContain('ui-dialog-content');
    expect(Number(headerValues(r.headerLines, 'content-length')[0])).toBe(r.body.length);
  });
  it('/RPC2_Login returns the login challenge with the realm, echoing the request id', async () => {
    const r = await http('dahua-camera', post('/RPC2_Login', JSON.stringify({ method: 'global.login', params: { userName: 'admin', password: '', clientType: 'Web3.0' }, id: 7, session: 0 })));
    const j = JSON.parse(r.body.toString()) as { error: { code: number; message: string }; id: number; params: Record<string, string>; result: boolean; session: string };
    expect(j.error).toEqual({ code: 268632079, message: 'Component error: login challenge!' });
    expect(j.id).toBe(7);
    expect(j.params.realm).toBe('Login to 4X7C5A1ZAG21L3F');
    expect(j.params.encryption).toBe('Default');
    expect(j.params.random).toMatch(/^\d+$/);
    expect(j.params.authorization).toMatch(/^[0-9a-f]{40}$/);
    expect(j.result).toBe(false);
    expect(j.session).toMatch(/^[0-9a-f]{32}$/);
  });
  it('CGI needs auth: 401 Digest Login to <serial>', async () => {
    const r = await http('dahua-camera', get('/cgi-bin/magicBox.cgi?action=getSystemInfo'));
    expect(r.status).toBe('HTTP/1.1 401 Unauthorized');
    expect(headerValues(r.headerLines, 'www-authenticate')[0]).toMatch(/^Digest realm="Login to 4X7C5A1ZAG21L3F", qop="auth", nonce="\d+"/);
  });
  it('RTSP: Dahua Rtsp Server, 401 Digest realm, CSeq echoed', async () => {
    const d = at('dahua-camera');
    const r = await exchange(d.ip, d.ports[554]!, `DESCRIBE rtsp://${d.ip}/cam/realmonitor?channel=1&subtype=0 RTSP/1.0\r\nCSeq: 9\r\n\r\n`, { until: replies(1) });
    const s = splitResponse(r.data);
    expect(s.status).toBe('RTSP/1.0 401 Unauthorized');
    expect(s.headerLines).toContain('CSeq: 9');
    expect(s.headerLines).toContain('Server: Dahua Rtsp Server');
    expect(headerValues(s.headerLines, 'www-authenticate')[0]).toMatch(/^Digest realm="Login to 4X7C5A1ZAG21L3F", nonce=/);
  });
  it('Amcrest: Amcrest label, Dahua platform tells reachable without auth', async () => {
    const r = await http('amcrest-camera', get('/'));
    const body = r.body.toString();
    expect(body).toContain('<title>Amcrest</title>');
    expect(body).toContain('V2.800.00AC006.0.R');
    expect(headerValues(r.headerLines, 'server')).toEqual([]);
    const l = await http('amcrest-camera', post('/RPC2_Login', '{"method":"global.login","params":{"userName":"admin","password":"","clientType":"Web3.0"},"id":1,"session":0}'));
    expect((JSON.parse(l.body.toString()) as { params: { realm: string } }).params.realm).toMatch(/^Login to 9C8ECD/);
    const t = await http('amcrest-camera', get('/custom_lang/English.txt'));
    expect(t.body.toString()).toMatch(/Copyright\s*[0-9]+\s*Amcrest\s*Technologies/);
    expect(t.body.toString()).toContain('w_camera_info');
  });
});

describe('non-restricted makers and controls', () => {
  it('Axis basicdeviceinfo JSON-RPC (POST and GET)', async () => {
    const r = await http('axis-camera', post('/axis-cgi/basicdeviceinfo.cgi', '{"apiVersion":"1.0","method":"getAllUnrestrictedProperties"}'));
    const j = JSON.parse(r.body.toString()) as { apiVersion: string; data: { propertyList: Record<string, string> } };
    expect(j.apiVersion).toBe('1.3');
    expect(j.data.propertyList).toMatchObject({ Brand: 'AXIS', ProdFullName: 'AXIS M1065-L Network Camera', ProdNbr: 'M1065-L', ProdType: 'Network Camera', SerialNumber: 'ACCC8E012345', Version: '10.12.114' });
    const g = await http('axis-camera', get('/axis-cgi/basicdeviceinfo.cgi'));
    expect(g.status).toBe('HTTP/1.1 200 OK');
    const p = await http('axis-camera', get('/axis-cgi/param.cgi?action=list'));
    expect(headerValues(p.headerLines, 'www-authenticate')[0]).toContain('realm="AXIS_WS_ACCC8E012345"');
  });
  it('Uniview LAPI 401 Digest', async () => {
    const r = await http('uniview-camera', get('/LAPI/V1.0/System/DeviceInfo'));
    expect(r.status).toBe('HTTP/1.1 401 Unauthorized');
    expect(headerValues(r.headerLines, 'www-authenticate')[0]).toMatch(/^Digest /);
  });
  it('Hanwha SUNAPI markers and iPolis realm', async () => {
    const r = await http('hanwha-camera', get('/'));
    expect(r.body.toString()).toContain('/stw-cgi/');
    const a = await http('hanwha-camera', get('/stw-cgi/system.cgi?msubmenu=deviceinfo&action=view'));
    expect(headerValues(a.headerLines, 'www-authenticate')).toHaveLength(2);
    expect(headerValues(a.headerLines, 'www-authenticate')[0]).toContain('realm="iPolis_');
  });
  it('Bosch, nginx, HP, Xiongmai, Huawei server banners', async () => {
    expect(headerValues((await http('bosch-camera', get('/'))).headerLines, 'server')).toEqual(['VCS-VideoJet-Webserver']);
    const n = await http('nginx-server', get('/'));
    expect(headerValues(n.headerLines, 'server')).toEqual(['nginx/1.24.0']);
    expect(n.body.toString()).toContain('<title>Welcome to nginx!</title>');
    expect(headerValues((await http('hp-printer', get('/'))).headerLines, 'server')[0]).toMatch(/^HP HTTP Server; HP LaserJet Pro M404dn - W1A53A; Serial Number: /);
    const x = await http('xiongmai-dvr', get('/'));
    expect(headerValues(x.headerLines, 'server')).toEqual(['uc-httpd 1.0.0']);
    expect(x.body.toString()).toContain('<title>NETSurveillance WEB</title>');
    expect(headerValues((await http('huawei-router', get('/'))).headerLines, 'server')).toEqual(['Huawei Auth-Http Server 1.0']);
  });
});

describe('HTTP handling', () => {
  it('HEAD returns the GET headers without a body', async () => {
    const r = await http('nginx-server', 'HEAD / HTTP/1.1\r\nHost: lab\r\n\r\n');
    expect(r.status).toBe('HTTP/1.1 200 OK');
    expect(Number(headerValues(r.headerLines, 'content-length')[0])).toBeGreaterThan(0);
    expect(r.body.length).toBe(0);
  });
  it('unknown paths use the persona 404, malformed requests get 400, connection always closes', async () => {
    const r = await http('nginx-server', get('/nope'));
    expect(r.status).toBe('HTTP/1.1 404 Not Found');
    expect(r.body.toString()).toContain('nginx/1.24.0');
    const bad = await http('nginx-server', 'garbage\r\n\r\n');
    expect(bad.status).toBe('HTTP/1.1 400 Bad Request');
  });
  it('favicon bytes are distinct per persona', async () => {
    const icos = new Set<string>();
    for (const name of ['hikvision-camera', 'dahua-camera', 'axis-camera', 'hp-printer']) {
      const r = await http(name, get('/favicon.ico'));
      expect(r.status).toMatch(/ 200 OK$/);
      expect(r.body.subarray(0, 4)).toEqual(Buffer.from([0, 0, 1, 0]));
      icos.add(r.body.toString('hex'));
    }
    expect(icos.size).toBe(4);
  });
  it('ONVIF GetSystemDateAndTime is answered pre-auth; GetDeviceInformation needs auth', async () => {
    const env = (op: string) => `<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><${op} xmlns="http://www.onvif.org/ver10/device/wsdl"/></s:Body></s:Envelope>`;
    const t = await http('hikvision-camera', post('/onvif/device_service', env('GetSystemDateAndTime'), 'application/soap+xml; charset=utf-8'));
    expect(t.status).toBe('HTTP/1.1 200 OK');
    expect(t.body.toString()).toContain('<tt:UTCDateTime>');
    const i = await http('hikvision-camera', post('/onvif/device_service', env('GetDeviceInformation'), 'application/soap+xml; charset=utf-8'));
    expect(i.status).toBe('HTTP/1.1 401 Unauthorized');
  });
});
