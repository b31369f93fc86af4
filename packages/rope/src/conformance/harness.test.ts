// Shared by the conformance tests. The name ends in .test.ts only to keep it out of the build
// (dist/); it registers no tests of its own.
// Test harness of the conformance suite: a case is a script, a packet made with the core's
// builder, and what the run must end with (verdict, stack, error name, cursor, mark).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  buildIpPacket,
  buildTcpPacket,
  buildUdpPacket,
  Packet,
  type TcpSpec,
  type UdpSpec,
} from '@p2pwall/core';
import {
  compile,
  Engine,
  verdictName,
  type Caps,
  type CtInfo,
  type DiagnosticCode,
  type RunErrorName,
  type TraceSink,
  type Value,
  type VerdictName,
} from '../index.js';

export const SRC4 = '192.0.2.1';
export const DST4 = '198.51.100.2';
export const SRC6 = '2001:db8::1';
export const DST6 = '2001:db8::2';

export function tcp(payload: string | Uint8Array = '', spec: Partial<TcpSpec> = {}): Uint8Array {
  return buildTcpPacket({
    src: SRC4,
    dst: DST4,
    srcPort: 40000,
    dstPort: 6346,
    flags: 0x18,
    seq: 1000,
    ack: 2000,
    ...spec,
    payload,
  });
}

export function udp(payload: string | Uint8Array = '', spec: Partial<UdpSpec> = {}): Uint8Array {
  return buildUdpPacket({ src: SRC4, dst: DST4, srcPort: 6881, dstPort: 6882, ...spec, payload });
}

export function icmp(
  payload: string | Uint8Array = '\x08\x00\x00\x00\x00\x01\x00\x01',
): Uint8Array {
  return buildIpPacket({ src: SRC4, dst: DST4, protocol: 1, payload });
}

export interface Case {
  name: string;
  script: string;
  /** Default: a TCP packet with payload "GNUTELLA CONNECT/0.6\r\n". */
  packet?: Uint8Array;
  pushes?: Value[];
  ct?: CtInfo;
  mark?: number;
  packetTime?: number;
  kernelTime?: number;
  flow?: Value[];
  /** The classifier's late run (`$past_window` 1). */
  pastWindow?: boolean;
  /** The classifier's word on the tables since the flow's last run (`$tables_grew`). */
  tablesGrew?: boolean;
  caps?: Partial<Caps>;
  verdict: VerdictName;
  /** The stack after the run, bottom first. */
  stack?: Value[];
  error?: RunErrorName;
  /** `$offset` after the run. */
  offset?: number;
  /** `$mark` after the run. */
  markAfter?: number;
  /** Text the script printed. */
  printed?: string;
}

export const DEFAULT_PAYLOAD = 'GNUTELLA CONNECT/0.6\r\n';

export interface Outcome {
  verdict: VerdictName;
  stack: Value[];
  error: RunErrorName | null;
  errorText: string;
  offset: number;
  mark: number;
  printed: string;
  engine: Engine;
}

/** Compiles (failing on any diagnostic error) and runs a script once. */
export function run(c: Omit<Case, 'name' | 'verdict'>, engine = new Engine(c.caps)): Outcome {
  const { script, diagnostics } = compile(c.script, 'case.rope', { pushes: c.pushes?.length ?? 0 });
  if (!script) assert.fail(`does not compile:\n${diagnostics.map((d) => d.render()).join('\n')}`);
  const bytes = c.packet ?? tcp(DEFAULT_PAYLOAD);
  const p = new Packet();
  assert.ok(p.decode(bytes, 0, bytes.length), 'test packet decodes');
  let printed = '';
  const trace: TraceSink = { print: (t) => (printed += t) };
  const v = script.run(
    engine,
    {
      packet: p,
      ct: c.ct ?? null,
      mark: c.mark ?? 0,
      packetTime: c.packetTime ?? 0,
      kernelTime: c.kernelTime,
      flow: c.flow ?? null,
      pastWindow: c.pastWindow,
      tablesGrew: c.tablesGrew,
      trace,
    },
    c.pushes ?? [],
  );
  return {
    verdict: verdictName(v),
    stack: engine.stack(),
    error: engine.lastError?.name ?? null,
    errorText: engine.lastError?.toString() ?? '',
    offset: engine.offset,
    mark: engine.mark,
    printed,
    engine,
  };
}

export function check(c: Case): Outcome {
  const o = run(c);
  assert.equal(o.verdict, c.verdict, `verdict (error: ${o.errorText || 'none'})`);
  if (c.stack !== undefined) assert.deepEqual(o.stack, c.stack, 'stack');
  if (c.error !== undefined) assert.equal(o.error, c.error, `error name (${o.errorText})`);
  if (c.verdict === 'FAIL' || c.verdict === 'HOTDROP')
    assert.ok(o.error, 'a FAIL or HOTDROP carries an error');
  else assert.equal(o.error, null);
  if (c.offset !== undefined) assert.equal(o.offset, c.offset, '$offset');
  if (c.markAfter !== undefined) assert.equal(o.mark, c.markAfter, '$mark');
  if (c.printed !== undefined) assert.equal(o.printed, c.printed, 'printed');
  return o;
}

/** One node:test test per case. */
export function cases(group: string, list: Case[]): void {
  for (const c of list)
    test(`${group}: ${c.name} — \`${c.script.replace(/\s+/g, ' ').slice(0, 60)}\``, () =>
      void check(c));
}

export interface CompileErrorCase {
  name: string;
  script: string;
  code: DiagnosticCode;
  /** Where the error must point (1-based). */
  line: number;
  column: number;
  /** A part of the message. */
  message: string | RegExp;
  pushes?: number;
}

export function compileErrors(group: string, list: CompileErrorCase[]): void {
  for (const c of list) {
    test(`${group}: ${c.name} — \`${c.script.replace(/\s+/g, ' ').slice(0, 60)}\``, () => {
      const { script, diagnostics } = compile(c.script, 'case.rope', { pushes: c.pushes ?? 0 });
      assert.equal(script, null, 'must not compile');
      const d = diagnostics.find((x) => x.code === c.code && x.severity === 'error');
      assert.ok(
        d,
        `an error ${c.code}; got:\n${diagnostics.map((x) => `${x.code}: ${x.render()}`).join('\n')}`,
      );
      assert.equal(`${d.line}:${d.column}`, `${c.line}:${c.column}`, `position of: ${d.render()}`);
      if (typeof c.message === 'string')
        assert.ok(d.message.includes(c.message), `message: ${d.message}`);
      else assert.match(d.message, c.message);
    });
  }
}
