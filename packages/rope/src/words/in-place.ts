// `left` and `substr` of `$data` or `$packet` with constant bounds copy only the bytes they take
// while no run has made the register's string (packet-registers.ts). Scripts do this on most
// packets they inspect (`$data 4 left "\x00\x00\x00\x01" eq`, `$data 8 4 substr`), and the copy
// of the whole payload was most of the cost of such a word. Each answer is the string path's:
// the same bounds, clamped the same way; once the string exists, it is sliced.
// (`find` stays on the string: tried in place, a search in JavaScript over the bytes cost more
// than the copy and V8's search, as scripts search one payload several times — docs/performance.md)
import { constOf, type SpecialCtx } from '../compile/operand.js';
import type { Op } from '../runtime/block.js';
import type { Machine } from '../runtime/machine.js';
import type { Status } from '../runtime/verdict.js';
import type { RegRef } from '../runtime/reg-ref.js';
import { pushResult } from './impl-helpers.js';
import { DATA_REGISTER, PACKET_REGISTER } from './packet-registers.js';

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

/** Where `$data` or `$packet` lies in `m.buf`, and its string once a run has made it. */
interface InPlace {
  start(m: Machine): number;
  end(m: Machine): number;
  made(m: Machine): string | null;
}

const DATA: InPlace = {
  start: (m) => m.pkt.payloadOffset,
  end: (m) => m.pkt.payloadOffset + m.pkt.payloadLength,
  made: (m) => m.dataStr,
};

const PACKET: InPlace = {
  start: (m) => m.ip,
  end: (m) => m.end,
  made: (m) => m.packetStr,
};

function inPlace(ref: RegRef): InPlace | null {
  return ref === DATA_REGISTER ? DATA : ref === PACKET_REGISTER ? PACKET : null;
}

/** `$data N left`, N a constant integer. */
export function leftInPlace(ctx: SpecialCtx): Op | null {
  const [a, b] = ctx.operands;
  const n = constOf(b);
  const at = a.k === 'reg' ? inPlace(a.ref) : null;
  if (at === null || typeof n !== 'number') return null;
  const site = ctx.site;
  return function leftBytes(m: Machine): Status {
    const s = at.made(m);
    if (s !== null) return pushResult(m, site, s.slice(0, clamp(n, 0, s.length)));
    const from = at.start(m);
    return pushResult(m, site, m.latin1(from, from + clamp(n, 0, at.end(m) - from)));
  };
}

/** `$data START LEN substr`, both constant integers. */
export function substrInPlace(ctx: SpecialCtx): Op | null {
  const [a, b, c] = ctx.operands;
  const start = constOf(b);
  const len = constOf(c);
  const at = a.k === 'reg' ? inPlace(a.ref) : null;
  if (at === null || typeof start !== 'number' || typeof len !== 'number') return null;
  const site = ctx.site;
  return function substrBytes(m: Machine): Status {
    const s = at.made(m);
    if (s !== null) {
      const i = clamp(start, 0, s.length);
      return pushResult(m, site, s.slice(i, i + clamp(len, 0, s.length - i)));
    }
    const from = at.start(m);
    const size = at.end(m) - from;
    const i = clamp(start, 0, size);
    return pushResult(m, site, m.latin1(from + i, from + i + clamp(len, 0, size - i)));
  };
}
