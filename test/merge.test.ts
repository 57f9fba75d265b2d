import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mergeDevices, mergeSightings, sightingIdentifier, type Seen } from '../src/scan/merge.js';
import { deviceId, identityKey } from '../src/model/identity.js';

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

  it('never joins two hosts whose MACs differ because they share an endpoint or a serial: it says so instead', () => {
    // Four wsdd hosts: one endpoint UUID (derived from one host name), four MACs (three from the
    // neighbour table, one from an EUI-64 IPv6 source).
    const ep = 'urn:uuid:6a1c3f7e-8b2d-4e59-a0c4-1d2e3f405162';
    const seen: Seen[] = [
      { ip: '10.0.0.31', protocol: 'onvif', endpoint: ep, linkMac: '02:00:00:00:00:31', record: { onvif: { endpoint: ep } } },
      { ip: '10.0.0.32', protocol: 'onvif', endpoint: ep, linkMac: '02:00:00:00:00:32', record: { onvif: { endpoint: ep } } },
      { ip: '10.0.0.33', protocol: 'onvif', endpoint: ep, linkMac: '02:00:00:00:00:33', record: { onvif: { endpoint: ep } } },
      { ip: 'fe80::ff:fe00:34%eth0', protocol: 'onvif', endpoint: ep, mac: '02:00:00:00:00:34', macFrom: 'eui64', record: { onvif: { endpoint: ep } } },
      // The same endpoint from the first host over IPv6 (its EUI-64 MAC is its neighbour-table MAC): the same device.
      { ip: 'fe80::ff:fe00:31%eth0', protocol: 'onvif', endpoint: ep, mac: '02:00:00:00:00:31', macFrom: 'eui64', aliases: ['10.0.0.31'], record: { onvif: { endpoint: ep } } },
    ];
    const out = mergeDevices(seen);
    expect(out.map((d) => d.record.addresses ?? [d.record.ip])).toEqual([['10.0.0.31', 'fe80::ff:fe00:31%eth0'], ['10.0.0.32'], ['10.0.0.33'], ['fe80::ff:fe00:34%eth0']]);
    for (const [i, d] of out.entries()) {
      expect(d.shared.length, `device ${i}`).toBe(3);
      expect(d.shared.every((x) => x.kind === 'endpoint' && x.value === ep)).toBe(true);
      expect(new Set(d.shared.map((x) => x.other))).toEqual(new Set([0, 1, 2, 3].filter((j) => j !== i)));
    }
    // Same for a serial that cheap firmware repeats.
    const twins = mergeDevices([
      { ip: '10.0.0.7', protocol: 'dhip', serial: '4X7C5A1ZAG21L3F', mac: '3c:ef:8c:00:00:01', record: {} },
      { ip: '10.0.0.8', protocol: 'dhip', serial: '4X7C5A1ZAG21L3F', mac: '3c:ef:8c:00:00:02', record: {} },
    ]);
    expect(twins).toHaveLength(2);
    expect(twins[0].shared).toEqual([{ kind: 'serial', value: '4X7C5A1ZAG21L3F', other: 1 }]);
  });

  it('a shared endpoint still joins when no MAC contradicts it (one MAC unknown, or the same MAC)', () => {
    const ep = 'urn:uuid:1';
    expect(mergeDevices([
      { ip: '10.0.0.5', protocol: 'onvif', endpoint: ep, linkMac: '02:00:00:00:00:05', record: {} },
      { ip: '10.0.1.5', protocol: 'ssdp', endpoint: ep, record: {} },
      { ip: '10.0.2.5', protocol: 'onvif', endpoint: ep, mac: '02-00-00-00-00-05', record: {} },
    ])).toHaveLength(1);
  });

  it('keeps the sightings that formed a device, each with its strongest identifier', () => {
    const [d] = mergeDevices([
      { ip: '10.0.0.5', protocol: 'tcp', at: '2025-01-01T00:00:00.000Z', record: { ip: '10.0.0.5', open_ports: [80] } },
      { ip: '10.0.0.5', protocol: 'onvif', endpoint: 'urn:uuid:AB', at: '2025-01-01T00:00:01.000Z', record: {} },
      { ip: '10.0.0.5', protocol: 'dhip', serial: 'abc123456', mac: '3C:EF:8C:41:6C:CE', at: '2025-01-01T00:00:02.000Z', record: {} },
    ]);
    expect(d.seen.map(sightingIdentifier)).toEqual(['ip:10.0.0.5', 'endpoint:urn:uuid:ab', 'mac:3c:ef:8c:41:6c:ce']);
  });
});

describe('device_id', () => {
  it('is a stable hash of the strongest identifier: MAC, then serial with maker, then endpoint, then address', () => {
    expect(identityKey({ ip: '10.0.0.5', mac: '3C-EF-8C-41-6C-CE', onvif: { serial: 'X123456', endpoint: 'urn:uuid:1' } })).toBe('mac:3c:ef:8c:41:6c:ce');
    expect(identityKey({ ip: '10.0.0.5', onvif: { serial: 'x123456', endpoint: 'urn:uuid:1' } }, { maker: 'dahua' })).toBe('serial:dahua:X123456');
    expect(identityKey({ ip: '10.0.0.5', sadp: { DeviceSN: 'DS-2CD2143G0-I2019' } })).toBe('serial:-:DS-2CD2143G0-I2019');
    expect(identityKey({ ip: '10.0.0.5', upnp: { udn: 'uuid:ABC' } })).toBe('endpoint:uuid:abc');
    expect(identityKey({ ip: 'FE80::1%eth0' })).toBe('ip:fe80::1');
    expect(deviceId('mac:3c:ef:8c:41:6c:ce')).toMatch(/^d-[0-9a-f]{12}$/);
    expect(deviceId('mac:3c:ef:8c:41:6c:ce')).toBe(deviceId('mac:3c:ef:8c:41:6c:ce'));
    expect(deviceId('mac:3c:ef:8c:41:6c:ce')).not.toBe(deviceId('mac:3c:ef:8c:41:6c:cf'));
  });
});
