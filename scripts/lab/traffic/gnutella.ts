// Gnutella traffic for the lab: a replay of ../shared/corpus/pcap/gnutella.pcap (a real GTK-Gnutella
// session: TCP handshakes "GNUTELLA CONNECT/0.6", UDP pings and query hits), with each flow
// labelled from the corpus truth table (truth.tsv, column `gnutella`: yes / any / no), so a test
// can tell the flows a Gnutella matcher must catch from those it may or must not.
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { repoRoot } from '../host.js';
import type { Lab } from '../topology.js';
import { replayCapture, type CaptureReplay, type ReplayOptions } from './replay.js';

export const corpusDir = process.env.P2PWALL_CORPUS ?? join(repoRoot, '..', 'shared', 'corpus');
export const GNUTELLA_CAPTURE = join(corpusDir, 'pcap', 'gnutella.pcap');

export type GnutellaReplayOptions = Partial<ReplayOptions>;

export type TruthLabel = 'yes' | 'any' | 'no';

/**
 * Labels of one capture's flows from truth.tsv, keyed by `proto a b` with the endpoints sorted
 * (`TCP 10.0.2.15:50196 218.250.6.59:12556`).
 */
export function truthLabels(capture: string, column: string): Map<string, TruthLabel> {
  const file = join(corpusDir, 'truth.tsv');
  const out = new Map<string, TruthLabel>();
  if (!existsSync(file)) return out;
  const lines = readFileSync(file, 'utf8').split('\n');
  let header: string[] = [];
  for (const line of lines) {
    const cells = line.split('\t');
    if (cells[0] === 'pcap') {
      header = cells;
      continue;
    }
    if (cells[0] !== capture) continue;
    const col = header.indexOf(column);
    if (col < 0) continue;
    const [a, b] = [cells[2], cells[3]].sort();
    out.set(`${cells[1].toUpperCase()} ${a} ${b}`, cells[col] as TruthLabel);
  }
  return out;
}

export function flowKey(
  proto: string,
  a: { address: string; port: number },
  b: { address: string; port: number },
): string {
  const [x, y] = [`${a.address}:${a.port}`, `${b.address}:${b.port}`].sort();
  return `${proto.toUpperCase()} ${x} ${y}`;
}

export type GnutellaReplay = CaptureReplay & {
  /** truth.tsv's `gnutella` label of a replayed flow (by its capture index), if listed. */
  label(index: number): TruthLabel | undefined;
};

export async function replayGnutella(
  lab: Lab,
  o: GnutellaReplayOptions = {},
): Promise<GnutellaReplay> {
  const capture = o.capture ?? GNUTELLA_CAPTURE;
  if (!existsSync(capture))
    throw new Error(
      `gnutella replay: capture ${capture} not found (set P2PWALL_CORPUS to the corpus directory)`,
    );
  const replay = await replayCapture(lab, { ...o, capture });
  const labels = truthLabels(basename(capture), 'gnutella');
  const byIndex = new Map(
    replay.flows.map((f) => [f.index, labels.get(flowKey(f.proto, f.initiator, f.responder))]),
  );
  return Object.assign(replay, { label: (index: number) => byIndex.get(index) });
}
