// localtime gmtime and the tm_* fields (C struct tm meanings: tm_mon 0–11, tm_year since 1900).
import { Tm } from '../../runtime/values.js';
import type { VerbImpl } from '../operand.js';
import { unary } from './common.js';

function breakDown(t: number, utc: boolean): Tm {
  const d = new Date(t * 1000);
  return utc
    ? new Tm(
        d.getUTCSeconds(),
        d.getUTCMinutes(),
        d.getUTCHours(),
        d.getUTCDate(),
        d.getUTCMonth(),
        d.getUTCFullYear() - 1900,
        d.getUTCDay(),
      )
    : new Tm(
        d.getSeconds(),
        d.getMinutes(),
        d.getHours(),
        d.getDate(),
        d.getMonth(),
        d.getFullYear() - 1900,
        d.getDay(),
      );
}

const field = (get: (t: Tm) => number) => unary('tm', (_m, _s, x) => get(x as Tm));

export const timeVerbs: Record<string, VerbImpl> = {
  localtime: unary('int', (_m, _s, x) => breakDown(x as number, false)),
  gmtime: unary('int', (_m, _s, x) => breakDown(x as number, true)),
  tm_sec: field((t) => t.sec),
  tm_min: field((t) => t.min),
  tm_hour: field((t) => t.hour),
  tm_mday: field((t) => t.mday),
  tm_mon: field((t) => t.mon),
  tm_year: field((t) => t.year),
  tm_wday: field((t) => t.wday),
};
