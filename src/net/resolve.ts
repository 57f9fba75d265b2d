// Name resolution for hostname targets (the system resolver, IPv4). The only DNS look-up camsweep makes.
import dns from 'node:dns/promises';

export async function lookupIPv4(name: string): Promise<string[]> {
  const r = await dns.lookup(name, { all: true, family: 4 });
  return r.map((x) => x.address);
}
