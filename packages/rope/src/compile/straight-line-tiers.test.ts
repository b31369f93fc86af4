// The two tiers of a sequence (sequence.ts: the loop over closures, and the straight-line
// function with the shaped operations written out, emit-ops.ts) must be indistinguishable: for
// random scripts built from the shaped words, their blocks and the words around them, every run
// gives the same verdict, action count, error (name, message, place), stack, registers and `via`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { Packet } from '@p2pwall/core';
import { compile, Engine, newFlowRegisters } from '../index.js';
import type { Script } from '../runtime/script.js';
import { printValue, type Value } from '../runtime/values.js';
import { setHotRuns } from './sequence.js';
import { fuzzPackets } from './fuzz-packets.test-support.js';

/** FUZZ_SCALE=N runs N times the cases (`npm run fuzz`). */
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);

const packets = fuzzPackets();

// The checker rejects what it can prove wrong, so expressions are built by type; `$a`…`$c` hold
// whatever was put in them and take both sides, so type errors still happen at run time.
const anyOperand = fc.constantFrom('$a', '$b', '$c');
const intOperand = fc.constantFrom(
  '0',
  '1',
  '-1',
  '7',
  '2147483647',
  '$data_len',
  '$ip_ttl',
  '$tcp_dest',
  '$ip_protocol',
  '1 freg',
  '3 greg get',
);
const strOperand = fc.constantFrom('"GNU"', '""', '"x"', '"GNUTELLA"', '$data');
const intWord = fc.constantFrom('add', 'sub', 'mult', 'div', 'and', 'or', 'eq', 'ne', 'lt', 'gt');
const strCompare = fc.constantFrom('eq', 'ne', 'lt', 'find', 'match');
const strToInt = fc.constantFrom('strlen', 'ord', 'atoi');
const intToInt = fc.constantFrom('not', 'neg', 'abs');

const intExpr: fc.Memo<string> = fc.memo((depth) =>
  depth <= 1
    ? fc.oneof(intOperand, anyOperand)
    : fc.oneof(
        intOperand,
        anyOperand,
        fc.tuple(intExpr(depth - 1), intExpr(depth - 1), intWord).map((t) => t.join(' ')),
        fc.tuple(strExpr(depth - 1), strExpr(depth - 1), strCompare).map((t) => t.join(' ')),
        fc.tuple(strExpr(depth - 1), strToInt).map((t) => t.join(' ')),
        fc.tuple(intExpr(depth - 1), intToInt).map((t) => t.join(' ')),
      ),
);
const strExpr: fc.Memo<string> = fc.memo((depth) =>
  depth <= 1
    ? fc.oneof(strOperand, anyOperand)
    : fc.oneof(
        strOperand,
        anyOperand,
        fc.tuple(strExpr(depth - 1), strExpr(depth - 1)).map(([a, b]) => `${a} ${b} strcat`),
      ),
);
const anyRegister = fc.constantFrom('$a', '$b', '$c', '2 freg');
const intRegister = fc.constantFrom('$a', '$b', '$c', '2 freg', '3 greg');

/** A statement: leaves the stack as it found it, or ends the run. */
const statement: fc.Memo<string> = fc.memo((depth) => {
  const block =
    depth > 1
      ? fc.array(statement(depth - 1), { maxLength: 4 }).map((ss) => `{ ${ss.join(' ')} }`)
      : fc.constantFrom('{ }', '{ 1 $a put }', '{ no }', '{ $b assert }');
  const e = intExpr(3);
  return fc.oneof(
    fc.tuple(e, intRegister).map(([v, r]) => `${v} ${r} put`),
    fc.tuple(strExpr(3), anyRegister).map(([v, r]) => `${v} ${r} put`),
    e.map((v) => `${v} assert`),
    strExpr(2).map((v) => `${v} assert`),
    e.map((v) => `${v} drop`),
    e.map((v) => `${v} yes`),
    e.map((v) => `yes( ${v} )`),
    fc.constantFrom('yes', 'no', 'never', 'yes()', 'no()', '$a no', 'no( 0 )'),
    fc.tuple(e, block).map(([c, b]) => `${c} ${b} if`),
    fc.tuple(e, block).map(([c, b]) => `${c} ${b} unless`),
    fc.tuple(e, block, block).map(([c, y, n]) => `${c} ${y} ${n} ifelse`),
    fc.array(block, { minLength: 1, maxLength: 3 }).map((bs) => `expect_one( ${bs.join(' ')} )`),
    // a block that ends with NO inside an open anchor call (its argument count known only at
    // run time), or after moving `$offset`: expect_one puts both back for the next block
    fc
      .tuple(intExpr(2), block)
      .map(([c, b]) => `expect_one( { add( 1 depth { 2 } if ${c} assert ) drop } ${b} )`),
    fc
      .tuple(intExpr(2), block)
      .map(([c, b]) => `expect_one( { "GNU" expect_str ${c} assert } ${b} )`),
    // the values the caller pushed, used where `depth` allows it: stack operands at run time
    fc.constantFrom(
      'depth 2 ge { add drop } if',
      'depth 1 ge { $a put } if',
      'depth 1 ge { assert } if',
      'depth 2 ge { { 5 $b put } if } if',
      'depth 1 ge { yes } if',
      'depth { drop } if',
      'depth { add drop } if',
      'depth { not $a put } if',
    ),
    fc.constantFrom('"via-x" via', '4 expect drop', '"GNUTELLA" expect_str', '"x" expect_str'),
  );
});

// what the user registers hold at the start: integers, strings or a mix
const prelude = fc.constantFrom(
  '',
  '1 $a put',
  '"GNU" $a put 0 $b put',
  '"x" $b put "" $c put 7 $a put',
);

const script = fc
  .tuple(prelude, fc.array(statement(4), { minLength: 1, maxLength: 10 }))
  .map(([p, ss]) => [p, ...ss].join('\n'));

/** What the caller pushes: none, one or two values (`depth` then decides what runs). */
const PUSHES = [[], [7], [7, 'x']];

interface Outcome {
  verdict: number;
  never: boolean;
  depth: number;
  anchors: number;
  offset: number;
  actions: number;
  error: string | null;
  stack: string[];
  registers: string[];
  via: string | null;
}

function outcome(s: Script, engine: Engine, packet: Packet, pushes: Value[]): Outcome {
  const flow = newFlowRegisters();
  const verdict = s.run(engine, { packet, flow }, pushes);
  const m = engine.machine;
  const e = engine.lastError;
  return {
    verdict,
    never: m.never,
    depth: m.depth,
    anchors: m.anchorDepth,
    offset: m.off,
    actions: m.actions,
    error: e ? `${e.name} ${e.message} at ${e.line}:${e.column}` : null,
    stack: Array.from(m.stack.slice(0, m.sp), (v) => printValue(v)),
    registers: m.user.slice(0, 4).map((v) => printValue(v)),
    via: m.via,
  };
}

function compiled(source: string, hot: number): Script | null {
  const was = setHotRuns(hot);
  try {
    return compile(source, 'tiers.rope').script;
  } finally {
    setHotRuns(was);
  }
}

test('the straight-line tier gives what the loop gives, run for run', () => {
  // small caps, so that runs reach them: blocks nested three deep, stacks of five
  const caps = { maxActions: 120, maxDepth: 2, maxStack: 4, maxString: 4096 };
  let ran = 0;
  let cases = 0;
  fc.assert(
    fc.property(script, (source) => {
      cases++;
      const loop = compiled(source, Infinity);
      if (loop === null) return;
      const straight = compiled(source, 0)!;
      ran++;
      // an engine per tier: each run sees what the runs before it left in the global registers
      const ea = new Engine(caps);
      const eb = new Engine(caps);
      for (const p of packets)
        for (const pushes of PUSHES)
          for (let twice = 0; twice < 2; twice++)
            assert.deepEqual(
              outcome(straight, eb, p, pushes),
              outcome(loop, ea, p, pushes),
              source,
            );
    }),
    { numRuns: 600 * SCALE },
  );
  assert.ok(ran > cases / 4, `only ${ran} of ${cases} random scripts compiled`);
});

test('a sequence made with the straight-line tier from its first run runs it', () => {
  // the loop tier counts its runs; a straight-line sequence never enters the loop, so a
  // `$max_actions` overrun reports from the generated check, at the same place
  const source =
    '1 $a put $a { $a 1 add $a put } { no } ifelse $a 2 eq assert 5 $max_actions put 1 2 add 3 add 4 add drop yes';
  const engine = new Engine();
  const a = outcome(compiled(source, Infinity)!, engine, packets[0], []);
  const b = outcome(compiled(source, 0)!, engine, packets[0], []);
  assert.equal(a.error?.startsWith('ELimit'), true, a.error ?? 'no error');
  assert.deepEqual(b, a);
});
