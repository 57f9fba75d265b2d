// Preloaded with `node --import <this>`: blocks the event loop once, for CAMSWEEP_TEST_BLOCK_MS
// (default 2600) ms, right after the process opens its first outgoing TCP connection - a stand-in for
// a machine so loaded that the scan's process gets no CPU while its connections are in flight.
import dc from 'node:diagnostics_channel';

const ms = Number(process.env.CAMSWEEP_TEST_BLOCK_MS ?? 2600);
let fired = false;
dc.subscribe('net.client.socket', () => {
  if (fired) return;
  fired = true;
  setImmediate(() => {
    const until = performance.now() + ms;
    while (performance.now() < until) { /* starve the loop */ }
  });
});
