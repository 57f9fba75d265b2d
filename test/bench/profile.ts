// Summaries for the profiled benchmark run (pure; unit-tested in test/bench/measure.test.ts):
//  - a V8 CPU profile (node --cpu-prof): self and inclusive time per function, and time by what the
//    code was doing, attributed to the innermost camsweep function on the stack;
//  - the connection trace of trace-hook.mjs: connect checks vs probe requests, TLS, timeline phases;
//  - the responders' request counts (listeners.mjs --stats): requests per open port by kind.

export interface CallFrame { functionName: string; url: string; lineNumber: number; columnNumber?: number }
export interface ProfileNode { id: number; callFrame: CallFrame; hitCount?: number; children?: number[] }
export interface CpuProfile { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] }

export interface FnTime { fn: string; where: string; ms: number; pct: number }
export interface ProfileSummary {
  totalMs: number;
  self: FnTime[];
  inclusive: FnTime[];
  /** Time by activity (see CATEGORY_RULES), most first. */
  categories: Array<{ name: string; ms: number; pct: number }>;
}

/** Top-level functions of a compiled camsweep file: start line (0-based) → name, to attribute closures. */
export type FunctionIndex = (url: string) => Array<{ line: number; name: string }> | undefined;

/** `export function x(`/`function x(`/`export const x =`/`export async function x(` at column 0. */
export function topLevelFunctions(source: string): Array<{ line: number; name: string }> {
  const out: Array<{ line: number; name: string }> = [];
  source.split('\n').forEach((l, i) => {
    const m = /^(?:export\s+)?(?:async\s+)?(?:function\*?\s+([\w$]+)|(?:const|let)\s+([\w$]+)\s*(?::[^=]*)?=)/.exec(l);
    if (m) out.push({ line: i, name: (m[1] ?? m[2])! });
  });
  return out;
}

function shortUrl(url: string, repo: string): string {
  if (!url) return '';
  let u = url.replace(/^file:\/\//, '');
  if (repo && u.startsWith(repo)) u = u.slice(repo.length).replace(/^\//, '');
  return u;
}

/** The camsweep module a frame belongs to ("dist/net/tcp.js"), or undefined for node internals and dependencies. */
function ownModule(url: string, repo: string): string | undefined {
  const u = shortUrl(url, repo);
  return /^(dist|src)\//.test(u) ? u : undefined;
}

const CATEGORY_RULES: Array<{ name: string; test: (mod: string, fn: string) => boolean }> = [
  { name: 'connect checks (net/tcp connectCheck)', test: (m, f) => m.endsWith('net/tcp.js') && f === 'connectCheck' },
  { name: 'probe requests: socket I/O (net/tcp exchange)', test: (m, f) => m.endsWith('net/tcp.js') && f === 'exchange' },
  { name: 'probes: HTTP/RTSP logic', test: (m) => /\/probes\//.test(m) },
  { name: 'response parsing, hashing (wire/)', test: (m) => /\/wire\//.test(m) },
  { name: 'TCP sweep scheduling (scan/, util/limit, util/deadline)', test: (m) => /\/scan\//.test(m) || /\/util\/(limit|deadline|loop)/.test(m) },
  { name: 'fingerprinting and policy', test: (m) => /\/(fingerprint|policy)\//.test(m) },
  { name: 'discovery (discovery/, protocols/, net/udp, net/http-fetch)', test: (m) => /\/(discovery|protocols)\//.test(m) || /net\/(udp|http-fetch|interfaces|neighbours)/.test(m) },
  { name: 'report and output (report/, cli/)', test: (m) => /\/(report|cli)\//.test(m) },
  { name: 'start-up (data cache, targets, paths)', test: (m) => /(data-cache|data\/cache|data\/load|targets|paths|version)/.test(m) },
];

export function summariseProfile(p: CpuProfile, opts: { repo: string; functions?: FunctionIndex; top?: number }): ProfileSummary {
  const byId = new Map<number, ProfileNode>();
  for (const n of p.nodes) byId.set(n.id, n);
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const keyOf = (n: ProfileNode) => {
    const cf = n.callFrame;
    return `${cf.functionName || '(anonymous)'}\t${shortUrl(cf.url, opts.repo)}${cf.url ? `:${cf.lineNumber + 1}` : ''}`;
  };
  const enclosing = (n: ProfileNode): string => {
    const list = opts.functions?.(n.callFrame.url);
    if (!list?.length) return n.callFrame.functionName;
    let name = n.callFrame.functionName;
    for (const f of list) { if (f.line <= n.callFrame.lineNumber) name = f.name; else break; }
    return name;
  };
  // Sample i lasts until sample i+1 (timeDeltas[i+1]); the last one gets the mean.
  const deltas = p.timeDeltas;
  const total = (p.endTime - p.startTime) / 1000;
  const meanUs = deltas.length ? deltas.reduce((a, b) => a + b, 0) / deltas.length : 0;
  const self = new Map<string, number>();
  const incl = new Map<string, number>();
  const cats = new Map<string, number>();
  const catCache = new Map<number, string>();
  const categoryOf = (leafId: number): string => {
    const hit = catCache.get(leafId);
    if (hit) return hit;
    const leaf = byId.get(leafId)!;
    const lf = leaf.callFrame.functionName;
    let cat: string | undefined;
    if (lf === '(idle)') cat = 'idle (waiting for the network or timers)';
    else if (lf === '(garbage collector)') cat = 'garbage collection';
    else if (lf === '(program)') cat = 'V8/native outside JavaScript ((program))';
    else {
      // The innermost camsweep function on the stack says what the work was for; TLS code between the
      // leaf and that function (camsweep called into TLS), or anywhere when no camsweep code is on the
      // stack (a TLS socket callback), makes it TLS work.
      let tlsSeen = false;
      let moduleLoading = false;
      for (let id: number | undefined = leafId; id !== undefined && !cat; id = parent.get(id)) {
        const n = byId.get(id)!;
        const u = n.callFrame.url;
        if (/node:(_tls_wrap|tls|internal\/tls)/.test(u) || /^(TLSSocket|TLSWrap)/.test(n.callFrame.functionName)) tlsSeen = true;
        if (/node:internal\/modules/.test(u)) moduleLoading = true;
        const mod = ownModule(u, opts.repo);
        if (mod) {
          if (tlsSeen) { cat = 'TLS (handshakes, record layer)'; break; }
          const fn = enclosing(n);
          const rule = CATEGORY_RULES.find((r) => r.test(mod, fn));
          cat = rule?.name ?? `other camsweep code (${mod.replace(/^dist\//, '')})`;
        }
      }
      if (!cat) cat = tlsSeen ? 'TLS (handshakes, record layer)' : moduleLoading ? 'start-up (module loading, compiling)' : 'node internals with no camsweep frame (socket and timer callbacks)';
    }
    catCache.set(leafId, cat);
    return cat;
  };
  for (let i = 0; i < p.samples.length; i++) {
    const id = p.samples[i]!;
    const ms = (i + 1 < deltas.length ? deltas[i + 1]! : meanUs) / 1000;
    const leaf = byId.get(id);
    if (!leaf) continue;
    self.set(keyOf(leaf), (self.get(keyOf(leaf)) ?? 0) + ms);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const n = byId.get(cur)!;
      if (n.callFrame.functionName === '(root)') continue;
      const k = keyOf(n);
      if (seen.has(k)) continue;
      seen.add(k);
      incl.set(k, (incl.get(k) ?? 0) + ms);
    }
    const c = categoryOf(id);
    cats.set(c, (cats.get(c) ?? 0) + ms);
  }
  const top = opts.top ?? 15;
  const list = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, ms]) => {
    const [fn, where] = k.split('\t');
    return { fn: fn!, where: where!, ms, pct: total ? (100 * ms) / total : 0 };
  });
  return {
    totalMs: total,
    self: list(self),
    inclusive: list(incl),
    categories: [...cats].sort((a, b) => b[1] - a[1]).map(([name, ms]) => ({ name, ms, pct: total ? (100 * ms) / total : 0 })),
  };
}

// --- the connection trace ------------------------------------------------------------------------

export interface TracedConn { t0: number; tc?: number; ts?: number; tw?: number; t1?: number; te?: number; host: string; port: number; tls: boolean; req?: string; err?: string; rx?: number; txb?: number }
export interface Trace { exitAt: number; conns: TracedConn[]; memPeak?: Record<string, number>; loop: { mean: number; p50: number; p90: number; p99: number; max: number; stalls: Array<[number, number]> }; gc: { count: number; ms: number; byKind: Record<string, { count: number; ms: number }> } }

/** What a traced connection was for: a connect check (nothing written), or the request it carried. */
export function connKind(c: TracedConn): string {
  if (c.req === undefined) return c.tls ? 'TLS, nothing sent' : 'connect check';
  const m = /^(GET|POST|HEAD|PUT|OPTIONS|DESCRIBE)\s+(\S+)/.exec(c.req);
  if (!m) return `${c.tls ? 'TLS ' : ''}other`;
  if (/^rtsp:/.test(m[2]!)) return `RTSP ${m[1]}`;
  return `${c.tls ? 'HTTPS' : 'HTTP'} ${m[1]} ${m[2]}`;
}

export interface TraceSummary {
  connections: number;
  byKind: Array<{ kind: string; count: number; medianMs: number; totalMs: number }>;
  /** Timeline, ms since process start. */
  firstConnectAt: number;
  lastCheckEndAt: number;
  firstProbeAt: number;
  lastProbeEndAt: number;
  exitAt: number;
  /** Most connections open at once. */
  peakInFlight: number;
  /** TLS connections to ports that the layout serves without TLS (and whether they failed). */
  tlsOnPlainPorts: number;
  tlsHandshakesOk: number;
  tlsHandshakeMedianMs: number;
}

export function summariseTrace(t: Trace, plainPort: (host: string, port: number) => boolean): TraceSummary {
  const med = (xs: number[]) => { if (!xs.length) return NaN; const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2; };
  const groups = new Map<string, number[]>();
  for (const c of t.conns) {
    const k = connKind(c);
    const d = (c.t1 ?? t.exitAt) - c.t0;
    (groups.get(k) ?? groups.set(k, []).get(k)!).push(d);
  }
  const checks = t.conns.filter((c) => c.req === undefined && !c.tls);
  const probes = t.conns.filter((c) => !(c.req === undefined && !c.tls));
  const ev: Array<[number, number]> = [];
  for (const c of t.conns) { ev.push([c.t0, 1]); ev.push([c.t1 ?? t.exitAt, -1]); }
  ev.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let cur = 0;
  let peak = 0;
  for (const [, d] of ev) { cur += d; peak = Math.max(peak, cur); }
  const tlsConns = t.conns.filter((c) => c.tls);
  return {
    connections: t.conns.length,
    byKind: [...groups].map(([kind, ds]) => ({ kind, count: ds.length, medianMs: med(ds), totalMs: ds.reduce((a, b) => a + b, 0) })).sort((a, b) => b.count - a.count),
    firstConnectAt: Math.min(...t.conns.map((c) => c.t0)),
    lastCheckEndAt: Math.max(0, ...checks.map((c) => c.t1 ?? t.exitAt)),
    firstProbeAt: probes.length ? Math.min(...probes.map((c) => c.t0)) : NaN,
    lastProbeEndAt: probes.length ? Math.max(...probes.map((c) => c.t1 ?? t.exitAt)) : NaN,
    exitAt: t.exitAt,
    peakInFlight: peak,
    tlsOnPlainPorts: tlsConns.filter((c) => plainPort(c.host, c.port)).length,
    tlsHandshakesOk: tlsConns.filter((c) => c.ts !== undefined).length,
    tlsHandshakeMedianMs: med(tlsConns.filter((c) => c.ts !== undefined).map((c) => c.ts! - c.t0)),
  };
}

// --- the responders' counts -----------------------------------------------------------------------

export interface ResponderStats { since: number; until: number; byPort: Record<string, Record<string, number>> }

/** Requests per open port by kind: counts from the responders divided by the open ports of each number. */
export function requestsPerOpenPort(stats: ResponderStats, openPorts: Map<number, number>): Array<{ port: number; open: number; perPort: Record<string, number> }> {
  return [...openPorts].sort((a, b) => a[0] - b[0]).map(([port, open]) => {
    const perPort: Record<string, number> = {};
    for (const [k, n] of Object.entries(stats.byPort[String(port)] ?? {})) perPort[k] = Math.round((100 * n) / open) / 100;
    return { port, open, perPort };
  });
}
