// The firewall rules that go with `rope run`, as text a user copies: the CONNMARK pattern of the
// IPP2P documentation, with NFQUEUE where IPP2P had its match.
//
//   1. restore the flow's mark onto each packet (PREROUTING, and OUTPUT for local traffic);
//   2. packets that carry a mark rope set skip the queue — the flow is classified already;
//   3. the rest is queued, with bypass so traffic flows while rope run is not running;
//   4. the mark rope set on a packet is saved to the flow (POSTROUTING, or INPUT for local).
//
// rope run also sets the connmark itself where the kernel lets it (NFQA_CT, which needs
// CONFIG_NETFILTER_NETLINK_GLUE_CT); step 4 makes the pattern work everywhere. The queue rule
// sits in the mangle stage so the filter rules after it already see the mark, and because a
// verdict of ACCEPT ends the chain that queued the packet.

export type RulesFormat = 'nft' | 'iptables';
/** forward: a router's transit traffic; local: this host's own input and output; both. */
export type RulesHooks = 'forward' | 'local' | 'both';
export type RulesFamily = 'ipv4' | 'ipv6' | 'both';

export interface RulesOptions {
  format: RulesFormat;
  /** First and last queue number (equal for one queue; a range balances flows over the queues). */
  queues: [number, number];
  hooks: RulesHooks;
  family: RulesFamily;
  /** The marks rope run sets (--on-match mark:V, --done-mark); empty: any non-zero mark. */
  marks: number[];
  /** Let traffic through while nothing is bound to the queue (default true). */
  bypass: boolean;
  /** nft table / iptables chain prefix (default "rope"). */
  name: string;
}

export const DEFAULT_RULES: RulesOptions = {
  format: 'nft',
  queues: [0, 0],
  hooks: 'forward',
  family: 'both',
  marks: [],
  bypass: true,
  name: 'rope',
};

const hex = (v: number) => `0x${(v >>> 0).toString(16)}`;

/** The rules as a shell-ready text (nft: a script for `nft -f`; iptables: commands). */
export function firewallRules(o: RulesOptions): string {
  return o.format === 'nft' ? nftRules(o) : iptablesRules(o);
}

function queueWords(o: RulesOptions): string {
  const [a, b] = o.queues;
  const num = a === b ? `${a}` : `${a}-${b}`;
  return `queue num ${num}${o.bypass ? ' bypass' : ''}`;
}

function header(o: RulesOptions, comment: string): string[] {
  const [a, b] = o.queues;
  const q = a === b ? `${a}` : `${a}-${b} (rope run --queue-balance ${a}:${b})`;
  const what =
    o.hooks === 'forward'
      ? 'traffic this router forwards'
      : o.hooks === 'local'
        ? "this host's own traffic"
        : "forwarded and this host's own traffic";
  const marks = o.marks.length > 0 ? `marks ${o.marks.map(hex).join(', ')}` : 'any non-zero mark';
  return [
    `${comment} rope run: ${what} goes to NFQUEUE ${q}${o.bypass ? ', and passes unchecked while rope run is not running' : ''}.`,
    `${comment} A flow that rope marked (${marks}) keeps its mark in conntrack and skips the queue.`,
  ];
}

function nftRules(o: RulesOptions): string {
  const fam = o.family === 'ipv4' ? 'ip' : o.family === 'ipv6' ? 'ip6' : 'inet';
  const marked =
    o.marks.length === 0
      ? '!= 0'
      : o.marks.length === 1
        ? hex(o.marks[0])
        : `{ ${o.marks.map(hex).join(', ')} }`;
  const restore = `ct mark ${marked} meta mark set ct mark`;
  const skip = `meta mark ${marked} accept`;
  const save = `meta mark ${marked} ct mark set meta mark`;
  const forward = o.hooks !== 'local';
  const local = o.hooks !== 'forward';
  const lines = [...header(o, '#'), `table ${fam} ${o.name} {`];
  const chain = (name: string, hook: string, body: string[]) => {
    lines.push(
      `\tchain ${name} {`,
      `\t\t${hook}; policy accept;`,
      ...body.map((l) => `\t\t${l}`),
      '\t}',
    );
  };
  chain('restore', 'type filter hook prerouting priority mangle', [restore]);
  if (forward)
    chain('queue_forward', 'type filter hook forward priority mangle', [skip, queueWords(o)]);
  if (local) {
    chain('queue_input', 'type filter hook input priority mangle', [skip, queueWords(o)]);
    // a route chain: a restored mark can change the routing decision (policy routing)
    chain('queue_output', 'type route hook output priority mangle', [restore, skip, queueWords(o)]);
    // after the queue's chain: its ACCEPT ends that chain only
    chain('save_input', 'type filter hook input priority mangle + 10', [save]);
  }
  chain('save', 'type filter hook postrouting priority mangle', [save]);
  lines.push('}');
  return lines.join('\n') + '\n';
}

function iptablesRules(o: RulesOptions): string {
  const tools =
    o.family === 'ipv4'
      ? ['iptables']
      : o.family === 'ipv6'
        ? ['ip6tables']
        : ['iptables', 'ip6tables'];
  const [a, b] = o.queues;
  const queue = a === b ? `-j NFQUEUE --queue-num ${a}` : `-j NFQUEUE --queue-balance ${a}:${b}`;
  const forward = o.hooks !== 'local';
  const local = o.hooks !== 'forward';
  const n = o.name;
  const lines = header(o, '#');
  for (const t of tools) {
    const m = (table: string, rest: string) => lines.push(`${t} -w -t ${table} ${rest}`);
    const perMark = (fn: (match: string) => void) => {
      if (o.marks.length === 0) fn('! --mark 0');
      else for (const v of o.marks) fn(`--mark ${hex(v)}`);
    };
    lines.push('', `# ${t}: restore the flow's mark`);
    m('mangle', `-N ${n}-restore`);
    perMark((x) => m('mangle', `-A ${n}-restore -m connmark ${x} -j CONNMARK --restore-mark`));
    m('mangle', `-A PREROUTING -j ${n}-restore`);
    if (local) m('mangle', `-A OUTPUT -j ${n}-restore`);
    lines.push(`# ${t}: marked flows skip the queue, the rest is queued`);
    m('mangle', `-N ${n}-queue`);
    perMark((x) => m('mangle', `-A ${n}-queue -m mark ${x} -j RETURN`));
    m('mangle', `-A ${n}-queue ${queue}${o.bypass ? ' --queue-bypass' : ''}`);
    if (forward) m('mangle', `-A FORWARD -j ${n}-queue`);
    if (local) {
      m('mangle', `-A INPUT -j ${n}-queue`);
      m('mangle', `-A OUTPUT -j ${n}-queue`);
    }
    lines.push(`# ${t}: save the mark rope set to the flow`);
    m('mangle', `-N ${n}-save`);
    perMark((x) => m('mangle', `-A ${n}-save -m mark ${x} -j CONNMARK --save-mark`));
    m('mangle', `-A POSTROUTING -j ${n}-save`);
    if (local) {
      // a queued packet's ACCEPT ends mangle INPUT: save in the filter stage that follows
      lines.push(`# ${t}: the same for packets to this host, which never reach POSTROUTING`);
      m('filter', `-N ${n}-save-in`);
      perMark((x) => m('filter', `-A ${n}-save-in -m mark ${x} -j CONNMARK --save-mark`));
      m('filter', `-I INPUT -j ${n}-save-in`);
    }
  }
  return lines.join('\n') + '\n';
}

/** How to take the rules out again, as text. */
export function removalHint(o: RulesOptions): string {
  if (o.format === 'nft')
    return `# to remove them: nft delete table ${o.family === 'ipv4' ? 'ip' : o.family === 'ipv6' ? 'ip6' : 'inet'} ${o.name}\n`;
  const hooks = [
    `-t mangle -D PREROUTING -j ${o.name}-restore`,
    `-t mangle -D POSTROUTING -j ${o.name}-save`,
  ];
  if (o.hooks !== 'local') hooks.push(`-t mangle -D FORWARD -j ${o.name}-queue`);
  if (o.hooks !== 'forward') {
    hooks.push(
      `-t mangle -D OUTPUT -j ${o.name}-restore`,
      `-t mangle -D INPUT -j ${o.name}-queue`,
      `-t mangle -D OUTPUT -j ${o.name}-queue`,
      `-t filter -D INPUT -j ${o.name}-save-in`,
    );
  }
  const chains = [
    `-t mangle -F ${o.name}-restore`,
    `-t mangle -X ${o.name}-restore`,
    `-t mangle -F ${o.name}-queue`,
    `-t mangle -X ${o.name}-queue`,
    `-t mangle -F ${o.name}-save`,
    `-t mangle -X ${o.name}-save`,
  ];
  if (o.hooks !== 'forward')
    chains.push(`-t filter -F ${o.name}-save-in`, `-t filter -X ${o.name}-save-in`);
  const tools =
    o.family === 'ipv4'
      ? ['iptables']
      : o.family === 'ipv6'
        ? ['ip6tables']
        : ['iptables', 'ip6tables'];
  return `# to remove them:\n${tools.flatMap((t) => [...hooks, ...chains].map((c) => `#   ${t} -w ${c}`)).join('\n')}\n`;
}
