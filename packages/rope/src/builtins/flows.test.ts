// Shared by the tests of the built-in scripts that learn endpoints (tables): several flows between
// several hosts, in order, through ONE FlowClassifier — so what one flow teaches the tables is
// there for the next, exactly as in `rope classify`. For each flow: the 0-based index of the step
// on which it got the script's label (-1: never), and the `via` of that YES (the signature's
// name, or `learned:` and what taught the endpoint). The name ends in .test.ts only to keep it out
// of the build; it registers no tests of its own.
import assert from 'node:assert/strict';
import { buildTcpPacket, buildUdpPacket, Packet, TCP_ACK, TCP_PSH, TCP_SYN } from '@p2pwall/core';
import { FlowClassifier } from '../classify/flow-classifier.js';
import type { Script } from '../runtime/script.js';
import { C, CLIENT_ISN, SERVER_ISN, type Step } from './harness.test.js';

export interface Endpoint {
  address: string;
  port: number;
}

export interface Flow {
  l4: 'tcp' | 'udp';
  client: Endpoint;
  server: Endpoint;
  steps: Step[];
  /** Seconds from the previous flow's start to this one's (default 1). */
  after?: number;
}

export interface FlowOutcome {
  at: number;
  via: string | null;
}

/** Runs the flows one after the other (1 s apart unless said) through one classifier. */
export function runFlows(script: Script, flows: Flow[], window?: number): FlowOutcome[] {
  const classifier = new FlowClassifier([{ script }], { window });
  const m = classifier.engine.machine;
  const p = new Packet();
  let t = 1_700_000_000;
  let via: string | null = null;
  const feed = (bytes: Uint8Array, time: number): boolean => {
    assert.ok(p.decode(bytes, 0, bytes.length));
    const r = classifier.classify(p, time);
    assert.equal(classifier.stats[0].lastError, null, classifier.stats[0].lastError?.render());
    if (r.newLabels > 0)
      via = m.via ?? (m.learnedFrom === null ? null : `learned:${m.learnedFrom}`);
    return r.newLabels > 0;
  };
  return flows.map((flow) => {
    t += flow.after ?? 1;
    let now = t;
    const step = () => (now += 0.01);
    via = null;
    const seq = [CLIENT_ISN, SERVER_ISN];
    const addr = (from: number) =>
      from === C
        ? {
            src: flow.client.address,
            dst: flow.server.address,
            srcPort: flow.client.port,
            dstPort: flow.server.port,
          }
        : {
            src: flow.server.address,
            dst: flow.client.address,
            srcPort: flow.server.port,
            dstPort: flow.client.port,
          };
    if (flow.l4 === 'tcp') {
      feed(buildTcpPacket({ ...addr(C), flags: TCP_SYN, seq: seq[0] }), step());
      feed(
        buildTcpPacket({ ...addr(1), flags: TCP_SYN | TCP_ACK, seq: seq[1], ack: seq[0] + 1 }),
        step(),
      );
      seq[0] = (seq[0] + 1) >>> 0;
      seq[1] = (seq[1] + 1) >>> 0;
    }
    let at = -1;
    flow.steps.forEach((st, i) => {
      const payload =
        typeof st.payload === 'string' ? Buffer.from(st.payload, 'latin1') : st.payload;
      const hit =
        flow.l4 === 'tcp'
          ? feed(
              buildTcpPacket({
                ...addr(st.from),
                flags: TCP_ACK | TCP_PSH,
                seq: seq[st.from],
                ack: seq[1 - st.from],
                payload,
              }),
              step(),
            )
          : feed(buildUdpPacket({ ...addr(st.from), payload }), step());
      if (flow.l4 === 'tcp') seq[st.from] = (seq[st.from] + payload.length) >>> 0;
      if (hit && at < 0) at = i;
    });
    return { at, via: at < 0 ? null : via };
  });
}
