// Malformed and hostile replies from fake responders on 127.77.24.0/24: garbage, oversized datagrams, XML
// entity bombs and XXE, deep nesting, lying DHIP lengths, DNS compression loops, foreign RelatesTo,
// duplicates, XAddrs on other hosts. No module may throw, hang, or turn garbage into a device.
import { afterEach, describe, expect, it } from 'vitest';
import dgram from 'node:dgram';
import { discoveryModules } from '../../src/discovery/index.js';
import { buildProbeMatches, parseWsdMessage } from '../../src/protocols/wsdiscovery.js';
import { buildSadpReply } from '../../src/protocols/sadp.js';
import { buildDhipFrame, dhipHeader } from '../../src/protocols/dhip.js';
import type { DiscoveryName, HttpApi } from '../../src/discovery/types.js';
import { ctx, run } from './helpers.js';

const PORTS: Record<DiscoveryName, number> = { onvif: 3702, ssdp: 1900, mdns: 5353, sadp: 37020, dhip: 37810, ubnt: 10001, tdp: 20002 };
const closers: Array<() => void> = [];
afterEach(() => { while (closers.length) closers.pop()!(); });

/** A responder on addr:port answering every datagram with each of `replies(request)`. */
async function fake(addr: string, port: number, replies: (req: Buffer) => Buffer[]): Promise<{ asked: number }> {
  const s = dgram.createSocket({ type: 'udp4', reuseAddr: true });
  const seen = { asked: 0 };
  s.on('error', () => {});
  s.on('message', (m, r) => { seen.asked++; for (const b of replies(m)) s.send(b, r.port, r.address); });
  await new Promise<void>((res) => s.bind(port, addr, () => res()));
  closers.push(() => s.close());
  return seen;
}

const bomb = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>';
const xxe = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>';
const GARBAGE = (): Buffer[] => [
  Buffer.alloc(0),
  Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x02]),
  Buffer.from('HTTP/1.1 200 OK\r\n' + 'X: ' + 'A'.repeat(9000) + '\r\n\r\n'),
  Buffer.alloc(60000, 0x41),
  Buffer.from(bomb + '<ProbeMatch><DeviceSN>&lol3;</DeviceSN></ProbeMatch>'),
  Buffer.from(xxe + '<s:Envelope xmlns:s="x"><s:Body><d:ProbeMatches xmlns:d="y"><d:ProbeMatch><d:Scopes>&xxe;</d:Scopes></d:ProbeMatch></d:ProbeMatches></s:Body></s:Envelope>'),
  Buffer.from('<a>'.repeat(5000) + '</a>'.repeat(5000)),
  Buffer.concat([dhipHeader(0xffffffff), Buffer.from('{"method":"client.notifyDevInfo","params":{"deviceInfo":{"__proto__":{"x":1},"constructor":1}}}')]),
  buildDhipFrame('{"method":'),
  // DNS response whose name is a compression pointer to itself.
  Buffer.from([0, 0, 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0xc0, 0x0c, 0, 12, 0, 1, 0, 0, 0, 10, 0, 2, 0xc0, 0x0c]),
];

describe('hostile responders never crash a module', () => {
  for (const name of Object.keys(PORTS) as DiscoveryName[]) {
    it(`${name}: garbage, huge and malicious datagrams give no sighting and no throw`, async () => {
      const addr = '127.77.24.10';
      const responder = await fake(addr, PORTS[name], GARBAGE);
      const c = ctx({ unicastTargets: [addr], listenMs: 300 });
      const out = await run(discoveryModules[name], c);
      expect(responder.asked).toBeGreaterThan(0); // the module really asked, so the garbage really reached it
      // SADP is flat XML: the bomb's ProbeMatch is a (harmless, unexpanded) record; nothing else may come out.
      for (const s of out) {
        expect(name).toBe('sadp');
        expect(JSON.stringify(s)).not.toMatch(/lollol|root:x:0/);
      }
      expect(({} as Record<string, unknown>).x).toBeUndefined(); // no prototype pollution
    });
  }

  it('onvif: ignores ProbeMatches for someone else\'s probe, dedupes a duplicate reply, never contacts an XAddr on another host', async () => {
    const addr = '127.77.24.11';
    const calls: string[] = [];
    const http: HttpApi = { fetch: async (url) => { calls.push(url); return { error: 'not expected' }; } };
    await fake(addr, 3702, (req) => {
      const w = parseWsdMessage(req);
      if (!w) return [];
      const m = (endpoint: string, relatesTo: string) => buildProbeMatches({
        messageId: 'urn:uuid:11111111-1111-4111-8111-111111111111', relatesTo,
        matches: [{ endpoint, types: ['dn:NetworkVideoTransmitter'], scopes: ['onvif://www.onvif.org/name/X'], xaddrs: ['http://127.77.24.99/onvif/device_service'] }],
      });
      const mine = m('urn:uuid:aaaaaaaa-0000-4000-8000-000000000001', w.messageId);
      return [mine, mine, m('urn:uuid:bbbbbbbb-0000-4000-8000-000000000002', 'urn:uuid:99999999-9999-4999-8999-999999999999')];
    });
    const c = ctx({ unicastTargets: [addr], http });
    const out = await run(discoveryModules.onvif, c);
    expect(out.map((s) => s.endpoint)).toEqual(['urn:uuid:aaaaaaaa-0000-4000-8000-000000000001']);
    expect(calls).toEqual([]);
    expect(c.logs.join('\n')).toMatch(/no XAddr on the responding host/);
  });

  it('sadp: a reply with missing or bogus fields is kept as data, MAC/serial only when well-formed', async () => {
    const addr = '127.77.24.12';
    await fake(addr, 37020, () => [buildSadpReply({ Uuid: 'x', DeviceDescription: '\u001b[31mred', MAC: 'zz-zz', IPv4Address: '999.1.1.1' })]);
    const out = await run(discoveryModules.sadp, ctx({ unicastTargets: [addr] }));
    expect(out).toHaveLength(1);
    expect(out[0].mac).toBeUndefined();
    expect(out[0].record.sadp!.DeviceDescription).not.toMatch(/\u001b/);
  });

  it('a throwing consumer does not break the module', async () => {
    const addr = '127.77.24.13';
    await fake(addr, 37020, () => [buildSadpReply({ Uuid: 'x', DeviceSN: 'ABC123456789', MAC: '44-19-b6-00-00-01' })]);
    const c = ctx({ unicastTargets: [addr] });
    await expect(discoveryModules.sadp.run(c, () => { throw new Error('consumer bug'); })).resolves.toBeUndefined();
    expect(c.logs.join('\n')).toMatch(/consumer error/);
  });

  it('a target that does not answer (or rejects) just yields nothing', async () => {
    for (const name of Object.keys(PORTS) as DiscoveryName[]) {
      expect(await run(discoveryModules[name], ctx({ unicastTargets: ['127.77.24.250'], listenMs: 100 }))).toEqual([]);
    }
  });
});
