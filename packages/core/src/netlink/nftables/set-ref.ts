// Which set a request is about: a table family, a table, a set name, and (optionally) the set's
// key type. Names a set in messages the way nft does: `inet p2pwall blocked`.
import { NFPROTO_INET, NFPROTO_IPV4, NFPROTO_IPV6 } from './constants.js';
import type { NftKeyTypeName } from './key-types.js';

/** Table families (nft's names) → NFPROTO_* as nfgenmsg.nfgen_family carries them. */
export const NFT_FAMILIES = { inet: NFPROTO_INET, ip: NFPROTO_IPV4, ip6: NFPROTO_IPV6 } as const;
export type NftFamily = keyof typeof NFT_FAMILIES;

export interface NftSetRef {
  family: NftFamily;
  table: string;
  set: string;
  /** The set's key type; looked up with NFT_MSG_GETSET (once per client) when left out. */
  key?: NftKeyTypeName;
}

/** `inet p2pwall blocked`. */
export function nftSetLabel(ref: NftSetRef): string {
  return `${ref.family} ${ref.table} ${ref.set}`;
}

/** NFPROTO_* of a family name; throws RangeError for a name nft tables do not have here. */
export function nftFamilyNumber(family: NftFamily): number {
  const n = NFT_FAMILIES[family];
  if (n === undefined) throw new RangeError(`unknown nft table family "${family}" (inet, ip, ip6)`);
  return n;
}

/** The family name of an NFPROTO_* number, or its number as text. */
export function nftFamilyName(nfproto: number): string {
  for (const [name, n] of Object.entries(NFT_FAMILIES)) if (n === nfproto) return name;
  return String(nfproto);
}
