// A report written to standard output waits for a reader that is behind, piece by piece: the whole
// report is never queued in the process's memory at once (issue 11: a /16's 655 devices held ~10 MB of
// queued output at the end of the run). In-process, through main(), with a slow stdout.
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { renderJson } from '../src/report/json.js';
import { parseSavedReport } from '../src/cli/saved-report.js';
import fs from 'node:fs';

const FIXED = fileURLToPath(new URL('../fixtures/report/scan-report-1.2.json', import.meta.url));

/** A stdout whose reader takes each chunk a timer tick later; records the most it ever held queued. */
function slowStdout(): Writable & { text: string; maxQueued: number } {
  const w = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _enc, cb) { w.text += chunk.toString('utf8'); setTimeout(cb, 1); },
  }) as Writable & { text: string; maxQueued: number };
  w.text = '';
  w.maxQueued = 0;
  const write = w.write.bind(w) as (c: unknown, ...rest: unknown[]) => boolean;
  (w as unknown as { write: typeof write }).write = (c, ...rest) => { const ok = write(c, ...rest); w.maxQueued = Math.max(w.maxQueued, w.writableLength); return ok; };
  return w;
}

const sink = () => new Writable({ write(_c, _e, cb) { cb(); } });

describe('standard output with a slow reader', () => {
  it('camsweep report -f json writes the same bytes, never holding much more than one device queued', async () => {
    const stdout = slowStdout();
    const code = await main(['report', FIXED, '-f', 'json'], { stdout, stderr: sink(), env: { NO_COLOR: '1' } });
    expect(code).toBe(3); // the fixed report says its scan did not see everything (complete: false)
    await new Promise<void>((resolve) => stdout.end(resolve)); // what is still queued reaches the reader
    const expected = renderJson(parseSavedReport(fs.readFileSync(FIXED, 'utf8'), FIXED));
    expect(stdout.text).toBe(expected);
    const devices = (JSON.parse(expected) as { devices: unknown[] }).devices;
    const largestDevice = Math.max(...devices.map((d) => JSON.stringify(d, null, 2).length));
    expect(expected.length).toBeGreaterThan(4 * largestDevice);
    // Queued at most what one write adds above the high-water mark (a device, indented one level deeper).
    expect(stdout.maxQueued).toBeLessThan(2 * largestDevice + 4096);
  });
});
