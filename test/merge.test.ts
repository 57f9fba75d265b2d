import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mergeSightings, type Seen } from '../src/scan/merge.js';

describe('one device per physical device', () => {
  it('merges a camera seen over five protocols and TCP into one record', () => {
    const mac = 'bc:ba:c2:11:22:33';
    const seen: Seen[] = [
      { ip: '10.0.0.5', protocol: 'tcp', record: { ip: '10.0.0.5', open_ports: [80, 554], http: [{ port: 80, headers: { server: 'App-webs/' } }] } },
      { ip: '10.0.0.5', protocol: 'onvif', endpoint: 'urn:uuid:abc', record: { onvif: { manufacturer: 'HIKVISION', scopes: ['a'] } } },
      { ip: '10.0.0.5', protocol: 'sadp', mac: 'BC-BA-C2-11-22-33', serial: 'DS-2CD2143G0-I20200101AAWRE12345678', record: { sadp: { DeviceType: 'IPC' } } },
      { ip: '169.254.4.4', protocol: 'sadp', mac, record: { sadp: { IPv4Address: '169.254.4.4' } } },
      { ip: '10.0.0.5', protocol: 'ssdp', record: { upnp: { manufacturer: 'Hikvision' } } },
      { ip: '10.0.0.5', protocol: 'mdns', record: { mdns: [{ type: '_http._tcp' }] } },
    ];
    const out = mergeSightings(seen);
    expect(out).toHaveLength(1);
    expect(out[0].ip).toBe('10.0.0.5');
    expect(out[0].addresses).toEqual(['10.0.0.5', '169.254.4.4']);
    expect(out[0].mac).toBe(mac);
    expect(out[0].mac_from).toBe('sadp');
    expect(out[0].seen_by).toEqual(['mdns', 'onvif', 'sadp', 'ssdp', 'tcp']);
    expect(out[0].sadp).toMatchObject({ DeviceType: 'IPC', IPv4Address: '169.254.4.4' });
  });
  it('joins by serial and by endpoint across addresses', () => {
    const out = mergeSightings([
      { ip: '10.0.0.7', protocol: 'dhip', serial: '4X7C5A1ZAG21L3F', record: {} },
      { ip: '10.0.1.7', protocol: 'onvif', serial: '4x7c5a1zag21l3f', endpoint: 'urn:uuid:1', record: {} },
      { ip: '10.0.2.7', protocol: 'onvif', endpoint: 'urn:uuid:1', record: {} },
    ]);
    expect(out).toHaveLength(1);
    expect(out[0].addresses).toHaveLength(3);
  });
  it('keeps two MACs behind one IP apart', () => {
    const out = mergeSightings([
      { ip: '10.0.0.9', protocol: 'sadp', mac: 'bc:ba:c2:00:00:01', record: {} },
      { ip: '10.0.0.9', protocol: 'dhip', mac: '90:02:a9:00:00:02', record: {} },
    ]);
    expect(out).toHaveLength(2);
  });
  it('ignores empty and broadcast MACs and short serials as keys', () => {
    const out = mergeSightings([
      { ip: '10.0.0.1', protocol: 'sadp', mac: '00:00:00:00:00:00', serial: '0', record: {} },
      { ip: '10.0.0.2', protocol: 'sadp', mac: '00-00-00-00-00-00', serial: '0', record: {} },
    ]);
    expect(out).toHaveLength(2);
  });
  it('never loses a sighting and never throws (property)', () => {
    const arb = fc.array(fc.record({
      ip: fc.constantFrom('10.0.0.1', '10.0.0.2', '10.0.0.3'), protocol: fc.constantFrom('tcp', 'onvif', 'sadp'),
      mac: fc.option(fc.constantFrom('aa:bb:cc:00:00:01', 'aa:bb:cc:00:00:02'), { nil: undefined }),
      serial: fc.option(fc.constantFrom('SERIAL0001', 'SERIAL0002'), { nil: undefined }), record: fc.constant({}),
    }), { maxLength: 20 });
    fc.assert(fc.property(arb, (seen) => {
      const out = mergeSightings(seen as Seen[]);
      const ips = new Set(out.flatMap((r) => r.addresses ?? [r.ip]));
      for (const s of seen) expect(ips.has(s.ip)).toBe(true);
    }));
  });
});
