// Hikvision SADP and Dahua DHIP against the lab's responders by unicast on 127.77.23.0/24.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../src/lab/index.js';
import { sadp } from '../../src/discovery/sadp.js';
import { dhip } from '../../src/discovery/dhip.js';
import { byIp, ctx, run } from './helpers.js';

let lab: Lab;
const dev = (name: string) => lab.devices.find((d) => d.persona.name === name)!;

beforeAll(async () => { lab = await startLab({ subnet: '127.77.23.0/24' }); });
afterAll(async () => { await lab?.stop(); });

describe('sadp module (unicast, lab)', () => {
  it('finds exactly the Hikvision-platform personas with every ProbeMatch field', async () => {
    const out = await run(sadp, ctx({ unicastTargets: lab.targets }));
    const want = ['hikvision-camera', 'hikvision-nvr', 'lts-camera', 'ezviz-camera'].map((n) => dev(n).ip).sort();
    expect(out.map((s) => s.ip).sort()).toEqual(want);
    const hik = byIp(out, dev('hikvision-camera').ip);
    expect(hik.record.sadp).toMatchObject({
      DeviceDescription: 'DS-2CD2143G0-I', DeviceSN: 'DS-2CD2143G0-I20190923AAWRD12345678', SoftwareVersion: 'V5.6.3build 190923',
      MAC: '44-19-b6-12-34-56', IPv4Address: dev('hikvision-camera').ip, Activated: 'true', CommandPort: '8000', HttpPort: String(dev('hikvision-camera').ports[80]),
    });
    expect(hik.record.sadp!.Uuid).toMatch(/^[0-9A-F-]{36}$/);
    expect(hik.mac).toBe('44:19:b6:12:34:56');
    expect(hik.serial).toBe('DS-2CD2143G0-I20190923AAWRD12345678');
    expect(byIp(out, dev('lts-camera').ip).record.sadp).toMatchObject({ OEMInfo: 'LTS' });
    expect(byIp(out, dev('hikvision-nvr').ip).record.sadp).toMatchObject({ DigitalChannelNum: '8' });
  });
});

describe('dhip module (unicast, lab)', () => {
  it('finds exactly the Dahua-platform personas with flattened deviceInfo', async () => {
    const out = await run(dhip, ctx({ unicastTargets: lab.targets }));
    expect(out.map((s) => s.ip).sort()).toEqual([dev('dahua-camera').ip, dev('amcrest-camera').ip].sort());
    const d = byIp(out, dev('dahua-camera').ip);
    expect(d.record.dhip).toMatchObject({
      DeviceClass: 'IPC', DeviceType: 'IPC-HFW2431S-S-S2', SerialNo: '4X7C5A1ZAG21L3F', Vendor: 'General', Version: '2.800.0000016.0.R',
      'IPv4Address.IPAddress': dev('dahua-camera').ip, 'IPv6Address.IPAddress': 'fe80::3eef:8cff:fe41:6cce/64', mac: '3c:ef:8c:41:6c:ce',
    });
    expect(d.mac).toBe('3c:ef:8c:41:6c:ce');
    expect(d.serial).toBe('4X7C5A1ZAG21L3F');
    expect(byIp(out, dev('amcrest-camera').ip).record.dhip).toMatchObject({ Vendor: 'Amcrest', DeviceType: 'IP4M-1041B' });
  });
});
