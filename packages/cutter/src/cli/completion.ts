// `cutter completion bash|zsh`: a shell completion script for cutter — its options (from the
// table parseCli parses with) and the words --proto, --state and --firewall take.
import { IPPROTO } from '@p2pwall/core';
import {
  completionScript,
  optionsOf,
  SHELLS,
  type CompletionSpec,
  type Shell,
} from '@p2pwall/core/completion';
import { TCP_STATE_NAMES } from '@p2pwall/core/netlink';
import { ArgumentError } from '../find/address-match.js';
import { CLI_OPTIONS } from './args.js';

// the protocols conntrack tracks with ports, and the ICMPs: what a --proto usually names
const PROTOCOLS = ['TCP', 'UDP', 'UDPLITE', 'SCTP', 'DCCP', 'ICMP', 'ICMPV6', 'GRE']
  .filter((p) => IPPROTO[p] !== undefined)
  .map((p) => p.toLowerCase());

export const CUTTER_COMPLETION: CompletionSpec = {
  program: 'cutter',
  options: optionsOf(CLI_OPTIONS, {
    proto: { values: PROTOCOLS },
    state: { values: TCP_STATE_NAMES },
    firewall: { values: ['nft', 'iptables'] },
  }),
  // the operands are addresses and ports: nothing to offer
  operands: {},
  commands: [
    {
      name: 'completion',
      summary: 'print shell completion for cutter (bash or zsh)',
      options: [],
      operands: { words: SHELLS },
    },
  ],
};

/** `cutter completion SHELL`: the script, or an ArgumentError naming the shells. */
export function completionText(args: readonly string[]): string {
  if (args.length !== 1 || !SHELLS.includes(args[0] as Shell))
    throw new ArgumentError(`completion: give the shell: ${SHELLS.join(' or ')}`);
  return completionScript(args[0] as Shell, CUTTER_COMPLETION);
}
