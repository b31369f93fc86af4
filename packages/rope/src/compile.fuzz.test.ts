// Fuzzing the compiler and the runtime: random token soup, random text, and mutations of valid
// scripts must only ever produce diagnostics — never an exception, an internal error or a hang —
// and whatever compiles must run to a verdict on real packets within the caps.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { constantNames } from './language/constants.js';
import { INTERNAL_REGISTERS } from './language/registers.js';
import { renderDiagnostics } from './diagnostic.js';
import { compile, Engine, newFlowRegisters, VERBS } from './index.js';
import { fuzzPackets } from './compile/fuzz-packets.test-support.js';

const packets = fuzzPackets();

/** FUZZ_SCALE=N runs N times the cases (`npm run fuzz`). */
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);

// small caps keep each run short; the fuzz is about correctness, not about reaching the caps
const engine = new Engine({ maxActions: 2000, maxWhileLoops: 200, maxString: 4096 });
const flow = newFlowRegisters();

function exercise(source: string): void {
  const { script, diagnostics } = compile(source, 'fuzz.rope');
  for (const line of renderDiagnostics(diagnostics).split('\n'))
    assert.ok(line.length <= 200, 'a rendered line shows a window of the source, not all of it');
  for (const d of diagnostics) {
    assert.notEqual(
      d.code,
      'internal',
      `internal error for ${JSON.stringify(source.slice(0, 300))}:\n${d.message}`,
    );
    assert.ok(d.line >= 1 && d.column >= 1, `position of ${d.toString()}`);
    d.render();
  }
  if (!script) {
    assert.ok(
      diagnostics.some((d) => d.severity === 'error'),
      'no script means an error was reported',
    );
    return;
  }
  for (const packet of packets) {
    const v = script.run(
      engine,
      { packet, flow, trace: { print: () => {}, step: () => {}, note: () => {} } },
      [7, 'x'],
    );
    assert.ok(v >= 0 && v <= 4, 'a verdict');
    engine.lastError?.render();
  }
}

const words = [
  ...VERBS.map((v) => v.name),
  ...constantNames().slice(0, 12),
  ...INTERNAL_REGISTERS.map((r) => `$${r.name}`),
  '$a',
  '$b',
  '$z',
  '$',
  '$Nope',
  '{',
  '}',
  '(',
  ')',
  '(',
  ')',
  '{',
  '}',
  ',',
  '#c\n',
  '0',
  '1',
  '-1',
  '4',
  '255',
  '256',
  '2147483647',
  '-2147483648',
  '2147483648',
  '0x7f',
  '0xffffffff',
  '017',
  '09',
  '192.168.0.1',
  '1.2',
  '300.1.1.1',
  '00:0f:1f',
  'ab:cd:ef:01:23:45',
  '"GNUTELLA"',
  '"\\r\\n"',
  '"\\0x41\\101\\x42"',
  '"\\q"',
  '"unterminated',
  '"(a+)+$"',
  '"[a-z]{2,}"',
  '"(a)\\\\1"',
  '""',
  '12ab',
  '-',
  '%',
  'é',
];

const soup = fc
  .array(fc.constantFrom(...words), { maxLength: 40 })
  .chain((ws) =>
    fc.tuple(
      fc.constant(ws),
      fc.array(fc.constantFrom(' ', '\n', '\t', ',', '  '), {
        minLength: ws.length,
        maxLength: ws.length,
      }),
    ),
  )
  .map(([ws, seps]) => ws.map((w, i) => w + seps[i]).join(''));

test('random token soup compiles to diagnostics or to a script that runs', () => {
  fc.assert(
    fc.property(soup, (s) => exercise(s)),
    { numRuns: 1500 * SCALE },
  );
});

test('random text compiles to diagnostics, never an exception', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 200, unit: 'binary' }), (s) => exercise(s)),
    { numRuns: 1000 * SCALE },
  );
  fc.assert(
    fc.property(
      fc.string({
        maxLength: 200,
        unit: fc.constantFrom(...'{}()"\\$#,. \n0123456789abcxyz:-'.split('')),
      }),
      (s) => exercise(s),
    ),
    {
      numRuns: 1000 * SCALE,
    },
  );
});

const seeds = [
  '"GNUTELLA CONNECT/" expect_str\n{ isdigit } expect_while drop "." expect_str { isdigit } expect_while drop\n"\\r\\n" expect_str\nyes',
  'depth { $l put } { 1000000 $l put } ifelse "HTTP/1." expect_str { "\\r\\n" expect_to dup strlen } { "content-length:" over 15 left eqi { 15 1000 substr atoi $l gt yes } { drop } ifelse } while',
  '1 add( 3 5 11 ) expect_one( { "GET " expect_str } { "POST " expect_str } ) $data "info_hash=" find -1 ne yes',
  '{ $a 5 lt } { $a inc } while 0 greg inc $ip_saddr 255.255.0.0 and 192.168.0.0 eq { yes } if 4 expect le32_to_uint $data_len 23 sub eq yes',
  '{ $r do } $r put { 1 0 div } eval FAIL eq assert "x" $s put { 1 } { $s $s strcat $s put } while',
];

function mutate(seed: string, ops: [number, number, string][]): string {
  let s = seed;
  for (const [kind, at, ch] of ops) {
    const i = at % (s.length + 1);
    if (kind === 0) s = s.slice(0, i) + s.slice(i + 1);
    else if (kind === 1) s = s.slice(0, i) + ch + s.slice(i);
    else if (kind === 2) s = s.slice(0, i) + ch + s.slice(i + 1);
    else {
      const parts = s.split(/\s+/);
      const j = at % Math.max(1, parts.length);
      parts.splice(j, 0, parts[(at * 7) % Math.max(1, parts.length)] ?? '');
      s = parts.join(' ');
    }
  }
  return s;
}

test('mutated valid scripts compile to diagnostics or to a script that runs', () => {
  for (const seed of seeds) assert.ok(compile(seed, 'seed.rope').script, `seed compiles: ${seed}`);
  const op = fc.tuple(
    fc.integer({ min: 0, max: 3 }),
    fc.nat(),
    fc.constantFrom(...'{}()"\\$#, \n0x1a:.-'.split(''), 'drop', 'yes', 'do', 'lift('),
  );
  fc.assert(
    fc.property(
      fc.constantFrom(...seeds),
      fc.array(op, { minLength: 1, maxLength: 6 }),
      (seed, ops) => exercise(mutate(seed, ops)),
    ),
    { numRuns: 2000 * SCALE },
  );
});

test('deeply nested input does not exhaust the compiler', () => {
  const deep = compile('{ '.repeat(2000) + '1' + ' }'.repeat(2000), 'deep.rope');
  assert.equal(deep.diagnostics[0].code, 'unbalanced');
  assert.match(deep.diagnostics[0].message, /nested more than 128 deep/);
  exercise('{ '.repeat(128) + '1' + ' }'.repeat(128));
  exercise('add( '.repeat(2000) + '1' + ' )'.repeat(2000));
  exercise('{ '.repeat(3000));
  exercise('} '.repeat(3000));
  exercise(
    '{ {} dup do dup do } '.repeat(1) +
      '{ '.repeat(30) +
      '{ 1 } dup do dup do' +
      ' } dup do'.repeat(30),
  );
});

test('arbitrary bytes read as a script (UTF-8 or latin1) compile to diagnostics', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      exercise(Buffer.from(bytes).toString('utf8'));
      exercise(Buffer.from(bytes).toString('latin1'));
    }),
    { numRuns: 500 * SCALE },
  );
});

test(
  'long lines and long tokens compile in one pass, with windowed diagnostics',
  { timeout: 120_000 * SCALE },
  () => {
    fc.assert(
      fc.property(
        fc.constantFrom('"', '1.', 'ab:', 'x', '} ', '( ', '\\', '$', '#', '"\\x4', '1 drop ', '9'),
        fc.integer({ min: 1000, max: 10_000 }),
        fc.constantFrom('', '"', ' yes', '\n'),
        (unit, n, tail) => exercise(unit.repeat(n) + tail),
      ),
      { numRuns: 8 * SCALE },
    );
  },
);

test('patterns for match: refused, or matched in linear time on the packets', () => {
  const pattern = fc.string({
    unit: fc.constantFrom(...'()[]{}|*+?^$.\\-,:=!<>kbBdDwWsS0123aAzZ'.split('')),
    maxLength: 24,
  });
  fc.assert(
    fc.property(pattern, fc.boolean(), (p, i) => {
      const quoted = JSON.stringify(p);
      exercise(`$data ${quoted} ${i ? 'matchi' : 'match'} $packet ${quoted} strcat drop`);
      exercise(`${quoted} $a put $data $a ${i ? 'matchi' : 'match'}`);
    }),
    { numRuns: 500 * SCALE },
  );
});
