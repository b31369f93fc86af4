// The language reference (docs/rope-language.md) is tested: every ```rope block runs and must end
// as its `# ⇒` comment says, every verb and register is documented, every verb has an example.
// Doc and behaviour cannot drift apart. A block marked `flows=NAME` runs through the flow
// classifier on the flows the page describes (FLOWS below), its outcome each flow's `via`.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { buildTcpPacket, buildUdpPacket, Packet } from '@p2pwall/core';
import { FlowClassifier } from './classify/flow-classifier.js';
import { decodeInteger, decodeString } from './lexer/literals.js';
import { lex } from './lexer/lexer.js';
import {
  compile,
  Engine,
  INTERNAL_REGISTERS,
  pushInt,
  verdictName,
  VERBS,
  type Value,
} from './index.js';

const DOC = new URL('../../../docs/rope-language.md', import.meta.url);
const text = readFileSync(DOC, 'utf8');

const tcp = (payload: string, dstPort: number) =>
  buildTcpPacket({
    src: '192.0.2.1',
    dst: '198.51.100.2',
    srcPort: 40000,
    dstPort,
    flags: 0x18,
    seq: 1000,
    ack: 2000,
    ttl: 64,
    payload,
  });
const PACKETS: Record<string, Uint8Array> = {
  http: tcp('GET /index.html HTTP/1.1\r\nHost: example.org\r\n\r\n', 80),
  gnutella: tcp('GNUTELLA CONNECT/0.6\r\n', 6346),
  dht: buildUdpPacket({
    src: '192.0.2.1',
    dst: '198.51.100.2',
    srcPort: 6881,
    dstPort: 6881,
    payload: 'd1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe',
  }),
  'gnutella-udp': buildUdpPacket({
    src: '2001:db8::1',
    dst: '2001:db8::2',
    srcPort: 6346,
    dstPort: 6346,
    ttl: 64,
    payload: Buffer.concat([Buffer.alloc(16, 0x11), Buffer.from([0x00, 7, 0, 0, 0, 0, 0])]),
  }),
};
const PACKET_TIME = 1_700_000_000;

/** The flows of `flows=` blocks, packet by packet, as the page describes them. */
const FLOWS: Record<string, Uint8Array[]> = {
  // a TCP connection past its window (10 payload packets each way), a UDP "PEER" to the
  // connection's server endpoint, one more packet of the connection from the server
  late: [
    ...Array.from({ length: 20 }, (_, i) =>
      i % 2 === 0
        ? buildTcpPacket({
            src: '192.0.2.1',
            dst: '198.51.100.2',
            srcPort: 40000,
            dstPort: 6881,
            flags: 0x18,
            payload: Buffer.alloc(40, 0x5a + i),
          })
        : buildTcpPacket({
            src: '198.51.100.2',
            dst: '192.0.2.1',
            srcPort: 6881,
            dstPort: 40000,
            flags: 0x18,
            payload: Buffer.alloc(40, 0x90 + i),
          }),
    ),
    buildUdpPacket({
      src: '192.0.2.1',
      dst: '198.51.100.2',
      srcPort: 6881,
      dstPort: 6881,
      payload: 'PEER',
    }),
    buildTcpPacket({
      src: '198.51.100.2',
      dst: '192.0.2.1',
      srcPort: 6881,
      dstPort: 40000,
      flags: 0x18,
      payload: Buffer.alloc(40, 0xee),
    }),
  ],
};

/** `tcp <via>; udp -`: each flow, by first packet, with the via of its label (`-`: none). */
function flowsOutcome(script: ReturnType<typeof compile>['script'] & object, name: string): string {
  const c = new FlowClassifier([{ script }]);
  const p = new Packet();
  FLOWS[name].forEach((bytes, i) => {
    assert.ok(p.decode(bytes, 0, bytes.length));
    c.classify(p, PACKET_TIME + i);
  });
  const out = [...c.flows()]
    .sort((x, y) => x.id - y.id)
    .map((f) => {
      const l = c.labelsOf(f);
      const l4 = f.protocol === 6 ? 'tcp' : 'udp';
      return `${l4} ${l.has(0) ? (l.via(0) ?? 'yes') : '-'}`;
    });
  return out.join('; ');
}

interface Example {
  line: number;
  script: string;
  packet: string;
  /** Runs on the flows FLOWS[flows] through a flow classifier. */
  flows?: string;
  pushes: Value[];
  expect: string;
}

function examples(): Example[] {
  const out: Example[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^```rope(.*)$/.exec(lines[i]);
    if (!m) continue;
    const opts = Object.fromEntries(
      [...m[1].matchAll(/(\w[\w-]*)=(\S+)/g)].map((x) => [x[1], x[2]]),
    );
    const start = i + 1;
    let j = start;
    while (j < lines.length && lines[j] !== '```') j++;
    const script = lines.slice(start, j).join('\n');
    const arrow = [...script.matchAll(/# ⇒ (.*)$/gm)].pop();
    assert.ok(arrow, `docs line ${start}: a rope example needs a "# ⇒" outcome`);
    out.push({
      line: start,
      script,
      packet: opts.packet ?? 'http',
      flows: opts.flows,
      pushes: opts.push ? [pushInt(opts.push)] : [],
      expect: arrow[1].trim(),
    });
    i = j;
  }
  return out;
}

/** `1 "a\n" -3` → [1, 'a\n', -3] using the language's own literal rules. */
function expectedStack(s: string): Value[] {
  return lex(s).tokens.map((t) => {
    const d = t.tokenType.name === 'StringLit' ? decodeString(t.image) : decodeInteger(t.image);
    assert.ok(d.ok, `expected value ${t.image}`);
    return d.value;
  });
}

const all = examples();

test('the reference has examples', () => {
  assert.ok(all.length > 80, `${all.length} examples`);
});

for (const ex of all) {
  test(`docs line ${ex.line}: ${ex.script
    .split('\n')
    .filter((l) => !l.startsWith('#'))[0]
    ?.slice(0, 70)}`, () => {
    const tz = process.env.TZ;
    process.env.TZ = 'UTC';
    try {
      const { script, diagnostics } = compile(ex.script, 'example.rope', {
        pushes: ex.pushes.length,
      });
      assert.ok(script, diagnostics.map((d) => d.render()).join('\n'));
      if (ex.flows !== undefined) {
        assert.ok(FLOWS[ex.flows], `flows ${ex.flows}`);
        assert.equal(flowsOutcome(script, ex.flows), ex.expect);
        return;
      }
      const p = new Packet();
      const bytes = PACKETS[ex.packet];
      assert.ok(bytes, `packet ${ex.packet}`);
      p.decode(bytes, 0, bytes.length);
      const engine = new Engine();
      const v = verdictName(
        script.run(
          engine,
          { packet: p, packetTime: PACKET_TIME, trace: { print: () => {} } },
          ex.pushes,
        ),
      );
      const m = /^(YES|NO|OKAY|FAIL|HOTDROP)(?:\s+(E\w+))?$/.exec(ex.expect);
      if (m) {
        assert.equal(v, m[1], engine.lastError?.render());
        if (m[2]) assert.equal(engine.lastError?.name, m[2]);
      } else {
        assert.equal(v, 'OKAY', engine.lastError?.render());
        assert.deepEqual(engine.stack(), expectedStack(ex.expect));
      }
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
  });
}

test('every verb is documented with its stack effect and used in an example', () => {
  const code = all.map((e) => e.script).join('\n');
  for (const v of VERBS) {
    assert.ok(text.includes(`\`${v.name}\``), `\`${v.name}\` is documented`);
    assert.ok(
      new RegExp(`(^|[\\s(])${v.name}(?=[\\s(),]|$)`, 'm').test(code),
      `${v.name} has an example`,
    );
  }
});

test('every register is documented', () => {
  for (const r of INTERNAL_REGISTERS)
    assert.ok(text.includes(`\`$${r.name}\``), `$${r.name} is documented`);
});
