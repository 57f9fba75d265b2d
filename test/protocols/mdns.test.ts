import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import * as dnsPacket from 'dns-packet';
import {
  buildQuery, parseResponse, parseMdns, parseQuery, buildResponse, MDNS_SERVICE_TYPES, DNS_SD_META_QUERY,
} from '../../src/protocols/mdns.js';
import { hostileInputs, noControlChars, noPrototypeKeys, polluted } from './helpers.js';

// ---------------------------------------------------------------------------------------------------
// Fixtures

/** Hand-assembled DNS message with name compression (RFC 1035 §4.1.4), so the parser is tested on bytes
 *  that did not come from dns-packet's encoder (which never compresses). */
function assemble(parts: Array<number[] | Buffer | string>): Buffer {
  // each part is a byte array, a Buffer, or latin1 text
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));
}
function label(s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  return Buffer.concat([Buffer.from([b.length]), b]);
}
const u16 = (n: number): number[] => [(n >> 8) & 0xff, n & 0xff];
const u32 = (n: number): number[] => [(n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];

// An avahi reply to a legacy-unicast PTR query for _rtsp._tcp.local ("IPCam cam2", 5 records, as avahi-daemon sends it),
// RFC 6762 §6.7: id echoed (0x1234), question repeated, TTL 10, answers PTR + additionals SRV/TXT/A/AAAA.
// Offsets: header 12; question name at 12: "_rtsp" "_tcp" "local" 0 -> 12..29, type/class to 34.
const AVAHI_RTSP = (() => {
  const header = [...u16(0x1234), ...u16(0x8400), ...u16(1), ...u16(1), ...u16(0), ...u16(4)];
  const qname = Buffer.concat([label('_rtsp'), label('_tcp'), label('local'), Buffer.from([0])]); // at offset 12
  const question = [qname, u16(12), u16(1)];
  // answer: name -> pointer to 12; PTR rdata = "IPCam cam2" + pointer(12)
  const inst = label('IPCam cam2');
  const ptrRdata = Buffer.concat([inst, Buffer.from([0xc0, 12])]);
  const ansStart = 12 + qname.length + 4; // offset of answer record
  const instOffset = ansStart + 2 + 10; // rdata starts after name ptr (2) + type/class/ttl/rdlen (10)
  const answer = [[0xc0, 12], u16(12), u16(1), u32(10), u16(ptrRdata.length), ptrRdata];
  // SRV for the instance: name = pointer to instOffset; target "cam2.local" (local via pointer to the "local" label at 12+6+5=23)
  const srvTarget = Buffer.concat([label('cam2'), Buffer.from([0xc0, 23])]);
  const srvRdata = Buffer.concat([Buffer.from([...u16(0), ...u16(0), ...u16(554)]), srvTarget]);
  const srvStart = ansStart + 12 + ptrRdata.length;
  const targetOffset = srvStart + 12 + 6; // after name(2)+fixed(10)+prio/weight/port(6)
  const srv = [[0xc0, instOffset], u16(33), u16(0x8001), u32(10), u16(srvRdata.length), srvRdata];
  const txtRdata = Buffer.concat([label('path=/live'), label('vendor=CamLab'), label('PATH=/ignored-dup'), label('flag')]);
  const txt = [[0xc0, instOffset], u16(16), u16(0x8001), u32(10), u16(txtRdata.length), txtRdata];
  const a = [[0xc0, targetOffset], u16(1), u16(0x8001), u32(10), u16(4), [10, 77, 0, 2]];
  const aaaa = [[0xc0, targetOffset], u16(28), u16(0x8001), u32(10), u16(16), [0xfe, 0x80, ...Array(12).fill(0), 0, 2]];
  return assemble([header, ...question, ...answer, ...srv, ...txt, ...a, ...aaaa]);
})();

// Axis camera answering a multicast PTR query for _axis-video._tcp.local (UniversalScanner Axis.selftest
// facts (julienblitte/UniversalScanner Axis.selftest): instance "AXIS M5014 - ACCC8E3C0419", TXT macaddress=…), plus its _rtsp service.
const AXIS_MULTICAST = dnsPacket.encode({
  type: 'response', id: 0, flags: dnsPacket.AUTHORITATIVE_ANSWER,
  answers: [{ name: '_axis-video._tcp.local', type: 'PTR', ttl: 4500, data: 'AXIS M5014 - ACCC8E3C0419._axis-video._tcp.local' }],
  additionals: [
    { name: 'AXIS M5014 - ACCC8E3C0419._axis-video._tcp.local', type: 'SRV', ttl: 120, flush: true, data: { priority: 0, weight: 0, port: 80, target: 'axis-accc8e3c0419.local' } },
    { name: 'AXIS M5014 - ACCC8E3C0419._axis-video._tcp.local', type: 'TXT', ttl: 4500, flush: true, data: ['macaddress=ACCC8E3C0419'] },
    { name: '_rtsp._tcp.local', type: 'PTR', ttl: 4500, data: 'AXIS M5014 - ACCC8E3C0419._rtsp._tcp.local' },
    { name: 'AXIS M5014 - ACCC8E3C0419._rtsp._tcp.local', type: 'SRV', ttl: 120, data: { priority: 0, weight: 0, port: 554, target: 'axis-accc8e3c0419.local' } },
    { name: 'axis-accc8e3c0419.local', type: 'A', ttl: 120, flush: true, data: '192.168.0.90' },
    { name: '90.0.168.192.in-addr.arpa', type: 'PTR', ttl: 120, data: 'axis-accc8e3c0419.local' },
  ],
});

// HomeKit camera (_hap._tcp, HAP spec TXT keys: ci=17 IP camera, md= model), answered to the meta-query
// (RFC 6763 §9) and a PTR.
const HAP = dnsPacket.encode({
  type: 'response', id: 0, flags: dnsPacket.AUTHORITATIVE_ANSWER,
  answers: [
    { name: DNS_SD_META_QUERY, type: 'PTR', ttl: 4500, data: '_hap._tcp.local' },
    { name: DNS_SD_META_QUERY, type: 'PTR', ttl: 4500, data: '_http._tcp.local' },
    { name: '_hap._tcp.local', type: 'PTR', ttl: 4500, data: 'Doorbell 1A2B._hap._tcp.local' },
  ],
  additionals: [
    { name: 'Doorbell 1A2B._hap._tcp.local', type: 'TXT', ttl: 4500, data: ['c#=2', 'ci=18', 'md=Video Doorbell', 'sf=0', 'id=AA:BB:CC:DD:EE:FF'] },
    { name: 'Doorbell 1A2B._hap._tcp.local', type: 'SRV', ttl: 120, data: { priority: 0, weight: 0, port: 51826, target: 'doorbell.local' } },
    { name: 'doorbell.local', type: 'AAAA', ttl: 120, data: 'fe80::1' },
    { name: 'doorbell.local', type: 'A', ttl: 120, data: '10.0.0.7' },
  ],
});

const ALL_VALID = [AVAHI_RTSP, AXIS_MULTICAST, HAP, buildQuery(['_rtsp._tcp.local'], { qu: true, id: 7 })];

// ---------------------------------------------------------------------------------------------------

describe('buildQuery', () => {
  it('PTR questions, id, no QU by default', () => {
    const b = buildQuery(['_axis-video._tcp.local', '_rtsp._tcp.local'], { id: 0x4242 });
    const p = dnsPacket.decode(b);
    expect(p.id).toBe(0x4242);
    expect(p.type).toBe('query');
    expect(p.questions).toEqual([{ name: '_axis-video._tcp.local', type: 'PTR', class: 'IN' }, { name: '_rtsp._tcp.local', type: 'PTR', class: 'IN' }]);
    expect(parseQuery(b)!.questions.map((q) => q.qu)).toEqual([false, false]);
  });

  it('sets the QU bit (class 0x8001, RFC 6762 §5.4) by patching the class bytes', () => {
    const b = buildQuery(['_rtsp._tcp.local'], { qu: true });
    // 12-byte header, name = 1+5 + 1+4 + 1+5 + 1 = 18 bytes, then type (00 0c) and class
    expect(b.subarray(30, 34)).toEqual(Buffer.from([0x00, 0x0c, 0x80, 0x01]));
    expect(parseQuery(b)).toEqual({ id: 0, questions: [{ name: '_rtsp._tcp.local', type: 'PTR', qu: true }] });
    const many = buildQuery([...MDNS_SERVICE_TYPES], { qu: true, id: 1 });
    expect(parseQuery(many)!.questions).toHaveLength(MDNS_SERVICE_TYPES.length);
    expect(parseQuery(many)!.questions.every((q) => q.qu)).toBe(true);
  });

  it('refuses names that cannot be encoded', () => {
    expect(() => buildQuery(['x'.repeat(64) + '.local'])).toThrow(RangeError);
  });

  it('service type list carries the camera types', () => {
    for (const t of ['_http._tcp.local', '_https._tcp.local', '_rtsp._tcp.local', '_onvif._tcp.local', '_axis-video._tcp.local',
      '_axis-nvr._tcp.local', '_hap._tcp.local', '_services._dns-sd._udp.local', '_workstation._tcp.local']) {
      expect(MDNS_SERVICE_TYPES).toContain(t);
    }
  });
});

describe('parseResponse (table)', () => {
  it('avahi legacy-unicast reply with compression pointers (hand-assembled)', () => {
    const m = parseMdns(AVAHI_RTSP)!;
    expect(m.id).toBe(0x1234);
    expect(m.isResponse).toBe(true);
    expect(m.questions).toEqual([{ name: '_rtsp._tcp.local', type: 'PTR', qu: false }]);
    expect(m.services).toEqual([{
      instance: 'IPCam cam2', type: '_rtsp._tcp.local', fqdn: 'IPCam cam2._rtsp._tcp.local', host: 'cam2.local', port: 554,
      txt: { path: '/live', vendor: 'CamLab', flag: '' }, addresses: ['10.77.0.2', 'fe80::2'],
    }]);
  });

  it('Axis multicast answer: two services, TXT macaddress, reverse PTR ignored', () => {
    const svcs = parseResponse(AXIS_MULTICAST);
    expect(svcs).toEqual([
      { instance: 'AXIS M5014 - ACCC8E3C0419', type: '_axis-video._tcp.local', fqdn: 'AXIS M5014 - ACCC8E3C0419._axis-video._tcp.local',
        host: 'axis-accc8e3c0419.local', port: 80, txt: { macaddress: 'ACCC8E3C0419' }, addresses: ['192.168.0.90'] },
      { instance: 'AXIS M5014 - ACCC8E3C0419', type: '_rtsp._tcp.local', fqdn: 'AXIS M5014 - ACCC8E3C0419._rtsp._tcp.local',
        host: 'axis-accc8e3c0419.local', port: 554, txt: {}, addresses: ['192.168.0.90'] },
    ]);
  });

  it('HomeKit: meta-query answers become serviceTypes; TXT keys lower-cased', () => {
    const m = parseMdns(HAP)!;
    expect(m.serviceTypes).toEqual(['_hap._tcp.local', '_http._tcp.local']);
    expect(m.services).toHaveLength(1);
    expect(m.services[0]).toMatchObject({ instance: 'Doorbell 1A2B', port: 51826, addresses: ['fe80::1', '10.0.0.7'] });
    expect(m.services[0].txt).toEqual({ 'c#': '2', ci: '18', md: 'Video Doorbell', sf: '0', id: 'AA:BB:CC:DD:EE:FF' });
    expect(m.hosts).toEqual([{ name: 'doorbell.local', addresses: ['fe80::1', '10.0.0.7'] }]);
  });

  it('an SRV answer without a PTR still yields a service; a query yields none', () => {
    const b = dnsPacket.encode({ type: 'response', answers: [{ name: 'Cam._http._tcp.local', type: 'SRV', data: { port: 8080, target: 'cam.local' } }] });
    expect(parseResponse(b)).toEqual([{ instance: 'Cam', type: '_http._tcp.local', fqdn: 'Cam._http._tcp.local', host: 'cam.local', port: 8080, txt: {}, addresses: [] }]);
    expect(parseResponse(buildQuery(['_http._tcp.local']))).toEqual([]);
  });

  it('instance names with dots survive (stripped by the known type suffix)', () => {
    const b = buildResponse({ instance: 'Cam v1.2', type: '_http._tcp.local', host: 'cam.local', port: 80 });
    expect(parseResponse(b)[0].instance).toBe('Cam v1.2');
  });

  it('hostile TXT: __proto__ keys ignored, control characters cleaned, duplicate keys first-wins', () => {
    const b = dnsPacket.encode({
      type: 'response',
      answers: [{ name: '_http._tcp.local', type: 'PTR', data: 'X\u001b[31m._http._tcp.local' }],
      additionals: [{ name: 'X\u001b[31m._http._tcp.local', type: 'TXT', data: ['__proto__=polluted', 'constructor=x', 'k=v\u0000\u0007', 'K=second', 'isAdmin=\u202etrue'] }],
    });
    const [s] = parseResponse(b);
    expect(s.txt).toEqual({ k: 'v', isadmin: 'true' });
    expect(s.instance).toBe('X');
    expect(noControlChars(s)).toBe(true);
    expect(polluted()).toBe(false);
  });

  it('junk and truncations never throw', () => {
    for (const x of [Buffer.alloc(0), Buffer.alloc(5), Buffer.from('hello world, not dns'), Buffer.alloc(70000)]) {
      expect(parseResponse(x)).toEqual([]);
      expect(parseMdns(x)).toBeNull();
    }
    for (let n = 0; n < AVAHI_RTSP.length; n++) expect(Array.isArray(parseResponse(AVAHI_RTSP.subarray(0, n)))).toBe(true);
    // a compression pointer loop (points forward / at itself) is rejected
    const loop = Buffer.from([0, 0, 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0xc0, 12, 0, 12, 0, 1, 0, 0, 0, 10, 0, 2, 0xc0, 12]);
    expect(parseResponse(loop)).toEqual([]);
  });
});

describe('buildResponse round trips', () => {
  const svc = {
    instance: 'AXIS M5014 - ACCC8E3C0419', type: '_axis-video._tcp.local', host: 'axis-accc8e3c0419.local', port: 80,
    txt: { macaddress: 'ACCC8E3C0419', flag: '' }, addresses: ['10.77.0.9', 'fe80::9'],
  };
  const expected = {
    instance: svc.instance, type: svc.type, fqdn: `${svc.instance}.${svc.type}`, host: svc.host, port: 80,
    txt: { macaddress: 'ACCC8E3C0419', flag: '' }, addresses: ['10.77.0.9', 'fe80::9'],
  };

  it('multicast: id 0, AA, cache-flush on unique records, no questions', () => {
    const b = buildResponse(svc);
    const p = dnsPacket.decode(b);
    expect(p.id).toBe(0);
    expect(p.flag_aa).toBe(true);
    expect(p.questions).toEqual([]);
    expect(p.additionals!.find((r) => r.type === 'SRV')!.flush).toBe(true);
    expect(parseResponse(b)).toEqual([expected]);
  });

  it('legacy unicast: id and question echoed, TTL <= 10, no cache-flush (RFC 6762 §6.7)', () => {
    const q = parseQuery(buildQuery([svc.type], { id: 0xbeef }))!;
    const b = buildResponse(svc, { unicast: true, id: q.id, questions: q.questions });
    const p = dnsPacket.decode(b);
    expect(p.id).toBe(0xbeef);
    expect(p.questions).toEqual([{ name: svc.type, type: 'PTR', class: 'IN' }]);
    for (const r of [...p.answers!, ...p.additionals!]) {
      expect((r as { ttl: number }).ttl).toBeLessThanOrEqual(10);
      expect((r as { flush?: boolean }).flush).toBeFalsy();
    }
    expect(parseMdns(b)!.services).toEqual([expected]);
  });

  it('answers the meta-query with the service type', () => {
    const b = buildResponse(svc, { unicast: true, id: 1, questions: [{ name: DNS_SD_META_QUERY, type: 'PTR' }] });
    expect(parseMdns(b)!.serviceTypes).toEqual([svc.type]);
  });

  it('refuses over-long labels', () => {
    expect(() => buildResponse({ ...svc, instance: 'x'.repeat(70) })).toThrow(RangeError);
  });
});

describe('properties', () => {
  const inputs = hostileInputs(ALL_VALID);
  it.each([['parseResponse', parseResponse], ['parseMdns', parseMdns], ['parseQuery', parseQuery]] as Array<[string, (x: Buffer | string) => unknown]>)(
    '%s never throws, no control characters', (_n, parse) => {
      fc.assert(fc.property(inputs, (x) => {
        const r = parse(x);
        expect(noControlChars(r)).toBe(true);
        expect(noPrototypeKeys(r)).toBe(true);
      }), { numRuns: 500 });
      expect(polluted()).toBe(false);
    });

  it('build -> parse for arbitrary services', () => {
    const lbl = fc.stringMatching(/^[A-Za-z0-9 _-]{1,40}$/).filter((s) => s.trim().length > 0 && s.trim() === s);
    const key = fc.stringMatching(/^[a-z][a-z0-9]{0,10}$/).filter((k) => !['constructor', 'prototype'].includes(k));
    fc.assert(fc.property(lbl, fc.integer({ min: 1, max: 65535 }), fc.dictionary(key, fc.stringMatching(/^[ -~]{0,20}$/).map((s) => s.trim())), (inst, port, txt) => {
      const [s] = parseResponse(buildResponse({ instance: inst, type: '_http._tcp.local', host: 'h.local', port, txt, addresses: ['10.0.0.1'] }));
      expect(s).toEqual({ instance: inst, type: '_http._tcp.local', fqdn: `${inst}._http._tcp.local`, host: 'h.local', port, txt, addresses: ['10.0.0.1'] });
    }));
  });
});
