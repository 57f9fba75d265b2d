// Preload (node --import) for test/startup.test.ts: registers module-hooks.mjs, which records every
// module loaded into the file named by CAMSWEEP_TEST_MODULES_OUT. Nothing in src/ knows about it.
import { register } from 'node:module';
if (process.env.CAMSWEEP_TEST_MODULES_OUT) register('./module-hooks.mjs', import.meta.url, { data: { out: process.env.CAMSWEEP_TEST_MODULES_OUT } });
