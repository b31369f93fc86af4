// Checks, on the client side, that a result has the shape its operation promises (target.ts), so
// that `rope ctl` and `rope top` never print or draw from a half-understood answer — a server of
// another build, or something else listening on the path, gets a `protocol` error instead.
import type { OpName, ResultOf } from './operations.js';

type Check = (v: unknown) => boolean;

const obj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const num: Check = (v) => typeof v === 'number' && Number.isFinite(v);
const str: Check = (v) => typeof v === 'string';
const bool: Check = (v) => typeof v === 'boolean';
const orNull =
  (c: Check): Check =>
  (v) =>
    v === null || c(v);
const arrayOf =
  (c: Check): Check =>
  (v) =>
    Array.isArray(v) && v.every(c);
const shape =
  (fields: Record<string, Check>): Check =>
  (v) =>
    obj(v) && Object.entries(fields).every(([k, c]) => c(v[k]));

const entry = shape({
  kind: (v) => v === 'lock' || v === 'block',
  address: str,
  port: orNull(num),
  label: str,
  secondsLeft: orNull(num),
});

const labelCounters = shape({ label: str, packets: num, bytes: num, flows: num });
const hostCounters = shape({ address: str, p2pFlows: num, labels: arrayOf(str) });

const counts = (v: unknown) => obj(v) && Object.values(v).every(num);
// the groups of rope run's enforcement counters, each an object of numbers (exec: one per kind)
const enforcement = shape({
  lockedClients: num,
  blockedPeers: num,
  locks: counts,
  blocks: counts,
  cuts: counts,
  exec: (v) => obj(v) && Object.values(v).every(counts),
  dns: counts,
});

const CHECKS: { [K in OpName]: Check } = {
  list: shape({ entries: arrayOf(entry), dnsNames: arrayOf(str), passAll: bool }),
  stats: shape({
    uptime: num,
    totals: shape({ packets: num, bytes: num, flows: num, accepted: num, dropped: num }),
    labels: arrayOf(labelCounters),
    hosts: (v) => v === undefined || arrayOf(hostCounters)(v),
    enforcement: (v) => v === undefined || enforcement(v),
    passAll: bool,
    locked: num,
    blocked: num,
    dnsNames: num,
  }),
  lock: shape({ entry, renewed: bool }),
  block: shape({ entry, renewed: bool }),
  unlock: shape({ entry }),
  unblock: shape({ entry }),
  'ban-dns': shape({ name: str, added: bool }),
  'pass-all': shape({ passAll: bool, changed: bool }),
};

export function isResultOf<K extends OpName>(op: K, v: unknown): v is ResultOf[K] {
  return CHECKS[op](v);
}
