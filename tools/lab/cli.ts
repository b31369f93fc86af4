// `sudo npm run lab -- up|status|down|traffic …`: a lab that stays up between commands, for trying
// rope and cutter live. Run with --help for the options.
import { parseArgs } from 'node:util';
import { hostPort } from './addresses.js';
import { CommandError, listLabNamespaces, namespaceOwner, namespacePids } from './netns.js';
import { liveLabIds, loadStates, removeState, saveState, sweep } from './state.js';
import { attachLab, createLab, type Lab, type LabOptions, type LabState } from './topology.js';
import { runTraffic, TRAFFIC_KINDS, type TrafficKind } from './traffic/run.js';

const USAGE = `usage: npm run lab -- <command> [options]     (as root: sudo npm run lab -- …)

commands:
  up        create a lab that stays until \`down\`
              --clients N      LAN hosts (default 2)
              --servers N      server-side hosts (default 1)
              --nat MODE       none | masquerade | dnat (default none)
              --firewall FW    nft | iptables: tool for the lab's own rules (default nft)
              --drop-invalid   clients and servers drop invalid packets (ct state invalid drop)
              --acct           conntrack byte/packet accounting in the router
              --delay MS       one-way delay per host (needs the netem qdisc)
              --rate MBIT      rate limit per host
  status    list labs, their namespaces and processes, and leftovers of crashed runs
  down [ID] remove every lab (or lab ID) and what crashed runs left: namespaces, processes,
            files; namespaces of a test still running are kept unless --force
  traffic KIND [--id ID] [--repeat N] [--family 4|6]
            run traffic in a lab that is up, until done or Ctrl-C; KIND is one of
            ${TRAFFIC_KINDS.join(', ')}`;

class UsageError extends Error {}

function int(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`--${name}: '${v}' is not a number ≥ 0`);
  return n;
}

function requireRoot(): void {
  if (process.getuid?.() !== 0) {
    throw new Error(
      'the lab needs root (CAP_NET_ADMIN and CAP_SYS_ADMIN to create network namespaces): run it with sudo',
    );
  }
}

function describeLab(lab: Lab): string {
  const r = lab.router;
  const lines = [
    `lab ${lab.id}  (nat ${lab.options.nat}, firewall ${lab.options.firewall}${lab.options.endpointsDropInvalid ? ', endpoints drop invalid' : ''})`,
    '',
  ];
  const row = (name: string, ns: string, iface: string, v4: string, v6: string) =>
    `  ${name.padEnd(7)}${ns.padEnd(17)}${iface.padEnd(11)}${v4.padEnd(16)}${v6}`;
  lines.push(row('host', 'namespace', 'interface', 'IPv4', 'IPv6'));
  for (const c of lab.clients) lines.push(row(c.name, c.ns, c.iface, c.ipv4, c.ipv6));
  lines.push(row('router', r.ns, r.lanIface, r.lan.ipv4, r.lan.ipv6));
  lines.push(row('', '', r.wanIface, r.wan.ipv4, r.wan.ipv6));
  for (const s of lab.servers) lines.push(row(s.name, s.ns, s.iface, s.ipv4, s.ipv6));
  if (r.service)
    lines.push(
      '',
      `  DNAT: ${r.service.ipv4} and ${r.service.ipv6} on the router go to ${lab.server.name} (${lab.server.ipv4}, ${lab.server.ipv6})`,
    );
  if (lab.options.nat === 'masquerade')
    lines.push('', `  MASQUERADE: servers see LAN hosts as ${r.wan.ipv4} / ${r.wan.ipv6}`);
  const c = lab.client;
  const s = lab.server;
  const target = lab.reach(s, 4);
  lines.push(
    '',
    'enter a host:',
    `  sudo ip netns exec ${r.ns} bash`,
    '',
    'try it:',
    `  sudo npm run lab -- traffic tcp            # long-lived connections ${c.name} → ${s.name}, until Ctrl-C`,
    `  sudo npm run lab -- traffic bittorrent     # a BitTorrent download ${s.name} → ${c.name}`,
    `  sudo ip netns exec ${r.ns} conntrack -L    # the router's connections`,
    `  sudo ip netns exec ${r.ns} node packages/cutter/bin/cutter.js ${c.ipv4}`,
    `  sudo ip netns exec ${r.ns} node packages/rope/bin/rope.js run --queue 0 --script bittorrent`,
    `  sudo ip netns exec ${r.ns} iptables -I FORWARD -j NFQUEUE --queue-num 0 --queue-bypass`,
    `  sudo ip netns exec ${s.ns} python3 -m http.server 8080 &   # a server of your own, then:`,
    `  sudo ip netns exec ${c.ns} curl http://${hostPort(target, 8080)}/`,
    '',
    `remove it: sudo npm run lab -- down`,
  );
  return lines.join('\n');
}

function pickState(id: string | undefined): LabState {
  const states = loadStates().filter((s) => liveLabIds().includes(s.id));
  if (id) {
    const s = states.find((x) => x.id === id);
    if (!s)
      throw new Error(
        `no lab ${id} is up (labs up: ${states.map((x) => x.id).join(', ') || 'none'})`,
      );
    return s;
  }
  if (states.length === 0) throw new Error('no lab is up: run `sudo npm run lab -- up` first');
  if (states.length > 1)
    throw new Error(
      `several labs are up (${states.map((x) => x.id).join(', ')}): choose one with --id`,
    );
  return states[0];
}

async function up(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      clients: { type: 'string' },
      servers: { type: 'string' },
      nat: { type: 'string' },
      firewall: { type: 'string' },
      'drop-invalid': { type: 'boolean' },
      acct: { type: 'boolean' },
      delay: { type: 'string' },
      rate: { type: 'string' },
    },
  });
  requireRoot();
  const options: LabOptions = {
    clients: int('clients', values.clients) ?? 2,
    servers: int('servers', values.servers) ?? 1,
    nat: (values.nat ?? 'none') as LabOptions['nat'],
    firewall: (values.firewall ?? 'nft') as LabOptions['firewall'],
    endpointsDropInvalid: values['drop-invalid'] ?? false,
    conntrackAccounting: values.acct ?? false,
    delayMs: int('delay', values.delay),
    rateMbit: int('rate', values.rate),
    keep: true,
  };
  let lab: Lab;
  try {
    lab = await createLab(options);
  } catch (e) {
    if (e instanceof RangeError) throw new UsageError(e.message);
    throw e;
  }
  saveState(lab.describe());
  await lab.destroy();
  console.log(describeLab(lab));
}

function status(args: string[]): void {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean' } } });
  const live = liveLabIds();
  const allNamespaces = listLabNamespaces();
  const states = loadStates();
  const known = new Set(states.map((s) => s.id));
  const labs = [...new Set([...live, ...known])].sort().map((id) => {
    const state = states.find((s) => s.id === id);
    const namespaces = allNamespaces.filter((ns) => ns.includes(`-${id}-`));
    const owner = namespaces.map((ns) => namespaceOwner(ns)).find((p) => p !== null) ?? null;
    return {
      id,
      up: namespaces.length > 0,
      owner,
      madeBy: state
        ? 'lab up'
        : owner !== null
          ? `process ${owner} (still running: a test or script)`
          : 'a test or script that is gone (left behind: `down` removes it)',
      options: state?.options,
      namespaces: namespaces.map((ns) => ({ ns, pids: namespacePids(ns) })),
    };
  });
  if (values.json) {
    console.log(JSON.stringify(labs, null, 2));
    return;
  }
  if (labs.length === 0) {
    console.log('no lab namespaces');
    return;
  }
  for (const l of labs) {
    console.log(
      `lab ${l.id}: ${l.up ? 'up' : 'state file only (namespaces gone)'}, made by ${l.madeBy}`,
    );
    for (const n of l.namespaces)
      console.log(
        `  ${n.ns.padEnd(17)} ${n.pids.length} process(es)${n.pids.length ? ': ' + n.pids.join(' ') : ''}`,
      );
  }
}

function down(args: string[]): void {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { force: { type: 'boolean' } },
  });
  const id = positionals[0];
  if (id !== undefined && !/^[0-9a-f]{6}$/.test(id))
    throw new UsageError(`down: '${id}' is not a lab id (6 hex digits)`);
  requireRoot();
  const r = sweep(id, values.force ?? false);
  if (id) removeState(id);
  console.log(
    r.namespaces.length + r.directories.length + r.stateFiles === 0
      ? 'nothing to remove'
      : `removed ${r.namespaces.length} namespace(s)${r.processes ? `, killed ${r.processes} process(es)` : ''}, ${r.directories.length} work dir(s), ${r.stateFiles} state file(s)`,
  );
  if (r.inUse.length > 0) {
    const pids = [...new Set(r.inUse.map((u) => u.pid))];
    console.log(
      `left ${r.inUse.length} namespace(s) of running process(es) ${pids.join(', ')} (tests remove their own; --force removes them too)`,
    );
  }
}

async function traffic(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { id: { type: 'string' }, repeat: { type: 'string' }, family: { type: 'string' } },
  });
  const kind = positionals[0] as TrafficKind;
  if (!TRAFFIC_KINDS.includes(kind))
    throw new UsageError(
      `traffic: kind '${positionals[0] ?? ''}' is not one of ${TRAFFIC_KINDS.join(', ')}`,
    );
  const family =
    values.family === '6' ? 6 : values.family === undefined || values.family === '4' ? 4 : null;
  if (family === null) throw new UsageError(`--family: '${values.family}' is not 4 or 6`);
  requireRoot();
  const lab = attachLab(pickState(values.id));
  try {
    await runTraffic(lab, kind, {
      repeat: int('repeat', values.repeat),
      family,
      log: (l) => console.log(l),
    });
  } finally {
    await lab.destroy();
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'up':
        await up(rest);
        return 0;
      case 'status':
        status(rest);
        return 0;
      case 'down':
        down(rest);
        return 0;
      case 'traffic':
        await traffic(rest);
        return 0;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        console.log(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (e) {
    if (
      e instanceof UsageError ||
      (e instanceof Error &&
        e.name === 'TypeError' &&
        'code' in e &&
        String(e.code).startsWith('ERR_PARSE_ARGS'))
    ) {
      console.error(`lab: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    console.error(
      `lab: ${e instanceof CommandError || e instanceof Error ? e.message : String(e)}`,
    );
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
