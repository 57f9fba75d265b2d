import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** Package root: this file is src/paths.ts or dist/paths.ts, one level below the root. */
export const ROOT = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
/** Data files (knowledge base, policy packs, vocabulary) ship as source, never compiled. */
export const DATA_DIR = path.join(ROOT, 'src', 'data');
