// Preload (node --import) for test/startup.test.ts: records the path of every fs.readFileSync call into
// the file named by CAMSWEEP_TEST_READS_OUT (at exit). The ES modules' named imports of node:fs see the
// wrapper (module.syncBuiltinESMExports, run before they load). Nothing in src/ knows it.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
const out = process.env.CAMSWEEP_TEST_READS_OUT;
if (out) {
  const reads = [];
  const orig = fs.readFileSync;
  fs.readFileSync = function (p, ...rest) { reads.push(String(p)); return orig.call(this, p, ...rest); };
  syncBuiltinESMExports();
  process.on('exit', () => { fs.writeFileSync(out, reads.join('\n')); });
}
