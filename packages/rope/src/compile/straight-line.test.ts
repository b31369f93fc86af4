// Sequences run HOT times switch to their straight-line functions (sequence.ts): the same
// script then gives the same verdicts, counts the same actions, fails at the same site and
// message, and still traces every step.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildTcpPacket, Packet } from '@p2pwall/core';
import { Engine } from '../runtime/engine.js';
import type { RunInput } from '../runtime/script.js';
import type { TraceSink } from '../runtime/trace.js';
import { compile } from './compile.js';
import { HOT } from './sequence.js';

const SOURCE = `
  $data "GNUTELLA" find 0 eq { "g" via yes } if
  0 $i put
  { $i 3 lt } { $i inc  $n $i add $n put } while
  $n 6 eq  $tcp_dest 6346 eq and assert
  $limit { 5 $max_actions put  1 2 add 3 add 4 add drop } if
  $data_len 10 gt yes
  no`;

function packet(payload: string): Packet {
  const b = buildTcpPacket({
    src: '192.0.2.1',
    dst: '198.51.100.2',
    srcPort: 40000,
    dstPort: 6346,
    flags: 0x18,
    payload,
  });
  const p = new Packet();
  assert.ok(p.decode(b, 0, b.length));
  return p;
}

interface Outcome {
  verdict: number;
  actions: number;
  error: string | null;
}

test(`a script gives the same results before and after ${HOT} runs`, () => {
  const limited = compile(`1 $limit put ${SOURCE}`, 'limited.rope').script!;
  const plain = compile(`0 $limit put ${SOURCE}`, 'plain.rope').script!;
  assert.ok(limited && plain);
  const engine = new Engine();
  const inputs = ['GNUTELLA CONNECT/0.6', 'hello, world!', 'short'].map((d): RunInput => ({
    packet: packet(d),
    ct: null,
    mark: 0,
    packetTime: 1,
    flow: null,
  }));
  const outcome = (s: typeof plain, input: RunInput): Outcome => {
    const verdict = s.run(engine, input);
    const e = engine.lastError;
    return {
      verdict,
      actions: engine.machine.actions,
      error: e ? `${e.name} ${e.message} at ${e.line}:${e.column}` : null,
    };
  };
  const first = inputs.map((i) => [outcome(plain, i), outcome(limited, i)]);
  assert.ok(first[1][1].error?.startsWith('ELimit'), 'the limit is reached: the check is covered');
  for (let k = 0; k < HOT + 10; k++)
    for (const i of inputs) (outcome(plain, i), outcome(limited, i));
  const after = inputs.map((i) => [outcome(plain, i), outcome(limited, i)]);
  assert.deepEqual(after, first);

  // a traced run after the switch still reports each step
  let steps = 0;
  const trace: TraceSink = { step: () => void steps++, print: () => {} };
  const traced = plain.run(engine, { ...inputs[1], trace });
  assert.equal(traced, first[1][0].verdict);
  assert.ok(steps > 10, `traced ${steps} steps`);
});

test('without code generation from strings, sequences stay on their loop and still run', () => {
  const child = `
    import { buildUdpPacket, Packet } from '@p2pwall/core';
    import { compile, Engine } from '@p2pwall/rope';
    const s = compile('$data_len 3 gt { 1 $n put } if $n yes', 'x.rope').script;
    const b = buildUdpPacket({ src: '192.0.2.1', dst: '198.51.100.2', srcPort: 1, dstPort: 2, payload: 'hello' });
    const p = new Packet(); p.decode(b, 0, b.length);
    const e = new Engine();
    let yes = 0;
    for (let i = 0; i < ${2 * HOT}; i++) yes += s.run(e, { packet: p, ct: null, mark: 0, flow: null }) === 2 ? 1 : 0;
    console.log(yes);`;
  const r = spawnSync(
    process.execPath,
    [
      '--conditions=source',
      '--import',
      'tsx',
      '--disallow-code-generation-from-strings',
      '--input-type=module',
      '-e',
      child,
    ],
    { encoding: 'utf8', cwd: fileURLToPath(new URL('../../../..', import.meta.url)) },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), String(2 * HOT));
});
