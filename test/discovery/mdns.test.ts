// mDNS/DNS-SD against the lab's responders by unicast on 127.77.22.0/24 (legacy unicast from an ephemeral port).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../src/lab/index.js';
import { mdns } from '../../src/discovery/mdns.js';
import { rebind, byIp, ctx, run } from './helpers.js';
import { createUdpApi } from '../../src/net/udp.js';

let lab: Lab;
const dev = (name: string) => lab.devices.find((d) => d.persona.name === name)!;

beforeAll(async () => { lab = await startLab({ subnet: '127.77.22.0/24' }); });
afterAll(async () => { await lab?.stop(); });

describe('mdns module (unicast, lab)', () => {
  it('browses the camera service types and resolves SRV/TXT from the same answers', async () => {
    const out = await run(mdns, ctx({ unicastTargets: lab.targets }));
    expect(out.map((s) => s.ip).sort()).toEqual([dev('axis-camera').ip, dev('hp-printer').ip].sort());
    const axis = byIp(out, dev('axis-camera').ip);
    const list = axis.record.mdns!;
    expect(list.map((m) => m.type).sort()).toEqual(['_axis-video._tcp.local', '_http._tcp.local', '_rtsp._tcp.local']);
    const video = list.find((m) => m.type === '_axis-video._tcp.local')!;
    expect(video).toMatchObject({ instance: 'AXIS M1065-L - ACCC8E012345', host: 'axis-camera.local', port: dev('axis-camera').ports[80], txt: { macaddress: 'ACCC8E012345' } });
    expect(list.find((m) => m.type === '_rtsp._tcp.local')!.port).toBe(dev('axis-camera').ports[554]);
    expect(axis.mac).toBe('ac:cc:8e:01:23:45');
    expect(axis.record.hostname).toBe('axis-camera.local');
  });

  it('follows up on a service type only the DNS-SD meta-query revealed (_ipp._tcp)', async () => {
    const out = await run(mdns, ctx({ unicastTargets: [dev('hp-printer').ip] }));
    const hp = byIp(out, dev('hp-printer').ip);
    const ipp = hp.record.mdns!.find((m) => m.type === '_ipp._tcp.local');
    expect(ipp).toMatchObject({ instance: 'HP LaserJet Pro M404dn (A80E17)', port: dev('hp-printer').ports[631] });
    expect(ipp!.txt).toMatchObject({ ty: 'HP LaserJet Pro M404dn', usb_mfg: 'HP' });
  });

  it('sends queries from an ephemeral port, never binding 5353', async () => {
    const udp = rebind(createUdpApi(), '127.77.22.1');
    await run(mdns, ctx({ unicastTargets: [dev('axis-camera').ip], udp }));
    expect(udp.opened.length).toBeGreaterThan(0);
    for (const o of udp.opened) expect(o.port ?? 0).toBe(0);
  });
});
