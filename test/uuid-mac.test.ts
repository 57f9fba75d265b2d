// The MAC in a device UUID's node field (RFC 4122 §4.1.6) read by the OUI rules: src/model/address.ts
// macInUuid, the uuid-mac-vendor derived field (src/fingerprint/fields.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { macInUuid } from '../src/model/address.js';
import { extractFields } from '../src/fingerprint/fields.js';
import { identify } from '../src/fingerprint/engine.js';
import { defaultKnowledgeBase, defaultMacLookup } from '../src/data/load.js';
import type { ObservationRecord } from '../src/model/types.js';

// 44:19:b6 is an IEEE MA-L block of Hangzhou Hikvision Digital Technology; 00:40:8c of Axis.
const HIK_UDN = 'uuid:a7a19e6a-1dd1-11b2-9d03-4419b6a1b2c3';

describe('macInUuid', () => {
  it('reads the node of a time-based UUID, in UDN, USN and urn:uuid forms', () => {
    expect(macInUuid(HIK_UDN)).toBe('44:19:b6:a1:b2:c3');
    expect(macInUuid(`${HIK_UDN.toUpperCase()}::upnp:rootdevice`)).toBe('44:19:b6:a1:b2:c3');
    expect(macInUuid('urn:uuid:00010203-0405-1607-8809-00408c123456')).toBe('00:40:8c:12:34:56');
  });

  it('gives nothing for random UUIDs, random or local nodes, and non-UUIDs', () => {
    expect(macInUuid('uuid:1b4e28ba-2fa1-41d2-883f-0016d3cca427')).toBeUndefined(); // version 4
    expect(macInUuid('uuid:a7a19e6a-1dd1-11b2-9d03-4519b6a1b2c3')).toBeUndefined(); // multicast bit: random node
    expect(macInUuid('uuid:a7a19e6a-1dd1-11b2-9d03-4619b6a1b2c3')).toBeUndefined(); // locally administered
    expect(macInUuid('uuid:a7a19e6a-1dd1-11b2-9d03-000000000000')).toBeUndefined();
    expect(macInUuid('uuid:a7a19e6a-1dd1-11b2-9d03-4419b6a1b2c3d')).toBeUndefined(); // 13 hex digits: not a node
    expect(macInUuid('not a uuid')).toBeUndefined();
    expect(macInUuid(42)).toBeUndefined();
  });

  it('never throws, returns a colon MAC or nothing, and looks at a bounded prefix (property)', () => {
    fc.assert(fc.property(fc.string({ maxLength: 600 }), (s) => {
      const m = macInUuid(s);
      return m === undefined || /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/.test(m);
    }), { numRuns: 500 });
    expect(macInUuid(`${'x'.repeat(300)}${HIK_UDN}`)).toBeUndefined();
  });
});

describe('the UUID MAC joins the evidence as mac.vendor', () => {
  const rec = (upnp: Record<string, string>): ObservationRecord => ({ ip: '192.0.2.10', open_ports: [80], seen_by: ['ssdp'], upnp } as unknown as ObservationRecord);

  it('a UPnP UDN ending in a Hikvision MAC names Hikvision, with the UUID as where it was seen', () => {
    const r = rec({ udn: HIK_UDN, friendlyName: 'Camera' });
    const f = extractFields(r, defaultMacLookup()).filter((x) => x.field === 'mac.vendor');
    expect(f).toEqual([{ field: 'mac.vendor', value: expect.stringMatching(/^Hangzhou Hikvision Digital Technology/), where: 'uuid:upnp' }]);
    const id = identify(r, defaultKnowledgeBase(), defaultMacLookup());
    expect(id.maker).toBe('hikvision');
  });

  it('UDN and USN carrying the same UUID count once; a random UUID adds nothing', () => {
    const same = extractFields(rec({ udn: HIK_UDN, usn: `${HIK_UDN}::upnp:rootdevice` }), defaultMacLookup()).filter((x) => x.field === 'mac.vendor');
    expect(same).toHaveLength(1);
    const none = extractFields(rec({ udn: 'uuid:1b4e28ba-2fa1-41d2-883f-4419b6a1b2c3' }), defaultMacLookup()).filter((x) => x.field === 'mac.vendor');
    expect(none).toHaveLength(0);
  });

  it('the MAC of a time-based WS-Discovery MessageID (onvif.uuid_mac) is read the same way', () => {
    // 8C:E7:48 is an IEEE MA-L block of Hangzhou Hikvision Digital Technology.
    const r = { ip: '192.0.2.11', open_ports: [], seen_by: ['onvif'], onvif: { endpoint: 'urn:uuid:61754f87-90fd-4a86-9ad7-b828159e6243', uuid_mac: '8c:e7:48:5a:3c:91', types: ['dn:NetworkVideoTransmitter'] } } as unknown as ObservationRecord;
    const f = extractFields(r, defaultMacLookup()).filter((x) => x.field === 'mac.vendor');
    expect(f.map((x) => x.where)).toEqual(['uuid:onvif']);
    expect(identify(r, defaultKnowledgeBase(), defaultMacLookup()).maker).toBe('hikvision');
  });
});
