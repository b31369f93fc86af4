// localtime gmtime and the tm_* fields (C struct tm meanings: tm_mon 0–11, tm_year since 1900).
import { Tm } from '../runtime/values.js';
import { unary } from './impl-helpers.js';
import { wordsOf, type WordSpec } from './word.js';

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

/** tm_sec … tm_wday: one field of a broken-down time. */
function field(name: string, summary: string, get: (t: Tm) => number): WordSpec {
  return {
    name,
    effect: '( tm -- n )',
    in: ['tm'],
    out: ['int'],
    pure: true,
    summary,
    impl: unary('tm', (_m, _s, x) => get(x as Tm)),
  };
}

export const timeWords = wordsOf('time', [
  {
    name: 'localtime',
    effect: '( t -- tm )',
    in: ['int'],
    out: ['tm'],
    summary: 'seconds since 1970 to local broken-down time',
    impl: unary('int', (_m, _s, x) => breakDown(x as number, false)),
  },
  {
    name: 'gmtime',
    effect: '( t -- tm )',
    in: ['int'],
    out: ['tm'],
    pure: true,
    summary: 'seconds since 1970 to UTC broken-down time',
    impl: unary('int', (_m, _s, x) => breakDown(x as number, true)),
  },
  field('tm_sec', 'seconds (0–60)', (t) => t.sec),
  field('tm_min', 'minutes (0–59)', (t) => t.min),
  field('tm_hour', 'hours (0–23)', (t) => t.hour),
  field('tm_mday', 'day of the month (1–31)', (t) => t.mday),
  field('tm_mon', 'month (0–11)', (t) => t.mon),
  field('tm_year', 'years since 1900', (t) => t.year),
  field('tm_wday', 'day of the week (Sunday = 0)', (t) => t.wday),
]);
