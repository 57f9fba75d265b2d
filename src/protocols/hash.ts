// Favicon hashes: MD5 of the bytes, and the MurmurHash3 (x86, 32-bit, seed 0, signed) of the
// base64 text with a newline every 76 characters and at the end — the form Shodan and most
// public favicon fingerprint sets (EHole, FingerprintHub) use. Pure.
import { createHash } from 'node:crypto';

export function md5(buf: Buffer): string {
  return createHash('md5').update(buf).digest('hex');
}

export function base64Lines(buf: Buffer): string {
  const b = buf.toString('base64');
  let out = '';
  for (let i = 0; i < b.length; i += 76) out += b.slice(i, i + 76) + '\n';
  return out;
}

export function murmur3_32(data: Buffer, seed = 0): number {
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  let h = seed >>> 0;
  const n = data.length;
  const blocks = n - (n % 4);
  for (let i = 0; i < blocks; i += 4) {
    let k = data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24);
    k = Math.imul(k, c1); k = (k << 15) | (k >>> 17); k = Math.imul(k, c2);
    h ^= k; h = (h << 13) | (h >>> 19); h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = n & 3;
  if (tail) {
    let k = 0;
    if (tail === 3) k ^= data[blocks + 2] << 16;
    if (tail >= 2) k ^= data[blocks + 1] << 8;
    k ^= data[blocks];
    k = Math.imul(k, c1); k = (k << 15) | (k >>> 17); k = Math.imul(k, c2); h ^= k;
  }
  h ^= n;
  h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

export function faviconMmh3(buf: Buffer): number {
  return murmur3_32(Buffer.from(base64Lines(buf), 'utf8'));
}
