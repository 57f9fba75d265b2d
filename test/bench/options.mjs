// The options of `npm run bench` (test/bench/cli.mjs), in one place: parsed from the command line by the
// CLI, handed to the benchmark files as one JSON environment variable (BENCH_CONFIG), read back here.
// Plain JavaScript so both the CLI (plain node) and the benchmark files (vitest) import the same code.

/** The issue-11 layouts (test/bench/compare.bench.ts) and the older benchmarks kept beside them. */
export const LAYOUTS = {
  dense: 'dense /24: 254 live camera-like hosts, 4 of the 8 default ports open on each (compare.bench.ts)',
  mixed: 'mixed /24: 25 camera-like hosts, a block of 20 filtered hosts (DROP), the rest absent (compare.bench.ts)',
  routed: 'routed sparse block behind a router namespace, 1% live with 2 of 8 ports open, absent addresses dropped; --size sets it (compare.bench.ts)',
  sim: 'the older sparse /24: 12 simulated cameras (real personas, own namespaces), 5 ports (sweep.bench.ts)',
  farm: 'the older dense /24: 200 addresses in one namespace, 30 plain listeners, 5 filtered, 5 ports (sweep.bench.ts)',
  'routed-discovery': 'issue 13: the default scan beside --protocols tcp on the routed /20 (routed.bench.ts)',
};
export const DEFAULT_LAYOUTS = ['dense', 'mixed', 'routed'];
export const SIZES = [20, 18, 16];
export const MEMORY_SIZES = [24, 20, 18, 16];

export const DEFAULTS = Object.freeze({
  layouts: DEFAULT_LAYOUTS,
  size: 20,
  rounds: 3,
  rates: [500, 2000],
  profile: false,
  memory: false,
  memorySizes: MEMORY_SIZES,
  nmap: true,
  floor: false,
  out: '',
});

export const USAGE = `usage: npm run bench [-- options]   (root, Linux; nmap, tcpdump, iptables, GNU time, openssl: test/lab/setup.sh)

Builds namespace LANs (torn down afterwards, also on failure or Ctrl-C), times camsweep beside
nmap -n -sT -T4 on the same ports in one run (order alternating by round), checks that both found the
same open host:port set in every run (fails if not) and prints median wall times, ratios and peak RSS.

  --layouts <list>     comma-separated (or none), default ${DEFAULT_LAYOUTS.join(',')}:
${Object.entries(LAYOUTS).map(([k, v]) => `                         ${k.padEnd(17)} ${v}`).join('\n')}
  --size <n>           prefix length of the routed block: ${SIZES.join(', ')} (default 20; 18 and 16 take minutes)
  --rounds <n>         rounds per layout, each tool once per round (default 3)
  --rates <list>       --rate values to check against SYNs counted by tcpdump, on dense and routed
                       (default 500,2000; "none" to skip)
  --profile            CPU profile (node --cpu-prof) of camsweep on the dense /24, with a connection
                       trace, event-loop delay, GC, and requests per open port counted by the responders
  --memory             peak RSS of camsweep on routed blocks of absent addresses (--memory-sizes)
  --memory-sizes <l>   prefix lengths for --memory (default ${MEMORY_SIZES.join(',')})
  --floor              on the dense /24, also time test/bench/floor-client.mjs: a bare Node.js client
                       asking about what camsweep asks, none of its machinery (where camsweep's own
                       cost starts)
  --no-nmap            camsweep only (no nmap columns; every run is still checked against the layout as built)
  --out <file>         also write every measurement as JSON to <file>
  -h, --help           this text
`;

function intList(v, what) {
  const xs = String(v).split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (!xs.length || xs.some((x) => !Number.isInteger(x) || x < 0)) throw new Error(`${what}: expected comma-separated whole numbers, got "${v}"`);
  return xs;
}

/** Check a configuration (from the command line or the environment); returns it or throws. */
export function validate(c) {
  const bad = c.layouts.filter((l) => !(l in LAYOUTS));
  if (bad.length) throw new Error(`unknown layout ${bad.join(', ')} (known: ${Object.keys(LAYOUTS).join(', ')})`);
  if (!c.layouts.length && !c.memory) throw new Error('nothing to do: no layout and no --memory');
  if (!SIZES.includes(c.size)) throw new Error(`--size must be one of ${SIZES.join(', ')}`);
  if (!Number.isInteger(c.rounds) || c.rounds < 1 || c.rounds > 50) throw new Error('--rounds must be 1-50');
  if (c.rates.some((r) => r < 1 || r > 100000)) throw new Error('--rates: each rate must be 1-100000');
  if (c.memorySizes.some((s) => s < 16 || s > 30)) throw new Error('--memory-sizes: prefix lengths 16-30');
  return c;
}

/** Parse `npm run bench` arguments. Throws on anything unknown; returns {help: true} for -h. */
export function parseArgs(argv) {
  const c = { ...DEFAULTS, layouts: [...DEFAULTS.layouts], rates: [...DEFAULTS.rates], memorySizes: [...DEFAULTS.memorySizes] };
  const a = [...argv];
  const value = (k) => {
    const v = a.shift();
    if (v === undefined || v.startsWith('--')) throw new Error(`${k} needs a value`);
    return v;
  };
  while (a.length) {
    let k = a.shift();
    let inline;
    const eq = k.indexOf('=');
    if (k.startsWith('--') && eq > 0) { inline = k.slice(eq + 1); k = k.slice(0, eq); a.unshift(inline); }
    switch (k) {
      case '-h': case '--help': return { help: true };
      case '--layouts': case '--layout': { const v = value(k); c.layouts = v === 'none' ? [] : v.split(',').map((s) => s.trim()).filter(Boolean); break; }
      case '--size': c.size = Number(value(k).replace(/^\//, '')); break;
      case '--rounds': c.rounds = Number(value(k)); break;
      case '--rates': case '--rate': { const v = value(k); c.rates = v === 'none' || v === '0' ? [] : intList(v, k); break; }
      case '--profile': c.profile = true; break;
      case '--memory': c.memory = true; break;
      case '--memory-sizes': c.memorySizes = intList(value(k).replace(/\//g, ''), k); break;
      case '--no-nmap': c.nmap = false; break;
      case '--floor': c.floor = true; break;
      case '--out': c.out = value(k); break;
      default: throw new Error(`unknown option ${k} (npm run bench -- --help)`);
    }
  }
  return validate(c);
}

/**
 * The configuration the benchmark files run with: BENCH_CONFIG (set by the CLI) or the defaults;
 * the older knobs still work when BENCH_CONFIG is absent (BENCH_LAYOUTS, BENCH_REPS).
 */
export function configFromEnv(env = process.env) {
  if (env.BENCH_CONFIG) return validate({ ...DEFAULTS, ...JSON.parse(env.BENCH_CONFIG) });
  const c = { ...DEFAULTS };
  if (env.BENCH_LAYOUTS) c.layouts = env.BENCH_LAYOUTS.split(',').map((s) => s.trim()).filter(Boolean);
  if (env.BENCH_REPS) c.rounds = Number(env.BENCH_REPS);
  return validate(c);
}
