// Preloaded into camsweep for the profiled and the memory benchmark runs only (`node --import <this>
// bin/camsweep.js ...`, with BENCH_TRACE=<file>): records every TCP connection the process opens, the
// event loop's delay, GC pauses and the peak of process.memoryUsage() (sampled every 50 ms), and writes
// them as JSON to <file> when the process exits (BENCH_TRACE_CONNS=0: no connection records, for the
// memory runs). Nothing in src/ knows about it.
//
// Per connection (net.Socket.prototype.connect, which tls.connect goes through as well): when it was
// issued, when the handshake (and the TLS handshake) finished or failed, the first line it wrote (the
// request; none for a connect check), bytes each way, and when camsweep destroyed it. Times are ms
// since the process started (performance.now()).
import fs from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { monitorEventLoopDelay, PerformanceObserver, performance } from 'node:perf_hooks';

const out = process.env.BENCH_TRACE;
if (out) {
  const conns = [];
  const recordConns = process.env.BENCH_TRACE_CONNS !== '0';
  const rec = new WeakMap();
  const firstLine = (chunk) => {
    const s = typeof chunk === 'string' ? chunk.slice(0, 200) : Buffer.isBuffer(chunk) ? chunk.subarray(0, 200).toString('latin1') : '';
    return s.split('\r\n')[0].slice(0, 80);
  };
  const origConnect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function (...args) {
    let o = args[0];
    if (Array.isArray(o)) o = o[0];
    const host = typeof o === 'object' && o ? o.host : args[1];
    const port = typeof o === 'object' && o ? o.port : o;
    const traced = recordConns && !rec.has(this) && typeof port !== 'undefined' && !(typeof o === 'object' && o?.path);
    let r;
    if (traced) {
      r = { t0: performance.now(), host: String(host ?? ''), port: Number(port), tls: this instanceof tls.TLSSocket };
      rec.set(this, r);
      conns.push(r);
      this.once('connect', () => { r.tc = performance.now(); });
      if (r.tls) this.once('secureConnect', () => { r.ts = performance.now(); });
      this.once('error', (e) => { r.err ??= e?.code ?? 'ERROR'; r.te ??= performance.now(); });
    }
    const ret = origConnect.apply(this, args);
    if (traced) {
      // After connect(): it resets this.write to Socket.prototype.write.
      const w = this.write;
      this.write = function (chunk, ...rest) {
        if (r.req === undefined) { r.req = firstLine(chunk); r.tw = performance.now(); }
        return w.call(this, chunk, ...rest);
      };
    }
    return ret;
  };
  const origDestroy = net.Socket.prototype.destroy;
  net.Socket.prototype.destroy = function (...args) {
    const r = rec.get(this);
    if (r && r.t1 === undefined) { r.t1 = performance.now(); r.rx = this.bytesRead; r.txb = this.bytesWritten; }
    return origDestroy.apply(this, args);
  };

  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  // Stalls: a 20 ms interval timer that fires late by more than 50 ms.
  const stalls = [];
  let last = performance.now();
  const iv = setInterval(() => {
    const now = performance.now();
    const late = now - last - 20;
    if (late > 50) stalls.push([Math.round(last), Math.round(late)]);
    last = now;
  }, 20);
  iv.unref();
  const memPeak = { rss: 0, heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 };
  const sampleMem = () => { const m = process.memoryUsage(); for (const k of Object.keys(memPeak)) memPeak[k] = Math.max(memPeak[k], m[k] ?? 0); };
  setInterval(sampleMem, 50).unref();
  const gc = { count: 0, ms: 0, byKind: {} };
  const KIND = { 1: 'minor (scavenge)', 2: 'major (mark-compact)', 4: 'incremental marking', 8: 'weak callbacks' };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gc.count++;
      gc.ms += e.duration;
      const k = KIND[e.detail?.kind ?? e.kind] ?? String(e.detail?.kind ?? e.kind);
      const b = (gc.byKind[k] ??= { count: 0, ms: 0 });
      b.count++;
      b.ms += e.duration;
    }
  }).observe({ entryTypes: ['gc'] });

  process.on('exit', () => {
    h.disable();
    const ms = (ns) => Math.round(ns / 1e4) / 100;
    const loop = { mean: ms(h.mean), p50: ms(h.percentile(50)), p90: ms(h.percentile(90)), p99: ms(h.percentile(99)), max: ms(h.max), stalls };
    sampleMem();
    fs.writeFileSync(out, JSON.stringify({ exitAt: performance.now(), conns, loop, gc, memPeak }));
  });
}
