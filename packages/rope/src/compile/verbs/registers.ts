// get put reg greg freg inc dec. Writes check the register: read-only → EReadOnly, a string
// into an integer register → EType (the checker reports both at compile time where it can).
import type { Machine } from '../../runtime/machine.js';
import { FLOW_REGISTERS, GLOBAL_REGISTERS, USER_REGISTERS } from '../../runtime/machine.js';
import { FLOW_REFS, GLOBAL_REFS, USER_REFS } from '../../runtime/registers.js';
import type { Site } from '../../runtime/site.js';
import {
  SPACE_FLOW,
  TAG_REF,
  typeName,
  type Op,
  type RegRef,
  type Value,
} from '../../runtime/values.js';
import { CONTINUE, type Status } from '../../runtime/verdict.js';
import type { SpecialCtx, VerbImpl } from '../operand.js';
import { deref, FAILED, push, unary, type Result } from './common.js';

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

function stepper(by: number): VerbImpl {
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

function indexed(refs: readonly RegRef[], count: number, what: string): VerbImpl {
  return unary('int', (m, site, x): Result => {
    const n = x as number;
    if (n < 0 || n >= count) {
      m.fail('ERange', `${what} ${n} does not exist (0 to ${count - 1})`, site);
      return FAILED;
    }
    return refs[n];
  });
}

export const registerVerbs: Record<string, VerbImpl> = {
  get: {
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
      return (m) => push(m, site, ref.read(m));
    },
  },
  put: {
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
      if (ov.k === 'const') {
        const v = ov.v;
        return (m) => store(m, site, ref, v);
      }
      if (ov.k === 'reg') {
        const src = ov.ref;
        return (m) => store(m, site, ref, src.read(m));
      }
      return function putTo(m: Machine): Status {
        if (m.sp <= m.base) return m.underflow(site, 2);
        const v = deref(m, m.stack[--m.sp]);
        return store(m, site, ref, v);
      };
    },
  },
  reg: indexed(USER_REFS, USER_REGISTERS, 'user register'),
  greg: indexed(GLOBAL_REFS, GLOBAL_REGISTERS, 'global register'),
  freg: indexed(FLOW_REFS, FLOW_REGISTERS, 'flow register'),
  inc: stepper(1),
  dec: stepper(-1),
};
