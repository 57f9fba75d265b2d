// Self-declared makers: a device names who made it in standard fields (UPnP <manufacturer>, ONVIF
// Manufacturer, IPP usb_MFG, a certificate's O=, …). Rules with `declared:` capture such a value and
// this module looks it up in the vendor vocabulary (src/data/vendors.yaml: name, legal name, aliases,
// domains), so any maker listed there is named without a rule of its own. Pure.
//
// The lookup only names a maker when the value IS its name, not when it mentions one:
//   name:   the whole value is the name, optionally with legal-form and descriptive words around it
//           ("Axis Communications AB", "Shenzhen Reolink Technology Co., Ltd."), never "Linux",
//           "compatible with Axis" or "Realtek Semiconductor" (software, platforms and unlisted
//           companies are never named);
//   lead:   a make-and-model string that begins with the name ("Brother MFC-9340CDW", "Canon TS5300
//           series"), not followed by a word that makes it a mention ("… compatible", "… based");
//   domain: the host of a URL is one of the company's domains (www. and a port stripped), exactly;
//   oui:    an IEEE registry organisation (a MAC prefix's owner) read as a `name`, for vendors marked
//           `oui: true` only: companies whose registrations sit in the devices they build themselves,
//           never module, chipset or contract makers whose MACs are inside other makers' products.
// Ids the policy catalogue names (restricted makers, their brands and OEM labels: `reserved`) are
// never resolved here: dedicated rules, with their own weights, decide those.
import type { Vocabulary } from '../model/vocabulary.js';

export type DeclaredMode = 'name' | 'lead' | 'domain' | 'oui';
export const DECLARED_MODES: readonly DeclaredMode[] = ['name', 'lead', 'domain', 'oui'];

export interface Declared { maker?: string; brand?: string }

export interface DeclaredIndex {
  resolve(value: string, mode: DeclaredMode): Declared | undefined;
}

/** Legal-form words: dropped wherever they stand at the end of a name or a value. */
const LEGAL = new Set(['co', 'company', 'ltd', 'limited', 'inc', 'incorporated', 'corp', 'corporation', 'llc', 'gmbh', 'ag', 'ab', 'sa', 'sas', 'srl', 'spa',
  'nv', 'bv', 'plc', 'oy', 'oyj', 'as', 'asa', 'kg', 'pty', 'pvt', 'private', 'kk', 'sro', 'ug', 'mbh', 'se', 'lp', 'the']);
/** Words that may follow a company's name in its own manufacturer string ("Axis Communications", "QNAP Systems"). */
const DESCRIPTIVE = new Set(['communications', 'communication', 'electronics', 'electronic', 'technology', 'technologies', 'tech', 'systems', 'system',
  'networks', 'network', 'networking', 'industries', 'industrial', 'international', 'intl', 'security', 'vision', 'labs', 'lab', 'innovation', 'innovations',
  'digital', 'intelligent', 'video', 'devices', 'device', 'products', 'solutions', 'imaging', 'group', 'holdings', 'holding', 'global', 'worldwide',
  'america', 'americas', 'usa', 'us', 'europe', 'emea', 'uk', 'deutschland', 'germany', 'japan', 'china', 'asia', 'taiwan', 'korea', 'france', 'italia',
  'india', 'canada', 'australia', 'trading', 'manufacturing', 'mfg', 'research', 'development', 'rd', 'and', 'computer', 'computers', 'telecom', 'telecommunications', 'consumer', 'home', 'smart', 'iot', 'connected', 'broadband', 'wireless', 'science',
  'sciences', 'information', 'media', 'multimedia', 'audio', 'cloud', 'optical', 'camera', 'cameras', 'cctv', 'surveillance']);
/** Place names that lead a Chinese company's registered name ("Shenzhen …", "Zhejiang …"). */
const PLACES = new Set(['shenzhen', 'hangzhou', 'zhejiang', 'guangzhou', 'guangdong', 'beijing', 'shanghai', 'xiamen', 'fujian', 'wuhan', 'dongguan',
  'zhuhai', 'suzhou', 'ningbo', 'qingdao', 'tianjin', 'chongqing', 'chengdu', 'nanjing', 'jiangsu', 'hefei', 'foshan', 'zhongshan', 'hong', 'kong']);
/** Words right after a name that make the value a mention of that maker, not its own name. */
const MENTION = new Set(['compatible', 'compatibility', 'emulation', 'emulated', 'for', 'via', 'powered', 'based', 'driver', 'drivers', 'sdk', 'chipset',
  'chip', 'module', 'clone', 'mode', 'protocol', 'like', 'style', 'type', 'plugin', 'integration', 'bridge']);

const MAX_VALUE = 256;
const MAX_WORDS = 24;

/** Lower-case words of a value: letters and digits of any script, everything else a separator. */
export function words(s: string): string[] {
  const t = s.length > MAX_VALUE ? s.slice(0, MAX_VALUE) : s;
  return t.normalize('NFKC').toLowerCase().replace(/\([^()]{0,64}\)/g, ' ').split(/[^\p{L}\p{N}]+/u).filter(Boolean).slice(0, MAX_WORDS);
}

function trimLegal(w: string[]): string[] {
  let e = w.length;
  while (e > 1 && LEGAL.has(w[e - 1])) e--;
  return w.slice(0, e);
}

function trimPlaces(w: string[]): string[] {
  let s = 0;
  while (s < w.length - 1 && PLACES.has(w[s])) s++;
  return w.slice(s);
}

/** The host of a URL or bare host name, lower case, without scheme, port, path and a leading `www.`. */
export function hostOf(value: string): string | undefined {
  const m = /^\s{0,8}(?:[a-z][a-z0-9+.-]{0,15}:\/\/)?([a-z0-9.-]{1,253})(?::\d{1,5})?(?:[/?#][^\s]{0,512})?\s{0,8}$/i.exec(value.length > 600 ? value.slice(0, 600) : value);
  if (!m) return undefined;
  const h = m[1].toLowerCase().replace(/\.$/, '');
  return h.startsWith('www.') ? h.slice(4) : h;
}

interface Key { words: string[]; id: string; lead: boolean; oui: boolean }

/**
 * Build the lookup from the vocabulary. Makers and brands take part (software and platforms never);
 * `reserved` ids, and brands whose owner is reserved, do not. A name two vendors share goes to the one
 * listed first; an alias always wins over a display name.
 */
export function buildDeclaredIndex(vocab: Vocabulary, reserved: ReadonlySet<string> = new Set()): DeclaredIndex {
  const keys = new Map<string, Key>();
  const strong = new Set<string>();
  const domains = new Map<string, string>();
  const targets = new Map<string, Declared>();
  for (const [id, e] of Object.entries(vocab)) {
    if (e.kind !== 'maker' && e.kind !== 'brand') continue;
    if (reserved.has(id)) continue;
    let target: Declared;
    if (e.kind === 'maker') target = { maker: id };
    else if (e.owner && vocab[e.owner]?.kind === 'maker') {
      if (reserved.has(e.owner)) continue;
      target = { maker: e.owner, brand: id };
    } else target = { brand: id };
    targets.set(id, target);
    const lead = e.lead !== false;
    const oui = e.oui === true;
    const add = (name: string, isAlias: boolean) => {
      const w = trimLegal(words(name));
      if (!w.length) return;
      const k = w.join(' ');
      if (keys.has(k) && (strong.has(k) || !isAlias)) return;
      keys.set(k, { words: w, id, lead, oui });
      if (isAlias) strong.add(k);
    };
    for (const a of e.aliases ?? []) add(a, true);
    add(e.name, false);
    if (e.legal) add(e.legal, false);
    for (const d of e.domains ?? []) if (!domains.has(d.toLowerCase())) domains.set(d.toLowerCase(), id);
  }
  const longest = Math.max(1, ...[...keys.values()].map((k) => k.words.length));
  /** The longest name that the words begin with, and where it ends. */
  const prefix = (w: string[]): { key: Key; end: number } | undefined => {
    for (let n = Math.min(longest, w.length); n >= 1; n--) {
      const key = keys.get(w.slice(0, n).join(' '));
      if (key) return { key, end: n };
    }
    return undefined;
  };
  const out = (id: string): Declared => ({ ...targets.get(id)! });
  return {
    resolve(value: string, mode: DeclaredMode): Declared | undefined {
      if (mode === 'domain') {
        const h = hostOf(value);
        const id = h ? domains.get(h) : undefined;
        return id ? out(id) : undefined;
      }
      const all = words(value);
      if (!all.length) return undefined;
      if (mode === 'name' || mode === 'oui') {
        const w = trimLegal(trimPlaces(all));
        const exact = keys.get(w.join(' '));
        const p = exact ? { key: exact, end: w.length } : prefix(w);
        if (!p || (mode === 'oui' && !p.key.oui)) return undefined;
        const rest = w.slice(p.end);
        return rest.every((x) => DESCRIPTIVE.has(x) || LEGAL.has(x)) ? out(p.key.id) : undefined;
      }
      const p = prefix(all);
      if (!p || !p.key.lead) return undefined;
      const next = all[p.end];
      if (next !== undefined && MENTION.has(next)) return undefined;
      return out(p.key.id);
    },
  };
}
