// `nft list tables inet`, run once for the callers that ask while it runs. cutter asks twice at
// start, at the same moment: the leftover check wants the tables, the backend detection wants to
// know that nft works here. One nft process instead of two is one fork of a large Node process
// less before the cut (each is several milliseconds). Nothing is cached once the listing ends: a
// later caller sees the tables as they are then.
import { runTool } from './command.js';

let running: { nft: string; listing: Promise<string> } | null = null;

/** The output of `<nft> list tables inet`; callers that ask while one runs share it. */
export function listInetTables(nft: string): Promise<string> {
  if (running !== null && running.nft === nft) return running.listing;
  const listing = runTool([nft, 'list', 'tables', 'inet'], 'listing nft tables');
  const mine = { nft, listing };
  running = mine;
  const done = () => {
    if (running === mine) running = null;
  };
  listing.then(done, done);
  return listing;
}
