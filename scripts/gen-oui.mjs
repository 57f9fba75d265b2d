#!/usr/bin/env node
// Regenerates src/data/oui.json from the IEEE registry as packaged by the `oui-data` devDependency.
// Only organisations the knowledge base can use are kept (camera makers, restricted entities, their
// brands, and common network equipment), so the runtime table stays small.
// Usage: node scripts/gen-oui.mjs
import { createRequire } from 'node:module';
import { writeFileSync, readFileSync } from 'node:fs';
const require = createRequire(import.meta.url);
const oui = require('oui-data');
const pkg = JSON.parse(readFileSync(new URL('../node_modules/oui-data/package.json', import.meta.url), 'utf8'));
const KEEP = /hikvision|ezviz|microimage|hikrobot|dahua|huacheng|uniview|tiandy|hytera|huawei|hisilicon|\bzte\b|amcrest|lorex|lt security|observint|swann|axis communications|hanwha|samsung techwin|robert bosch|bosch security|vivotek|avigilon|sony|panasonic|mobotix|milesight|reolink|ubiquiti|xiongmai|geovision|acti corp|pelco|canon|foscam|d-link|hewlett|\bhp inc|brother industries|seiko epson|mikrotik|routerboard|tp-link|netgear|cisco|synology|qnap|avm|verkada|honeywell|interlogix|flir|intelbras|cp plus|raspberry|intel corp/i;
const out = {};
let n = 0;
for (const [k, v] of Object.entries(oui)) {
  const org = String(v).split('\n')[0].trim();
  if (KEEP.test(org)) { out[k] = org; n++; }
}
const doc = { source: 'IEEE MA-L/MA-M/MA-S registries via npm oui-data@' + pkg.version, generated: new Date().toISOString().slice(0, 10), count: n, prefixes: out };
writeFileSync(new URL('../src/data/oui.json', import.meta.url), JSON.stringify(doc) + '\n');
console.error(`wrote ${n} prefixes`);
