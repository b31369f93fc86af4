// Tables: memory shared by every flow of an engine (and every engine of one `rope run`), declared
// at the top of a script with `table( "name" capacity lifetime [kernel] )`. The words here add,
// test, read, write and delete keys, build the usual keys from the packet, and name the signature
// a YES comes from (`via`). A table is named by a string literal, so the checker can tell a
// misspelt or undeclared table before a packet is seen.
//
// Time is the packet's time (`$packet_time`: the capture's timestamp offline, the clock live).
// Allocation: a lookup allocates nothing beyond the key string the script built; an add of a new
// key costs its entry, and records what taught it (the run's `via` and the packet's endpoints) —
// adds are rare next to lookups.
import type { Abs } from '../check/abstract.js';
import { closest } from '../check/suggest.js';
import type { Op } from '../runtime/block.js';
import type { Machine } from '../runtime/machine.js';
import type { Site } from '../runtime/site.js';
import type { Value } from '../runtime/values.js';
import { CONTINUE, type Status } from '../runtime/verdict.js';
import { addressKey, endpointKey, keyText, type End } from '../tables/keys.js';
import {
  MAX_TABLE_KEY,
  MAX_TABLE_LIFETIME,
  type SharedTable,
  type TableSpec,
} from '../tables/shared-table.js';
import { deref, push } from './impl-helpers.js';
import { NO_PROBLEMS, wordsOf, type WordProblem, type WordSpec } from './word.js';

/** Longest signature name `via` takes. */
export const MAX_VIA = 64;

/** The table operand (top of stack) must be a declared table, named by a literal. */
function tableCheck(
  ops: readonly Abs[],
  _name: string,
  tables: ReadonlyMap<string, TableSpec>,
): readonly WordProblem[] {
  const t = ops[ops.length - 1];
  if (t === undefined || t.t === 'any' || t.t === 'value') return NO_PROBLEMS;
  if (t.t !== 'str' || typeof t.c !== 'string')
    return [
      {
        code: 'unknown-table',
        message:
          'a table is named by a string literal, e.g. "peers" (declared with `table( "peers" … )`)',
        at: t.from,
      },
    ];
  if (tables.has(t.c)) return NO_PROBLEMS;
  const near = closest(t.c, tables.keys());
  return [
    {
      code: 'unknown-table',
      message:
        tables.size === 0
          ? `no table "${t.c}": declare it at the top of the script, e.g. table( "${t.c}" 65536 3600 )`
          : `no table "${t.c}" is declared${near ? ` (did you mean "${near}"?)` : ''}`,
      at: t.from,
    },
  ];
}

/** Pops nothing; the table named by the string `v`, or records ERange/EType. */
function tableOf(m: Machine, site: Site, v: Value): SharedTable | null {
  if (typeof v !== 'string') {
    m.typeError(site, 'a table name (a string)', v);
    return null;
  }
  const t = m.tables.get(v);
  if (t === undefined) m.fail('ERange', `no table "${v}" in this engine`, site);
  return t ?? null;
}

function keyOf(m: Machine, site: Site, v: Value): string | null {
  if (typeof v !== 'string') {
    m.typeError(site, 'a key (a string)', v);
    return null;
  }
  if (v.length === 0 || v.length > MAX_TABLE_KEY) {
    m.fail('ERange', `a table key is 1 to ${MAX_TABLE_KEY} bytes, got ${v.length}`, site);
    return null;
  }
  return v;
}

/** What taught a key: the run's signature name and the packet's endpoints (for `via`). */
function note(m: Machine): string {
  const p = m.pkt;
  return `${m.via ?? 'script'} ${keyText(endpointKey(p, 'src'))}>${keyText(endpointKey(p, 'dst'))}`;
}

type TableFn = (m: Machine, site: Site, t: SharedTable, key: string, arg: number) => Status;

/**
 * ( key [n] table -- … ): pops the table name, the key and, with `withInt`, an integer between
 * them, then calls `f` (which pushes any result).
 */
function tableWord(withInt: boolean, f: TableFn): (site: Site) => Op {
  const need = withInt ? 3 : 2;
  return (site) =>
    function tableOp(m: Machine): Status {
      if (m.sp - m.base < need) return m.underflow(site, need);
      const t = tableOf(m, site, deref(m, m.stack[m.sp - 1]));
      if (t === null) return m.errStatus;
      let arg = 0;
      if (withInt) {
        const n = deref(m, m.stack[m.sp - 2]);
        if (typeof n !== 'number') return m.typeError(site, 'an integer', n);
        arg = n;
      }
      const key = keyOf(m, site, deref(m, m.stack[m.sp - need]));
      if (key === null) return m.errStatus;
      m.sp -= need;
      return f(m, site, t, key, arg);
    };
}

function keyWord(name: string, summary: string, make: (m: Machine) => string): WordSpec {
  return {
    name,
    effect: '( -- s )',
    in: [],
    out: ['str'],
    addition: true,
    summary,
    impl: { op: (site) => (m) => push(m, site, make(m)) },
  };
}

const END: Record<string, End> = { src: 'src', dst: 'dst' };

export const tableWords = wordsOf('tables', [
  {
    name: 'table_add',
    effect: '( key table -- )',
    in: ['str', 'str'],
    out: [],
    addition: true,
    summary: 'adds the key (or renews it) for the table’s lifetime',
    check: tableCheck,
    impl: {
      op: tableWord(false, (m, _s, t, key) => {
        t.add(key, m.packetTime, undefined, undefined, note(m));
        return CONTINUE;
      }),
    },
  },
  {
    name: 'table_add_for',
    effect: '( key seconds table -- )',
    in: ['str', 'int', 'str'],
    out: [],
    addition: true,
    summary: 'adds the key (or renews it) for the given number of seconds',
    check: tableCheck,
    impl: {
      op: tableWord(true, (m, site, t, key, seconds) => {
        if (seconds < 1 || seconds > MAX_TABLE_LIFETIME)
          return m.fail(
            'ERange',
            `a lifetime is 1 to ${MAX_TABLE_LIFETIME} seconds, got ${seconds}`,
            site,
          );
        t.add(key, m.packetTime, seconds, undefined, note(m));
        return CONTINUE;
      }),
    },
  },
  {
    name: 'table_has',
    effect: '( key table -- b )',
    in: ['str', 'str'],
    out: ['int'],
    addition: true,
    summary: 'whether the key is in the table and alive (a YES after it says what taught the key)',
    check: tableCheck,
    impl: {
      op: tableWord(false, (m, site, t, key) => {
        const e = t.find(key, m.packetTime);
        if (e === undefined) return push(m, site, 0);
        m.learnedFrom = e.note;
        return push(m, site, 1);
      }),
    },
  },
  {
    name: 'table_get',
    effect: '( key table -- n )',
    in: ['str', 'str'],
    out: ['int'],
    addition: true,
    summary: 'the key’s value, 0 when absent',
    check: tableCheck,
    impl: {
      op: tableWord(false, (m, site, t, key) => push(m, site, t.get(key, m.packetTime))),
    },
  },
  {
    name: 'table_set',
    effect: '( key n table -- )',
    in: ['str', 'int', 'str'],
    out: [],
    addition: true,
    summary: 'sets the key’s value (adding the key when absent)',
    check: tableCheck,
    impl: {
      op: tableWord(true, (m, _s, t, key, n) => {
        t.set(key, n | 0, m.packetTime);
        return CONTINUE;
      }),
    },
  },
  {
    name: 'table_del',
    effect: '( key table -- )',
    in: ['str', 'str'],
    out: [],
    addition: true,
    summary: 'removes the key',
    check: tableCheck,
    impl: {
      op: tableWord(false, (_m, _s, t, key) => {
        t.delete(key);
        return CONTINUE;
      }),
    },
  },
  keyWord('src_addr_key', 'the source address as a key (4 bytes, IPv6 16)', (m) =>
    addressKey(m.pkt, END.src),
  ),
  keyWord('dst_addr_key', 'the destination address as a key', (m) => addressKey(m.pkt, END.dst)),
  keyWord(
    'src_endpoint_key',
    'the source address and port as a key (6 bytes, IPv6 18: the compact peer form)',
    (m) => endpointKey(m.pkt, END.src),
  ),
  keyWord('dst_endpoint_key', 'the destination address and port as a key', (m) =>
    endpointKey(m.pkt, END.dst),
  ),
  {
    name: 'endpoint_key',
    effect: '( addr port -- s )',
    in: ['str', 'int'],
    out: ['str'],
    addition: true,
    pure: true,
    summary: 'an address (4 or 16 bytes) and a port as a key',
    impl: {
      op: (site) =>
        function endpointKeyOp(m: Machine): Status {
          if (m.sp - m.base < 2) return m.underflow(site, 2);
          const port = deref(m, m.stack[m.sp - 1]);
          const addr = deref(m, m.stack[m.sp - 2]);
          if (typeof port !== 'number') return m.typeError(site, 'an integer', port);
          if (typeof addr !== 'string') return m.typeError(site, 'a string', addr);
          if (addr.length !== 4 && addr.length !== 16)
            return m.fail('ERange', `an address is 4 or 16 bytes, got ${addr.length}`, site);
          if (port < 0 || port > 0xffff)
            return m.fail('ERange', `a port is 0 to 65535, got ${port}`, site);
          m.sp -= 2;
          return push(m, site, addr + String.fromCharCode(port >>> 8, port & 0xff));
        },
    },
  },
  {
    name: 'via',
    effect: '( s -- )',
    in: ['str'],
    out: [],
    addition: true,
    summary: 'names the signature the next YES comes from (reported as `via`)',
    impl: {
      op: (site) =>
        function viaOp(m: Machine): Status {
          if (m.sp <= m.base) return m.underflow(site, 1);
          const s = deref(m, m.stack[m.sp - 1]);
          if (typeof s !== 'string') return m.typeError(site, 'a string', s);
          if (s.length === 0 || s.length > MAX_VIA)
            return m.fail('ERange', `a signature name is 1 to ${MAX_VIA} bytes`, site);
          m.sp--;
          m.via = s;
          return CONTINUE;
        },
    },
  },
]);
