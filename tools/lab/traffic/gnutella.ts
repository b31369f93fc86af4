// Gnutella traffic for the lab: a replay of ../shared/corpus/pcap/gnutella.pcap (a real GTK-Gnutella
// session: TCP handshakes "GNUTELLA CONNECT/0.6", UDP pings and query hits), with each flow
// labelled from the corpus truth table (truth.tsv, column `gnutella`: yes / any / no), so a test
// can tell the flows a Gnutella matcher must catch from those it may or must not.
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { corpusDir } from '../../../test/support/environment.js';
import { flowKey, readTruth, truthKeys, type TruthValue } from '../../../test/support/truth.js';
import { hostPort } from '../addresses.js';
import { replayCapture, type CaptureReplay, type ReplayOptions } from './replay.js';
import type { TrafficLab } from './traffic-lab.js';

export const GNUTELLA_CAPTURE = join(corpusDir, 'pcap', 'gnutella.pcap');

export type GnutellaReplayOptions = Partial<ReplayOptions>;

export type GnutellaReplay = CaptureReplay & {
  /** truth.tsv's `gnutella` label of a replayed flow (by its capture index), if listed. */
  label(index: number): TruthValue | undefined;
};

export async function replayGnutella(
  lab: TrafficLab,
  o: GnutellaReplayOptions = {},
): Promise<GnutellaReplay> {
  const capture = o.capture ?? GNUTELLA_CAPTURE;
  if (!existsSync(capture))
    throw new Error(
      `gnutella replay: capture ${capture} not found (set P2PWALL_CORPUS to the corpus directory)`,
    );
  const replay = await replayCapture(lab, { ...o, capture });
  const pcap = basename(capture);
  const labels = new Map<string, TruthValue>();
  if (existsSync(join(corpusDir, 'truth.tsv'))) {
    for (const row of readTruth(corpusDir))
      if (row.pcap === pcap) for (const k of truthKeys(row)) labels.set(k, row.classes.gnutella);
  }
  const endpoint = (e: { address: string; port: number }) => hostPort(e.address, e.port);
  const byIndex = new Map(
    replay.flows.map((f) => [
      f.index,
      labels.get(flowKey(pcap, f.proto, endpoint(f.initiator), endpoint(f.responder))),
    ]),
  );
  return Object.assign(replay, { label: (index: number) => byIndex.get(index) });
}
