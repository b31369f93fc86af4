// What the temporary-rule backends (nft, iptables) offer, and how to pick one.
import { findTool, runToolSync } from './command.js';
import { listInetTables } from './nft-tables-listing.js';
import type { FlowMatch } from './flow-match.js';
import type { OwnerIdentity } from './owner-identity.js';

export type BackendKind = 'nft' | 'iptables';

export interface TemporaryRulesSpec {
  /** Tool name put in every table/chain name and comment, e.g. "p2pwall-cutter". */
  owner: string;
  /** Process that owns the rules (default: this one); `--cleanup` removes those of dead owners. */
  pid: number;
  /**
   * The owner's start time and pid namespace, recorded with the rules so that a process reusing
   * the pid is not taken for the owner (TemporaryFirewall.install sets it).
   */
  identity?: OwnerIdentity;
  /** NFLOG group for logged flows (nft `log group`, iptables `-j NFLOG`). */
  logGroup?: number;
  /** Bytes of each logged packet copied, from the IP header (default 80). */
  snaplen?: number;
  /** Packets with this skb mark skip conntrack (and so NAT): `notrack` in the raw output hook. */
  notrackMark?: number;
}

/** Flows to log and to drop from the start, installed in the same transaction as the base rules. */
export interface InitialFlows {
  log?: FlowMatch[];
  drop?: FlowMatch[];
  dropTimeoutSec?: number;
  /** More flows to drop, each group with a timeout of its own (one transaction for all). */
  dropGroups?: DropGroup[];
}

export interface DropGroup {
  flows: FlowMatch[];
  timeoutSec?: number;
}

export interface RulesBackend {
  readonly kind: BackendKind;
  /** The table (nft) or chain prefix (iptables) holding every rule. */
  readonly name: string;
  install(initial?: InitialFlows): Promise<void>;
  /** Copy packets of these flow directions to the NFLOG group (raw PREROUTING, before conntrack). */
  addLog(flows: FlowMatch[]): Promise<void>;
  /** Drop packets of these flow directions (PREROUTING and OUTPUT, except our own marked ones). */
  addDrop(flows: FlowMatch[], timeoutSec?: number): Promise<void>;
  removeDrop(flows: FlowMatch[]): Promise<void>;
  remove(): Promise<void>;
  /** Synchronous removal for exit and signal handlers. Never throws. */
  removeSync(): void;
}

/** nft when it is installed and usable, else iptables; null when neither works. */
export function detectBackend(): BackendKind | null {
  const nft = findTool('nft');
  if (nft) {
    try {
      runToolSync([nft, 'list', 'tables'], 'nft list tables');
      return 'nft';
    } catch {
      /* not usable here (no kernel support or no permission): try iptables */
    }
  }
  return withoutUsableNft(nft);
}

/**
 * detectBackend without blocking: a command can do its own first work meanwhile. nf_tables is
 * asked over netlink for its inet tables, the dump a leftover check started at the same time
 * makes anyway; nft must be installed, as the rules go in with it.
 */
export async function detectBackendAsync(): Promise<BackendKind | null> {
  const nft = findTool('nft');
  if (nft) {
    try {
      await listInetTables();
      return 'nft';
    } catch {
      /* not usable here (no kernel support or no permission): try iptables */
    }
  }
  return withoutUsableNft(nft);
}

function withoutUsableNft(nft: string | null): BackendKind | null {
  if (findTool('iptables')) return 'iptables';
  return nft ? 'nft' : null;
}
