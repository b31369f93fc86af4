// get put reg greg freg inc dec. Writes check the register: read-only → EReadOnly, a string
// into an integer register → EType (each word's `check` reports both at compile time where the
// register is known).
import { derefType, type Abs } from '../check/abstract.js';
import { where } from '../check/messages.js';
import { readingOf, shaped } from '../compile/op-shapes.js';
import type { SpecialCtx } from '../compile/operand.js';
import {
  FREG_INFO,
  GREG_INFO,
  registerInfo,
  USER_REGISTER_NAMES,
  type RegisterInfo,
} from '../language/registers.js';
import { tyName } from '../language/types.js';
import type { Op } from '../runtime/block.js';
import {
  FLOW_REGISTERS,
  GLOBAL_REGISTERS,
  USER_REGISTERS,
  type Machine,
} from '../runtime/machine.js';
import { SPACE_FLOW, type RegRef } from '../runtime/reg-ref.js';
import { FLOW_REFS, GLOBAL_REFS, USER_REFS } from '../runtime/registers.js';
import type { Site } from '../runtime/site.js';
import { TAG_REF, typeName, type Value } from '../runtime/values.js';
import { CONTINUE, type Status } from '../runtime/verdict.js';
import { deref, FAILED, push, unary, type Result } from './impl-helpers.js';
import { NO_PROBLEMS, wordsOf, type WordImpl, type WordProblem, type WordSpec } from './word.js';

function asRef(m: Machine, site: Site, v: Value): RegRef | null {
  if (typeof v === 'object' && v.tag === TAG_REF) return v as RegRef;
  m.fail(
    'EType',
    `\`${site.label}\` needs a register reference ($name, reg, greg, freg), got ${typeName(v)}`,
    site,
  );
  return null;
}

/** Stores v in ref after the checks every write goes through. */
export function store(m: Machine, site: Site, ref: RegRef, v: Value): Status {
  if (ref.write === null) return m.fail('EReadOnly', `register $${ref.name} is read-only`, site);
  if (ref.info.type === 'int' && typeof v !== 'number') {
    return m.fail('EType', `register ${regName(ref)} holds integers, got ${typeName(v)}`, site);
  }
  if (ref.space === SPACE_FLOW && typeof v !== 'number' && typeof v !== 'string') {
    return m.fail('EType', `flow registers hold integers and strings, got ${typeName(v)}`, site);
  }
  ref.write(m, v);
  return CONTINUE;
}

function regName(ref: RegRef): string {
  return ref.name.includes('[') ? ref.name : `$${ref.name}`;
}

function step(m: Machine, site: Site, ref: RegRef, by: number): Status {
  const v = ref.read(m);
  if (typeof v !== 'number')
    return m.fail(
      'EType',
      `\`${site.label}\` needs an integer in ${regName(ref)}, it holds ${typeName(v)}`,
      site,
    );
  return store(m, site, ref, (v + by) | 0);
}

function stepper(by: number): WordImpl {
  return {
    op: (site) =>
      function incdec(m: Machine): Status {
        if (m.sp <= m.base) return m.underflow(site, 1);
        const ref = asRef(m, site, m.stack[--m.sp]);
        return ref === null ? m.errStatus : step(m, site, ref, by);
      },
    special(ctx: SpecialCtx): Op | null {
      const o = ctx.operands[0];
      if (o.k !== 'reg') return null;
      const ref = o.ref;
      const site = ctx.site;
      return (m) => step(m, site, ref, by);
    },
  };
}

/** put, inc, dec on a register the checker knows: read-only, or the wrong kind of value. */
function checkWrite(ops: readonly Abs[], name: string): readonly WordProblem[] {
  const ref = ops[ops.length - 1];
  const reg = ref.t === 'ref' ? ref.reg : undefined;
  if (!reg) return NO_PROBLEMS;
  const shown =
    reg.name === 'greg' || reg.name === 'freg'
      ? `${reg.name} register`
      : `register \`$${reg.name}\``;
  if (!reg.writable) return [{ code: 'read-only', message: `${shown} is read-only` }];
  const problems: WordProblem[] = [];
  if (name === 'put' && reg.type === 'int' && derefType(ops[0]) === 'str') {
    problems.push({
      code: 'register-type',
      message: `${shown} holds integers; \`put\` would store a string${where(ops[0].from)}`,
    });
  }
  if (name === 'put' && reg.type === 'int' && (ops[0].t === 'block' || ops[0].t === 'tm')) {
    problems.push({
      code: 'register-type',
      message: `${shown} holds integers; \`put\` would store ${tyName(ops[0].t)}`,
    });
  }
  if (name !== 'put' && reg.type === 'str')
    problems.push({
      code: 'register-type',
      message: `\`${name}\` needs an integer register; ${shown} holds a string`,
    });
  return problems;
}

/**
 * reg, greg, freg: register n of a family of `count`. A constant n is checked here and
 * compiles to the register itself; `info(n)` is what the reference names, for the checker.
 */
function indexed(
  spec: Pick<WordSpec, 'name' | 'summary' | 'addition' | 'usesFlowRegisters'>,
  refs: readonly RegRef[],
  count: number,
  what: string,
  info: (n: number | undefined) => RegisterInfo | undefined,
): WordSpec {
  return {
    ...spec,
    effect: '( n -- ref )',
    in: ['int'],
    out: ['ref'],
    refs,
    check([o], name) {
      const n = o.c;
      if (typeof n === 'number' && (n < 0 || n >= count))
        return [
          {
            code: 'range',
            message: `\`${name}\` register ${n} does not exist (0 to ${count - 1})`,
          },
        ];
      return NO_PROBLEMS;
    },
    results: ([o], span) => [
      { t: 'ref', reg: info(typeof o.c === 'number' ? o.c : undefined), from: span },
    ],
    impl: unary('int', (m, site, x): Result => {
      const n = x as number;
      if (n < 0 || n >= count) {
        m.fail('ERange', `${what} ${n} does not exist (0 to ${count - 1})`, site);
        return FAILED;
      }
      return refs[n];
    }),
  };
}

export const registerWords = wordsOf('registers', [
  {
    name: 'get',
    effect: '( ref -- v )',
    in: ['ref'],
    out: ['any'],
    summary: 'value of a register',
    results: ([ref], span) => [{ t: derefType(ref), from: span }],
    impl: {
      op: (site) =>
        function get(m: Machine): Status {
          if (m.sp <= m.base) return m.underflow(site, 1);
          const ref = asRef(m, site, m.stack[m.sp - 1]);
          if (ref === null) return m.errStatus;
          m.stack[m.sp - 1] = ref.read(m);
          return CONTINUE;
        },
      special(ctx) {
        const o = ctx.operands[0];
        if (o.k !== 'reg') return null;
        const ref = o.ref;
        const site = ctx.site;
        return shaped((m: Machine) => push(m, site, ref.read(m)), { kind: 'read', ref, site });
      },
    },
  },
  {
    name: 'put',
    effect: '( v ref -- )',
    in: ['any', 'ref'],
    out: [],
    summary: 'store a value in a register',
    writesRegister: true,
    check: checkWrite,
    impl: {
      op: (site) =>
        function put(m: Machine): Status {
          const sp = m.sp;
          if (sp - m.base < 2) return m.underflow(site, 2);
          const ref = asRef(m, site, m.stack[sp - 1]);
          if (ref === null) return m.errStatus;
          const v = deref(m, m.stack[sp - 2]);
          m.sp = sp - 2;
          return store(m, site, ref, v);
        },
      special(ctx) {
        const [ov, oref] = ctx.operands;
        if (oref.k !== 'reg') return null;
        const ref = oref.ref;
        const site = ctx.site;
        const shape = { kind: 'store', v: readingOf(ov), ref, store, site } as const;
        if (ov.k === 'const') {
          const v = ov.v;
          return shaped((m: Machine) => store(m, site, ref, v), shape);
        }
        if (ov.k === 'reg') {
          const src = ov.ref;
          return shaped((m: Machine) => store(m, site, ref, src.read(m)), shape);
        }
        return shaped(function putTo(m: Machine): Status {
          if (m.sp <= m.base) return m.underflow(site, 2);
          const v = deref(m, m.stack[--m.sp]);
          return store(m, site, ref, v);
        }, shape);
      },
    },
  },
  indexed(
    { name: 'reg', summary: 'user register n: 0 is `$a` … 25 is `$z`' },
    USER_REFS,
    USER_REGISTERS,
    'user register',
    (n) => (n === undefined ? undefined : registerInfo(USER_REGISTER_NAMES[n] ?? '')),
  ),
  indexed(
    {
      name: 'greg',
      summary:
        'global integer register n (0–255), shared by every script of the engine and kept between runs',
    },
    GLOBAL_REFS,
    GLOBAL_REGISTERS,
    'global register',
    () => GREG_INFO,
  ),
  indexed(
    {
      name: 'freg',
      summary: 'flow register n (0–15): kept between the packets of one flow, per script',
      addition: true,
      usesFlowRegisters: true,
    },
    FLOW_REFS,
    FLOW_REGISTERS,
    'flow register',
    () => FREG_INFO,
  ),
  {
    name: 'inc',
    effect: '( ref -- )',
    in: ['ref'],
    out: [],
    summary: 'add 1 to an integer register',
    writesRegister: true,
    check: checkWrite,
    impl: stepper(1),
  },
  {
    name: 'dec',
    effect: '( ref -- )',
    in: ['ref'],
    out: [],
    summary: 'subtract 1 from an integer register',
    writesRegister: true,
    check: checkWrite,
    impl: stepper(-1),
  },
]);
