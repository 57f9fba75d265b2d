import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { getPersona, startDevice } from '../../src/lab/index.js';

function get(ip: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: ip, port }, () => s.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
    let out = '';
    s.on('data', (d) => { out += d; });
    s.on('end', () => resolve(out));
    s.on('error', reject);
  });
}

describe('startDevice (one persona on a chosen address, for the namespace LAN)', () => {
  it('binds the persona, answers, and frees its ports on stop', async () => {
    const p = getPersona('nginx-server')!;
    const lab = await startDevice(p, '127.77.9.50');
    expect(lab.devices[0]!.ip).toBe('127.77.9.50');
    const port = lab.devices[0]!.ports[80]!;
    expect(await get('127.77.9.50', port)).toMatch(/^HTTP\/1\.1 200 OK[\s\S]*Server: nginx\/1\.24\.0/);
    await lab.stop();
    const again = await startDevice(p, '127.77.9.50');
    await again.stop();
  });
  it('rejects something that is not an IPv4 address', async () => {
    await expect(startDevice(getPersona('nginx-server')!, 'not-an-ip')).rejects.toThrow(/not an IPv4 address/);
  });
});
