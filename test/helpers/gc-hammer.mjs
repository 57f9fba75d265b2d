// Preloaded with `node --expose-gc --import <this>`: a full garbage collection every few milliseconds,
// so anything that only a weak reference keeps alive (a timeout signal inside AbortSignal.any) is freed.
if (typeof globalThis.gc !== 'function') throw new Error('gc-hammer needs --expose-gc');
setInterval(() => globalThis.gc(), 5).unref();
