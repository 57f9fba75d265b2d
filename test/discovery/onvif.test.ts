// ONVIF WS-Discovery against the lab's responders by unicast on 127.77.20.0/24 (no multicast).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import dgram from 'node:dgram';
import { startLab, type Lab } from '../../src/lab/index.js';
import { onvif } from '../../src/discovery/onvif.js';
import { buildProbe, parseWsdMessage, type ProbeTypes } from '../../src/protocols/wsdiscovery.js';
import { createHttpApi } from '../../src/net/http-fetch.js';
import type { HttpApi } from '../../src/discovery/types.js';
import { byIp, ctx, run } from './helpers.js';

let lab: Lab;
const ip = (name: string) => lab.devices.find((d) => d.persona.name === name)!.ip;
const creds = (name: string) => lab.devices.find((d) => d.persona.name === name)!.persona.discovery!.onvif!.credentials!;

function countingHttp(): HttpApi & { calls: Array<{ url: string; body: string; auth: boolean }> } {
  const inner = createHttpApi();
  const calls: Array<{ url: string; body: string; auth: boolean }> = [];
  return {
    calls,
    fetch(url, o) {
      calls.push({ url, body: o.body ?? '', auth: !!o.headers?.Authorization || /UsernameToken/.test(o.body ?? '') });
      return inner.fetch(url, o);
    },
  };
}

/** One raw probe to one lab device; resolves with the replies seen in 300 ms. */
async function rawProbe(to: string, types: ProbeTypes): Promise<string[]> {
  const s = dgram.createSocket('udp4');
  const got: string[] = [];
  s.on('message', (m) => { const w = parseWsdMessage(m); if (w) got.push(w.kind + ':' + w.relatesTo); });
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  s.send(buildProbe({ messageId: `urn:uuid:00000000-0000-4000-8000-00000000000${types.length}`, types }), 3702, to);
  await new Promise((r) => setTimeout(r, 300));
  s.close();
  return got;
}

beforeAll(async () => { lab = await startLab({ subnet: '127.77.20.0/24' }); });
afterAll(async () => { await lab?.stop(); });

describe('onvif module (unicast, lab)', () => {
  it('finds every persona with ONVIF data and nothing else, with endpoint, types, scopes, XAddrs on the responder', async () => {
    const out = await run(onvif, ctx({ unicastTargets: lab.targets }));
    const want = lab.devices.filter((d) => d.persona.discovery?.onvif).map((d) => d.ip).sort();
    expect([...new Set(out.map((s) => s.ip))].sort()).toEqual(want);
    expect(out).toHaveLength(want.length); // several probe variants answered, one sighting each
    for (const s of out) {
      const d = lab.devices.find((x) => x.ip === s.ip)!;
      const o = d.persona.discovery!.onvif!;
      expect(s.protocol).toBe('onvif');
      expect(s.endpoint).toBe(o.endpoint);
      expect(s.record.onvif!.endpoint).toBe(o.endpoint);
      expect(s.record.onvif!.types).toEqual(o.types);
      expect(s.record.onvif!.scopes).toEqual(o.scopes);
      expect(s.record.onvif!.xaddrs).toEqual([`http://${d.ip}:${d.ports[80]}${o.xaddrPath}`]);
      expect(Date.parse(s.at)).toBeGreaterThan(0);
    }
    const hik = byIp(out, ip('hikvision-camera'));
    expect(hik.mac).toBe('44:19:b6:12:34:56'); // from the MAC scope
  });

  it('measures clock skew, reads GetServices, and records GetDeviceInformation refused without credentials', async () => {
    const out = await run(onvif, ctx({ unicastTargets: [ip('hikvision-camera'), ip('hikvision-nvr')] }));
    const hik = byIp(out, ip('hikvision-camera'));
    expect(Math.abs(hik.record.onvif!.clock_skew_s! - 3720)).toBeLessThanOrEqual(2);
    expect(hik.record.onvif!.manufacturer).toBeUndefined();
    const x = hik.record.x_onvif as { device_info: string; services?: Array<{ namespace: string }> };
    expect(x.device_info).toBe('refused');
    expect(x.services?.map((s) => s.namespace)).toContain('http://www.onvif.org/ver10/device/wsdl');
    const nvr = byIp(out, ip('hikvision-nvr'));
    expect(Math.abs(nvr.record.onvif!.clock_skew_s!)).toBeLessThanOrEqual(2);
  });

  it('with the right credential: WS-UsernameToken on the device clock; one attempt per credential, never more', async () => {
    const http = countingHttp();
    const c = creds('hikvision-camera');
    const out = await run(onvif, ctx({ unicastTargets: [ip('hikvision-camera')], http, credentials: [{ username: c.username, password: 'wrong' }, c] }));
    const s = byIp(out, ip('hikvision-camera'));
    expect(s.record.onvif).toMatchObject({ manufacturer: 'HIKVISION', model: 'DS-2CD2143G0-I', firmware: 'V5.6.3 build 190923', serial: 'DS-2CD2143G0-I20190923AAWRD12345678', hardware: '88' });
    expect(s.serial).toBe('DS-2CD2143G0-I20190923AAWRD12345678');
    expect(s.record.x_onvif).toMatchObject({ device_info: 'authenticated', user: c.username });
    expect(JSON.stringify(s)).not.toContain(c.password);
    // GetSystemDateAndTime, GetServices, GetDeviceInformation, then exactly one attempt per credential.
    expect(http.calls.map((x) => (x.auth ? 'auth' : /GetSystemDateAndTime|GetServices|GetDeviceInformation/.exec(x.body)![0]))).toEqual(
      ['GetSystemDateAndTime', 'GetServices', 'GetDeviceInformation', 'auth', 'auth']);
    for (const call of http.calls) expect(new URL(call.url).hostname).toBe(ip('hikvision-camera'));
  });

  it('falls back to HTTP Digest when the device answers the UsernameToken with 401', async () => {
    const http = countingHttp();
    const out = await run(onvif, ctx({ unicastTargets: [ip('dahua-camera')], http, credentials: [creds('dahua-camera')] }));
    const s = byIp(out, ip('dahua-camera'));
    expect(s.record.onvif).toMatchObject({ manufacturer: 'Dahua', model: 'IPC-HFW2431S-S-S2', serial: '4X7C5A1ZAG21L3F' });
    expect(s.record.x_onvif).toMatchObject({ device_info: 'authenticated' });
    expect(http.calls.filter((c) => c.auth)).toHaveLength(2); // token (401 + challenge) then Digest, same credential
  });

  it('a wrong credential is tried once and the device stays unidentified', async () => {
    const http = countingHttp();
    const out = await run(onvif, ctx({ unicastTargets: [ip('dahua-camera')], http, credentials: [{ username: 'onvif-audit', password: 'nope' }] }));
    const s = byIp(out, ip('dahua-camera'));
    expect(s.record.onvif!.manufacturer).toBeUndefined();
    expect(s.record.x_onvif).toMatchObject({ device_info: 'refused' });
    expect(http.calls.filter((c) => c.auth).length).toBeLessThanOrEqual(2);
  });

  it('lab responders filter by Types like a real device (NVR lists only tds:Device; nobody answers wsdp:Device)', async () => {
    expect(await rawProbe(ip('hikvision-nvr'), 'nvt')).toEqual([]);
    expect(await rawProbe(ip('hikvision-nvr'), 'device')).toHaveLength(1);
    expect(await rawProbe(ip('hikvision-camera'), 'nvt')).toHaveLength(1);
    expect(await rawProbe(ip('hikvision-camera'), 'none')).toHaveLength(1);
    expect(await rawProbe(ip('hikvision-camera'), 'wsdp-device')).toEqual([]);
    const r = await rawProbe(ip('axis-camera'), 'nvt');
    expect(r[0]).toMatch(/^probematches:urn:uuid:/);
  });

  it('an aborted signal ends the run promptly', async () => {
    const ac = new AbortController();
    const t0 = Date.now();
    const p = run(onvif, ctx({ unicastTargets: lab.targets, signal: ac.signal, listenMs: 10_000 }));
    setTimeout(() => ac.abort(), 100);
    await p;
    expect(Date.now() - t0).toBeLessThan(3000);
  });
});
