// The built-in directconnect.rope's learned endpoints: the plain hub session names the
// client-to-client connections about to be made — ADC's CTM (ADC 1.0 specification: "CTM
// protocol separate-port token", sent by the client that listens), NMDC's "$ConnectToMe <nick>
// <ip>:<port>|" (NMDC protocol wiki; a port ending in S is TLS) — and the UDP port a client
// announces in its INF (ADC: U4, at I4); a later flow to that endpoint that shows no plain byte
// (ncdc's client-to-client links are TLS by default) is Direct Connect, with `via` naming what
// taught it. The ADC session is the one ncdc 1.23 and uhub 0.4 exchanged in the lab.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bytes, builtin, c, noise, s } from './harness.test.js';
import { runFlows, type Endpoint, type Flow } from './flows.test.js';

const dc = builtin('directconnect');
const ep = (address: string, port: number): Endpoint => ({ address, port });
const flow = (l4: 'tcp' | 'udp', client: Endpoint, server: Endpoint, ...steps: Flow['steps']) => ({
  l4,
  client,
  server,
  steps,
});
/** A TLS ClientHello's first bytes, then random ones: nothing Direct Connect could match. */
const tls = (seed: number) => bytes([0x16, 0x03, 0x01, 0x01, 0x70, 0x01], noise(300, seed));

const HUB = ep('198.51.100.10', 1511);
const ONE = '192.0.2.10';
const TWO = '198.51.100.11';
const X = '192.0.2.99';
const CID = 'B5ZB5PXSMDJRHORE2HQRSSG4IYI2JLSVDD7M3GQ';
const binf = (sid: string, extra: string) =>
  `BINF ${sid} ID${CID} PDA3YGUZVAH4PJQUO5TOS3F5DDUC2EJCDWCAUFI3I NIlabtwo ${extra}SUTCP4,UDP4,ADC0,ADCS SL10\n`;
/** labtwo's hub session: it searches, then asks labone (AAAB) to connect to its port 42000. */
const session = (ctm: string) =>
  flow(
    'tcp',
    ep(TWO, 53214),
    HUB,
    c('HSUP ADBASE ADTIGR\n'),
    s('ISUP ADBASE ADTIGR\nISID AAAC\nIINF CT32 VEuhub/0.4.1 NIlab\\shub\n'),
    c(binf('AAAC', `I4${TWO} U442100 `)),
    c('BSCH AAAC TOCQFXFB74TDPB4 ANlabfile-alpha\n'),
    c(ctm),
  );

test('ADC: the CTM a client sends its hub, after the session is labelled, teaches its port', () => {
  const out = runFlows(dc, [
    session('DCTM AAAC AAAB ADCS/0.10 42000 7XD54D222TNJM\n'),
    flow('tcp', ep(ONE, 37218), ep(TWO, 42000), c(tls(1)), s(tls(2))),
    flow('tcp', ep(ONE, 37219), ep(TWO, 42001), c(tls(3))),
  ]);
  assert.deepEqual(out[0], { at: 0, via: 'directconnect-adc-supports' });
  assert.deepEqual(out[1], {
    at: 0,
    via: `learned:directconnect-ctm ${TWO}:53214>${HUB.address}:1511`,
  });
  assert.equal(out[2].at, -1);
});

test('ADC: a CTM several commands into a segment; one the hub passes on teaches nothing', () => {
  const out = runFlows(dc, [
    session('BSCH AAAC TOx ANy\nDCTM AAAC AAAB ADC/1.0 42002 TOKEN\n'),
    flow('tcp', ep(ONE, 37218), ep(TWO, 42002), c(tls(4))),
    flow(
      'tcp',
      ep(ONE, 54102),
      HUB,
      c('HSUP ADBASE ADTIGR\n'),
      s('DCTM AAAC AAAB ADCS/0.10 42003 7XD54D222TNJM\n'),
    ),
    // the hub's own address with that port: the CTM came from the hub, not from its sender
    flow('tcp', ep(ONE, 37219), ep(HUB.address, 42003), c(tls(5))),
  ]);
  assert.equal(out[1].at, 0);
  assert.equal(out[3].at, -1);
});

test('ADC: a CTM the hub passes on, at the address the sender’s INF gave', () => {
  // labone's hub session alone: the hub passes on labtwo's INF, then labtwo's CTM
  const out = runFlows(dc, [
    flow(
      'tcp',
      ep(ONE, 54102),
      HUB,
      c('HSUP ADBASE ADTIGR\n'),
      s(`ISID AAAB\n${binf('AAAB', `I4${ONE} U441000 `)}${binf('AAAC', `I4${TWO} U442100 `)}`),
      s('BSCH AAAC TOCQFXFB74TDPB4 ANlabfile-alpha\n'),
      s('DCTM AAAC AAAB ADCS/0.10 42000 7XD54D222TNJM\n'),
      // a CTM from a session id no INF named teaches nothing
      s('DCTM AAAD AAAB ADCS/0.10 42001 7XD54D222TNJM\n'),
    ),
    flow('tcp', ep(ONE, 37218), ep(TWO, 42000), c(tls(17))),
    flow('tcp', ep(ONE, 37219), ep(TWO, 42001), c(tls(18))),
    flow('tcp', ep(ONE, 37220), ep(HUB.address, 42001), c(tls(19))),
  ]);
  assert.deepEqual(
    out.map((o) => o.at),
    [0, 0, -1, -1],
  );
  assert.equal(out[1].via, `learned:directconnect-ctm ${HUB.address}:1511>${ONE}:54102`);
});

test('ADC: the UDP port of an INF, at its I4 address or at the sender’s', () => {
  const out = runFlows(dc, [
    flow(
      'tcp',
      ep(ONE, 54102),
      HUB,
      c('HSUP ADBASE ADTIGR\n'),
      s(binf('AAAC', `I4203.0.113.30 U43000 `)),
      c(binf('AAAB', `I40.0.0.0 U43001 `)),
    ),
    flow('udp', ep(X, 5000), ep('203.0.113.30', 3000), c(noise(64, 6))),
    flow('udp', ep(X, 5000), ep(ONE, 3001), c(noise(64, 7))),
    flow('udp', ep(X, 5000), ep('203.0.113.30', 3001), c(noise(64, 8))),
  ]);
  assert.deepEqual(
    out.map((o) => o.at),
    [0, 0, 0, -1],
  );
  assert.equal(out[1].via, `learned:directconnect-inf ${HUB.address}:1511>${ONE}:54102`);
});

test('NMDC: $ConnectToMe names the address and port to connect to, TLS or not', () => {
  const out = runFlows(dc, [
    flow(
      'tcp',
      ep(ONE, 40000),
      ep(HUB.address, 411),
      s('$Lock EXTENDEDPROTOCOL_hub Pk=hub|'),
      s('$ConnectToMe alice 203.0.113.5:4112S|'),
      c('$ConnectToMe bob 192.0.2.77:4113|'),
    ),
    flow('tcp', ep(X, 40001), ep('203.0.113.5', 4112), c(tls(9))),
    flow('tcp', ep(X, 40002), ep('192.0.2.77', 4113), c(tls(10))),
    flow('tcp', ep(X, 40003), ep('203.0.113.5', 4113), c(tls(11))),
  ]);
  assert.deepEqual(
    out.map((o) => o.at),
    [0, 0, 0, -1],
  );
  assert.equal(out[1].via, `learned:directconnect-ctm ${HUB.address}:411>${ONE}:40000`);
});

test('a proven flow teaches its listener: the hub, the searcher’s UDP port', () => {
  const URES =
    'URES QKVAY6D6N2ZF3663GPY4OGDOMQ7IZQEZ2BBFEBA FN/files/a.bin SI200000 SL10 TOCQFXFB74TDPB4\n';
  const out = runFlows(dc, [
    flow('tcp', ep(ONE, 54102), HUB, c('HSUP ADBASE ADTIGR\n')),
    flow('udp', ep(ONE, 39068), ep(TWO, 42010), c(URES)),
    flow('tcp', ep(X, 40001), HUB, c(tls(12))), // ADCS to the same hub port
    flow('udp', ep(X, 5000), ep(TWO, 42010), c(noise(64, 13))),
    flow('udp', ep(X, 5000), ep(ONE, 39068), c(noise(64, 14))), // the sender's port: not learned
  ]);
  assert.deepEqual(
    out.map((o) => o.at),
    [0, 0, 0, 0, -1],
  );
  assert.equal(out[3].via, `learned:directconnect-adc-udp ${ONE}:39068>${TWO}:42010`);
});

test('a learned connection endpoint is forgotten after ten minutes', () => {
  const out = runFlows(dc, [
    session('DCTM AAAC AAAB ADCS/0.10 42000 7XD54D222TNJM\n'),
    { ...flow('tcp', ep(ONE, 37218), ep(TWO, 42000), c(tls(15))), after: 590 },
    { ...flow('tcp', ep(ONE, 37219), ep(TWO, 42000), c(tls(16))), after: 30 },
  ]);
  assert.deepEqual(
    out.map((o) => o.at),
    [0, 0, -1],
  );
});

test('each signature names itself in via', () => {
  const LOCK = 'EXTENDEDPROTOCOL_verlihub_ABCDEFGHIJ';
  const cases: [Flow, string][] = [
    [flow('tcp', ep(ONE, 1), HUB, s(`$Lock ${LOCK} Pk=v|`)), 'directconnect-lock'],
    [flow('tcp', ep(ONE, 2), HUB, c('$Key ab\x05cd|')), 'directconnect-key'],
    [flow('tcp', ep(ONE, 3), HUB, c('$MyNick bob|')), 'directconnect-handshake'],
    [flow('tcp', ep(ONE, 4), HUB, s('$HubName Test hub|')), 'directconnect-hub'],
    [flow('tcp', ep(ONE, 5), HUB, c('$Send|')), 'directconnect-transfer'],
    [flow('tcp', ep(ONE, 6), HUB, c('HSUP ADBASE ADTIGR\n')), 'directconnect-adc-supports'],
    [flow('tcp', ep(ONE, 7), HUB, s('ISID AAAB\n')), 'directconnect-adc-session'],
    [
      flow('udp', ep(ONE, 8), HUB, c('$SR bob a.bin\x05100 1/2\x05hub (1.2.3.4)|')),
      'directconnect-search-result',
    ],
    [flow('udp', ep(ONE, 9), HUB, c('$Ping 1.2.3.4:411|')), 'directconnect-ping'],
    [flow('udp', ep(ONE, 10), HUB, c(`USCH ${CID} ANx\n`)), 'directconnect-adc-udp'],
  ];
  for (const [f, name] of cases) assert.deepEqual(runFlows(dc, [f])[0], { at: 0, via: name }, name);
});

test('a hub packet of many INFs and CTMs stays within the run’s caps', () => {
  const sid = (i: number) =>
    `AA${'ABCDEFGHIJKLMNOPQRSTUVWXYZ'[i % 26]}${'ABCDEFGHIJKLMNOPQRSTUVWXYZ'[(i / 26) | 0]}`;
  const infs = Array.from({ length: 60 }, (_, i) =>
    binf(sid(i), `I4203.0.113.${i} U4${5000 + i} `),
  ).join('');
  const ctms = Array.from(
    { length: 60 },
    (_, i) => `DCTM ${sid(i)} AAAB ADCS/0.10 ${6000 + i} T\n`,
  ).join('');
  const out = runFlows(dc, [
    flow('tcp', ep(ONE, 54102), HUB, c('HSUP ADBASE ADTIGR\n'), s(infs), s(ctms)),
    flow('tcp', ep(ONE, 37218), ep('203.0.113.1', 6001), c(tls(20))), // the INF and CTM of 2nd user
  ]);
  assert.deepEqual(
    out.map((o) => o.at),
    [0, 0],
  );
});
