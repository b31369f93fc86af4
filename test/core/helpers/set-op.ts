// Runs calls of the core's kernel-set clients (NftSetClient, IpsetClient) inside the namespace
// it is started in (`ip netns exec`), in order, on one client, and prints one JSON line: each
// call's result, or its error as data (message, code, errno, faults). Privileged tests drive the
// real kernel through it: a netlink socket belongs to the namespace of the process that opened it.
//
//   echo '{"client":"nft","calls":[{"call":"add","args":[{…set},[{…element}]]}]}' | set-op.ts
// (the command comes on standard input: a call with thousands of elements outgrows an argv)
import { readFileSync } from 'node:fs';
import { IpsetClient, NftSetClient } from '@p2pwall/core/netlink';

interface Call {
  call: string;
  args: unknown[];
  /** Sleep this long before the call (for a test that waits for an expiry it then lists). */
  sleepMs?: number;
}

const cmd = JSON.parse(readFileSync(0, 'utf8')) as { client: 'nft' | 'ipset'; calls: Call[] };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<unknown[]> {
  const client: Record<string, (...a: unknown[]) => Promise<unknown>> & { close(): void } = (
    cmd.client === 'nft' ? NftSetClient.open() : IpsetClient.open()
  ) as never;
  const results: unknown[] = [];
  try {
    for (const c of cmd.calls) {
      if (c.sleepMs) await sleep(c.sleepMs);
      try {
        results.push({ ok: (await client[c.call](...c.args)) ?? null });
      } catch (e) {
        const x = e as Error & { code?: string; errno?: number; faults?: unknown; fault?: unknown };
        results.push({
          error: x.message,
          name: x.name,
          code: x.code,
          errno: x.errno,
          faults: x.faults ?? [x.fault],
        });
      }
    }
  } finally {
    client.close();
  }
  return results;
}

main().then(
  (r) => process.stdout.write(JSON.stringify(r) + '\n'),
  (e: Error) => {
    process.stdout.write(JSON.stringify([{ error: e.message, name: e.name }]) + '\n');
    process.exitCode = 1;
  },
);
