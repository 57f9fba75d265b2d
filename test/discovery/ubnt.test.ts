// The Ubiquiti discovery module over real UDP sockets on 127.77.185.0/24: a responder answering with a real
// camera's datagram, one answering garbage, and one that is not a target (it must receive nothing).
import { createSocket, type Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ubnt } from '../../src/discovery/ubnt.js';
import { UBNT_PORT } from '../../src/protocols/ubnt.js';
import { G3_FLEX } from '../protocols/ubnt-captures.js';
import { byIp, ctx, run } from './helpers.js';

const CAMERA = '127.77.185.10';
const GARBAGE = '127.77.185.11';
const OUTSIDE = '127.77.185.12';
const SILENT = '127.77.185.13';

interface Responder { sock: Socket; got: Buffer[] }
const responders = new Map<string, Responder>();

function respond(ip: string, answer: (req: Buffer) => Buffer | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const sock = createSocket('udp4');
    const r: Responder = { sock, got: [] };
    sock.on('message', (msg, rinfo) => {
      r.got.push(msg);
      const a = answer(msg);
      if (a) sock.send(a, rinfo.port, rinfo.address);
    });
    sock.once('error', reject);
    sock.bind(UBNT_PORT, ip, () => { responders.set(ip, r); resolve(); });
  });
}

beforeAll(async () => {
  const isProbe = (b: Buffer) => b.equals(Buffer.from([1, 0, 0, 0]));
  await respond(CAMERA, (b) => (isProbe(b) ? G3_FLEX : undefined));
  await respond(GARBAGE, (b) => (isProbe(b) ? Buffer.from('\x01\x00\x00\x02HTTP/1.1 400') : undefined));
  await respond(OUTSIDE, () => G3_FLEX);
  await respond(SILENT, () => undefined);
});
afterAll(() => { for (const r of responders.values()) r.sock.close(); });

describe('ubnt module (unicast, loopback)', () => {
  it('finds the camera with its platform, firmware and MAC; garbage and silence give nothing; a non-target gets no packet', async () => {
    const out = await run(ubnt, ctx({ unicastTargets: [CAMERA, GARBAGE, SILENT] }));
    expect(out.map((s) => s.ip)).toEqual([CAMERA]);
    const cam = byIp(out, CAMERA);
    expect(cam.protocol).toBe('ubnt');
    expect(cam.mac).toBe('02:00:00:00:db:91');
    expect(cam.record.ubnt).toMatchObject({ platform: 'UVC G3 Flex', firmware: 'UVC.S2L.v4.75.62.67.e71c6e5.250411.1421', hostname: 'UVC G3 Flex', default: 'true' });
    expect(responders.get(CAMERA)!.got.length).toBeGreaterThan(0);
    expect(responders.get(SILENT)!.got.length).toBeGreaterThan(0);
    expect(responders.get(OUTSIDE)!.got).toEqual([]);
  });

  it('sends nothing in passive mode', async () => {
    const before = responders.get(CAMERA)!.got.length;
    await run(ubnt, ctx({ unicastTargets: [CAMERA], passive: true, listenMs: 150 }));
    expect(responders.get(CAMERA)!.got.length).toBe(before);
  });
});
