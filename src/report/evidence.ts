// Short human descriptions of a device's identification, for tables and summaries. Pure.
// A phrase is built from WHAT was seen (the evidence's field) and WHO it points to (the maker or brand
// the rule extracted), never from the raw value the device sent: "Hikvision Digest realm",
// "answers SADP", "Dahua RTSP server", "UPnP manufacturer".
import type { DeviceReport, Evidence } from '../model/types.js';
import { lookupField } from '../model/fields.js';
import { clean } from '../util/sanitize.js';

/** "DeviceDescription" -> "device description", "modelName" -> "model name", "SerialNo" -> "serial no". */
function words(key: string): string {
  return clean(key, 40).replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2').replace(/[_-]+/g, ' ')
    .split(' ').map((w) => (/^[A-Z0-9]{2,}$/.test(w) ? w : w.toLowerCase())).join(' ').trim();
}

function authScheme(value: string): string {
  const m = /^\s*(digest|basic|bearer|negotiate|ntlm)\b/i.exec(value);
  if (!m) return 'auth';
  const s = m[1].toLowerCase();
  return s === 'ntlm' ? 'NTLM' : s[0].toUpperCase() + s.slice(1);
}

/** Which kind of ONVIF scope an evidence value is (name, hardware, location, ...). */
function scopeKind(value: string): string | undefined {
  return /onvif:\/\/www\.onvif\.org\/(name|hardware|location|type|mac|profile|manufacturer|mfr)\//i.exec(value)?.[1]?.toLowerCase();
}

/**
 * The phrase for one piece of evidence, from the field registry's phrase for its field
 * (src/model/fields.ts). `who` is the maker's (or brand's) display name the evidence points to, or
 * undefined; it is put in front of what belongs to a maker (a realm, a server, a page), and left out
 * where the field itself declares the maker (UPnP manufacturer, ONVIF name).
 */
export function evidencePhrase(e: Pick<Evidence, 'field' | 'value' | 'where'>, who?: string): string {
  const ref = lookupField(e.field);
  const tpl = ref ? (ref.sub !== undefined ? ref.decl.phrases?.[ref.sub] : undefined) ?? ref.decl.phrase : undefined;
  if (!tpl) return words(e.field.replace(/\./g, ' '));
  const sub = ref?.sub ?? '';
  return tpl.replace(/\{(who|sub|sub:words|scheme|scope|page)\} ?/g, (m, k: string) => {
    const sp = m.endsWith(' ') ? ' ' : '';
    switch (k) {
      case 'who': return who ? `${who}${sp}` : '';
      case 'sub': return clean(sub, 30) + sp;
      case 'sub:words': return words(sub) + sp;
      case 'scheme': return authScheme(e.value) + sp;
      case 'scope': {
        const kind = scopeKind(e.value);
        return (kind === 'mfr' || kind === 'manufacturer' ? 'ONVIF manufacturer scope' : kind ? `ONVIF ${kind} scope` : 'ONVIF scope') + sp;
      }
      default: {
        const path = /^https?:\d+(\/.*)?$/.exec(e.where)?.[1] ?? '/';
        return (path === '/' ? 'web page' : 'API reply') + sp;
      }
    }
  }).trim();
}

/** Evidence whose field states what the box is labelled (not a banner, realm or MAC prefix). */
function isLabelField(e: Evidence): boolean {
  if (e.field === 'onvif.scope') { const k = scopeKind(e.value); return k === 'name' || k === 'mfr' || k === 'manufacturer'; }
  const ref = lookupField(e.field);
  return !!ref && (ref.decl.brand === true || (ref.sub !== undefined && (ref.decl.brandKeys ?? []).includes(ref.sub)));
}

/** A software banner (web, RTSP or UPnP server string): never a brand. */
function isBanner(e: Evidence): boolean {
  const ref = lookupField(e.field);
  return !!ref && (ref.decl.banner === true || (ref.sub !== undefined && (ref.decl.bannerKeys ?? []).includes(ref.sub)));
}

/**
 * The label on the box, only from label evidence: a rule that names a brand (a vendor field, an OEM
 * realm, a favicon), or a field that states the maker as the label (ONVIF name scope, UPnP
 * manufacturer, DHIP Vendor, mDNS instance name). A web-server banner is never a brand, and neither
 * is a product name (nginx/1.24.0). Undefined when nothing shows the label.
 */
export function labelBrand(d: DeviceReport): string | undefined {
  const id = d.identification;
  if (!id.brand) return undefined;
  const ev = id.evidence.filter((e) => !isBanner(e));
  const named = ev.some((e) => e.extracted.brand === id.brand) || ev.some((e) => isLabelField(e) && e.extracted.maker === id.brand);
  return named ? clean(id.brand_name ?? id.brand, 60) : undefined;
}

export interface Phrase {
  /** "Hikvision Digest realm" */
  text: string;
  /** The same without the maker's name, for a table whose Maker column already says it: "Digest realm". */
  short: string;
}

/**
 * Phrases for the evidence behind the identification, strongest first, without repeats: the maker's
 * evidence, then the brand's (an OEM label), or for a device with neither, what identified its product.
 */
export function evidencePhrases(d: DeviceReport): Phrase[] {
  const id = d.identification;
  const ranked = [...id.evidence].sort((a, b) => b.confidence - a.confidence);
  const out: Phrase[] = [];
  const add = (text: string, short = text) => { if (text && !out.some((p) => p.text === text)) out.push({ text, short }); };
  const makerName = id.maker ? clean(id.maker_name ?? id.maker, 40) : undefined;
  if (id.maker) for (const e of ranked) if (e.extracted.maker === id.maker) add(evidencePhrase(e, makerName), evidencePhrase(e));
  if (id.brand && id.brand !== id.maker) {
    const brandName = clean(id.brand_name ?? id.brand, 40);
    for (const e of ranked) if (e.extracted.brand === id.brand && !e.extracted.maker) add(evidencePhrase(e, brandName), evidencePhrase(e));
  }
  if (!out.length && id.product) {
    const p = clean(id.product, 40);
    for (const e of ranked) if (e.extracted.product === id.product) add(`${evidencePhrase(e)}: ${p}`, p);
    if (!out.length) add(p);
  }
  return out;
}
