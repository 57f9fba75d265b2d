// start/stop, bind errors, options.
import { describe, expect, it } from 'vitest';
import net from 'node:net';
import { PERSONAS, startLab, parseLabSubnet } from '../../src/lab/index.js';
import { exchange, get } from './helpers.js';

const SUBNET = '127.77.4.0/24';

describe('lab lifecycle', () => {
  it('stop() frees every port: a second start on the same subnet succeeds, and stop is idempotent', async () => {
    const lab1 = await startLab({ subnet: SUBNET });
    const d = lab1.devices[0]!;
    // Leave a client connection open across stop(): stop must still complete.
    const hanging = net.connect({ host: d.ip, port: d.ports[554]! });
    await new Promise((r) => hanging.once('connect', r));
    await lab1.stop();
    await lab1.stop();
    hanging.destroy();
    await expect(exchange(d.ip, d.ports[80]!, get('/'))).rejects.toThrow(/ECONNREFUSED/);
    const lab2 = await startLab({ subnet: SUBNET });
    try {
      const r = await exchange(d.ip, d.ports[80]!, get('/'));
      expect(r.text).toMatch(/^HTTP\/1\.1 200 OK/);
    } finally {
      await lab2.stop();
    }
  });

  // Its own /24: test/cli.test.ts runs a lab on 127.77.5.0/24 in parallel, and a blocker there would hang.
  it('a bind conflict rejects with a message naming the address, and releases what it bound', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen({ host: '127.77.28.12', port: 8080 }, r)); // dahua-camera's http
    try {
      await expect(startLab({ subnet: '127.77.28.0/24' })).rejects.toThrow(/127\.77\.28\.12:8080.*EADDRINUSE/);
      // Everything bound before the failure was released: the first device's ports are free again.
      const probe = net.createServer();
      await new Promise<void>((res, rej) => { probe.once('error', rej); probe.listen({ host: '127.77.28.10', port: 8080 }, res); });
      await new Promise((r) => probe.close(r));
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });

  it('only starts the named personas and keeps their addresses', async () => {
    const lab = await startLab({ subnet: '127.77.6.0/24', only: ['axis-camera', 'dahua-camera'] });
    try {
      expect(lab.devices.map((d) => d.persona.name)).toEqual(['dahua-camera', 'axis-camera']);
      const ai = PERSONAS.findIndex((p) => p.name === 'axis-camera');
      expect(lab.devices[1]!.ip).toBe(`127.77.6.${10 + ai}`);
      expect(lab.targets).toHaveLength(2);
      expect(lab.portList).toEqual([443, 554, 80, 37777].map((p) => (p < 1024 ? 8000 + p : p)).sort((a, b) => a - b));
    } finally {
      await lab.stop();
    }
  });

  it('refuses non-loopback subnets and unknown personas', async () => {
    await expect(startLab({ subnet: '192.168.1.0/24' })).rejects.toThrow(/outside 127\.0\.0\.0\/8/);
    await expect(startLab({ subnet: '10.0.0.0/24' })).rejects.toThrow(/loopback/);
    await expect(startLab({ subnet: 'nonsense' })).rejects.toThrow(/not an IPv4/);
    await expect(startLab({ subnet: '127.77.7.0/24', only: ['no-such'] })).rejects.toThrow(/unknown persona/);
    expect(parseLabSubnet('127.77.0.0/24')).toEqual([127, 77, 0]);
  });

  it('realPorts asks for the standard numbers (EACCES for non-root names the address)', async () => {
    const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    if (isRoot) {
      const lab = await startLab({ subnet: '127.77.8.0/24', realPorts: true, only: ['nginx-server'] });
      try { expect(lab.devices[0]!.ports[80]).toBe(80); } finally { await lab.stop(); }
    } else {
      await expect(startLab({ subnet: '127.77.8.0/24', realPorts: true, only: ['nginx-server'] })).rejects.toThrow(/127\.77\.8\.20:80.*EACCES/);
    }
  });
});
