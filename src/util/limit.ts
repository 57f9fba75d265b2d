// A small concurrency limiter: at most `n` tasks run at once; the rest wait in FIFO order.
export interface Limiter { <T>(fn: () => Promise<T>): Promise<T>; readonly active: number; readonly pending: number }

/**
 * A fixed limiter: the adaptive limiter below with its floor at its cap (`backoff()` cannot lower it),
 * so there is one queue implementation, not two.
 */
export function limiter(n: number): Limiter {
  return adaptiveLimiter(n, n);
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

/**
 * A concurrency limiter whose limit adapts: `backoff()` (a local resource error such as EMFILE) halves
 * it at once, `ok()` (a task that went through) grows it back by one slot per `limit` successes, never
 * past `max`. Waiters are served in FIFO order.
 */
export interface AdaptiveLimiter extends Limiter {
  readonly limit: number;
  readonly max: number;
  backoff(): void;
  ok(): void;
  /** Take a slot now if one is free and nobody waits (no promise): true when taken; then release() it. */
  tryAcquire(): boolean;
  /** Wait for a slot in FIFO order with the tasks; release() it when done. */
  acquire(): Promise<void>;
  release(): void;
}

export function adaptiveLimiter(max: number, min = 1): AdaptiveLimiter {
  if (!Number.isInteger(max) || max < 1) throw new RangeError('concurrency must be a positive integer');
  const floor = Math.max(1, Math.min(min, max));
  let cap = max;
  let active = 0;
  let lastBackoff = -Infinity;
  // A sweep passes every connect through here: a waiting task is one small object (no closure of its
  // own), and a running one costs one then() on its promise, not then() and finally().
  interface Task { fn: (() => Promise<unknown>) | undefined; resolve: (v: unknown) => void; reject: (e: unknown) => void }
  const queue: Array<Task | undefined> = [];
  let head = 0;
  const run = (t: Task) => {
    active++;
    if (!t.fn) { t.resolve(undefined); return; } // acquire(): the slot is the caller's until release()
    let p: Promise<unknown>;
    try { p = t.fn(); } catch (e) { p = Promise.reject(e); }
    p.then((v) => { active--; next(); t.resolve(v); }, (e) => { active--; next(); t.reject(e); });
  };
  const next = () => {
    while (active < Math.floor(cap) && head < queue.length) {
      const t = queue[head]!;
      queue[head++] = undefined;
      if (head > 1024 && head * 2 > queue.length) { queue.splice(0, head); head = 0; }
      run(t);
    }
    if (head === queue.length && head) { queue.length = 0; head = 0; }
  };
  const limit = (<T>(fn: () => Promise<T>) => new Promise<T>((resolve, reject) => {
    queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
    next();
  })) as AdaptiveLimiter;
  Object.defineProperty(limit, 'active', { get: () => active });
  Object.defineProperty(limit, 'pending', { get: () => queue.length - head });
  Object.defineProperty(limit, 'limit', { get: () => Math.floor(cap) });
  Object.defineProperty(limit, 'max', { get: () => max });
  limit.backoff = () => {
    // One halving per burst: the errors of the connections already in flight say the same thing.
    const now = performance.now();
    if (now - lastBackoff < 50) return;
    lastBackoff = now;
    cap = Math.max(floor, Math.floor(Math.min(cap, Math.max(active, 1)) / 2));
  };
  limit.tryAcquire = () => {
    if (active >= Math.floor(cap) || head < queue.length) return false;
    active++;
    return true;
  };
  limit.acquire = () => new Promise<void>((resolve) => { queue.push({ fn: undefined, resolve: resolve as (v: unknown) => void, reject: resolve as (e: unknown) => void }); next(); });
  limit.release = () => { active--; next(); };
  limit.ok = () => {
    if (cap < max) { cap = Math.min(max, cap + 1 / Math.max(1, cap)); next(); }
  };
  return limit;
}
