// Records the sample captures bundled with rope (packages/rope/samples/*.pcap): real programs
// talking across the lab's router (tools/lab), captured there with tcpdump. Nobody writes these
// packets by hand, so the samples also serve as test data (test/integration/samples.test.ts).
//
//   sudo npx tsx --conditions=source tools/record-samples.ts [--out DIR] [--only NAME…]
//
// Needs root (network namespaces), and tcpdump, opentracker, mktorrent, aria2c,
// transmission-cli and curl. Everything runs in namespaces the script creates and removes, on the
// documentation address ranges; a file is replaced only when its recording succeeded. Each sample
// stays small (well under 200 KB): files of a few dozen KiB, ranges of large HTTP resources.
import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { createLab, type Lab } from './lab/topology.js';
import type { FetchOptions } from './lab/traffic/http.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const DEFAULT_OUT = join(HERE, '..', 'packages', 'rope', 'samples');
const FILTER = 'tcp or udp';

export interface Sample {
  name: string;
  /** What the capture holds, for the README of the samples. */
  about: string;
  record(lab: Lab, file: string): Promise<void>;
}

/** Runs `work` while tcpdump records the router's server-side bridge into `file`. */
export async function captured(lab: Lab, file: string, work: () => Promise<void>): Promise<void> {
  const cap = await lab.capture(lab.router, 'wan0', file, FILTER);
  try {
    await work();
  } finally {
    const r = await cap.stop();
    if (r.droppedByKernel > 0)
      throw new Error(`${file}: tcpdump lost ${r.droppedByKernel} packets`);
  }
}

export const SAMPLES: Sample[] = [
  {
    name: 'bittorrent-tracker.pcap',
    about:
      'aria2c downloads a 48 KiB torrent from a transmission-cli seeder found through opentracker: ' +
      'the HTTP announce, the TCP peer wire (handshake, extension messages, pieces), Mainline DHT ' +
      'queries between the two clients',
    async record(lab, file) {
      const swarm = await lab.bittorrent({
        size: 48 * 1024,
        seeders: [{ client: 'transmission' }],
        leechers: [{ client: 'aria2c' }],
        utp: false,
      });
      try {
        await captured(lab, file, async () => {
          const [r] = await swarm.download({ timeoutMs: 90_000 });
          if (!r.complete) throw new Error(`aria2c: ${r.error}`);
        });
      } finally {
        await swarm.stop();
      }
    },
  },
  {
    name: 'bittorrent-utp.pcap',
    about:
      'transmission-cli downloads a 48 KiB torrent from a transmission-cli seeder over uTP (BEP 29), ' +
      'IPv4 and IPv6 (learnt by peer exchange), with the tracker announce and DHT traffic',
    async record(lab, file) {
      const swarm = await lab.bittorrent({
        size: 48 * 1024,
        seeders: [{ client: 'transmission' }],
        leechers: [{ client: 'transmission' }],
        utp: true,
      });
      try {
        await captured(lab, file, async () => {
          const [r] = await swarm.download({ timeoutMs: 90_000 });
          if (!r.complete) throw new Error(`transmission-cli: ${r.error}`);
        });
      } finally {
        await swarm.stop();
      }
    },
  },
  {
    name: 'http-downloads.pcap',
    about:
      'curl against a web server: a 16 KiB file whole (IPv4), and 4 KiB ranges of an 8 MiB file ' +
      '(IPv4 and IPv6) whose responses declare the full size in Content-Range',
    async record(lab, file) {
      const http = await lab.http({
        files: [
          { name: 'small.bin', size: 16 * 1024 },
          { name: 'large.bin', size: 8 << 20 },
        ],
      });
      try {
        await captured(lab, file, async () => {
          const fetches: [string, FetchOptions][] = [
            ['small.bin', { family: 4 }],
            ['large.bin', { family: 4, range: [0, 4095] }],
            ['large.bin', { family: 6, range: [1 << 20, (1 << 20) + 4095] }],
          ];
          for (const [name, opts] of fetches) {
            const r = await http.fetch(name, opts);
            if (!r.ok) throw new Error(`curl ${r.url}: ${r.error ?? r.httpCode}`);
          }
        });
      } finally {
        await http.stop();
      }
    },
  },
];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { out: { type: 'string' }, only: { type: 'string', multiple: true } },
  });
  if (process.getuid?.() !== 0) {
    console.error('record-samples: needs root (it builds network namespaces for the lab)');
    process.exit(1);
  }
  const out = values.out ?? DEFAULT_OUT;
  mkdirSync(out, { recursive: true });
  const wanted = SAMPLES.filter((s) => !values.only || values.only.includes(s.name));
  for (const sample of wanted) {
    const lab = await createLab({ clients: 1, servers: 1 });
    const tmp = join(lab.workDir, sample.name);
    try {
      process.stderr.write(`record-samples: ${sample.name} …\n`);
      await sample.record(lab, tmp);
      const dest = join(out, sample.name);
      copyFileSync(tmp, dest);
      process.stderr.write(
        `record-samples: ${dest}: ${statSync(dest).size} bytes — ${sample.about}\n`,
      );
    } finally {
      await lab.destroy();
    }
  }
}

// run when invoked, not when the lab test imports the recipes
if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) await main();
