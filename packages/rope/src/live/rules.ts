// The firewall rules that go with `rope run`, as text a user copies: the CONNMARK pattern of the
// IPP2P documentation, with NFQUEUE where IPP2P had its match.
//
//   1. restore the flow's mark onto each packet (PREROUTING, and OUTPUT for local traffic);
//   2. packets that carry a mark rope set skip the queue — the flow is classified already;
//   3. the rest is queued, with bypass so traffic flows while rope run is not running;
//   4. the mark rope set on a packet is saved to the flow (POSTROUTING, or INPUT for local);
//   5. with `enforce` (the default), the kernel sets of locked clients and blocked peers and the
//      rules that drop new connections by them (enforce-rules.ts).
//
// rope run also sets the connmark itself where the kernel lets it (NFQA_CT, which needs
// CONFIG_NETFILTER_NETLINK_GLUE_CT); step 4 makes the pattern work everywhere. The queue rule
// sits in the mangle stage so the filter rules after it already see the mark, and because a
// verdict of ACCEPT ends the chain that queued the packet.
import {
  DEFAULT_LOCK_ALLOW,
  iptablesEnforceRules,
  ipsetCreateInput,
  lockAllowText,
  nftEnforceLines,
  type LockAllow,
} from './enforce-rules.js';

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
  /** `--dns-train`: DNS answers (TCP or UDP from port 53) are queued even in marked flows. */
  dnsTrain?: boolean;
  /** The sets of locked clients and blocked peers, and their drop rules (default true). */
  enforce: boolean;
  /** What a locked client may still connect to (default udp:53, tcp:53). */
  lockAllow: readonly LockAllow[];
}

export const DEFAULT_RULES: RulesOptions = {
  format: 'nft',
  queues: [0, 0],
  hooks: 'forward',
  family: 'both',
  marks: [],
  bypass: true,
  name: 'rope',
  enforce: true,
  lockAllow: DEFAULT_LOCK_ALLOW,
};

/** The address families the rules cover, as numbers. */
export function familyNumbers(o: RulesOptions): (4 | 6)[] {
  return o.family === 'ipv4' ? [4] : o.family === 'ipv6' ? [6] : [4, 6];
}

const hooksOf = (o: RulesOptions) => ({
  forward: o.hooks !== 'local',
  local: o.hooks !== 'forward',
});

const hex = (v: number) => `0x${(v >>> 0).toString(16)}`;

/** The rules as a shell-ready text (nft: a script for `nft -f`; iptables: commands). */
export function firewallRules(o: RulesOptions): string {
  return o.format === 'nft' ? nftRules(o) : iptablesRules(o);
}

/** nft's family word for the table: one inet table serves both families. */
export function nftFamily(o: RulesOptions): 'ip' | 'ip6' | 'inet' {
  return o.family === 'ipv4' ? 'ip' : o.family === 'ipv6' ? 'ip6' : 'inet';
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
  const lines = [
    `${comment} rope run: ${what} goes to NFQUEUE ${q}${o.bypass ? ', and passes unchecked while rope run is not running' : ''}.`,
    `${comment} A flow that rope marked (${marks}) keeps its mark in conntrack and skips the queue.`,
  ];
  if (o.enforce)
    lines.push(
      `${comment} rope run fills the sets of locked clients and blocked peers: their new connections are dropped`,
      `${comment} (a locked client may still open ${lockAllowText(o.lockAllow)}).`,
    );
  return lines;
}

/** The nft script; `comment` tags the table (rope rules --install finds its own table by it). */
export function nftRules(o: RulesOptions, comment?: string): string {
  const fam = nftFamily(o);
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
  // DNS answers for --dns-train: queued before marked flows skip the queue
  const dns = o.dnsTrain ? [`meta l4proto { tcp, udp } th sport 53 ${queueWords(o)}`] : [];
  const lines = [...header(o, '#'), `table ${fam} ${o.name} {`];
  if (comment !== undefined) lines.push(`\tcomment ${JSON.stringify(comment)}`);
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
    chain('queue_forward', 'type filter hook forward priority mangle', [
      ...dns,
      skip,
      queueWords(o),
    ]);
  if (local) {
    // answers to this host's own resolver (a caching one serving the LAN) come in here
    chain('queue_input', 'type filter hook input priority mangle', [...dns, skip, queueWords(o)]);
    // a route chain: a restored mark can change the routing decision (policy routing)
    chain('queue_output', 'type route hook output priority mangle', [
      restore,
      ...dns,
      skip,
      queueWords(o),
    ]);
    // after the queue's chain: its ACCEPT ends that chain only
    chain('save_input', 'type filter hook input priority mangle + 10', [save]);
  }
  chain('save', 'type filter hook postrouting priority mangle', [save]);
  if (o.enforce) lines.push(...nftEnforceLines(familyNumbers(o), hooksOf(o), o.lockAllow));
  lines.push('}');
  return lines.join('\n') + '\n';
}

/** One line of the iptables plan: a comment for the reader, or one iptables command. */
export type IptablesLine =
  | { kind: 'comment'; text: string }
  /** The `ipset restore -exist` input that creates the sets (before the rules that use them). */
  | { kind: 'ipsets'; tool: 'iptables' | 'ip6tables'; input: string }
  | {
      kind: 'rule';
      tool: 'iptables' | 'ip6tables';
      table: 'mangle' | 'filter';
      /** -N creates a chain (no match, no target); -A appends, -I inserts at the top. */
      op: '-N' | '-A' | '-I';
      chain: string;
      /** Matches before the target, e.g. `-m mark --mark 0x7` (may be empty). */
      match: string;
      /** `-j …` (empty for -N). */
      target: string;
    };

export function iptablesTools(o: RulesOptions): ('iptables' | 'ip6tables')[] {
  return o.family === 'ipv4'
    ? ['iptables']
    : o.family === 'ipv6'
      ? ['ip6tables']
      : ['iptables', 'ip6tables'];
}

/** The iptables rules as data: printed as commands by `rope rules`, loaded by `--install`. */
export function iptablesPlan(o: RulesOptions): IptablesLine[] {
  const [a, b] = o.queues;
  const queue = a === b ? `-j NFQUEUE --queue-num ${a}` : `-j NFQUEUE --queue-balance ${a}:${b}`;
  const forward = o.hooks !== 'local';
  const local = o.hooks !== 'forward';
  const n = o.name;
  const lines: IptablesLine[] = [];
  for (const tool of iptablesTools(o)) {
    const comment = (text: string) => lines.push({ kind: 'comment', text: `${tool}: ${text}` });
    const rule = (
      table: 'mangle' | 'filter',
      op: '-N' | '-A' | '-I',
      chain: string,
      match = '',
      target = '',
    ) => lines.push({ kind: 'rule', tool, table, op, chain, match, target });
    const perMark = (fn: (match: string) => void) => {
      if (o.marks.length === 0) fn('! --mark 0');
      else for (const v of o.marks) fn(`--mark ${hex(v)}`);
    };
    comment("restore the flow's mark");
    rule('mangle', '-N', `${n}-restore`);
    perMark((x) =>
      rule('mangle', '-A', `${n}-restore`, `-m connmark ${x}`, '-j CONNMARK --restore-mark'),
    );
    rule('mangle', '-A', 'PREROUTING', '', `-j ${n}-restore`);
    if (local) rule('mangle', '-A', 'OUTPUT', '', `-j ${n}-restore`);
    comment('marked flows skip the queue, the rest is queued');
    rule('mangle', '-N', `${n}-queue`);
    if (o.dnsTrain) {
      // DNS answers for --dns-train, also in flows whose mark would let them skip
      for (const p of ['udp', 'tcp'])
        rule(
          'mangle',
          '-A',
          `${n}-queue`,
          `-p ${p} --sport 53`,
          `${queue}${o.bypass ? ' --queue-bypass' : ''}`,
        );
    }
    perMark((x) => rule('mangle', '-A', `${n}-queue`, `-m mark ${x}`, '-j RETURN'));
    rule('mangle', '-A', `${n}-queue`, '', `${queue}${o.bypass ? ' --queue-bypass' : ''}`);
    if (forward) rule('mangle', '-A', 'FORWARD', '', `-j ${n}-queue`);
    if (local) {
      rule('mangle', '-A', 'INPUT', '', `-j ${n}-queue`);
      rule('mangle', '-A', 'OUTPUT', '', `-j ${n}-queue`);
    }
    comment('save the mark rope set to the flow');
    rule('mangle', '-N', `${n}-save`);
    perMark((x) => rule('mangle', '-A', `${n}-save`, `-m mark ${x}`, '-j CONNMARK --save-mark'));
    rule('mangle', '-A', 'POSTROUTING', '', `-j ${n}-save`);
    if (local) {
      // a queued packet's ACCEPT ends mangle INPUT: save in the filter stage that follows
      comment('the same for packets to this host, which never reach POSTROUTING');
      rule('filter', '-N', `${n}-save-in`);
      perMark((x) =>
        rule('filter', '-A', `${n}-save-in`, `-m mark ${x}`, '-j CONNMARK --save-mark'),
      );
      rule('filter', '-I', 'INPUT', '', `-j ${n}-save-in`);
    }
    if (o.enforce) {
      comment(
        'drop new connections of locked clients and to blocked peers (the sets rope run fills)',
      );
      lines.push({
        kind: 'ipsets',
        tool,
        input: ipsetCreateInput(n, [tool === 'iptables' ? 4 : 6]),
      });
      for (const r of iptablesEnforceRules(tool, n, hooksOf(o), o.lockAllow))
        rule('filter', r.op, r.chain, r.match, r.target);
    }
  }
  return lines;
}

function iptablesRules(o: RulesOptions): string {
  const lines = header(o, '#');
  let tool = '';
  for (const l of iptablesPlan(o)) {
    if (l.kind === 'comment') {
      // a blank line before each tool's block
      if (!l.text.startsWith(`${tool}:`)) {
        tool = l.text.slice(0, l.text.indexOf(':'));
        lines.push('');
      }
      lines.push(`# ${l.text}`);
    } else if (l.kind === 'ipsets') {
      for (const c of l.input.trim().split('\n')) lines.push(`ipset -exist ${c}`);
    } else {
      const words = [l.tool, '-w', '-t', l.table, l.op, l.chain, l.match, l.target];
      lines.push(words.filter((w) => w !== '').join(' '));
    }
  }
  return lines.join('\n') + '\n';
}

/** How to take the rules out again, as text. */
export function removalHint(o: RulesOptions): string {
  if (o.format === 'nft') return `# to remove them: nft delete table ${nftFamily(o)} ${o.name}\n`;
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
  if (o.enforce) {
    if (o.hooks !== 'local') hooks.push(`-t filter -D FORWARD -j ${o.name}-enforce`);
    if (o.hooks !== 'forward') hooks.push(`-t filter -D OUTPUT -j ${o.name}-enforce`);
    for (const c of [`${o.name}-enforce`, `${o.name}-lock`])
      chains.push(`-t filter -F ${c}`, `-t filter -X ${c}`);
  }
  const tools = iptablesTools(o);
  const sets = o.enforce
    ? `\n#   then: ipset destroy for each set created above (ipset list -n | grep '^${o.name}-')`
    : '';
  return `# to remove them:\n${tools.flatMap((t) => [...hooks, ...chains].map((c) => `#   ${t} -w ${c}`)).join('\n')}${sets}\n`;
}
