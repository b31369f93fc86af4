// Decider decisions without a kernel: packet messages built as the kernel sends them (the
// core's encodeNfqPacket), handed to the Decider as NfQueue would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTcpPacket, buildUdpPacket } from '@p2pwall/core';
import {
  encodeNfqPacket,
  IP_CT_NEW,
  IP_CT_RELATED,
  KEEP_MARK,
  NF_ACCEPT,
  NF_DROP,
  NfqPacket,
  NlMsgView,
  type NfqDecision,
  type NfqPacketRepr,
} from '@p2pwall/core/netlink';
import { compile } from '../compile/compile.js';
import type { Script } from '../runtime/script.js';
import type { MatchAction } from './actions.js';
import { Decider, type DeciderOptions, type MatchEvent } from './decider.js';
import type { EnforceRequest } from './enforcer.js';

function script(name: string, source: string): Script {
  const { script: s, diagnostics } = compile(source, `${name}.rope`);
  assert.ok(s, diagnostics.map((d) => d.render()).join('\n'));
  return s;
}

const MATCH_A = script('match-a', '"MATCH-A" expect_str yes');
const MATCH_B = script('match-b', '"MATCH-B" expect_str yes');
const RELATED = script('related', '$ct_state 2 eq assert yes');
const TROUBLE = script(
  'trouble',
  '{ "HOT" expect_str hotdrop } eval drop  "FAIL" expect_str  1 $data_len $data_len sub div drop yes',
);
const SET_MARK = script('set-mark', '"SETMARK" expect_str 5 $mark put no');

let nextId = 1;
interface Sent {
  payload: string;
  sport?: number;
  reply?: boolean;
  tcp?: boolean;
  raw?: Uint8Array;
  extra?: Partial<NfqPacketRepr>;
}

function message({
  payload,
  sport = 40000,
  reply = false,
  tcp = false,
  raw,
  extra = {},
}: Sent): NfqPacket {
  const [src, dst, sp, dp] = reply
    ? ['198.51.100.10', '192.0.2.10', 9999, sport]
    : ['192.0.2.10', '198.51.100.10', sport, 9999];
  const ip =
    raw ??
    (tcp
      ? buildTcpPacket({ src, dst, srcPort: sp, dstPort: dp, flags: 0x18, payload })
      : buildUdpPacket({ src, dst, srcPort: sp, dstPort: dp, payload }));
  const bytes = encodeNfqPacket({
    queue: 0,
    family: 2,
    id: nextId++,
    hwProtocol: 0x0800,
    hook: 2,
    timestamp: { sec: 1_700_000_000, usec: 0 },
    payload: ip,
    ...extra,
  });
  const p = new NfqPacket();
  assert.ok(p.reset(new NlMsgView().reset(bytes, 0)));
  return p;
}

function decider(groups: [Script, MatchAction][], o: Partial<DeciderOptions> = {}): Decider {
  return new Decider({
    groups: groups.map(([s, action]) => ({ script: s, pushes: [], action })),
    ...o,
  });
}

function decide(e: Decider, sent: Sent): NfqDecision {
  const d: NfqDecision = { verdict: NF_ACCEPT, mark: KEEP_MARK, connmark: KEEP_MARK };
  e.handle(message(sent), d);
  return d;
}

const DROP: MatchAction = { kind: 'drop' };
const MARK7: MatchAction = { kind: 'mark', mark: 7 };

test('decider: a drop group drops the matching packet and the rest of its flow, nothing else', () => {
  const events: MatchEvent[] = [];
  const e = decider([[MATCH_A, DROP]], { onMatch: (m) => events.push(m) });
  assert.equal(decide(e, { payload: 'hello', sport: 1 }).verdict, NF_ACCEPT);
  assert.equal(decide(e, { payload: 'MATCH-A now', sport: 2 }).verdict, NF_DROP);
  assert.equal(decide(e, { payload: 'anything later', sport: 2 }).verdict, NF_DROP);
  assert.equal(decide(e, { payload: 'the reply too', sport: 2, reply: true }).verdict, NF_DROP);
  assert.equal(decide(e, { payload: 'other flow', sport: 3 }).verdict, NF_ACCEPT);
  assert.deepEqual(
    events.map((m) => [m.script, m.action, m.protocol, m.from, m.to, m.packet]),
    [['match-a', 'drop', 'udp', '192.0.2.10:2', '198.51.100.10:9999', 1]],
  );
  const [g] = e.groupSnapshots();
  assert.deepEqual([g.runs, g.matches, g.packets, g.drops, g.errors], [3, 1, 3, 3, 0]);
  const t = e.totalsSnapshot();
  assert.deepEqual([t.packets, t.flows, t.accepted, t.dropped], [5, 3, 2, 3]);
});

test('decider: the first group in command-line order that labelled the flow decides', () => {
  const e = decider([
    [MATCH_A, DROP],
    [MATCH_B, MARK7],
  ]);
  assert.deepEqual(decide(e, { payload: 'MATCH-B here', sport: 10 }), {
    verdict: NF_ACCEPT,
    mark: 7,
    connmark: 7,
  });
  assert.deepEqual(decide(e, { payload: 'next', sport: 10 }), {
    verdict: NF_ACCEPT,
    mark: 7,
    connmark: 7,
  });
  // the same flow matches group 0 later: it now outranks group 1
  assert.equal(decide(e, { payload: 'MATCH-A too', sport: 10 }).verdict, NF_DROP);
  const swapped = decider([
    [MATCH_B, MARK7],
    [MATCH_A, DROP],
  ]);
  decide(swapped, { payload: 'MATCH-B here', sport: 10 });
  assert.deepEqual(decide(swapped, { payload: 'MATCH-A too', sport: 10 }), {
    verdict: NF_ACCEPT,
    mark: 7,
    connmark: 7,
  });
});

test('decider: --default drop, packets that are not IP, HOTDROP and FAIL', () => {
  const e = decider([[TROUBLE, MARK7]], { defaultVerdict: 'drop' });
  assert.equal(decide(e, { payload: 'plain', sport: 1 }).verdict, NF_DROP);
  assert.equal(decide(e, { payload: '', raw: Uint8Array.from([0x10, 1, 2, 3]) }).verdict, NF_DROP);
  const lenient = decider([[TROUBLE, MARK7]]);
  assert.equal(decide(lenient, { payload: 'HOT stuff', sport: 2 }).verdict, NF_DROP);
  assert.deepEqual(decide(lenient, { payload: 'FAIL here', sport: 3 }), {
    verdict: NF_ACCEPT,
    mark: KEEP_MARK,
    connmark: KEEP_MARK,
  });
  assert.equal(
    decide(lenient, { payload: '', raw: Uint8Array.from([0x10, 1, 2, 3]) }).verdict,
    NF_ACCEPT,
  );
  const t = lenient.totalsSnapshot();
  assert.deepEqual([t.hotdrops, t.notIp, t.dropped, t.accepted], [1, 1, 1, 2]);
  assert.equal(lenient.groupSnapshots()[0].errors, 2);
});

test('decider: --done-mark marks a flow once every script has given up on it', () => {
  const e = decider([[MATCH_A, DROP]], { window: 2, doneMark: 0x99 });
  const marks = [
    decide(e, { payload: 'a1', sport: 5 }),
    decide(e, { payload: 'b1', sport: 5, reply: true }),
    decide(e, { payload: 'a2', sport: 5 }),
    decide(e, { payload: 'b2', sport: 5, reply: true }),
    decide(e, { payload: 'a3', sport: 5 }),
  ].map((d) => [d.verdict, d.mark, d.connmark]);
  assert.deepEqual(marks, [
    [NF_ACCEPT, KEEP_MARK, KEEP_MARK],
    [NF_ACCEPT, KEEP_MARK, KEEP_MARK],
    [NF_ACCEPT, KEEP_MARK, KEEP_MARK],
    [NF_ACCEPT, 0x99, 0x99],
    [NF_ACCEPT, 0x99, 0x99],
  ]);
});

test('decider: $mark written by a script marks the packet (not the flow)', () => {
  const e = decider([[SET_MARK, DROP]]);
  assert.deepEqual(decide(e, { payload: 'SETMARK', sport: 6 }), {
    verdict: NF_ACCEPT,
    mark: 5,
    connmark: KEEP_MARK,
  });
  // the packet's own mark is where $mark starts
  const d: NfqDecision = { verdict: NF_ACCEPT, mark: KEEP_MARK, connmark: KEEP_MARK };
  e.handle(message({ payload: 'other', sport: 7, extra: { mark: 3 } }), d);
  assert.equal(d.mark, KEEP_MARK);
});

test('decider: $ct_* come from NFQA_CT when the kernel sends it', () => {
  const ct = {
    family: 2,
    orig: { src: '192.0.2.10', dst: '198.51.100.10', proto: 17, srcPort: 8, dstPort: 9999 },
    reply: { src: '198.51.100.10', dst: '192.0.2.10', proto: 17, srcPort: 9999, dstPort: 8 },
    mark: 0,
    id: 1234,
    status: 8,
  };
  const e = decider([[RELATED, { kind: 'mark', mark: 9 }]]);
  assert.equal(
    decide(e, { payload: 'x', sport: 8, extra: { ct, ctInfo: IP_CT_NEW } }).mark,
    KEEP_MARK,
  );
  assert.equal(decide(e, { payload: 'y', sport: 8, extra: { ct, ctInfo: IP_CT_RELATED } }).mark, 9);
  // without NFQA_CT the flow table's view (new, then established) never says related
  const own = decider([[RELATED, { kind: 'mark', mark: 9 }]]);
  assert.equal(decide(own, { payload: 'x', sport: 8 }).mark, KEEP_MARK);
  assert.equal(decide(own, { payload: 'y', sport: 8, reply: true }).mark, KEEP_MARK);
});

test('decider: TCP flows are classified on payload packets, both directions', () => {
  const e = decider([[MATCH_B, MARK7]]);
  assert.equal(decide(e, { payload: 'GET / HTTP/1.1', sport: 30, tcp: true }).mark, KEEP_MARK);
  assert.equal(decide(e, { payload: 'MATCH-B reply', sport: 30, tcp: true, reply: true }).mark, 7);
  assert.equal(e.groupSnapshots()[0].matches, 1);
});

test('decider: a script that says never runs on none of the flow’s later packets, and counts it', () => {
  const tcpOnly = script('tcp-only', '$ip_protocol IPPROTO_TCP ne never  "MATCH" expect_str yes');
  const e = decider([[tcpOnly, DROP]]);
  assert.equal(decide(e, { payload: 'MATCH over UDP', sport: 40 }).verdict, NF_ACCEPT);
  assert.equal(decide(e, { payload: 'MATCH again', sport: 40 }).verdict, NF_ACCEPT);
  assert.equal(decide(e, { payload: 'MATCH over TCP', sport: 41, tcp: true }).verdict, NF_DROP);
  const [g] = e.groupSnapshots();
  assert.deepEqual([g.runs, g.matches, g.gaveUp], [2, 1, 1]);
});

for (const reserveFlows of [undefined, 0]) {
  const arrays = reserveFlows === 0 ? 'shrink back' : 'keep their room (the reserve)';
  test(`decider: a flood of new flows past --max-flows gets its verdicts; then its flows expire and the per-flow arrays ${arrays}`, () => {
    const e = decider([[MATCH_A, DROP]], { maxFlows: 3000, reserveFlows });
    let dropped = 0;
    for (let i = 0; i < 6000; i++) {
      const d = decide(e, { payload: i % 1000 === 0 ? 'MATCH-A' : 'x', sport: 1000 + i });
      if (d.verdict === NF_DROP) dropped++;
    }
    assert.equal(dropped, 6);
    const t = e.totalsSnapshot();
    assert.deepEqual([t.packets, t.flows, t.activeFlows], [6000, 6000, 3000]);
    assert.equal(e.classifier.capacity, 3000);
    // a matched flow that is still remembered keeps its verdict
    assert.equal(decide(e, { payload: 'later', sport: 1000 + 5000 }).verdict, NF_DROP);
    e.classifier.expire(e.now + 3600);
    assert.equal(e.totalsSnapshot().activeFlows, 0);
    assert.equal(e.classifier.capacity, reserveFlows === 0 ? 1024 : 3000);
    assert.equal(decide(e, { payload: 'MATCH-A', sport: 1 }).verdict, NF_DROP);
  });
}

test('decider: a flow past its window is dropped from its next packet once a table learns its peer', () => {
  const learner = script(
    'learner',
    `table( "peers" 1024 3600 )
    $data "LEARN" eq { "learn" via  dst_endpoint_key "peers" table_add  yes } if
    $past_window { dst_endpoint_key "peers" table_has yes  src_endpoint_key "peers" table_has yes } if
    no`,
  );
  const events: MatchEvent[] = [];
  const e = decider([[learner, DROP]], { window: 1, onMatch: (m) => events.push(m) });
  e.now = 1_700_000_000;
  assert.equal(decide(e, { payload: 'x', sport: 20 }).verdict, NF_ACCEPT);
  assert.equal(decide(e, { payload: 'y', sport: 20, reply: true }).verdict, NF_ACCEPT);
  assert.equal(decide(e, { payload: 'z', sport: 20 }).verdict, NF_ACCEPT, 'past the window');
  assert.equal(decide(e, { payload: 'LEARN', sport: 21 }).verdict, NF_DROP);
  assert.equal(decide(e, { payload: 'more', sport: 20, reply: true }).verdict, NF_DROP);
  assert.deepEqual(
    events.map((m) => [m.from, m.packet]),
    [
      ['192.0.2.10:21', 1],
      ['192.0.2.10:20', 4],
    ],
  );
});

test('decider: lock:S drops the flow and asks for the lock at most once a second per flow; pass-all accepts everything', () => {
  const asked: EnforceRequest[] = [];
  const e = decider([[MATCH_A, { kind: 'lock', seconds: 20 }]], {
    onEnforce: (r) => asked.push(r),
  });
  e.now = 5000;
  assert.equal(decide(e, { payload: 'MATCH-A', sport: 21 }).verdict, NF_DROP);
  assert.equal(decide(e, { payload: 'retransmitted', sport: 21 }).verdict, NF_DROP);
  assert.equal(asked.length, 1, 'the same second: no second request');
  e.now = 5001;
  assert.equal(decide(e, { payload: 'retransmitted', sport: 21 }).verdict, NF_DROP);
  assert.deepEqual(asked[1], {
    script: 'match-a',
    action: 'lock:20',
    from: '192.0.2.10:21',
    to: '198.51.100.10:9999',
  });
  e.passAll = true;
  e.now = 5002;
  assert.deepEqual(decide(e, { payload: 'more', sport: 21 }), {
    verdict: NF_ACCEPT,
    mark: KEEP_MARK,
    connmark: KEEP_MARK,
  });
  assert.equal(asked.length, 2, 'pass-all: nothing is locked');
  const marked = decider([[MATCH_A, MARK7]]);
  marked.passAll = true;
  assert.equal(decide(marked, { payload: 'MATCH-A', sport: 22 }).mark, KEEP_MARK);
});
