#!/usr/bin/env node
// Writes dist/data-cache.json: every src/data/**/*.yaml parsed, keyed by path with the size and SHA-256
// of its bytes (see src/data-cache.ts, whose compiled code does the work). Run by the build after tsc.
const { writeDataCache } = await import(new URL('../dist/data-cache.js', import.meta.url).href);
writeDataCache();
