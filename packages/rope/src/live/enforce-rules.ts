// The kernel half of rope run's enforcement, as rules: the sets rope run fills (locked clients,
// blocked peers, peers learned by `kernel` tables) and the rules that drop new connections by
// them. rules.ts puts them beside the queue rules; enforcer.ts fills the sets over netlink.
//
//   locked client  its new TCP connections (SYN) and new UDP flows are dropped, except those
//                  --lock-allow names (default udp:53,tcp:53: DNS keeps working);
//   blocked peer   new connections from anyone to it (the address, or the address and port);
//   learned peer   the same, for the keys of tables a script declares `kernel`.
//
// The drop rules sit in the filter stage, after the queue (mangle), so a locked client's P2P
// flow is still seen and renews the lock. Established connections are not touched.
//
// Sets: nft named sets inside rope's table (`flags timeout`; every element carries its own); the
// iptables rules use ipsets named NAME-SET (hash:ip, hash:ip,port, with timeout support).

export type EnforceSetKind = 'locked' | 'blocked' | 'learned';

/** One kernel set: what it holds, for which family, and whether its key has a port. */
export interface EnforceSet {
  kind: EnforceSetKind;
  family: 4 | 6;
  port: boolean;
}

/** A port a locked client may still open connections to. */
export interface LockAllow {
  proto: 'tcp' | 'udp';
  port: number;
}

export const DEFAULT_LOCK_ALLOW: readonly LockAllow[] = [
  { proto: 'udp', port: 53 },
  { proto: 'tcp', port: 53 },
];

/** `udp:53,tcp:53`, `tcp:80,tcp:443`; '' or `none`: nothing allowed. Null when malformed. */
export function parseLockAllow(text: string): LockAllow[] | null {
  const t = text.trim();
  if (t === '' || t === 'none') return [];
  const out: LockAllow[] = [];
  for (const part of t.split(',')) {
    const m = /^(tcp|udp):(\d{1,5})$/.exec(part.trim());
    if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) return null;
    out.push({ proto: m[1] as 'tcp' | 'udp', port: Number(m[2]) });
  }
  return out;
}

export function lockAllowText(allow: readonly LockAllow[]): string {
  return allow.length === 0 ? 'none' : allow.map((a) => `${a.proto}:${a.port}`).join(',');
}

/** The set's name in rope's nft table: locked4, blocked6, blockedp4 (with port), … */
export function nftSetName(s: EnforceSet): string {
  return `${s.kind}${s.port ? 'p' : ''}${s.family}`;
}

/** The ipset's name: NAME-locked4, NAME-blockedp6, … (31 characters at most with a 21-character NAME). */
export function ipsetName(name: string, s: EnforceSet): string {
  return `${name}-${nftSetName(s)}`;
}

/** Every set of the families `families`, in a fixed order. */
export function enforceSets(families: readonly (4 | 6)[]): EnforceSet[] {
  const out: EnforceSet[] = [];
  for (const family of families) {
    out.push({ kind: 'locked', family, port: false });
    for (const kind of ['blocked', 'learned'] as const)
      for (const port of [false, true]) out.push({ kind, family, port });
  }
  return out;
}

// ---- nft

const NFT_KEY = (s: EnforceSet) =>
  `${s.family === 4 ? 'ipv4_addr' : 'ipv6_addr'}${s.port ? ' . inet_service' : ''}`;

/** The set declarations and enforcement chains, indented for the inside of rope's nft table. */
export function nftEnforceLines(
  families: readonly (4 | 6)[],
  hooks: { forward: boolean; local: boolean },
  allow: readonly LockAllow[],
): string[] {
  const lines: string[] = [];
  for (const s of enforceSets(families))
    lines.push(`\tset ${nftSetName(s)} {`, `\t\ttype ${NFT_KEY(s)}; flags timeout;`, '\t}');
  const body: string[] = [];
  for (const family of families) {
    const ip = family === 4 ? 'ip' : 'ip6';
    for (const kind of ['blocked', 'learned'] as const) {
      body.push(`ct state new ${ip} daddr @${nftSetName({ kind, family, port: false })} drop`);
      body.push(
        `ct state new meta l4proto { tcp, udp } ${ip} daddr . th dport @${nftSetName({ kind, family, port: true })} drop`,
      );
    }
    body.push(`${ip} saddr @${nftSetName({ kind: 'locked', family, port: false })} jump locked`);
  }
  const chain = (name: string, head: string | null, rules: string[]) =>
    lines.push(
      `\tchain ${name} {`,
      ...(head ? [`\t\t${head}; policy accept;`] : []),
      ...rules.map((l) => `\t\t${l}`),
      '\t}',
    );
  chain('locked', null, [
    ...allow.map((a) => `${a.proto} dport ${a.port} return`),
    'ct state new meta l4proto { tcp, udp } drop',
  ]);
  if (hooks.forward) chain('enforce_forward', 'type filter hook forward priority filter', body);
  if (hooks.local) chain('enforce_output', 'type filter hook output priority filter', body);
  return lines;
}

// ---- iptables

/** One enforcement rule of the iptables plan (filter table). */
export interface EnforceRule {
  tool: 'iptables' | 'ip6tables';
  op: '-N' | '-A' | '-I';
  chain: string;
  match: string;
  target: string;
}

/** The chains of the enforcement, for --remove to find: NAME-enforce and NAME-lock. */
export function enforceChains(name: string): string[] {
  return [`${name}-enforce`, `${name}-lock`];
}

/** The filter-table rules of one tool. */
export function iptablesEnforceRules(
  tool: 'iptables' | 'ip6tables',
  name: string,
  hooks: { forward: boolean; local: boolean },
  allow: readonly LockAllow[],
): EnforceRule[] {
  const family = tool === 'iptables' ? 4 : 6;
  const [enforce, lock] = enforceChains(name);
  const out: EnforceRule[] = [];
  const rule = (op: EnforceRule['op'], chain: string, match = '', target = '') =>
    out.push({ tool, op, chain, match, target });
  rule('-N', enforce);
  rule('-N', lock);
  for (const kind of ['blocked', 'learned'] as const) {
    const host = ipsetName(name, { kind, family, port: false });
    const endpoint = ipsetName(name, { kind, family, port: true });
    rule('-A', enforce, `-m conntrack --ctstate NEW -m set --match-set ${host} dst`, '-j DROP');
    rule(
      '-A',
      enforce,
      `-m conntrack --ctstate NEW -m set --match-set ${endpoint} dst,dst`,
      '-j DROP',
    );
  }
  rule(
    '-A',
    enforce,
    `-m set --match-set ${ipsetName(name, { kind: 'locked', family, port: false })} src`,
    `-j ${lock}`,
  );
  for (const a of allow)
    rule('-A', lock, `-p ${a.proto} -m ${a.proto} --dport ${a.port}`, '-j RETURN');
  rule('-A', lock, '-p tcp -m conntrack --ctstate NEW', '-j DROP');
  rule('-A', lock, '-p udp -m conntrack --ctstate NEW', '-j DROP');
  if (hooks.forward) rule('-I', 'FORWARD', '', `-j ${enforce}`);
  if (hooks.local) rule('-I', 'OUTPUT', '', `-j ${enforce}`);
  return out;
}

/** `ipset restore -exist` input that creates the sets of the families, with timeout support. */
export function ipsetCreateInput(name: string, families: readonly (4 | 6)[]): string {
  return (
    enforceSets(families)
      .map(
        (s) =>
          `create ${ipsetName(name, s)} ${s.port ? 'hash:ip,port' : 'hash:ip'} family ${s.family === 4 ? 'inet' : 'inet6'} timeout 0`,
      )
      .join('\n') + '\n'
  );
}
