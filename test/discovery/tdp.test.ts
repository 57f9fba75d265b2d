// The TP-Link discovery module over real UDP sockets on 127.225.20.0/24: a Tapo camera answering on 20002, a
// Kasa camera answering on 9999 (legacy XOR protocol), one answering garbage, one silent, and one that is not
// a target (it must receive nothing). Real answers: python-kasa device dumps (test/protocols/tdp-captures.ts).
import { createSocket, type Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tdp } from '../../src/discovery/tdp.js';
import { KASA_PORT, TDP_PORT, buildKasaProbe, buildTdpProbe, kasaEncrypt } from '../../src/protocols/tdp.js';
import { C210_JSON, EC60_SYSINFO } from '../protocols/tdp-captures.js';
import { byIp, ctx, run } from './helpers.js';

const TAPO = '127.225.20.10';
const KASA = '127.225.20.11';
const GARBAGE = '127.225.20.12';
const OUTSIDE = '127.225.20.13';
const SILENT = '127.225.20.14';
const HOSTILE = '127.225.20.15';

const head = (n: number) => { const h = Buffer.from('02000001000000110000000000000000', 'hex'); h.writeUInt16BE(n & 0xffff, 4); return h; };
const HOSTILE_20002 = [
  Buffer.alloc(60000, 0x41),
  Buffer.concat([head(0xffff), Buffer.from('{"error_code":0,"result":{"device_model":"' + 'A'.repeat(50000) + '"}}')]),
  Buffer.concat([head(40), Buffer.from('{"result":{"__proto__":{"x":1},"constructor":{"device_type":"y"},"device_type":"SMART.IPCAMERA\u001b]0;pwn\u0007"}}')]),
  Buffer.concat([head(9000), Buffer.from('{"result":' + '['.repeat(4000))]),
  Buffer.concat([head(10), Buffer.from('{"result":{"device_model":"C2')]),
];
const HOSTILE_9999 = [kasaEncrypt('{"system":{"get_sysinfo":{"__proto__":{"x":1},"model":"' + '\u0000'.repeat(3000) + '"}}}'), kasaEncrypt('{"system":' + '{"a":'.repeat(3000)), Buffer.alloc(60000, 0)];

function tdpAnswer(json: string): Buffer {
  const body = Buffer.from(json);
  const head = Buffer.from('02000001000000110000000000000000', 'hex');
  head.writeUInt16BE(body.length, 4);
  return Buffer.concat([head, body]);
}

interface Responder { sock: Socket; got: Buffer[] }
const responders = new Map<string, Responder>();

function respond(ip: string, port: number, answer: (req: Buffer) => Buffer | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const sock = createSocket('udp4');
    const r: Responder = { sock, got: [] };
    sock.on('message', (msg, rinfo) => {
      r.got.push(msg);
      const a = answer(msg);
      if (a) sock.send(a, rinfo.port, rinfo.address);
    });
    sock.once('error', reject);
    sock.bind(port, ip, () => { responders.set(`${ip}:${port}`, r); resolve(); });
  });
}

beforeAll(async () => {
  const isTdp = (b: Buffer) => b.equals(buildTdpProbe());
  const isKasa = (b: Buffer) => b.equals(buildKasaProbe());
  await respond(TAPO, TDP_PORT, (b) => (isTdp(b) ? tdpAnswer(C210_JSON) : undefined));
  await respond(TAPO, KASA_PORT, () => undefined);
  await respond(KASA, KASA_PORT, (b) => (isKasa(b) ? kasaEncrypt(EC60_SYSINFO) : undefined));
  await respond(GARBAGE, TDP_PORT, () => Buffer.from('\x02\x00\x00\x01garbage, not json at all'));
  await respond(GARBAGE, KASA_PORT, () => Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n'));
  await respond(OUTSIDE, TDP_PORT, () => tdpAnswer(C210_JSON));
  await respond(SILENT, TDP_PORT, () => undefined);
  for (const [port, list] of [[TDP_PORT, HOSTILE_20002], [KASA_PORT, HOSTILE_9999]] as const) {
    await respond(HOSTILE, port, () => undefined);
    const r = responders.get(`${HOSTILE}:${port}`)!;
    r.sock.removeAllListeners('message');
    r.sock.on('message', (msg, rinfo) => { r.got.push(msg); for (const d of list) r.sock.send(d, rinfo.port, rinfo.address); });
  }
});
afterAll(() => { for (const r of responders.values()) r.sock.close(); });

describe('tdp module (unicast, loopback)', () => {
  it('finds the Tapo camera on 20002 and the Kasa camera on 9999; garbage and silence give nothing; a non-target gets no packet', async () => {
    const out = await run(tdp, ctx({ unicastTargets: [TAPO, KASA, GARBAGE, SILENT] }));
    expect(out.map((s) => s.ip).sort()).toEqual([TAPO, KASA].sort());
    const tapo = byIp(out, TAPO);
    expect(tapo.protocol).toBe('tdp');
    expect(tapo.mac).toBe('40:ae:30:00:00:00');
    expect(tapo.record.tdp).toMatchObject({ device_type: 'SMART.IPCAMERA', device_model: 'C210', hw_ver: '2.0', port: '20002' });
    const kasa = byIp(out, KASA);
    expect(kasa.mac).toBe('74:fe:ce:00:00:00');
    expect(kasa.record.tdp).toMatchObject({ device_type: 'IOT.IPCAMERA', device_model: 'EC60(US)', port: '9999' });
    expect(responders.get(`${TAPO}:${TDP_PORT}`)!.got[0]).toEqual(buildTdpProbe());
    expect(responders.get(`${TAPO}:${KASA_PORT}`)!.got[0]).toEqual(buildKasaProbe());
    expect(responders.get(`${SILENT}:${TDP_PORT}`)!.got.length).toBeGreaterThan(0);
    expect(responders.get(`${OUTSIDE}:${TDP_PORT}`)!.got).toEqual([]);
  });

  it('hostile answers (huge, cut, deep, prototype keys, escape sequences) give at most clean, bounded sightings and no pollution', async () => {
    const out = await run(tdp, ctx({ unicastTargets: [HOSTILE], listenMs: 300 }));
    expect(responders.get(`${HOSTILE}:${TDP_PORT}`)!.got.length).toBeGreaterThan(0);
    for (const s of out) {
      for (const v of Object.values(s.record.tdp ?? {})) { expect(String(v).length).toBeLessThanOrEqual(129); expect(String(v)).not.toMatch(/[\u0000-\u001f\u007f]/); }
      expect(JSON.stringify(s)).not.toMatch(/"x":1|constructor/);
    }
    // One sighting per address and port (the first answer that parses): the 50,000-character model, capped.
    expect(out.map((s) => s.record.tdp?.port).sort()).toEqual(['20002']);
    expect(out[0]!.record.tdp?.device_model).toMatch(/^A{100,128}/);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('sends nothing in passive mode', async () => {
    const before = responders.get(`${TAPO}:${TDP_PORT}`)!.got.length;
    const out = await run(tdp, ctx({ unicastTargets: [TAPO], passive: true, listenMs: 150 }));
    expect(out).toEqual([]);
    expect(responders.get(`${TAPO}:${TDP_PORT}`)!.got.length).toBe(before);
  });
});
