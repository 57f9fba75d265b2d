// The layer rules of camsweep (README "Layout"), checked by `npm run layers` in .ci/run and by
// test/layers.test.ts. Lower layers never import higher ones, so folders cannot form cycles; only
// src/net opens sockets; the pure layers (model, protocols, fingerprint, policy, report) do no I/O.
const SOCKETS = '^(node:)?(net|dgram|tls|http|https|http2|dns|dns/promises)$';
const IO = '^(node:)?(fs|fs/promises|net|dgram|tls|http|https|http2|dns|dns/promises|child_process|os|cluster|worker_threads)$';

/** Which folders of src/ each folder may import (besides itself). */
const LAYERS = {
  model: [],
  util: ['model'],
  protocols: ['model', 'util'],
  fingerprint: ['model', 'util', 'protocols'],
  policy: ['model', 'util'],
  report: ['model', 'util', 'policy'],
  targets: ['model', 'util'],
  net: ['model', 'util', 'protocols'],
  probes: ['model', 'util', 'protocols'],
  discovery: ['model', 'util', 'protocols'],
  scan: ['model', 'util', 'fingerprint', 'policy', 'probes', 'discovery', 'targets', 'net'],
  data: ['model', 'util', 'fingerprint', 'policy'],
  lab: ['model', 'util', 'protocols', 'net', 'data'],
  runner: ['model', 'util', 'protocols', 'fingerprint', 'policy', 'report', 'targets', 'net', 'probes', 'discovery', 'scan', 'data', 'lab'],
  cli: ['model', 'util', 'protocols', 'fingerprint', 'policy', 'report', 'targets', 'scan', 'data', 'runner', 'discovery'],
};
const PURE = ['model', 'protocols', 'fingerprint', 'policy', 'report'];
/** Folders that may use the top-level modules (src/paths.ts, src/version.ts: they read package.json). */
const EDGES = ['data', 'lab', 'runner', 'cli'];

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'no module cycles', from: { path: '^src/' }, to: { circular: true } },
    {
      name: 'sockets-only-in-net', severity: 'error', comment: 'only src/net opens sockets',
      from: { path: '^src/', pathNot: '^src/net/' }, to: { dependencyTypes: ['core'], path: SOCKETS },
    },
    {
      name: 'pure-layers-do-no-io', severity: 'error', comment: `${PURE.join(', ')} take their data as arguments: no files, sockets or processes`,
      from: { path: `^src/(${PURE.join('|')})/` }, to: { dependencyTypes: ['core'], path: IO },
    },
    ...Object.entries(LAYERS).map(([folder, allowed]) => ({
      name: `layer-${folder}`, severity: 'error', comment: `src/${folder} may import only ${[folder, ...allowed].join(', ')}${EDGES.includes(folder) ? ' and the top-level paths/version modules' : ''}`,
      from: { path: `^src/${folder}/` },
      to: { path: '^src/', pathNot: [`^src/(${[folder, ...allowed].join('|')})/`, ...(EDGES.includes(folder) ? ['^src/[^/]+\\.ts$'] : [])] },
    })),
    {
      name: 'pure-layers-read-no-input', severity: 'error', comment: 'reading files (src/util/input.ts) is for the edges',
      from: { path: `^src/(${PURE.join('|')})/` }, to: { path: '^src/util/input\\.ts$' },
    },
    {
      name: 'top-level-below-cli', severity: 'error', comment: 'src/paths.ts and src/version.ts are read by the edges only',
      from: { path: `^src/(${PURE.join('|')}|util|targets|probes|discovery|scan)/` }, to: { path: '^src/[^/]+\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
