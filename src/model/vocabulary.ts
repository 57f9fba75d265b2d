// The vendor vocabulary's shape (src/data/vendors.yaml): canonical ids of makers, brands, software and
// platforms, with display names. Pure types.
export interface VocabEntry { name: string; kind: 'maker' | 'brand' | 'software' | 'platform'; legal?: string }
export type Vocabulary = Record<string, VocabEntry>;
