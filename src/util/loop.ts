// Event-loop health. When the loop is saturated, a connect's timer can be handled before the I/O that
// completed in time, and the round trips measured then include the loop's delay, not the network's.
// The scan asks lagging() before trusting a round-trip sample (perf_hooks.monitorEventLoopDelay for
// the delay seen by the loop, plus the lateness of this monitor's own tick for a stall in progress).
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

/** Delay above which the loop counts as lagging, and how long a lag spell taints samples afterwards. */
export const LAG_MS = 40;
const TICK_MS = 100;
const TAINT_MS = 250;

export class LoopHealth {
  private h: IntervalHistogram | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastTick = 0;
  private taintedUntil = 0;
  /** Samples the monitor told the caller to drop (for the scan's stats). */
  discarded = 0;

  start(): this {
    if (this.timer) return this;
    this.h = monitorEventLoopDelay({ resolution: 10 });
    this.h.enable();
    this.lastTick = performance.now();
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
    return this;
  }

  private tick(): void {
    const now = performance.now();
    const late = now - this.lastTick - TICK_MS;
    this.lastTick = now;
    const maxMs = this.h ? this.h.max / 1e6 : 0;
    this.h?.reset();
    if (late > LAG_MS || maxMs > LAG_MS) this.taintedUntil = now + TAINT_MS;
  }

  /** True while the loop lags (or did a moment ago): timings measured now are not the network's. */
  lagging(): boolean {
    if (!this.timer) return false;
    const now = performance.now();
    return now < this.taintedUntil || now - this.lastTick > TICK_MS + LAG_MS;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.h?.disable();
    this.h = undefined;
  }
}
