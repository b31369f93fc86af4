// Shared by the bittorrent tests that need several flows in one classifier (the tables are
// memory shared by all flows of an engine) and the name of the signature that matched (`via`,
// or `learned:` and what taught the key). Registers no tests of its own.
import assert from 'node:assert/strict';
import { buildTcpPacket, buildUdpPacket, Packet, TCP_ACK, TCP_PSH, TCP_SYN } from '@p2pwall/core';
import { FlowClassifier } from '../classify/flow-classifier.js';
import { builtin, C, type Step } from './harness.test.js';

export interface Flow {
  l4: 'tcp' | 'udp';
  client: string;
  server: string;
  clientPort: number;
  serverPort: number;
  steps: Step[];
}

export interface Outcome {
  /** 0-based step that labelled the flow, or -1. */
  at: number;
  /** The YES's signature: its `via`, or `learned:<note>` for a lookup without one; '' if none. */
  via: string;
}

/** One classifier with the built-in bittorrent script, fed flow after flow, time advancing. */
export class Session {
  readonly classifier: FlowClassifier;
  private time = 1_700_000_000;
  private readonly p = new Packet();
  private via = '';

  constructor() {
    this.classifier = new FlowClassifier([{ script: builtin('bittorrent') }], {
      onLabel: () => {
        const m = this.classifier.engine.machine;
        this.via = m.via ?? (m.learnedFrom !== null ? `learned:${m.learnedFrom}` : '');
      },
    });
  }

  /** Lets `seconds` of capture time pass. */
  wait(seconds: number): void {
    this.time += seconds;
  }

  run(f: Flow): Outcome {
    this.via = '';
    const addr = (from: number) =>
      from === C
        ? { src: f.client, dst: f.server, srcPort: f.clientPort, dstPort: f.serverPort }
        : { src: f.server, dst: f.client, srcPort: f.serverPort, dstPort: f.clientPort };
    const seq = [1000, 50000];
    const feed = (b: Uint8Array): boolean => {
      assert.ok(this.p.decode(b, 0, b.length));
      const r = this.classifier.classify(this.p, (this.time += 0.01));
      const err = this.classifier.stats[0].lastError;
      assert.equal(err, null, err?.render());
      return r.newLabels > 0;
    };
    if (f.l4 === 'tcp') {
      feed(buildTcpPacket({ ...addr(0), flags: TCP_SYN, seq: seq[0] - 1 }));
      feed(buildTcpPacket({ ...addr(1), flags: TCP_SYN | TCP_ACK, seq: seq[1] - 1, ack: seq[0] }));
      feed(buildTcpPacket({ ...addr(0), flags: TCP_ACK, seq: seq[0], ack: seq[1] }));
    }
    for (let i = 0; i < f.steps.length; i++) {
      const st = f.steps[i];
      const payload =
        typeof st.payload === 'string' ? Buffer.from(st.payload, 'latin1') : st.payload;
      let hit: boolean;
      if (f.l4 === 'tcp') {
        hit = feed(
          buildTcpPacket({
            ...addr(st.from),
            flags: TCP_ACK | TCP_PSH,
            seq: seq[st.from],
            ack: seq[1 - st.from],
            payload,
          }),
        );
        seq[st.from] += payload.length;
      } else hit = feed(buildUdpPacket({ ...addr(st.from), payload }));
      if (hit) return { at: i, via: this.via };
    }
    return { at: -1, via: '' };
  }
}
