// Event-loop health. When the loop is saturated, a connect's timer can be handled before the I/O that
// completed in time, and the round trips measured then include the loop's delay, not the network's.
// The scan asks lagging() before trusting a round-trip sample (perf_hooks.monitorEventLoopDelay for
// the delay seen by the loop, plus the lateness of this monitor's own tick for a stall in progress).
//
// When the loop is starved outright (the process gets almost no CPU: a machine at many times its core
// count, a debugger, a blocking call), deadlines and round trips stop meaning anything and a scan can
// find nothing and "pass". starvation() tells the scan when that happened, so it reports itself as
// incomplete (exit 3) instead. Starved time is lateness the process's own CPU time does not explain
// (process.cpuUsage): a loop late because the scan itself is busy is slow, not blind; a loop late
// while the process got no CPU (or sat in a blocking call) saw nothing of what happened meanwhile.
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

/** Delay above which the loop counts as lagging, and how long a lag spell taints samples afterwards. */
export const LAG_MS = 40;
const TICK_MS = 100;
const TAINT_MS = 250;
/** One stall this long (ms) makes a scan's results untrustworthy, whatever its deadlines. */
export const STARVED_STALL_MS = 5000;

export class LoopHealth {
  private h: IntervalHistogram | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastTick = 0;
  private taintedUntil = 0;
  /** Samples the monitor told the caller to drop (for the scan's stats). */
  discarded = 0;
  private startedAt = 0;
  /** Recent spells of standing still, [from, to] (performance.now() ms). */
  private spells: Array<[number, number]> = [];
  private cpuAt: NodeJS.CpuUsage = { user: 0, system: 0 };
  private worst = 0;
  private stalled = 0;

  start(): this {
    if (this.timer) return this;
    this.h = monitorEventLoopDelay({ resolution: 10 });
    this.h.enable();
    this.lastTick = performance.now();
    this.startedAt = this.lastTick;
    this.cpuAt = process.cpuUsage();
    this.worst = 0;
    this.stalled = 0;
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
    return this;
  }

  private tick(): void {
    const now = performance.now();
    const late = now - this.lastTick - TICK_MS;
    const cpu = process.cpuUsage();
    const cpuMs = (cpu.user - this.cpuAt.user + cpu.system - this.cpuAt.system) / 1000;
    this.cpuAt = cpu;
    this.lastTick = now;
    const maxMs = this.h ? this.h.max / 1e6 : 0;
    this.h?.reset();
    if (late > LAG_MS || maxMs > LAG_MS) this.taintedUntil = now + TAINT_MS;
    // Lateness the process's CPU time does not explain: the whole process stood still.
    const stall = late - cpuMs;
    if (stall > LAG_MS) {
      this.stalled += stall;
      this.spells.push([now - stall, now]);
      if (this.spells.length > 1024) this.spells.splice(0, 512);
    }
    if (stall > this.worst) this.worst = stall;
  }

  /** How long (ms) the process stood still between `from` and `to` (performance.now() times). */
  stoodStill(from: number, to: number): number {
    // Spells up to the last tick are recorded; a stall still in progress shows as a tick overdue. Only
    // then is it measured now (a tick reads process.cpuUsage, a system call: asked after every
    // timed-out connect of a sparse sweep, that was a tenth of the sweep's CPU).
    if (this.timer && performance.now() - this.lastTick > TICK_MS + LAG_MS) this.tick();
    let ms = 0;
    for (let i = this.spells.length - 1; i >= 0; i--) {
      const [a, b] = this.spells[i];
      if (b < from) break;
      ms += Math.max(0, Math.min(b, to) - Math.max(a, from));
    }
    return ms;
  }

  /**
   * Was the loop starved so badly that nothing the scan measured can be trusted? Yes when one stall
   * (lateness beyond the process's CPU time) lasted at least `STARVED_STALL_MS` (or twice the
   * connection deadline, if longer). Returns why, or undefined. (Timeouts that a shorter stall may
   * have caused are retried by the sweep, and counted there when they stay in doubt.)
   */
  starvation(timeoutMs = 0): string | undefined {
    if (this.timer) this.tick();
    const watched = (this.timer ? performance.now() : this.stoppedAt) - this.startedAt;
    const worstLimit = Math.max(STARVED_STALL_MS, 2 * timeoutMs);
    const w = Math.round(this.worst);
    const total = Math.round(this.stalled);
    if (w >= worstLimit) return `the event loop stalled for ${w} ms at once without using the CPU (limit ${worstLimit} ms; it stood still for ${total} ms of ${Math.round(watched)} ms in all)`;
    return undefined;
  }

  /** The worst stall and the stalled time so far (ms), for stats and tests. */
  get stalls(): { worstMs: number; stalledMs: number } { return { worstMs: Math.round(this.worst), stalledMs: Math.round(this.stalled) }; }

  /** True while the loop lags (or did a moment ago): timings measured now are not the network's. */
  lagging(): boolean {
    if (!this.timer) return false;
    const now = performance.now();
    return now < this.taintedUntil || now - this.lastTick > TICK_MS + LAG_MS;
  }

  private stoppedAt = 0;

  stop(): void {
    if (this.timer) { this.tick(); this.stoppedAt = performance.now(); clearInterval(this.timer); }
    this.timer = undefined;
    this.h?.disable();
    this.h = undefined;
  }
}
