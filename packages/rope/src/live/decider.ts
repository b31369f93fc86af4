// The decision for each queued packet: the flow classifier of `rope classify` (the same object,
// not a copy) labels flows; the first script group, in command-line order, whose script has
// labelled the packet's flow decides what happens to the packet — accept, drop, or accept with a
// mark (packet mark and connmark, so firewall rules can act on the whole flow). Packets of flows
// no script has labelled get the default verdict. A script ending with HOTDROP drops its packet;
// one ending with FAIL counts as no match.
//
// Nothing is allocated per packet: the packet view, the conntrack record and the classifier's
// result are reused; counters are typed arrays.
import { IPPROTO_TCP, IPPROTO_UDP, Packet, protocolName } from '@p2pwall/core';
import { DEFAULT_MAX_FLOWS, type Flow } from '@p2pwall/core/flow';
import {
  IP_CT_ESTABLISHED,
  IP_CT_RELATED,
  KEEP_MARK,
  NF_ACCEPT,
  NF_DROP,
  type NfqDecision,
  type NfqPacket,
} from '@p2pwall/core/netlink';
import { FlowClassifier } from '../classify/flow-classifier.js';
import type { PacketResult } from '../classify/packet-result.js';
import type { FlowLabels } from '../classify/flow-labels.js';
import type { Caps } from '../runtime/caps.js';
import type { RunError } from '../runtime/run-error.js';
import { CT_ESTABLISHED, CT_NEW, CT_RELATED, type CtInfo, type Script } from '../runtime/script.js';
import type { Value } from '../runtime/values.js';
import { Verdict } from '../runtime/verdict.js';
import { actionDrops, actionText, type DefaultVerdict, type MatchAction } from './actions.js';
import type { EnforceRequest } from './enforcer.js';
import type { GroupSnapshot, LiveTotals } from './stats.js';

/** One `--script … --on-match …` group. */
export interface LiveGroup {
  script: Script;
  pushes: readonly Value[];
  action: MatchAction;
}

/** A flow that a script labelled, as the log reports it. */
export interface MatchEvent {
  /** Seconds since 1970. */
  time: number;
  script: string;
  /** The action the flow gets now (the first labelled group's). */
  action: string;
  protocol: string;
  /** Initiator and responder, `ip:port` / `[ip6]:port`. */
  from: string;
  to: string;
  /** The flow's packet (1-based, both directions) that matched. */
  packet: number;
}

export interface DeciderOptions {
  groups: readonly LiveGroup[];
  /** Verdict for packets no group acts on (default accept). */
  defaultVerdict?: DefaultVerdict;
  /** Payload packets per direction each script sees (default 10). */
  window?: number;
  /** Mark flows that every script has given up on, so the rules stop queueing them. */
  doneMark?: number | null;
  caps?: Partial<Caps>;
  maxFlows?: number;
  /**
   * Flows the flow table and the per-flow arrays have room for from the start (default: maxFlows,
   * at most LIVE_RESERVE): a flood of new flows then never waits for them to double.
   */
  reserveFlows?: number;
  onMatch?: (e: MatchEvent) => void;
  /**
   * `--on-match cut`: end the flow of `packet` (decoded; the packet is dropped). `first`: the
   * flow's first cut; later packets of the flow (already in flight) come here again.
   */
  onCut?: (
    p: NfqPacket,
    packet: Packet,
    fromInitiator: boolean,
    group: number,
    first: boolean,
  ) => void;
  /**
   * `--dns-train`: sees every TCP or UDP packet from port 53 with a payload, which is then
   * accepted whatever the scripts say (a DNS answer is always delivered).
   */
  onDnsAnswer?: (packet: Packet) => void;
  /**
   * A packet that a group with a timed action (lock:S, block-peer:S) decided: at most once a
   * second per flow, so a flow that keeps trying keeps renewing its lock or block.
   */
  onEnforce?: (e: EnforceRequest) => void;
  /** A run that ended with FAIL or HOTDROP (for a rate-limited report). */
  onRunError?: (script: string, verdict: Verdict, error: RunError) => void;
}

// totals, indexed
/**
 * The most flows a live engine reserves room for at start (the default --max-flows): under it the
 * flow table and per-flow arrays never double mid-flood (docs/performance.md, "Room for a flood");
 * a larger --max-flows reserves this much and doubles beyond it, so that asking for millions of
 * flows does not claim their address space up front.
 */
export const LIVE_RESERVE = 262_144;

const T_PACKETS = 0;
const T_BYTES = 1;
const T_FLOWS = 2;
const T_ACCEPTED = 3;
const T_DROPPED = 4;
const T_MARKED = 5;
const T_NOT_IP = 6;
const T_HOTDROPS = 7;
const T_COUNT = 8;

// per group, indexed g * G_COUNT + …
const G_PACKETS = 0;
const G_BYTES = 1;
const G_DROPS = 2;
const G_COUNT = 3;

/** Gives every queued packet its verdict (see the top of this file). One per thread. */
export class Decider {
  /**
   * Arrival time of the packets, whole seconds since 1970, advanced by `tick()` (the host calls it
   * a few times a second). Not Date.now() per packet: that allocates a heap number each call, as
   * would the kernel's NFQA_TIMESTAMP carried across calls; flow expiry and `$packet_time` (whole
   * seconds) need no more.
   */
  now = Math.floor(Date.now() / 1000);
  readonly classifier: FlowClassifier;
  readonly groups: readonly LiveGroup[];
  /** For the metrics, about the last packet handled: the group that decided it (-1: none)… */
  decidedBy = -1;
  /** …and whether it opened a flow. */
  newFlow = false;
  /** Pass-all (ftwall's accept-all, `rope ctl pass-all on`): every verdict is accept. */
  passAll = false;
  private readonly packet = new Packet();
  private readonly result: PacketResult;
  private readonly ct: CtInfo;
  private readonly defaultVerdict: number;
  private readonly doneMark: number;
  private readonly totals = new Float64Array(T_COUNT);
  private readonly perGroup: Float64Array;
  private readonly verdictOf: Uint32Array;
  private readonly markOf: Float64Array;
  private readonly cutOf: Uint8Array;
  private readonly onCut: DeciderOptions['onCut'];
  private readonly onDnsAnswer: DeciderOptions['onDnsAnswer'];
  /** Groups whose action is lock:S or block-peer:S. */
  private readonly timed: Uint8Array;
  private readonly onEnforce: ((e: EnforceRequest) => void) | undefined;
  /** The second each flow last asked for its lock or block (a renewal at most once a second). */
  private readonly enforcedAt = new WeakMap<Flow, number>();

  constructor(options: DeciderOptions) {
    this.groups = options.groups;
    const onMatch = options.onMatch;
    const onRunError = options.onRunError;
    this.classifier = new FlowClassifier(
      options.groups.map((g) => ({ script: g.script, pushes: g.pushes })),
      {
        window: options.window,
        caps: options.caps,
        flows: {
          ...(options.maxFlows !== undefined ? { maxFlows: options.maxFlows } : {}),
          reserve:
            options.reserveFlows ?? Math.min(options.maxFlows ?? DEFAULT_MAX_FLOWS, LIVE_RESERVE),
        },
        onLabel: onMatch
          ? (flow, i, labels) => onMatch(this.matchEvent(flow, i, labels))
          : undefined,
        onRunError: onRunError
          ? (i, v, e) => onRunError(this.groups[i].script.name, v, e)
          : undefined,
      },
    );
    // The classifier hands back one result object, reused for every packet (its documented
    // contract); a packet without an IP header gets it without touching the flow table.
    this.result = this.classifier.classify(new Packet(), 0);
    const result = this.result;
    // conntrack's view when the kernel sends it; packets and bytes come from the flow table,
    // which the classifier has updated for this packet before any script reads them
    this.ct = {
      proto: 0,
      state: CT_NEW,
      dir: 0,
      mark: 0,
      get packets() {
        return result.flow?.totalPackets ?? 1;
      },
      get bytes() {
        return result.flow?.totalBytes ?? 0;
      },
    };
    this.defaultVerdict = options.defaultVerdict === 'drop' ? NF_DROP : NF_ACCEPT;
    this.doneMark = options.doneMark ?? KEEP_MARK;
    const n = options.groups.length;
    this.perGroup = new Float64Array(n * G_COUNT);
    this.verdictOf = new Uint32Array(n);
    this.markOf = new Float64Array(n);
    this.cutOf = new Uint8Array(n);
    this.onCut = options.onCut;
    this.onDnsAnswer = options.onDnsAnswer;
    this.timed = new Uint8Array(n);
    this.onEnforce = options.onEnforce;
    options.groups.forEach((g, i) => {
      this.timed[i] = g.action.kind === 'lock' || g.action.kind === 'block-peer' ? 1 : 0;
      this.cutOf[i] = g.action.kind === 'cut' ? 1 : 0;
      this.verdictOf[i] = actionDrops(g.action) ? NF_DROP : NF_ACCEPT;
      this.markOf[i] = g.action.kind === 'mark' ? g.action.mark : KEEP_MARK;
    });
  }

  /** The verdict for one queued packet (the NfQueue handler). */
  handle(p: NfqPacket, d: NfqDecision): void {
    const t = this.totals;
    t[T_PACKETS]++;
    t[T_BYTES] += p.packetLength;
    this.decidedBy = -1;
    this.newFlow = false;
    const packet = this.packet;
    if (!packet.decode(p.buf, p.payloadOffset, p.payloadLength)) {
      // not IP (ARP on a bridge queue, a broken header): nothing to classify
      t[T_NOT_IP]++;
      this.settle(d, this.defaultVerdict, KEEP_MARK, KEEP_MARK);
      return;
    }
    const time = this.now;
    let ct: CtInfo | null = null;
    if (p.hasCt && p.ctInfo >= 0) {
      ct = this.ct;
      const state = p.ctState;
      ct.state =
        state === IP_CT_ESTABLISHED
          ? CT_ESTABLISHED
          : state === IP_CT_RELATED
            ? CT_RELATED
            : CT_NEW;
      ct.dir = p.ctDirection;
      ct.mark = p.ctMark;
      const proto = p.ctProto;
      ct.proto = proto >= 0 ? proto : packet.protocol;
    }
    const r = this.classifier.classify(packet, time, ct, p.mark);
    const f = r.flow;
    if (f !== null && f.totalPackets === 1) {
      t[T_FLOWS]++;
      this.newFlow = true;
    }
    if (
      this.onDnsAnswer !== undefined &&
      !this.passAll &&
      packet.srcPort === 53 &&
      packet.payloadLength > 0 &&
      (packet.protocol === IPPROTO_UDP || packet.protocol === IPPROTO_TCP)
    ) {
      this.onDnsAnswer(packet);
      this.settle(d, NF_ACCEPT, KEEP_MARK, KEEP_MARK);
      return;
    }
    if (r.hotdrop) {
      this.settle(d, NF_DROP, KEEP_MARK, KEEP_MARK);
      t[T_HOTDROPS]++;
      return;
    }
    const labels = r.labels;
    if (labels.labelCount > 0) {
      const n = this.groups.length;
      for (let g = 0; g < n; g++) {
        if (!labels.has(g)) continue;
        const pg = this.perGroup;
        pg[g * G_COUNT + G_PACKETS]++;
        pg[g * G_COUNT + G_BYTES] += p.packetLength;
        const v = this.verdictOf[g];
        if (v === NF_DROP) pg[g * G_COUNT + G_DROPS]++;
        this.decidedBy = g;
        if (this.timed[g] === 1 && f !== null && !this.passAll) this.enforce(g, f);
        if (this.cutOf[g] === 1 && f !== null && this.onCut !== undefined && !this.passAll)
          this.onCut(p, packet, r.dir === 0, g, labels.matchedAt(g) === f.totalPackets);
        this.settle(d, v, this.markOf[g], this.markOf[g]);
        return;
      }
    }
    // no label: the default verdict, with the packet mark a script left in `$mark`, or the done
    // mark on packet and flow once every script has given up on the flow
    if (f !== null && labels.pending === 0 && this.doneMark !== KEEP_MARK)
      this.settle(d, this.defaultVerdict, this.doneMark, this.doneMark);
    else
      this.settle(d, this.defaultVerdict, r.mark !== p.mark ? r.mark >>> 0 : KEEP_MARK, KEEP_MARK);
  }

  private enforce(g: number, f: Flow): void {
    if (this.onEnforce === undefined || this.enforcedAt.get(f) === this.now) return;
    this.enforcedAt.set(f, this.now);
    this.onEnforce({
      script: this.groups[g].script.name,
      action: actionText(this.groups[g].action),
      from: f.endpointA(),
      to: f.endpointB(),
    });
  }

  private settle(d: NfqDecision, verdict: number, mark: number, connmark: number): void {
    if (this.passAll) {
      verdict = NF_ACCEPT;
      mark = KEEP_MARK;
      connmark = KEEP_MARK;
    }
    d.verdict = verdict;
    const t = this.totals;
    if (verdict === NF_DROP) {
      t[T_DROPPED]++;
      return;
    }
    t[T_ACCEPTED]++;
    if (mark !== KEEP_MARK) {
      d.mark = mark;
      t[T_MARKED]++;
    }
    d.connmark = connmark;
  }

  private matchEvent(flow: Flow, i: number, labels: FlowLabels): MatchEvent {
    let decider = i;
    for (let g = 0; g < this.groups.length; g++) {
      if (labels.has(g)) {
        decider = g;
        break;
      }
    }
    return {
      time: Date.now() / 1000,
      script: this.groups[i].script.name,
      action: actionText(this.groups[decider].action),
      protocol: protocolName(flow.protocol),
      from: flow.endpointA(),
      to: flow.endpointB(),
      packet: labels.matchedAt(i),
    };
  }

  /** Advances the clock to now. */
  tick(): void {
    this.now = Math.floor(Date.now() / 1000);
  }

  /** Expires idle flows (call on a timer: the table only expires on lookups otherwise). */
  expire(): void {
    this.tick();
    this.classifier.expire(this.now);
  }

  totalsSnapshot(): LiveTotals {
    const t = this.totals;
    return {
      packets: t[T_PACKETS],
      bytes: t[T_BYTES],
      flows: t[T_FLOWS],
      activeFlows: this.classifier.flowCount,
      accepted: t[T_ACCEPTED],
      dropped: t[T_DROPPED],
      marked: t[T_MARKED],
      notIp: t[T_NOT_IP],
      hotdrops: t[T_HOTDROPS],
    };
  }

  groupSnapshots(): GroupSnapshot[] {
    return this.groups.map((g, i) => {
      const st = this.classifier.stats[i];
      const pg = this.perGroup;
      return {
        script: g.script.name,
        action: actionText(g.action),
        runs: st.runs,
        matches: st.flows,
        gaveUp: st.neverFlows,
        errors: st.verdicts[Verdict.FAIL] + st.verdicts[Verdict.HOTDROP],
        packets: pg[i * G_COUNT + G_PACKETS],
        bytes: pg[i * G_COUNT + G_BYTES],
        drops: pg[i * G_COUNT + G_DROPS],
      };
    });
  }
}
