// Every device answers on every declared port; lab shape and persona data are consistent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { PERSONAS, startLab, mapPort, type Lab } from '../../src/lab/index.js';
import { DATA_DIR } from '../../src/paths.js';
import { exchange, get, replies, splitResponse, tlsExchange } from './helpers.js';
import { EXPECTED, expectedOf } from './expected.js';

const SUBNET = '127.77.1.0/24';
let lab: Lab;
beforeAll(async () => { lab = await startLab({ subnet: SUBNET }); });
afterAll(async () => { await lab?.stop(); });

describe('lab shape', () => {
  it('starts every persona at .(10+i) with mapped ports', () => {
    expect(lab.devices.length).toBe(PERSONAS.length);
    expect(PERSONAS.length).toBeGreaterThanOrEqual(12);
    lab.devices.forEach((d, i) => {
      expect(d.ip).toBe(`127.77.1.${10 + i}`);
      expect(d.persona).toBe(PERSONAS[i]);
      for (const spec of d.persona.ports) expect(d.ports[spec.port]).toBe(mapPort(spec.port));
    });
    expect(lab.targets).toEqual(lab.devices.map((d) => d.ip));
    expect(lab.portList).toEqual([...lab.portList].sort((a, b) => a - b));
    for (const d of lab.devices) for (const p of Object.values(d.ports)) expect(lab.portList).toContain(p);
    expect(lab.portList.every((p) => p >= 1024)).toBe(true);
  });

  it('maps privileged ports deterministically', () => {
    expect(mapPort(80)).toBe(8080);
    expect(mapPort(443)).toBe(8443);
    expect(mapPort(554)).toBe(8554);
    expect(mapPort(8000)).toBe(8000);
    expect(mapPort(37777)).toBe(37777);
    expect(mapPort(80, true)).toBe(80);
  });
});

describe('persona data', () => {
  const vocab = (YAML.parse(readFileSync(path.join(DATA_DIR, 'vendors.yaml'), 'utf8')) as { vendors: Record<string, unknown> }).vendors;
  it('has unique names and uses vocabulary ids', () => {
    expect(new Set(PERSONAS.map((p) => p.name)).size).toBe(PERSONAS.length);
    expect(Object.keys(EXPECTED).sort()).toEqual(PERSONAS.map((p) => p.name).sort());
    for (const p of PERSONAS) {
      for (const e of [EXPECTED[p.name]?.ndaa, EXPECTED[p.name]?.uk]) {
        if (!e) continue;
        if (e.brand) expect(vocab, `${p.name} brand ${e.brand}`).toHaveProperty([e.brand]);
        if (e.maker) expect(vocab, `${p.name} maker ${e.maker}`).toHaveProperty([e.maker]);
        if (e.product) expect(vocab, `${p.name} product ${e.product}`).toHaveProperty([e.product]);
        expect(['restricted', 'suspect', 'clear', 'unknown']).toContain(e.verdict);
      }
    }
  });
  it('marks the restricted set the brief requires', () => {
    const v = Object.fromEntries(PERSONAS.map((p) => [p.name, expectedOf(p.name)]));
    expect(v['hikvision-camera']).toMatchObject({ maker: 'hikvision', verdict: 'restricted' });
    expect(v['hikvision-nvr']).toMatchObject({ maker: 'hikvision', verdict: 'restricted' });
    expect(v['dahua-camera']).toMatchObject({ maker: 'dahua', verdict: 'restricted' });
    expect(v['amcrest-camera']).toMatchObject({ brand: 'amcrest', maker: 'dahua', verdict: 'restricted' });
    expect(v['lts-camera']).toMatchObject({ brand: 'lts', maker: 'hikvision', verdict: 'restricted' });
    expect(v['ezviz-camera']).toMatchObject({ brand: 'ezviz', maker: 'hikvision', verdict: 'restricted' });
    expect(v['uniview-camera']).toMatchObject({ maker: 'uniview', verdict: 'clear' });
    expect(expectedOf('uniview-camera', 'uk')).toMatchObject({ verdict: 'restricted' });
    for (const n of ['axis-camera', 'hanwha-camera', 'bosch-camera', 'hp-printer']) expect(v[n]!.verdict).toBe('clear');
  });
  it('only uses the declared protocols and standard port numbers', () => {
    for (const p of PERSONAS) {
      expect(new Set(p.ports.map((s) => s.port)).size, p.name).toBe(p.ports.length);
      for (const s of p.ports) {
        expect(['http', 'https', 'rtsp', 'tcp-banner', 'tcp-open']).toContain(s.protocol);
        if (s.protocol === 'https') expect(s.cert, `${p.name}:${s.port}`).toBeTruthy();
      }
    }
  });
});

describe('every device answers on every declared port', () => {
  for (const [i, persona] of PERSONAS.entries()) {
    for (const spec of persona.ports) {
      it(`${persona.name} ${spec.protocol}/${spec.port}`, async () => {
        const ip = `127.77.1.${10 + i}`;
        const port = mapPort(spec.port);
        switch (spec.protocol) {
          case 'http': {
            const r = await exchange(ip, port, get('/'));
            expect(splitResponse(r.data).status).toMatch(/^HTTP\/1\.[01] [1-5]\d\d /);
            break;
          }
          case 'https': {
            const r = await tlsExchange(ip, port, get('/'));
            expect(splitResponse(r.data).status).toMatch(/^HTTP\/1\.[01] [1-5]\d\d /);
            expect(r.cert.subject).toBeTruthy();
            break;
          }
          case 'rtsp': {
            const r = await exchange(ip, port, `OPTIONS rtsp://${ip}:${port}/ RTSP/1.0\r\nCSeq: 41\r\nUser-Agent: camsweep-test\r\n\r\n`, { until: replies(1) });
            const { status, headerLines } = splitResponse(r.data);
            expect(status).toMatch(/^RTSP\/1\.0 \d{3} /);
            expect(headerLines).toContain('CSeq: 41');
            break;
          }
          case 'tcp-banner': {
            const r = await exchange(ip, port, Buffer.from([0, 0, 0, 0x20, 0x63, 0, 0, 0]));
            expect(r.data.length).toBeGreaterThan(0);
            if (spec.reply !== undefined) expect(r.data.subarray(r.data.length - Buffer.from(spec.reply).length)).toEqual(Buffer.from(spec.reply));
            break;
          }
          case 'tcp-open': {
            const r = await exchange(ip, port);
            expect(r.data.length).toBe(0);
            break;
          }
        }
      });
    }
  }
});
