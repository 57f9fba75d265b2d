// Preload (node --import) for test/startup.test.ts: registers module-hooks.mjs, which records every
// ES module loaded into the file named by CAMSWEEP_TEST_MODULES_OUT, and at exit adds the CommonJS
// modules require() loaded (require.cache is the process's one CommonJS cache). Nothing in src/ knows it.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';
const out = process.env.CAMSWEEP_TEST_MODULES_OUT;
if (out) {
  register('./module-hooks.mjs', import.meta.url, { data: { out } });
  const cache = createRequire(import.meta.url).cache;
  process.on('exit', () => { appendFileSync(out, Object.keys(cache).map((f) => `${pathToFileURL(f).href}\n`).join('')); });
}
