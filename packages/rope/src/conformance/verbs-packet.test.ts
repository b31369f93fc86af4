// Conformance: the packet-reading verbs (§5, §6): lift expect peek lift_while expect_while
// expect_str expecti_str lift_to lifti_to expect_to expecti_to move.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cases, run, tcp, udp } from './harness.test.js';

cases('packet', [
  {
    name: 'the cursor starts at the TCP payload',
    script: '$offset get',
    verdict: 'OKAY',
    stack: [40],
  },
  {
    name: 'the cursor starts at the UDP payload',
    script: '$offset get',
    packet: udp('x'),
    verdict: 'OKAY',
    stack: [28],
  },
  { name: 'lift', script: '4 lift', verdict: 'OKAY', stack: ['GNUT'], offset: 44 },
  {
    name: 'lift stops at the end of the packet',
    script: '100 lift strlen 1 lift',
    verdict: 'OKAY',
    stack: [22, ''],
    offset: 62,
  },
  { name: 'lift 0', script: '0 lift', verdict: 'OKAY', stack: [''], offset: 40 },
  { name: 'lift a negative count', script: '$a 1 sub lift', verdict: 'FAIL', error: 'ERange' },
  {
    name: 'lift drop moves without a string',
    script: '4 lift drop $offset get',
    verdict: 'OKAY',
    stack: [44],
  },
  { name: 'expect', script: '4 expect', verdict: 'OKAY', stack: ['GNUT'], offset: 44 },
  { name: 'expect beyond the end', script: '100 expect', verdict: 'NO', offset: 40 },
  { name: 'expect at run time', script: '$ip_version expect', verdict: 'OKAY', stack: ['GNUT'] },
  { name: 'peek does not move', script: '4 peek', verdict: 'OKAY', stack: ['GNUT'], offset: 40 },
  {
    name: 'lift_while with a class',
    script: '{ isupper } lift_while',
    verdict: 'OKAY',
    stack: ['GNUTELLA'],
    offset: 48,
  },
  {
    name: 'lift_while with any block',
    script: '{ " " ne } lift_while',
    verdict: 'OKAY',
    stack: ['GNUTELLA'],
    offset: 48,
  },
  {
    name: 'lift_while may be empty',
    script: '{ isdigit } lift_while',
    verdict: 'OKAY',
    stack: [''],
    offset: 40,
  },
  {
    name: 'lift_while to the end',
    script: '{ isascii } lift_while strlen',
    verdict: 'OKAY',
    stack: [22],
    offset: 62,
  },
  {
    name: 'lift_while with a block from a register',
    script: '{ isalpha } $b put $b lift_while',
    verdict: 'OKAY',
    stack: ['GNUTELLA'],
  },
  {
    name: 'expect_while',
    script: '{ isalpha } expect_while',
    verdict: 'OKAY',
    stack: ['GNUTELLA'],
    offset: 48,
  },
  { name: 'expect_while with nothing to take', script: '{ isdigit } expect_while', verdict: 'NO' },
  {
    name: 'expect_while drop',
    script: '{ isalpha } expect_while drop $offset get',
    verdict: 'OKAY',
    stack: [48],
  },
  { name: 'expect_str', script: '"GNUTELLA" expect_str $offset get', verdict: 'OKAY', stack: [48] },
  { name: 'expect_str mismatch', script: '"GNUTELLX" expect_str', verdict: 'NO', offset: 40 },
  { name: 'expect_str is case-sensitive', script: '"gnutella" expect_str', verdict: 'NO' },
  {
    name: 'expect_str( … ) in sequence',
    script: 'expect_str( "GNUTELLA" " " "CONNECT" ) $offset get',
    verdict: 'OKAY',
    stack: [56],
  },
  {
    name: 'expect_str( … ) with a register',
    script: '" " $s put expect_str( "GNUTELLA" $s "CONNECT" ) $offset get',
    verdict: 'OKAY',
    stack: [56],
  },
  {
    name: 'expect_str at run time',
    script: '"GNUTELLA" $s put $s expect_str $offset get',
    verdict: 'OKAY',
    stack: [48],
  },
  {
    name: 'expect_str past the end',
    script: '"GNUTELLA CONNECT/0.6\\r\\nX" expect_str',
    verdict: 'NO',
  },
  {
    name: 'expecti_str',
    script: '"gnutella" expecti_str $offset get',
    verdict: 'OKAY',
    stack: [48],
  },
  {
    name: 'expecti_str( … )',
    script: 'expecti_str( "gnutella" " connect" ) $offset get',
    verdict: 'OKAY',
    stack: [56],
  },
  { name: 'lift_to', script: '" " lift_to', verdict: 'OKAY', stack: ['GNUTELLA'], offset: 49 },
  {
    name: 'lift_to without the delimiter',
    script: '"zz" lift_to strlen',
    verdict: 'OKAY',
    stack: [22],
    offset: 62,
  },
  {
    name: 'lift_to at run time',
    script: '"/" $d put $d lift_to',
    verdict: 'OKAY',
    stack: ['GNUTELLA CONNECT'],
    offset: 57,
  },
  {
    name: 'lifti_to',
    script: '"connect" lifti_to',
    verdict: 'OKAY',
    stack: ['GNUTELLA '],
    offset: 56,
  },
  {
    name: 'expect_to',
    script: '"/" expect_to',
    verdict: 'OKAY',
    stack: ['GNUTELLA CONNECT'],
    offset: 57,
  },
  { name: 'expect_to without the delimiter', script: '"zz" expect_to', verdict: 'NO', offset: 40 },
  {
    name: 'expect_to drop',
    script: '"\\r\\n" expect_to drop $offset get',
    verdict: 'OKAY',
    stack: [62],
  },
  { name: 'expecti_to without the delimiter', script: '"/0.7" expecti_to', verdict: 'NO' },
  {
    name: 'expecti_to found',
    script: '"connect/" expecti_to',
    verdict: 'OKAY',
    stack: ['GNUTELLA '],
    offset: 57,
  },
  { name: 'move', script: '5 move $offset get', verdict: 'OKAY', stack: [45] },
  {
    name: 'move is clamped to the packet',
    script: '-100 move $offset get 1000 move $offset get',
    verdict: 'OKAY',
    stack: [0, 62],
  },
  {
    name: 'move at run time',
    script: '$ip_version move $offset get',
    verdict: 'OKAY',
    stack: [44],
  },
  {
    name: 'reading from the IP header',
    script: '0 $offset put 1 lift ord',
    verdict: 'OKAY',
    stack: [0x45],
  },
]);

test('N expect/lift/peek followed by an integer reader read in place, as the two verbs would', () => {
  const payload = '\x01\x02\x03\x04\x05';
  const readers = [
    'be16_to_int',
    'be16_to_uint',
    'be32_to_int',
    'be32_to_uint',
    'le16_to_int',
    'le16_to_uint',
    'le32_to_int',
    'le32_to_uint',
  ];
  for (const r of readers) {
    for (const v of ['expect', 'lift', 'peek']) {
      for (const n of [2, 4, 5, 9]) {
        const fused = run({ script: `${n} ${v} ${r} $offset get`, packet: tcp(payload) });
        const apart = run({ script: `${n} ${v} $x put $x ${r} $offset get`, packet: tcp(payload) });
        // on a FAIL the stack is left as the failing verb found it, which differs between the two
        const shape = (o: typeof fused) => [
          o.verdict,
          o.error,
          o.offset,
          o.verdict === 'FAIL' ? null : o.stack,
        ];
        assert.deepEqual(shape(fused), shape(apart), `${n} ${v} ${r}`);
      }
    }
  }
});
