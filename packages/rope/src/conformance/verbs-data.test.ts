// Conformance: string, character-class, conversion, output and time verbs (§6). Packet reading:
// verbs-packet.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cases, run, tcp } from './harness.test.js';

cases('strings', [
  { name: 'strcat', script: '"ab" "cd" strcat', verdict: 'OKAY', stack: ['abcd'] },
  {
    name: 'strcat at run time',
    script: '$ip_saddr "x" strcat strlen',
    verdict: 'OKAY',
    stack: [5],
  },
  {
    name: 'strcat( … )',
    script: 'strcat( "a" "b" "c" ) strcat()',
    verdict: 'OKAY',
    stack: ['abc', ''],
  },
  { name: 'strlen', script: '"hello" strlen "" strlen', verdict: 'OKAY', stack: [5, 0] },
  {
    name: 'left',
    script: '"hello" 2 left "hello" 10 left "hello" -1 left',
    verdict: 'OKAY',
    stack: ['he', 'hello', ''],
  },
  {
    name: 'right',
    script: '"hello" 2 right "hello" 10 right',
    verdict: 'OKAY',
    stack: ['lo', 'hello'],
  },
  { name: 'substr', script: '"hello" 1 3 substr', verdict: 'OKAY', stack: ['ell'] },
  {
    name: 'substr is clamped',
    script: '"hello" 3 10 substr "hello" -2 2 substr "hello" 9 1 substr',
    verdict: 'OKAY',
    stack: ['lo', 'he', ''],
  },
  { name: 'substr at run time', script: '$data 9 7 substr', verdict: 'OKAY', stack: ['CONNECT'] },
  {
    name: 'tolower / toupper touch ASCII only',
    script: '"AbC\\xc0" tolower "aBc\\xe0\\xff" toupper',
    verdict: 'OKAY',
    stack: ['abc\xc0', 'ABC\xe0\xff'],
  },
  {
    name: 'strip_nul removes every NUL byte',
    script: '"\\0a\\0\\0b\\0" strip_nul "abc" strip_nul "\\0\\0" strip_nul $data strip_nul strlen',
    verdict: 'OKAY',
    stack: ['ab', 'abc', '', 22],
  },
  {
    name: 'find',
    script: '"hello" "ll" find "hello" "x" find "hello" "" find',
    verdict: 'OKAY',
    stack: [2, -1, 0],
  },
  { name: 'find in the payload', script: '$data "CONNECT" find', verdict: 'OKAY', stack: [9] },
  {
    name: 'findi',
    script: '"Hello" "LL" findi $data "connect" findi',
    verdict: 'OKAY',
    stack: [2, 9],
  },
  {
    name: 'header',
    script:
      '"HTTP/1.1 206 Partial\\r\\ncontent-RANGE : bytes 0-9/99 \\r\\nX: 1\\r\\n\\r\\nContent-Length: 5" $a put ' +
      '$a "Content-Range" header $a "x" header $a "content-length" header $a "HTTP/1.1 206 Partial" header',
    verdict: 'OKAY',
    stack: ['bytes 0-9/99', '1', '', ''],
  },
  {
    name: 'header with bare LF line ends, an empty value, a name that is only a prefix',
    script:
      '"GET / HTTP/1.0\\nAccept:\\nAccept-Language: en\\n" $a put $a "accept" header strlen $a "accept-language" header $a "accept-lang" header',
    verdict: 'OKAY',
    stack: [0, 'en', ''],
  },
  {
    name: 'match',
    script: '$data "^GNUTELLA CONNECT/\\\\d+\\\\.\\\\d+\\r\\n$" match $data "HTTP" match',
    verdict: 'OKAY',
    stack: [1, 0],
  },
  {
    name: 'match on bytes above 127',
    script: '"a\\xffb" "a\\xffb" match "\\x80" "[\\x7f-\\xff]" match',
    verdict: 'OKAY',
    stack: [1, 1],
  },
  {
    name: 'matchi',
    script: '$data "gnutella connect" matchi $data "gnutella connect" match',
    verdict: 'OKAY',
    stack: [1, 0],
  },
  {
    name: 'a pattern built at run time',
    script: '"CONN" "ECT" strcat $a put $data $a match',
    verdict: 'OKAY',
    stack: [1],
  },
  {
    name: 'a bad pattern built at run time',
    script: '"(" $a put $data $a match',
    verdict: 'FAIL',
    error: 'ERegex',
  },
  {
    name: 'strcat beyond the string cap',
    script: '"aaaa" $a put $a $a strcat',
    caps: { maxString: 6 },
    verdict: 'HOTDROP',
    error: 'ELimit',
  },
]);

const classCases: [string, string, string][] = [
  // verb, a string in the class, a string not in it
  ['isupper', 'ABC', 'AbC'],
  ['islower', 'abc', 'aBc'],
  ['isalpha', 'aBc', 'a1'],
  ['isdigit', '0129', '12a'],
  ['isalnum', 'a1B2', 'a-1'],
  ['isspace', ' \\t\\r\\n\\v\\f', ' x'],
  ['iseoln', '\\r\\n', '\\r '],
  ['iscntrl', '\\x00\\x1f\\x7f', '\\x00a'],
  ['isgraph', '!~a', 'a b'],
  ['isprint', 'a b~', 'a\\x7f'],
  ['ispunct', '!.,;', '!a'],
  ['isxdigit', '09afAF', '0g'],
  ['isascii', '\\x00\\x7f', '\\x80'],
  ['isuri', '/path?a=1&b=%20', 'a b'],
];
cases(
  'classes',
  classCases.map(([verb, yes, no]) => ({
    name: verb,
    script: `"${yes}" ${verb} "${no}" ${verb} "" ${verb}`,
    verdict: 'OKAY' as const,
    stack: [1, 0, 0],
  })),
);

cases('conversion', [
  {
    name: 'atoi',
    script: '"  -42abc" atoi "+7" atoi "x" atoi ""  atoi',
    verdict: 'OKAY',
    stack: [-42, 7, 0, 0],
  },
  {
    name: 'atoi saturates',
    script: '"99999999999" atoi "-99999999999" atoi',
    verdict: 'OKAY',
    stack: [2147483647, -2147483648],
  },
  { name: 'atoi on the payload', script: '17 move 1 lift atoi', verdict: 'OKAY', stack: [0] },
  { name: 'ord', script: '"A" ord "" ord "\\xff" ord', verdict: 'OKAY', stack: [65, -1, 255] },
  // `$data` and `$packet` are read where the bytes lie while no run has made their string
  // (words/packet-registers.ts): the answers are those of the string
  {
    name: 'ord of $data and $packet: their first bytes',
    script: '$data ord $packet ord',
    verdict: 'OKAY',
    stack: [0x47, 0x45],
  },
  {
    name: 'ord of an empty $data',
    script: '$data ord $data strlen $data ord',
    packet: tcp(''),
    verdict: 'OKAY',
    stack: [-1, 0, -1],
  },
  {
    name: 'ord of $data above 127, before and after its string is made',
    script: '$data ord $data strlen $data ord',
    packet: tcp(Uint8Array.of(0xe9, 0x41)),
    verdict: 'OKAY',
    stack: [0xe9, 2, 0xe9],
  },
  {
    name: 'match on $data and $packet before and after their strings are made',
    script:
      '$data "^GNUTELLA" match $packet "^E" match $data "NECT" match $data strlen $packet strlen $data "^GNUTELLA" match $packet "^E" match',
    verdict: 'OKAY',
    stack: [1, 1, 1, 22, 62, 1, 1],
  },
  {
    name: 'match on $data bytes above 127, anchored and not',
    script: '$data "^\\xe9A$" match $data "A$" match $data "^A" match',
    packet: tcp(Uint8Array.of(0xe9, 0x41)),
    verdict: 'OKAY',
    stack: [1, 1, 0],
  },
  {
    name: 'match on an empty $data',
    script: '$data "^$" match $data "x" match',
    packet: tcp(''),
    verdict: 'OKAY',
    stack: [1, 0],
  },
  {
    name: 'find on $data and $packet before and after their strings are made',
    script:
      '$data "CONNECT" find $data "" find $data "nope" find $packet "GNUTELLA" find $data strlen $packet strlen $data "CONNECT" find $data "" find $data "nope" find $packet "GNUTELLA" find',
    verdict: 'OKAY',
    stack: [9, 0, -1, 40, 22, 62, 9, 0, -1, 40],
  },
  {
    name: 'find on $data with the needle in a register, and bytes above 127',
    script:
      '"\\xe9A" $n put $data $n find $data "A" find $data "\\xe9B" find $data strlen $data $n find',
    packet: tcp(Uint8Array.of(0x41, 0xe9, 0x41)),
    verdict: 'OKAY',
    stack: [1, 0, -1, 3, 1],
  },
  {
    name: 'find on an empty $data',
    script: '$data "" find $data "x" find',
    packet: tcp(''),
    verdict: 'OKAY',
    stack: [0, -1],
  },
  {
    name: 'left and substr of $data and $packet before and after their strings are made, clamped',
    script:
      '$data 8 left $data 9 7 substr $data 100 left strlen $data -3 left $data 20 10 substr $data 30 2 substr $data -1 5 substr $packet 4 left ' +
      '$data strlen $packet strlen drop drop ' +
      '$data 8 left $data 9 7 substr $data 100 left strlen $data -3 left $data 20 10 substr $data 30 2 substr $data -1 5 substr $packet 4 left',
    verdict: 'OKAY',
    stack: [
      ...['GNUTELLA', 'CONNECT', 22, '', '\r\n', '', 'GNUTE', 'E\x00\x00>'],
      ...['GNUTELLA', 'CONNECT', 22, '', '\r\n', '', 'GNUTE', 'E\x00\x00>'],
    ],
  },
  { name: 'chr', script: '65 chr 0 chr', verdict: 'OKAY', stack: ['A', '\x00'] },
  { name: 'chr out of range', script: '$ip_ttl 200 add chr', verdict: 'FAIL', error: 'ERange' },
  { name: 'ipv4_ntoa', script: '$ip_saddr ipv4_ntoa', verdict: 'OKAY', stack: ['192.0.2.1'] },
  {
    name: 'ipv4_ntoa of the wrong length',
    script: '"abc" $a put $a ipv4_ntoa',
    verdict: 'FAIL',
    error: 'ERange',
  },
  {
    name: 'ip_ntoa of 4 bytes',
    script: '$ip_daddr ip_ntoa',
    verdict: 'OKAY',
    stack: ['198.51.100.2'],
  },
  {
    name: 'mac_ntoa',
    script: '00:0F:1F:5C:30:21 mac_ntoa',
    verdict: 'OKAY',
    stack: ['00:0f:1f:5c:30:21'],
  },
  {
    name: 'be16',
    script: '"\\xff\\xfe" be16_to_int "\\xff\\xfe" be16_to_uint',
    verdict: 'OKAY',
    stack: [-2, 65534],
  },
  {
    name: 'be32',
    script:
      '"\\x80\\0\\0\\1" be32_to_int "\\x80\\0\\0\\1" be32_to_uint "\\0\\0\\1\\0" be32_to_uint',
    verdict: 'OKAY',
    stack: [-2147483647, -2147483647, 256],
  },
  {
    name: 'le16',
    script: '"\\xfe\\xff" le16_to_int "\\xfe\\xff" le16_to_uint "\\x01\\x02\\x03" le16_to_uint',
    verdict: 'OKAY',
    stack: [-2, 65534, 0x0201],
  },
  {
    name: 'le32',
    script:
      '"\\x01\\0\\0\\x80" le32_to_int "\\x01\\0\\0\\x80" le32_to_uint "\\x10\\0\\0\\0" le32_to_uint',
    verdict: 'OKAY',
    stack: [-2147483647, -2147483647, 16],
  },
  {
    name: 'readers need enough bytes',
    script: '"ab" $a put $a be32_to_int',
    verdict: 'FAIL',
    error: 'ERange',
  },
]);

test('ip_ntoa formats IPv6 addresses', () => {
  const o = run({
    script: '$ip_saddr ip_ntoa $ip_saddr strlen',
    packet: tcp('x', { src: '2001:db8::1', dst: '2001:db8::2' }),
  });
  assert.deepEqual(o.stack, ['2001:db8::1', 16]);
});

cases('output', [
  {
    name: 'print and println',
    script: '"a" print 5 println',
    verdict: 'OKAY',
    stack: [],
    printed: 'a5\n',
  },
  {
    name: 'print( … )',
    script: 'print( "x=" 5 " " $ip_saddr ipv4_ntoa )',
    verdict: 'OKAY',
    printed: 'x=5 192.0.2.1',
  },
  {
    name: 'println( … )',
    script: 'println( "ttl " $ip_ttl )',
    verdict: 'OKAY',
    printed: 'ttl 64\n',
  },
  {
    name: 'print of a string prints its bytes',
    script: '"\\x01z" print',
    verdict: 'OKAY',
    printed: '\x01z',
  },
  {
    name: 'dump',
    script: '1 "a" 4 move dump',
    verdict: 'OKAY',
    stack: [1, 'a'],
    printed: 'stack [1 "a"]  actions 2  $offset 44\n',
  },
  {
    name: 'dump shows open anchors',
    script: 'add( 1 dump 2 )',
    verdict: 'OKAY',
    stack: [3],
    printed: 'stack [( 1]  actions 1  $offset 40\n',
  },
]);

cases('time', [
  {
    name: 'gmtime of 0',
    script:
      '0 gmtime $t put  $t tm_year $t tm_mon $t tm_mday $t tm_hour $t tm_min $t tm_sec $t tm_wday',
    verdict: 'OKAY',
    stack: [70, 0, 1, 0, 0, 0, 4],
  },
  {
    name: 'gmtime fields',
    script: '90061 gmtime $t put  $t tm_mday $t tm_hour $t tm_min $t tm_sec $t tm_wday',
    verdict: 'OKAY',
    stack: [2, 1, 1, 1, 5],
  },
  {
    name: 'gmtime of the packet time',
    script: '$packet_time gmtime tm_year',
    packetTime: 1_700_000_000,
    verdict: 'OKAY',
    stack: [123],
  },
  { name: 'tm_* of a non-time', script: '5 $a put $a tm_year', verdict: 'FAIL', error: 'EType' },
]);

test('localtime uses the local time zone', () => {
  const t = 1_700_000_000;
  const d = new Date(t * 1000);
  const o = run({
    script: `${t} localtime $t put $t tm_hour $t tm_mday $t tm_wday $t tm_year`,
    packetTime: t,
  });
  assert.deepEqual(o.stack, [d.getHours(), d.getDate(), d.getDay(), d.getFullYear() - 1900]);
});
