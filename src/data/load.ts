// The edge where the shipped data files and the user's policy file are read. Everything below takes
// what is read here as arguments: the fingerprint engine its knowledge base and OUI table, the policy
// judge its catalogue, the HTTP probe its vendor paths, the lab its personas. Each file is read once.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { buildKnowledgeBase, KnowledgeBaseError, type KnowledgeBase } from '../fingerprint/rules.js';
import { makeLookup, type OuiTable } from '../fingerprint/oui.js';
import type { MacVendorLookup } from '../fingerprint/fields.js';
import type { HttpPathDef } from '../model/types.js';
import type { Vocabulary } from '../model/vocabulary.js';
import { buildCatalogue, checkPolicyName, packNamesOf, reservedIds, packPolicy, parsePolicyText, policyIds as idsOf, PolicyError, type Catalogue, type Policy } from '../policy/policy.js';
import { INPUT_CAPS, readInputFile } from '../util/input.js';
import { DATA_DIR } from '../paths.js';
import { readDataYaml } from './cache.js';

export { DATA_DIR };

export function loadVocabulary(file = path.join(DATA_DIR, 'vendors.yaml')): Vocabulary {
  const doc = readDataYaml(file) as { vendors?: Vocabulary };
  if (!doc?.vendors || typeof doc.vendors !== 'object') throw new KnowledgeBaseError(`${file}: missing "vendors" map`);
  return doc.vendors;
}

/** Compile the rule files of `dir` (default: the shipped knowledge base). */
export function loadKnowledgeBase(dir = path.join(DATA_DIR, 'fingerprints'), vocab = loadVocabulary()): KnowledgeBase {
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().map((f) => {
    const full = path.join(dir, f);
    try { return { file: full, doc: readDataYaml(full) }; } catch (e) { throw new KnowledgeBaseError(`${f}: ${(e as Error).message}`); }
  });
  return buildKnowledgeBase(files, vocab, { reserved: reservedIds(loadCatalogue()) });
}

let kbCache: KnowledgeBase | undefined;
export function defaultKnowledgeBase(): KnowledgeBase {
  return (kbCache ??= loadKnowledgeBase());
}

let ouiCache: MacVendorLookup | undefined;
const ouiTable = (): MacVendorLookup => (ouiCache ??= makeLookup(JSON.parse(readFileSync(path.join(DATA_DIR, 'oui.json'), 'utf8')) as OuiTable));
const lazyMacLookup: MacVendorLookup = (mac) => ouiTable()(mac);
/**
 * MAC prefix -> IEEE organisation, from src/data/oui.json, read on the first look-up: a run that
 * learns no MAC (loopback, a routed network, off-link targets) never parses its 460 KB (~30 ms of CPU).
 */
export function defaultMacLookup(): MacVendorLookup {
  return lazyMacLookup;
}

let catCache: Catalogue | undefined;
/** The built-in policy data (src/data/policy/), validated; `dir` reads another copy (tests). */
export function loadCatalogue(dir = path.join(DATA_DIR, 'policy')): Catalogue {
  const builtIn = dir === path.join(DATA_DIR, 'policy');
  if (catCache && builtIn) return catCache;
  const c = buildCatalogue({
    lists: readDataYaml(path.join(dir, 'lists.yaml')), makers: readDataYaml(path.join(dir, 'makers.yaml')), entities: readDataYaml(path.join(dir, 'entities.yaml')),
  });
  if (builtIn) catCache = c;
  return c;
}

export function packNames(): string[] {
  return packNamesOf(loadCatalogue());
}

export function policyIds(vocab: Vocabulary): ReturnType<typeof idsOf> {
  return idsOf(vocab, loadCatalogue());
}

/** A user policy file's text, judged against the built-in catalogue. */
export function parsePolicyFile(text: string, file: string, vocab?: Vocabulary): Policy {
  return parsePolicyText(text, file, loadCatalogue(), vocab);
}

/** A built-in pack by name (own keys only), or a user YAML file (a path, or anything with . / \). */
export function loadPolicy(nameOrFile: string, vocab?: Vocabulary): Policy {
  const cat = loadCatalogue();
  const pack = packPolicy(nameOrFile, cat);
  if (pack) return pack;
  checkPolicyName(nameOrFile, cat);
  let text: string;
  try { text = readInputFile(nameOrFile, 'policy file', INPUT_CAPS.policy); } catch (e) { throw new PolicyError((e as Error).message); }
  return parsePolicyText(text, nameOrFile, cat, vocab);
}


let pathsCache: HttpPathDef[] | undefined;
/** The vendor HTTP paths the HTTP probe requests (src/data/http-paths.yaml). */
export function httpPaths(): HttpPathDef[] {
  return (pathsCache ??= (readDataYaml(path.join(DATA_DIR, 'http-paths.yaml')) as { paths: HttpPathDef[] }).paths);
}

/** The simulated lab's personas (src/data/lab/personas.yaml), parsed; src/lab/personas.ts builds the responders. */
export function labPersonaData(): unknown {
  return readDataYaml(path.join(DATA_DIR, 'lab', 'personas.yaml'));
}
