// Module hooks (node:module register) for test/startup.test.ts: every module the process loads is
// appended, as its URL, to the file given at registration. Runs on the hooks thread; test-only.
import { appendFileSync } from 'node:fs';
let out;
export function initialize(data) { out = data.out; }
export async function load(url, context, next) {
  if (out) appendFileSync(out, `${url}\n`);
  return next(url, context);
}
