// Addresses: MAC and IP helpers, one copy each, for every layer. Pure.

/** A MAC in lower-case colon form ("aa:bb:cc:dd:ee:ff"), or undefined when the text is not one (all zeros and broadcast are not). */
export function normaliseMac(mac: unknown): string | undefined {
  if (typeof mac !== 'string') return undefined;
  const hex = mac.toLowerCase().replace(/[^0-9a-f]/g, '');
  if (hex.length !== 12 || !/^[0-9a-f:.\- ]+$/i.test(mac.trim())) return undefined;
  if (hex === '000000000000' || hex === 'ffffffffffff') return undefined;
  return hex.match(/../g)!.join(':');
}

/** Locally administered (randomised) addresses carry no maker: bit 0x02 of the first octet. */
export function isLocallyAdministered(mac: string): boolean {
  return (parseInt(mac.slice(0, 2), 16) & 0x02) !== 0;
}
