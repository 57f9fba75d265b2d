#!/usr/bin/env node
// Rewrites the options section of README.md from the option table (camsweep options-reference).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
const md = execFileSync(process.execPath, [new URL('../bin/camsweep.js', import.meta.url).pathname, 'options-reference'], { encoding: 'utf8' });
const file = new URL('../README.md', import.meta.url);
const text = readFileSync(file, 'utf8');
const out = text.replace(/<!-- options:start -->[\s\S]*<!-- options:end -->/, `<!-- options:start -->\n${md}<!-- options:end -->`);
writeFileSync(file, out);
