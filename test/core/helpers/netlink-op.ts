// Runs one netlink operation of the core inside the namespace it is started in (`ip netns exec`)
// and prints the result as JSON: privileged tests drive the real kernel through it, since a
// netlink socket always belongs to the network namespace of the process that opened it.
//
//   netlink-op.ts '{"op":"dump","family":"all"}'
import { RawInjector } from '@p2pwall/core/inject';
import {
  Conntrack,
  ConntrackWatch,
  Nflog,
  SockDiag,
  type ConntrackEvent,
} from '@p2pwall/core/netlink';
import { Packet, transportChecksumValid } from '@p2pwall/core';
import {
  cleanupStale,
  cleanupStaleAsync,
  NftBackend,
  TemporaryFirewall,
} from '@p2pwall/core/firewall';

const cmd = JSON.parse(process.argv[2] ?? '{}');
const json = (v: unknown) =>
  JSON.stringify(v, (_k, x) =>
    typeof x === 'bigint'
      ? x.toString()
      : x instanceof Uint8Array
        ? Buffer.from(x).toString('hex')
        : x,
  );
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<unknown> {
  switch (cmd.op) {
    case 'dump': {
      const ct = Conntrack.open();
      try {
        return await ct.dump({ family: cmd.family ?? 'all', filter: cmd.filter });
      } finally {
        ct.close();
      }
    }
    case 'get':
    case 'delete':
    case 'setMark':
    case 'create': {
      const ct = Conntrack.open();
      try {
        if (cmd.op === 'get') return await ct.get(cmd.key);
        if (cmd.op === 'delete') return await ct.delete(cmd.key);
        if (cmd.op === 'setMark') return await ct.setMark(cmd.key, cmd.mark, cmd.mask);
        await ct.create(cmd.spec);
        return true;
      } finally {
        ct.close();
      }
    }
    case 'watch': {
      // prints "ready" once subscribed, then collects events for cmd.ms
      const events: ConntrackEvent[] = [];
      const w = await ConntrackWatch.start({ onEvent: (e) => events.push(e), family: cmd.family });
      process.stdout.write('ready\n');
      await sleep(cmd.ms);
      w.close();
      return events;
    }
    case 'nflog': {
      // listens for `ms`, or until `count` copies arrived and a moment passed for any extra one:
      // a fixed window alone runs out on a loaded machine before the sender has even started
      const packets: unknown[] = [];
      let enough: () => void = () => {};
      const gotAll = new Promise<void>((r) => (enough = r));
      const ip = new Packet();
      const log = await Nflog.open({
        group: cmd.group,
        copyRange: cmd.copyRange ?? 0xffff,
        onPacket: (p) => {
          ip.decode(p.buf, p.payloadOffset, p.payloadLength);
          packets.push({
            hook: p.hook,
            mark: p.mark,
            indev: p.indev,
            outdev: p.outdev,
            prefix: p.prefix,
            length: p.payloadLength,
            ipLength: ip.ipLength,
            version: ip.version,
            protocol: ip.protocol,
            checksumOk: ip.hasPorts && !ip.truncated ? transportChecksumValid(p.payload, 0) : null,
            srcPort: ip.srcPort,
            dstPort: ip.dstPort,
            tcpFlags: ip.tcpFlags,
            timestampMs: p.timestampMs,
          });
          if (packets.length === cmd.count) enough();
        },
      });
      process.stdout.write('ready\n');
      const window = setTimeout(enough, cmd.ms);
      await gotAll;
      clearTimeout(window); // a pending timer would keep this process (and the test) waiting
      if (packets.length === cmd.count) await sleep(500);
      await log.close();
      return packets;
    }
    case 'listTcp': {
      const d = SockDiag.open();
      try {
        return await d.listTcp(cmd.filter ?? {});
      } finally {
        d.close();
      }
    }
    case 'destroy': {
      const d = SockDiag.open();
      try {
        const list = await d.listTcp(cmd.filter ?? {});
        const out: boolean[] = [];
        for (const s of list) out.push(await d.destroy(s));
        return out;
      } finally {
        d.close();
      }
    }
    case 'inject': {
      const inj = RawInjector.open({ family: cmd.family, mark: cmd.mark });
      try {
        for (const hex of cmd.packets as string[]) await inj.send(Buffer.from(hex, 'hex'), cmd.dst);
        return inj.sent;
      } finally {
        inj.close();
      }
    }
    case 'firewallHold': {
      // installs temporary rules, says where they are, holds them for cmd.ms, removes them
      const fw = await TemporaryFirewall.install({
        owner: 'p2pwall-cutter',
        logGroup: 5,
        notrackMark: 0x63757474,
        ...(cmd.backend ? { backend: cmd.backend } : {}),
      });
      await fw.addLog(cmd.flows ?? []);
      await fw.addDrop(cmd.flows ?? [], 30);
      process.stdout.write(`ready ${fw.backend.name}\n`);
      await sleep(cmd.ms);
      await fw.remove();
      return fw.backend.name;
    }
    case 'nftBuild': {
      // the nft backend's table with its initial flows and later changes, made over netlink or
      // (netlink false) by nft -f; left in place unless cmd.remove
      process.env.P2PWALL_NFT_NETLINK = cmd.netlink ? '1' : '0';
      const b = new NftBackend(cmd.spec);
      const initial = cmd.initial ?? {};
      // cmd.extraLog more log flows, made here: thousands would not fit an argument list
      const extra = Array.from({ length: cmd.extraLog ?? 0 }, (_, i) => ({
        proto: 6,
        src: `198.51.100.${1 + (i % 250)}`,
        srcPort: 1024 + i,
        dst: '203.0.113.9',
        dstPort: 443,
      }));
      await b.install({ ...initial, log: [...(initial.log ?? []), ...extra] });
      for (const c of cmd.changes ?? []) {
        if (c.op === 'addLog') await b.addLog(c.flows);
        else if (c.op === 'addDrop') await b.addDrop(c.flows, c.timeoutSec);
        else await b.removeDrop(c.flows);
      }
      if (cmd.remove) await b.remove();
      return b.name;
    }
    case 'cleanupStale':
      return cleanupStale('p2pwall-cutter');
    case 'cleanupStaleAsync':
      return await cleanupStaleAsync('p2pwall-cutter');
    default:
      throw new Error(`unknown op ${cmd.op}`);
  }
}

main().then(
  (r) => {
    process.stdout.write(json(r) + '\n');
  },
  (e: Error) => {
    process.stdout.write(
      json({
        error: e.message,
        name: e.name,
        code: (e as { code?: string }).code,
        // the error's record (NetlinkError, InjectError, FirewallError), for tests to inspect
        fault: (e as { fault?: unknown }).fault,
      }) + '\n',
    );
    process.exitCode = 1;
  },
);
