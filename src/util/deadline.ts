// Cancellation scopes with deadlines that hold.
//
// Why not AbortSignal.any([AbortSignal.timeout(ms), parent]): in Node 20 the garbage collector may free
// the timeout signal while the combined one is still in use, and then the deadline never fires
// (nodejs/node issue #57736, pull request #57867). And every operation that adds an 'abort' listener to one shared signal
// makes the next addEventListener slower (Node walks the list), which is quadratic for a scan that
// starts thousands of operations under one signal.
//
// A Scope owns one AbortController. Its deadline is a plain setTimeout whose callback holds the scope,
// so the timer list keeps the whole chain alive until it fires or is disposed. Children are kept in a
// Set on the parent (O(1) add and remove) and aborted by the parent directly: no listener is ever
// added to a parent's signal, so the number of listeners on any signal stays what one operation adds.

export class DeadlineError extends Error {
  constructor(readonly ms: number) { super(`deadline of ${ms} ms reached`); this.name = 'DeadlineError'; }
}

export class Scope {
  private readonly ac = new AbortController();
  private readonly kids = new Set<Scope>();
  private timer: NodeJS.Timeout | undefined;
  private parent: Scope | undefined;
  private detachExternal: (() => void) | undefined;

  /** A root scope, or a child of `parent`; with `ms`, it aborts itself (DeadlineError) after that long. */
  constructor(parent?: Scope, ms?: number) {
    if (parent) {
      if (parent.aborted) { this.ac.abort(parent.signal.reason); return; }
      parent.kids.add(this);
      this.parent = parent;
    }
    if (ms !== undefined) this.timer = setTimeout(() => this.abort(new DeadlineError(ms)), Math.max(0, ms));
  }

  /** A root scope that also aborts when `signal` does (one listener on that signal, removed on dispose). */
  static linked(signal: AbortSignal | undefined, ms?: number): Scope {
    const s = new Scope(undefined, ms);
    if (!signal) return s;
    if (signal.aborted) { s.abort(signal.reason); return s; }
    const on = () => s.abort(signal.reason);
    signal.addEventListener('abort', on, { once: true });
    s.detachExternal = () => signal.removeEventListener('abort', on);
    return s;
  }

  get signal(): AbortSignal { return this.ac.signal; }
  get aborted(): boolean { return this.ac.signal.aborted; }
  /** True when this scope ended because its own deadline passed (not a parent's abort). */
  get timedOut(): boolean { return this.ac.signal.reason instanceof DeadlineError; }
  /** Live children (for tests: stays bounded by what is in flight). */
  get children(): number { return this.kids.size; }

  child(ms?: number): Scope { return new Scope(this, ms); }

  abort(reason?: unknown): void {
    if (this.aborted) return;
    this.clearTimer();
    this.ac.abort(reason ?? new Error('aborted'));
    const kids = [...this.kids];
    this.kids.clear();
    for (const k of kids) { k.parent = undefined; k.abort(this.ac.signal.reason); }
    this.detach();
  }

  /** The work under this scope is over: stop its timer and let go of the parent. Does not abort. */
  dispose(): void {
    this.clearTimer();
    this.detach();
  }

  /** Run `fn` with a fresh child scope (with its own deadline if `ms`), disposed afterwards. */
  async run<T>(fn: (s: Scope) => Promise<T>, ms?: number): Promise<T> {
    const c = this.child(ms);
    try { return await fn(c); } finally { c.dispose(); }
  }

  private clearTimer(): void {
    if (this.timer) { clearTimeout(this.timer); this.timer = undefined; }
  }

  private detach(): void {
    this.parent?.kids.delete(this);
    this.parent = undefined;
    this.detachExternal?.();
    this.detachExternal = undefined;
  }
}

/** Resolves after `ms` (a plain timer: no listener on any signal). */
export function pause(ms: number): Promise<void> {
  return new Promise((r) => { setTimeout(r, Math.max(0, ms)); });
}
