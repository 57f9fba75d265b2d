// Preloaded with `node --import <this>`: stops the event loop for CAMSWEEP_TEST_BLOCK_MS (default 2600)
// ms right after the process opens an outgoing TCP connection - the first one, or with
// CAMSWEEP_TEST_BLOCK_EVERY=1 every one - without using the CPU (Atomics.wait), as when a machine is so
// loaded that the scan's process is not scheduled at all.
import dc from 'node:diagnostics_channel';

const ms = Number(process.env.CAMSWEEP_TEST_BLOCK_MS ?? 2600);
const every = process.env.CAMSWEEP_TEST_BLOCK_EVERY === '1';
let fired = false;
dc.subscribe('net.client.socket', () => {
  if (fired && !every) return;
  fired = true;
  setImmediate(() => { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms); });
});
