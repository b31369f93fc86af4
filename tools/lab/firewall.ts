// The few rules the lab itself owns: the one that switches conntrack on in the router, NAT, and
// "drop invalid" on the endpoints. Everything else in the router's ruleset belongs to the test.
//
// Conntrack is not active in a new namespace: the kernel registers its hooks there only when a
// rule needs it (nf_ct_netns_get). The lab therefore keeps a harmless rule that uses it — a
// counter of invalid packets — so the router tracks every flow even with an otherwise empty
// ruleset. Removing the lab's table (e.g. `nft flush ruleset`) switches tracking off again, unless
// the test's own rules use conntrack.
//
// With the nft backend the lab's rules live in table `inet p2pw_lab`; with the iptables backend
// they are iptables/ip6tables rules carrying the comment `p2pw-lab`. Either way the test sees them
// in the ruleset and can tell them apart.
import type { Family } from './addresses.js';

export type FirewallBackend = 'nft' | 'iptables';
export type NatMode = 'none' | 'masquerade' | 'dnat';

/** nft table (family inet) that holds the lab's own rules. */
export const LAB_TABLE = 'p2pw_lab';
/** Comment on every iptables rule the lab adds. */
export const LAB_COMMENT = 'p2pw-lab';

export interface RouterRulesInput {
  backend: FirewallBackend;
  nat: NatMode;
  wanIface: string;
  /** LAN prefixes to masquerade, e.g. 192.0.2.0/24 and 2001:db8:1::/64. */
  lan4: string;
  lan6: string;
  /** DNAT: the public service address and the server it forwards to. */
  service4: string;
  service6: string;
  target4: string;
  target6: string;
}

/** An nft script, or argv lists for iptables/ip6tables. */
export type RuleSet = { kind: 'nft'; script: string } | { kind: 'iptables'; commands: string[][] };

function ipt(family: Family, table: string, chain: string, rule: string[]): string[] {
  return [
    family === 4 ? 'iptables' : 'ip6tables',
    '-w',
    '-t',
    table,
    '-A',
    chain,
    ...rule,
    '-m',
    'comment',
    '--comment',
    LAB_COMMENT,
  ];
}

/** The router's lab-owned rules: conntrack activation plus the NAT of the chosen mode. */
export function routerRules(r: RouterRulesInput): RuleSet {
  if (r.backend === 'nft') {
    const lines = [
      `table inet ${LAB_TABLE} {`,
      '  chain conntrack {',
      '    type filter hook prerouting priority mangle; policy accept;',
      '    ct state invalid counter comment "keeps conntrack active in this namespace"',
      '  }',
    ];
    if (r.nat === 'masquerade') {
      lines.push(
        '  chain postrouting {',
        '    type nat hook postrouting priority srcnat; policy accept;',
        `    ip saddr ${r.lan4} oifname "${r.wanIface}" masquerade`,
        `    ip6 saddr ${r.lan6} oifname "${r.wanIface}" masquerade`,
        '  }',
      );
    } else if (r.nat === 'dnat') {
      lines.push(
        '  chain prerouting {',
        '    type nat hook prerouting priority dstnat; policy accept;',
        `    ip daddr ${r.service4} dnat ip to ${r.target4}`,
        `    ip6 daddr ${r.service6} dnat ip6 to ${r.target6}`,
        '  }',
      );
    }
    lines.push('}');
    return { kind: 'nft', script: lines.join('\n') + '\n' };
  }
  const commands: string[][] = [];
  for (const f of [4, 6] as const) {
    commands.push(ipt(f, 'mangle', 'PREROUTING', ['-m', 'conntrack', '--ctstate', 'INVALID']));
    if (r.nat === 'masquerade') {
      commands.push(
        ipt(f, 'nat', 'POSTROUTING', [
          '-s',
          f === 4 ? r.lan4 : r.lan6,
          '-o',
          r.wanIface,
          '-j',
          'MASQUERADE',
        ]),
      );
    } else if (r.nat === 'dnat') {
      commands.push(
        ipt(f, 'nat', 'PREROUTING', [
          '-d',
          f === 4 ? r.service4 : r.service6,
          '-j',
          'DNAT',
          '--to-destination',
          f === 4 ? r.target4 : r.target6,
        ]),
      );
    }
  }
  return { kind: 'iptables', commands };
}

/** An endpoint's rules when it drops invalid packets (`ct state invalid drop` on input). */
export function dropInvalidRules(backend: FirewallBackend): RuleSet {
  if (backend === 'nft') {
    return {
      kind: 'nft',
      script: [
        `table inet ${LAB_TABLE} {`,
        '  chain input {',
        '    type filter hook input priority filter; policy accept;',
        '    ct state invalid counter drop',
        '  }',
        '}',
        '',
      ].join('\n'),
    };
  }
  return {
    kind: 'iptables',
    commands: [4, 6].map((f) =>
      ipt(f as Family, 'filter', 'INPUT', [
        '-m',
        'conntrack',
        '--ctstate',
        'INVALID',
        '-j',
        'DROP',
      ]),
    ),
  };
}
