// Micro-benchmark of the rope runtime: nanoseconds per packet for the specification's Gnutella
// example and for a 50-verb script, on matching and non-matching packets. In the same run, the
// same decisions made the two ways a user could make them without rope: a hand-written
// TypeScript function over the decoded packet (the floor: no language at all), and an
// l7-filter-style regular expression over the payload (what pattern-file detectors do).
import { buildTcpPacket, buildUdpPacket, Packet } from '@p2pwall/core';
import { compile, Engine, Verdict, type Script } from '@p2pwall/rope';
import { machineLine, table, type BenchContext, type BenchModule } from './frame.js';
import { median } from './measure.js';

const GNUTELLA_SCRIPT = `"GNUTELLA CONNECT/" expect_str
{ isdigit } expect_while drop  "." expect_str  { isdigit } expect_while drop
"\\r\\n" expect_str
yes`;

// 50 verbs on the path to YES for an HTTP download response: protocol and port checks, the
// status line, then each header line until the blank one, remembering Content-Length, whose
// value must exceed a limit. Verbs per line in the comments (the header loop runs three times).
export const FIFTY_VERB_SCRIPT = `$ip_protocol IPPROTO_TCP eq assert        # 2
$tcp_source 80 eq assert                   # 2
"HTTP/1." expect_str                       # 1
1 expect drop  " " expect_str              # 3
3 expect atoi $status put                  # 3
$status 200 eq $status 206 eq or assert    # 4
"\\r\\n" expect_to drop                     # 2
{ "\\r\\n" expect_to dup strlen }            # 3 per test: 3 lines and the blank one
{ dup 15 left "content-length:" eqi        # 4 per line
  { 15 100 substr atoi $len put } { drop } ifelse } while   # 3 once, 1 on other lines; while 1
$len get 1000000 gt yes                    # 3
`;

const HTTP_RESPONSE =
  'HTTP/1.1 200 OK\r\nContent-Length: 9437184\r\nContent-Type: application/octet-stream\r\nServer: x\r\n\r\n';

function tcp(payload: string, srcPort: number, dstPort: number): Packet {
  const b = buildTcpPacket({
    src: '192.0.2.1',
    dst: '198.51.100.2',
    srcPort,
    dstPort,
    flags: 0x18,
    payload,
  });
  const p = new Packet();
  p.decode(b, 0, b.length);
  return p;
}

function udp(payload: string): Packet {
  const b = buildUdpPacket({
    src: '192.0.2.1',
    dst: '198.51.100.2',
    srcPort: 6881,
    dstPort: 6881,
    payload,
  });
  const p = new Packet();
  p.decode(b, 0, b.length);
  return p;
}

const GNUTELLA_YES = tcp(
  'GNUTELLA CONNECT/0.6\r\nUser-Agent: gtk-gnutella/1.2.2\r\nX-Ultrapeer: False\r\n\r\n',
  40000,
  6346,
);
const HTTP_GET = tcp(
  'GET /index.html HTTP/1.1\r\nHost: example.org\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n\r\n',
  40000,
  80,
);
const DHT = udp('d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe');
const HTTP_BIG = tcp(HTTP_RESPONSE, 80, 40000);
const HTTP_SMALL = tcp(HTTP_RESPONSE.replace('9437184', '4096'), 80, 40000);

// --- the same decisions without rope ----------------------------------------------------------

const GNUTELLA_PREFIX = Buffer.from('GNUTELLA CONNECT/', 'latin1');

/** The Gnutella handshake by hand: prefix, digits, '.', digits, CRLF. */
function gnutellaByHand(p: Packet): boolean {
  const b = p.buf;
  let i = p.payloadOffset;
  const end = p.payloadOffset + p.payloadLength;
  if (end - i < GNUTELLA_PREFIX.length) return false;
  for (let k = 0; k < GNUTELLA_PREFIX.length; k++)
    if (b[i + k] !== GNUTELLA_PREFIX[k]) return false;
  i += GNUTELLA_PREFIX.length;
  let s = i;
  while (i < end && b[i] >= 0x30 && b[i] <= 0x39) i++;
  if (i === s || i >= end || b[i] !== 0x2e) return false;
  s = ++i;
  while (i < end && b[i] >= 0x30 && b[i] <= 0x39) i++;
  return i > s && i + 1 < end && b[i] === 0x0d && b[i + 1] === 0x0a;
}

/** The payload as a latin1 string (what a regex-based detector matches against). */
function payloadText(p: Packet): string {
  return Buffer.from(p.buf.buffer, p.buf.byteOffset, p.buf.byteLength).toString(
    'latin1',
    p.payloadOffset,
    p.payloadOffset + p.payloadLength,
  );
}

const GNUTELLA_RE = /^GNUTELLA CONNECT\/[0-9]+\.[0-9]+\r\n/;
function gnutellaRegex(p: Packet): boolean {
  return GNUTELLA_RE.test(payloadText(p));
}

function httpLargeByHand(p: Packet): boolean {
  if (p.protocol !== 6 || p.srcPort !== 80) return false;
  const s = payloadText(p);
  if (!s.startsWith('HTTP/1.')) return false;
  const status = parseInt(s.slice(9, 12), 10);
  if (status !== 200 && status !== 206) return false;
  let len = 0;
  let at = s.indexOf('\r\n') + 2;
  for (;;) {
    const e = s.indexOf('\r\n', at);
    if (e < 0 || e === at) break;
    if (s.slice(at, at + 15).toLowerCase() === 'content-length:')
      len = parseInt(s.slice(at + 15, e), 10) || 0;
    at = e + 2;
  }
  return len > 1_000_000;
}

const HTTP_LARGE_RE =
  /^HTTP\/1\.. 20[06][^\r\n]*\r\n(?:[^\r\n]+\r\n)*?content-length: *([0-9]+)\r\n/i;
function httpLargeRegex(p: Packet): boolean {
  if (p.protocol !== 6 || p.srcPort !== 80) return false;
  const m = HTTP_LARGE_RE.exec(payloadText(p));
  return m !== null && parseInt(m[1], 10) > 1_000_000;
}

// --- measuring ---------------------------------------------------------------------------------

/** Median ns per call over `rounds` rounds of `n` calls (after a warm-up round). */
function nsPerCall(fn: () => unknown, n: number, rounds = 7): number {
  for (let i = 0; i < n; i++) fn();
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) fn();
    samples.push(Number(process.hrtime.bigint() - t0) / n);
  }
  return median(samples);
}

function mustCompile(source: string, name: string): Script {
  const { script, diagnostics } = compile(source, name);
  if (!script)
    throw new Error(`${name} does not compile:\n${diagnostics.map((d) => d.render()).join('\n')}`);
  return script;
}

interface Row {
  script: string;
  packet: string;
  expected: Verdict;
  rope: () => Verdict;
  hand: () => boolean;
  regex: () => boolean;
}

export const bench: BenchModule = {
  name: 'rope-micro',
  async run(ctx: BenchContext) {
    const engine = new Engine();
    const gnutella = mustCompile(GNUTELLA_SCRIPT, 'gnutella.rope');
    const fifty = mustCompile(FIFTY_VERB_SCRIPT, 'fifty.rope');
    const runOn = (s: Script, packet: Packet) => () => s.run(engine, { packet });

    // the 50-verb path really executes 50 verbs on the matching response
    fifty.run(engine, { packet: HTTP_BIG });
    const fiftyActions = engine.actions;

    const rows: Row[] = [
      {
        script: 'Gnutella (spec §9)',
        packet: 'Gnutella handshake (match)',
        expected: Verdict.YES,
        rope: runOn(gnutella, GNUTELLA_YES),
        hand: () => gnutellaByHand(GNUTELLA_YES),
        regex: () => gnutellaRegex(GNUTELLA_YES),
      },
      {
        script: 'Gnutella (spec §9)',
        packet: 'HTTP GET (no match)',
        expected: Verdict.NO,
        rope: runOn(gnutella, HTTP_GET),
        hand: () => gnutellaByHand(HTTP_GET),
        regex: () => gnutellaRegex(HTTP_GET),
      },
      {
        script: 'Gnutella (spec §9)',
        packet: 'UDP DHT ping (no match)',
        expected: Verdict.NO,
        rope: runOn(gnutella, DHT),
        hand: () => gnutellaByHand(DHT),
        regex: () => gnutellaRegex(DHT),
      },
      {
        script: `${fiftyActions}-verb HTTP size`,
        packet: 'HTTP 200, 9 MB (match)',
        expected: Verdict.YES,
        rope: runOn(fifty, HTTP_BIG),
        hand: () => httpLargeByHand(HTTP_BIG),
        regex: () => httpLargeRegex(HTTP_BIG),
      },
      {
        script: `${fiftyActions}-verb HTTP size`,
        packet: 'HTTP 200, 4 KB (no match)',
        expected: Verdict.OKAY,
        rope: runOn(fifty, HTTP_SMALL),
        hand: () => httpLargeByHand(HTTP_SMALL),
        regex: () => httpLargeRegex(HTTP_SMALL),
      },
      {
        script: `${fiftyActions}-verb HTTP size`,
        packet: 'HTTP GET (no match)',
        expected: Verdict.NO,
        rope: runOn(fifty, HTTP_GET),
        hand: () => httpLargeByHand(HTTP_GET),
        regex: () => httpLargeRegex(HTTP_GET),
      },
    ];

    const n = ctx.quick ? 20_000 : 400_000;
    const out: (string | number)[][] = [];
    for (const r of rows) {
      const v = r.rope();
      const match = v === Verdict.YES;
      if (v !== r.expected || r.hand() !== match || r.regex() !== match) {
        throw new Error(
          `${r.script} on ${r.packet}: rope ${v}, by hand ${r.hand()}, regex ${r.regex()} disagree`,
        );
      }
      ctx.log(`${r.script} / ${r.packet}`);
      const rope = nsPerCall(r.rope, n);
      const hand = nsPerCall(r.hand, n);
      const regex = nsPerCall(r.regex, n);
      out.push([r.script, r.packet, rope.toFixed(0), hand.toFixed(0), regex.toFixed(0)]);
    }

    const compileUs =
      nsPerCall(() => compile(GNUTELLA_SCRIPT, 'gnutella.rope'), ctx.quick ? 200 : 2000, 5) / 1000;

    return {
      title: 'rope: nanoseconds per packet',
      markdown: [
        `One \`Script.run\` per packet on pre-decoded IPv4 packets (${machineLine()}); median of 7 rounds`,
        `of ${n.toLocaleString('en')} runs. Beside it, the same decision without rope: a hand-written TypeScript`,
        'function over the decoded packet (the floor), and an l7-filter-style regular expression over the',
        'payload. All three are checked to agree on every packet before timing.',
        '',
        table(['script', 'packet', 'rope ns', 'hand-written ns', 'regex ns'], out),
        '',
        `The ${fiftyActions}-verb script executes ${fiftyActions} verbs on the matching response (three header lines read`,
        `through a \`while\` loop). Compiling the Gnutella script takes ${compileUs.toFixed(0)} µs.`,
      ].join('\n'),
    };
  },
};
