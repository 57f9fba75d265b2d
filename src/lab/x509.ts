// Throwaway X.509 certificates for the simulated lab, made at start-up with node:crypto, so that no
// private key is committed or shipped. Each certificate copies the PUBLIC subject / issuer strings a
// vendor's factory certificate is known to carry (sources in src/data/lab/personas.yaml); the keys are fresh
// RSA-2048 keys that live only in memory for the life of the lab. They protect nothing and are
// trusted by nobody: the lab only ever listens on loopback or inside a test's network namespace.
import { createHash, generateKeyPair, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import type { CertName } from './personas.js';

// --- DER, just what a certificate needs ---------------------------------------------------------

function len(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let x = n; x > 0; x >>= 8) bytes.unshift(x & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
const tlv = (tag: number, ...content: Buffer[]) => { const c = Buffer.concat(content); return Buffer.concat([Buffer.from([tag]), len(c.length), c]); };
const seq = (...c: Buffer[]) => tlv(0x30, ...c);
const set = (...c: Buffer[]) => tlv(0x31, ...c);
const octets = (b: Buffer) => tlv(0x04, b);
const bits = (b: Buffer, unused = 0) => tlv(0x03, Buffer.from([unused]), b);
const bool = (v: boolean) => tlv(0x01, Buffer.from([v ? 0xff : 0]));
const nul = () => Buffer.from([0x05, 0x00]);

function int(b: Buffer): Buffer {
  let v = b;
  while (v.length > 1 && v[0] === 0 && !(v[1] & 0x80)) v = v.subarray(1);
  if (v[0] & 0x80) v = Buffer.concat([Buffer.from([0]), v]);
  return tlv(0x02, v);
}

function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  const out: number[] = [40 * arcs[0] + arcs[1]];
  for (const a of arcs.slice(2)) {
    const b: number[] = [a & 0x7f];
    for (let x = a >>> 7; x > 0; x >>>= 7) b.unshift(0x80 | (x & 0x7f));
    out.push(...b);
  }
  return tlv(0x06, Buffer.from(out));
}

/** UTCTime up to 2049, GeneralizedTime from 2050 (RFC 5280 §4.1.2.5). */
function time(d: Date): Buffer {
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
  return d.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(iso.slice(2), 'ascii')) : tlv(0x18, Buffer.from(iso, 'ascii'));
}

const ATTR: Record<string, string> = { C: '2.5.4.6', ST: '2.5.4.8', L: '2.5.4.7', O: '2.5.4.10', OU: '2.5.4.11', CN: '2.5.4.3' };

/** A distinguished name from [attribute, value] pairs in order; C as PrintableString, the rest UTF-8. */
function name(rdns: Array<[keyof typeof ATTR, string]>): Buffer {
  return seq(...rdns.map(([k, v]) => set(seq(oid(ATTR[k]), tlv(k === 'C' ? 0x13 : 0x0c, Buffer.from(v, 'utf8'))))));
}

const SHA256_RSA = seq(oid('1.2.840.113549.1.1.11'), nul());

/** Offset and length of the contents of the DER element at `at`. */
function element(der: Buffer, at: number): { start: number; end: number } {
  let i = at + 1;
  let n = der[i++];
  if (n & 0x80) { const k = n & 0x7f; n = 0; for (let j = 0; j < k; j++) n = n * 256 + der[i++]; }
  return { start: i, end: i + n };
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING (without its unused-bits byte). */
function keyId(pub: KeyObject): Buffer {
  const spki = pub.export({ type: 'spki', format: 'der' });
  const outer = element(spki, 0);
  const alg = element(spki, outer.start);
  const key = element(spki, alg.end);
  return createHash('sha1').update(spki.subarray(key.start + 1, key.end)).digest();
}

export interface CertSpec {
  subject: Array<[keyof typeof ATTR, string]>;
  notBefore: string;
  notAfter: string;
  /** basicConstraints CA:TRUE (a self-signed device certificate or a CA). */
  ca: boolean;
  /** keyUsage keyCertSign + cRLSign (a CA), or digitalSignature + keyEncipherment + serverAuth (a leaf). */
  usage?: 'ca' | 'leaf';
}

/** A DER certificate for `publicKey`, signed by `signer` (its key, public key and name; self-signed with only a key). */
export function certificate(spec: CertSpec, publicKey: KeyObject, signer: { key: KeyObject; publicKey: KeyObject; name: CertSpec['subject'] } | { key: KeyObject }): Buffer {
  const issuerName = 'name' in signer ? signer.name : spec.subject;
  const issuerPub = 'publicKey' in signer ? signer.publicKey : publicKey;
  const ext = (id: string, value: Buffer, critical = false) => seq(oid(id), ...(critical ? [bool(true)] : []), octets(value));
  const exts: Buffer[] = [ext('2.5.29.19', seq(...(spec.ca ? [bool(true)] : [])), spec.usage === 'ca')];
  if (spec.usage === 'ca') exts.push(ext('2.5.29.15', bits(Buffer.from([0x06]), 1)), ext('2.5.29.14', octets(keyId(publicKey))));
  if (spec.usage === 'leaf') {
    exts.push(ext('2.5.29.15', bits(Buffer.from([0xa0]), 5)), ext('2.5.29.37', seq(oid('1.3.6.1.5.5.7.3.1'))),
      ext('2.5.29.35', seq(tlv(0x80, keyId(issuerPub)))));
  }
  const serial = randomBytes(8);
  serial[0] &= 0x7f;
  const tbs = seq(
    tlv(0xa0, int(Buffer.from([2]))), int(serial), SHA256_RSA, name(issuerName),
    seq(time(new Date(spec.notBefore)), time(new Date(spec.notAfter))), name(spec.subject),
    publicKey.export({ type: 'spki', format: 'der' }), tlv(0xa3, seq(...exts)),
  );
  return seq(tbs, SHA256_RSA, bits(sign('sha256', tbs, signer.key)));
}

export function pem(der: Buffer, label = 'CERTIFICATE'): string {
  return `-----BEGIN ${label}-----\n${der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n')}-----END ${label}-----\n`;
}

// --- The lab's certificates -------------------------------------------------------------------------

const NB = '\u00a0';
const DAHUA_CA: CertSpec['subject'] = [['C', 'CN'], ['ST', 'Zhejiang'], ['L', 'Hangzhou'], ['O', `Zhejiang${NB}Dahua${NB}Technology${NB}Co.,Ltd.`], ['CN', `Dahua${NB}Device${NB}NVR${NB}CA`]];

/** What each vendor's factory certificate says (public strings; long validity, back-dated as in the field). */
const SPECS: Record<CertName, CertSpec> = {
  // Hikvision factory certificate (recog x509_subjects): subject == issuer.
  hikvision: { subject: [['C', 'CN'], ['ST', 'ZheJiang'], ['L', 'HangZhou'], ['O', 'HIKVISION'], ['OU', 'DVRNVR'], ['CN', 'www.hikvision.com']], notBefore: '2014-06-09T00:00:00Z', notAfter: '2044-06-01T00:00:00Z', ca: true },
  // Dahua: device cert CN=<device IP> issued by the "Dahua Device NVR CA" (D4-project/Plum-Island#204; the no-break spaces are kept).
  dahua: { subject: [['C', 'CN'], ['CN', '192.168.1.108']], notBefore: '2019-05-20T00:00:00Z', notAfter: '2049-05-12T00:00:00Z', ca: false, usage: 'leaf' },
  // Axis factory certificate style (recog: CN=axis-<mac12>, O=Axis Communications AB).
  axis: { subject: [['O', 'Axis Communications AB'], ['CN', 'axis-accc8e012345']], notBefore: '2020-01-14T00:00:00Z', notAfter: '2050-01-07T00:00:00Z', ca: true },
  // Bosch (recog: O=Bosch Sicherheitssysteme GmbH, OU=ST-VS, CN=<MAC with dashes>).
  bosch: { subject: [['C', 'DE'], ['O', 'Bosch Sicherheitssysteme GmbH'], ['OU', 'ST-VS'], ['CN', '00-07-5f-9a-12-34']], notBefore: '2018-03-01T00:00:00Z', notAfter: '2048-02-22T00:00:00Z', ca: true },
  // HP printer embedded web server self-signed certificate (CN = default host name NPIxxxxxx; illustrative).
  hp: { subject: [['CN', 'NPI7A2B3C'], ['O', 'HP']], notBefore: '2021-08-10T00:00:00Z', notAfter: '2041-08-05T00:00:00Z', ca: true },
};
const DAHUA_CA_SPEC: CertSpec = { subject: DAHUA_CA, notBefore: '2017-01-01T00:00:00Z', notAfter: '2047-01-01T00:00:00Z', ca: true, usage: 'ca' };

interface KeyPair { privateKey: KeyObject; publicKey: KeyObject }
let keys: { device: KeyPair; ca: KeyPair } | undefined;
const made = new Map<CertName, { cert: Buffer; key: Buffer }>();

/** Make the lab's two RSA keys in the background (both at once); a later certificate call then costs nothing. */
export async function prepareLabKeys(): Promise<void> {
  if (keys) return;
  const gen = promisify(generateKeyPair);
  const [device, ca] = await Promise.all([gen('rsa', { modulusLength: 2048 }), gen('rsa', { modulusLength: 2048 })]);
  keys ??= { device, ca };
}

/**
 * The certificate chain (PEM; the Dahua leaf is followed by its CA, as Dahua devices send it) and
 * private key (PEM) for one lab persona. Every device certificate shares one in-memory key.
 */
export function labCertificate(nameOf: CertName): { cert: Buffer; key: Buffer } {
  const hit = made.get(nameOf);
  if (hit) return hit;
  keys ??= { device: generateKeyPairSync('rsa', { modulusLength: 2048 }), ca: generateKeyPairSync('rsa', { modulusLength: 2048 }) };
  const { device, ca } = keys;
  const spec = SPECS[nameOf];
  let chain: string;
  if (nameOf === 'dahua') {
    const caCert = certificate(DAHUA_CA_SPEC, ca.publicKey, { key: ca.privateKey });
    chain = pem(certificate(spec, device.publicKey, { key: ca.privateKey, publicKey: ca.publicKey, name: DAHUA_CA })) + pem(caCert);
  } else {
    chain = pem(certificate(spec, device.publicKey, { key: device.privateKey }));
  }
  const pair = { cert: Buffer.from(chain), key: Buffer.from(device.privateKey.export({ type: 'pkcs8', format: 'pem' })) };
  made.set(nameOf, pair);
  return pair;
}
