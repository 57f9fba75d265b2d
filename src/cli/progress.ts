// The progress line: on a terminal only, on stderr, never with --quiet and never into a pipe or a file.
//   scanned 1200/65536 hosts (1.8%), 240 hosts/s, ETA 4m28s; 14 answering; 9 devices judged, 3 restricted
// One line, redrawn at most every REDRAW_MS with \r and erase-line, cut to the terminal's width, and
// erased before any other line is written to stderr and when the sweep ends.
import type { DeviceReport } from '../model/types.js';

const REDRAW_MS = 100;

export interface ProgressStream { write(s: string): unknown; isTTY?: boolean; columns?: number }

export function formatDuration(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '?';
  const t = Math.round(s);
  if (t < 60) return `${t}s`;
  if (t < 3600) return `${Math.floor(t / 60)}m${String(t % 60).padStart(2, '0')}s`;
  return `${Math.floor(t / 3600)}h${String(Math.floor((t % 3600) / 60)).padStart(2, '0')}m`;
}

/** The text of the line (pure: the counts and the elapsed time in, the words out). */
export function progressLine(a: { done: number; total: number; found: number; devices: number; restricted: number; elapsedMs: number }): string {
  const pct = a.total ? ` (${((100 * a.done) / a.total).toFixed(a.total >= 1000 ? 1 : 0)}%)` : '';
  const rate = a.elapsedMs > 0 ? (a.done * 1000) / a.elapsedMs : 0;
  const rateText = rate >= 10 ? rate.toFixed(0) : rate.toFixed(1);
  const eta = a.done > 0 && a.done < a.total && rate > 0 ? `, ETA ${formatDuration((a.total - a.done) / rate)}` : '';
  const judged = `${a.devices} device${a.devices === 1 ? '' : 's'} judged, ${a.restricted} restricted`;
  return `scanned ${a.done}/${a.total} hosts${pct}, ${rateText} hosts/s${eta}; ${a.found} answering; ${judged}`;
}

export class Progress {
  private lastDraw = 0;
  private shown = false;
  private readonly t0: number;
  private counts = { done: 0, total: 0, found: 0, devices: 0, restricted: 0 };
  readonly live: boolean;
  constructor(private readonly err: ProgressStream, quiet: boolean, private readonly now: () => number = Date.now) {
    this.live = !quiet && Boolean(err.isTTY);
    this.t0 = now();
  }
  onHostDone(done: number, total: number, found: number): void {
    if (!this.live) return;
    Object.assign(this.counts, { done, total, found });
    if (done === total) { this.clear(); return; }
    this.draw();
  }
  onDevice(d: Pick<DeviceReport, 'verdict'>): void {
    if (!this.live) return;
    this.counts.devices++;
    if (d.verdict.status === 'restricted') this.counts.restricted++;
    if (this.counts.total && this.counts.done < this.counts.total) this.draw();
  }
  /** Erase the line (before another line goes to stderr, and at the end). */
  clear(): void {
    if (this.shown) { this.err.write('\r\x1b[2K'); this.shown = false; }
  }
  private draw(): void {
    const now = this.now();
    if (now - this.lastDraw < REDRAW_MS) return;
    this.lastDraw = now;
    const width = Math.max(20, (this.err.columns || 80) - 1);
    const line = progressLine({ ...this.counts, elapsedMs: now - this.t0 });
    this.err.write(`\r\x1b[2K${line.length > width ? line.slice(0, width - 1) + '…' : line}`);
    this.shown = true;
  }
}
