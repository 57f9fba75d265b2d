// Peak memory that does not grow with the size of the scan. What a scan keeps alive is bounded (the
// connections in flight, the devices found), but V8 lets old-generation garbage pile up until its
// first major collection, which on a long sweep comes only after tens of megabytes: the peak then
// grows with the number of addresses, not with what is alive. The keeper asks for a full collection
// whenever the heap has grown by GROWTH_BYTES since the last one (a few milliseconds for the live
// heap of a scan), so the peak stays what is alive plus that margin.
//
// V8 exposes gc() only with --expose-gc; the flag may be set at run time and the function then read
// from a fresh context (v8.setFlagsFromString, vm.runInNewContext), as the Node documentation of
// v8.setFlagsFromString shows for other flags. If that fails the keeper does nothing.
import v8 from 'node:v8';
import vm from 'node:vm';

// 4 MB, looked at every 100 ms: a sweep of absent addresses with 1,024 connects in flight promotes
// ~6 MB of garbage a second (each connect's objects outlive a scavenge), so at 8 MB / 250 ms the heap
// swung 17 -> 27 MB, and the peak RSS of 4,096 absent addresses stood 12-15% above that of 256 (whose
// run ends before the first swing). A full collection of that heap takes 5-40 ms: about two a second.
export const GROWTH_BYTES = 3 * 1024 * 1024;
const CHECK_MS = 100;
/** poll() looks at most this often (a look reads the process's memory use: a few microseconds). */
const POLL_MS = 5;

/** The heap in use: V8's own count (process.memoryUsage() also reads the RSS from /proc: ~8x the cost). */
function heapUsed(): number { return v8.getHeapStatistics().used_heap_size; }

let gcFn: (() => void) | undefined | null;
function collector(): (() => void) | undefined {
  if (gcFn !== undefined) return gcFn ?? undefined;
  try {
    const g = (globalThis as { gc?: () => void }).gc;
    if (typeof g === 'function') gcFn = g;
    else {
      v8.setFlagsFromString('--expose-gc');
      const f = vm.runInNewContext('gc') as unknown;
      gcFn = typeof f === 'function' ? (f as () => void) : null;
    }
  } catch { gcFn = null; }
  return gcFn ?? undefined;
}

/** The most the margin grows to while collections find the growth alive. */
export const MAX_GROWTH_BYTES = 32 * 1024 * 1024;

export class HeapKeeper {
  private timer: NodeJS.Timeout | undefined;
  private base = 0;
  private margin = GROWTH_BYTES;
  private unproductive = 0;
  private gc: (() => void) | undefined;
  private polled = -Infinity;
  /** Collections asked for (for tests and stats). */
  collections = 0;
  /** The growth that triggers the next collection (for tests). */
  get nextMargin(): number { return this.margin; }

  start(): this {
    const gc = collector();
    if (!gc || this.timer) return this;
    this.gc = gc;
    this.base = heapUsed();
    this.timer = setInterval(() => this.check(), CHECK_MS);
    this.timer.unref();
    return this;
  }

  /**
   * Look now, from synchronous work that holds the event loop (forming a large scan's devices at its
   * end), where the timer cannot run: at most once per POLL_MS, also after stop().
   */
  poll(): void {
    if (!this.gc) return;
    const now = performance.now();
    if (now - this.polled < POLL_MS) return;
    this.polled = now;
    this.check();
  }

  private check(): void {
    const gc = this.gc;
    if (!gc) return;
    const used = heapUsed();
    if (used - this.base < this.margin) return;
    gc();
    this.collections++;
    const after = heapUsed();
    // What grew was garbage (a sweep's connects): keep collecting at the small margin. What grew
    // was mostly alive (the connections and answers of a dense LAN being probed): a forced
    // collection there only costs CPU, so the margin doubles until a collection pays again.
    // Twice in a row before the margin grows: the first wave of a sweep (its connections, alive)
    // is not a reason to let the garbage after it pile up.
    const freed = (used - after) / Math.max(1, used - this.base);
    if (freed >= 0.5) { this.unproductive = 0; this.margin = GROWTH_BYTES; }
    else if (++this.unproductive >= 2) this.margin = Math.min(MAX_GROWTH_BYTES, this.margin * 2);
    this.base = after;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
