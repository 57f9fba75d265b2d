import { afterEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { adaptiveLimiter, limiter, rateLimiter, type AdaptiveLimiter } from '../src/util/limit.js';

describe('concurrency limiter', () => {
  it('never runs more than n tasks at once and runs every task (property)', async () => {
    await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 8 }), fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 40 }), async (n, delays) => {
      const limit = limiter(n);
      let active = 0;
      let peak = 0;
      const results = await Promise.all(delays.map((d, i) => limit(async () => {
        active++; peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, d));
        active--;
        return i;
      })));
      expect(results).toEqual(delays.map((_, i) => i));
      expect(peak).toBeLessThanOrEqual(n);
    }), { numRuns: 40 });
  });
  it('a task that throws frees its slot and rejects only its own promise', async () => {
    const limit = limiter(1);
    const a = limit(async () => { throw new Error('boom'); });
    const b = limit(async () => 'ok');
    await expect(a).rejects.toThrow('boom');
    await expect(b).resolves.toBe('ok');
  });
  it('rejects a non-positive concurrency', () => { expect(() => limiter(0)).toThrow(RangeError); });
  it('is the adaptive limiter at a fixed cap: one queue for tasks and acquire(), and backoff() cannot lower it', async () => {
    const limit = limiter(2) as AdaptiveLimiter;
    expect(Object.getOwnPropertyNames(limit).sort()).toEqual(Object.getOwnPropertyNames(adaptiveLimiter(2)).sort());
    limit.backoff();
    expect(limit.limit).toBe(2);
    expect(limit.tryAcquire()).toBe(true);
    expect(limit.tryAcquire()).toBe(true);
    expect(limit.tryAcquire()).toBe(false);
    const order: string[] = [];
    const task = limit(async () => { order.push('task'); });
    const slot = limit.acquire().then(() => { order.push('acquire'); });
    expect(limit.pending).toBe(2);
    limit.release();
    limit.release();
    await Promise.all([task, slot]);
    expect(order).toEqual(['task', 'acquire']); // FIFO across both kinds of waiter
    limit.release();
    expect(limit.active).toBe(0);
  });
});

describe('rate limiter (fake clock)', () => {
  afterEach(() => { vi.useRealTimers(); });
  it('spaces tokens 1/rate apart and is a no-op at rate 0', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'performance'] });
    const take = rateLimiter(10); // 100 ms apart
    const at: number[] = [];
    const p = Promise.all([0, 1, 2, 3].map(async () => { await take(); at.push(performance.now()); }));
    await vi.advanceTimersByTimeAsync(1000);
    await p;
    const gaps = at.slice(1).map((t, i) => Math.round(t - at[i]));
    expect(gaps).toEqual([100, 100, 100]);
    const free = rateLimiter(0);
    await expect(free()).resolves.toBeUndefined();
  });
});
