// Socket error codes that say "this machine ran out of something" (descriptors, buffers, memory,
// local ports), not "the host is not there". A host that met one of these was not scanned, and a
// scan that could not get past them must not pass (exit 3).
const LOCAL = new Set(['EMFILE', 'ENFILE', 'ENOBUFS', 'ENOMEM', 'EADDRNOTAVAIL', 'EAGAIN', 'EWOULDBLOCK']);

export function isLocalError(code: string | undefined): boolean {
  return code !== undefined && LOCAL.has(code);
}
