// A small concurrency limiter: at most `n` tasks run at once; the rest wait in FIFO order.
export interface Limiter { <T>(fn: () => Promise<T>): Promise<T>; readonly active: number; readonly pending: number }

export function limiter(n: number): Limiter {
  if (!Number.isInteger(n) || n < 1) throw new RangeError('concurrency must be a positive integer');
  let active = 0;
  const queue: Array<() => void> = [];
  const next = () => {
    if (active >= n) return;
    const run = queue.shift();
    if (run) { active++; run(); }
  };
  const limit = (<T>(fn: () => Promise<T>) => new Promise<T>((resolve, reject) => {
    queue.push(() => {
      let p: Promise<T>;
      try { p = fn(); } catch (e) { p = Promise.reject(e); }
      p.then(resolve, reject).finally(() => { active--; next(); });
    });
    next();
  })) as Limiter;
  Object.defineProperty(limit, 'active', { get: () => active });
  Object.defineProperty(limit, 'pending', { get: () => queue.length });
  return limit;
}

/** A token bucket: `take()` resolves when a token is free; rate = tokens per second (0 = unlimited). */
export function rateLimiter(rate: number): () => Promise<void> {
  if (!rate || rate <= 0) return () => Promise.resolve();
  const interval = 1000 / rate;
  let nextAt = 0;
  return () => {
    const now = performance.now();
    const at = Math.max(now, nextAt);
    nextAt = at + interval;
    const wait = at - now;
    return wait <= 0 ? Promise.resolve() : new Promise((r) => setTimeout(r, wait));
  };
}
