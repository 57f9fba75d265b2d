// Escaping for the markup formats (HTML, JUnit XML) and Markdown: one helper each, over the one
// sanitiser (src/util/sanitize.ts). Every string from the network goes through clean() first (no
// control character, escape sequence or bidi override survives, which XML 1.0 would refuse anyway),
// then through the format's escaping. Pure.
import { clean } from '../util/sanitize.js';

const MARKUP: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * A value as HTML or XML text or attribute content: cleaned to one line, bounded, every markup
 * character escaped, and the two non-characters XML 1.0 forbids (U+FFFE, U+FFFF) replaced.
 */
export function esc(v: unknown, max = 512): string {
  return clean(v, max).replace(/[&<>"']/g, (c) => MARKUP[c]).replace(/[\uFFFE\uFFFF]/g, '\uFFFD');
}

/** A value as Markdown inline text: cleaned, bounded, every character Markdown or HTML would act on backslash-escaped. */
export function md(v: unknown, max = 512): string {
  return clean(v, max).replace(/[\\`*_{}[\]<>#+!|~&@]/g, (c) => `\\${c}`);
}
