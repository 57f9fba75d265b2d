// The vendor vocabulary's shape (src/data/vendors.yaml): canonical ids of makers, brands, software and
// platforms, with display names. Pure types.
export interface VocabEntry {
  name: string;
  kind: 'maker' | 'brand' | 'software' | 'platform';
  legal?: string;
  /** Other names the company gives itself in a device's manufacturer fields (former names, spellings). */
  aliases?: string[];
  /** Web domains of the company (a UPnP manufacturerURL host), without `www.`. */
  domains?: string[];
  /** For a brand: the maker that owns it and builds (or has built for it) its devices. */
  owner?: string;
  /** `false`: the name is a common word; it is read only as a whole manufacturer value, never as the lead of a make-and-model string. */
  lead?: boolean;
  /** `true`: the company's IEEE registrations (MAC prefixes) sit in devices it builds itself, so a MAC names it (not for module or contract makers). */
  oui?: boolean;
}
export type Vocabulary = Record<string, VocabEntry>;
