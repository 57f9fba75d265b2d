// HTTPS presents the vendor-style certificate.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../src/lab/index.js';
import { get, splitResponse, tlsExchange } from './helpers.js';

let lab: Lab;
const dev = (name: string) => lab.devices.find((d) => d.persona.name === name)!;
beforeAll(async () => { lab = await startLab({ subnet: '127.77.3.0/24' }); });
afterAll(async () => { await lab?.stop(); });

describe('lab TLS', () => {
  it('Hikvision camera and NVR: CN=www.hikvision.com, OU=DVRNVR, O=HIKVISION, self-signed, long validity', async () => {
    for (const name of ['hikvision-camera', 'hikvision-nvr']) {
      const d = dev(name);
      const r = await tlsExchange(d.ip, d.ports[443]!, get('/ISAPI/System/deviceInfo'));
      expect(r.cert.subject).toMatchObject({ CN: 'www.hikvision.com', OU: 'DVRNVR', O: 'HIKVISION', L: 'HangZhou', ST: 'ZheJiang', C: 'CN' });
      expect(r.cert.issuer).toEqual(r.cert.subject);
      expect(r.cert.bits).toBe(2048);
      expect(new Date(r.cert.valid_from).getUTCFullYear()).toBeLessThan(2020);
      expect(new Date(r.cert.valid_to).getUTCFullYear()).toBeGreaterThan(2040);
      expect(splitResponse(r.data).status).toBe('HTTP/1.1 401 Unauthorized');
    }
  });
  it('Dahua: device-IP subject issued by the Dahua Device NVR CA (with no-break spaces), chain sent', async () => {
    const d = dev('dahua-camera');
    const r = await tlsExchange(d.ip, d.ports[443]!, get('/'));
    expect(r.cert.subject).toMatchObject({ CN: '192.168.1.108', C: 'CN' });
    expect(r.cert.issuer.CN).toBe('Dahua\u00a0Device\u00a0NVR\u00a0CA');
    expect(r.cert.issuer.O).toBe('Zhejiang\u00a0Dahua\u00a0Technology\u00a0Co.,Ltd.');
    expect(r.chainLength).toBe(2);
  });
  it('Axis, Bosch, HP certificates', async () => {
    const a = await tlsExchange(dev('axis-camera').ip, dev('axis-camera').ports[443]!, get('/'));
    expect(a.cert.subject).toMatchObject({ CN: 'axis-accc8e012345', O: 'Axis Communications AB' });
    const b = await tlsExchange(dev('bosch-camera').ip, dev('bosch-camera').ports[443]!, get('/'));
    expect(b.cert.subject).toMatchObject({ O: 'Bosch Sicherheitssysteme GmbH', OU: 'ST-VS' });
    const h = await tlsExchange(dev('hp-printer').ip, dev('hp-printer').ports[443]!, get('/'));
    expect(h.cert.subject.CN).toBe('NPI7A2B3C');
  });
});

describe('lab TLS material is made at start-up, never stored', () => {
  it('certificates are well-formed X.509 v3, keys match, the Dahua leaf verifies against its CA', async () => {
    const { X509Certificate, createPrivateKey } = await import('node:crypto');
    const { loadCert } = await import('../../src/lab/index.js');
    for (const name of ['hikvision', 'dahua', 'axis', 'bosch', 'hp'] as const) {
      const { cert, key } = loadCert(name);
      const pems = cert.toString().match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g)!;
      const leaf = new X509Certificate(pems[0]);
      expect(leaf.checkPrivateKey(createPrivateKey(key)), name).toBe(true);
      if (name === 'dahua') {
        const ca = new X509Certificate(pems[1]);
        expect(ca.ca).toBe(true);
        expect(leaf.verify(ca.publicKey)).toBe(true);
        expect(leaf.checkIssued(ca)).toBe(true);
        expect(leaf.ca).toBe(false);
      } else {
        expect(leaf.verify(leaf.publicKey), name).toBe(true); // self-signed, like the factory certificates
      }
    }
  });
  it('no private key is kept in the source tree', async () => {
    const { readdirSync } = await import('node:fs');
    const files = readdirSync(new URL('../../src', import.meta.url), { recursive: true }) as string[];
    expect(files.filter((f) => /\.(key|pem|p12|pfx)$/.test(f))).toEqual([]);
  });
});
