// @p2pwall/cutter: find connections in conntrack and cut them, from a script.
//
//   import { listConnections, cut, parseFilter } from '@p2pwall/cutter';
//   const conns = await listConnections(parseFilter({ host: '192.0.2.10', port: 6881 }));
//   for (const r of await cut(conns)) console.log(r.result, r.reason, r.ms);
export { listConnections, sortConnections, type ListOptions } from './find/query.js';
export {
  toConnection,
  describeConnection,
  formatEndpoint,
  type Connection,
  type Endpoint,
} from './find/connection.js';
export {
  matchesFilter,
  describeFilter,
  kernelFilter,
  type ConnectionFilter,
  type PortRange,
} from './find/filter.js';
export {
  parseAddressMatch,
  addressMatches,
  ArgumentError,
  type AddressMatch,
} from './find/address-match.js';
export { parseFilter, type FilterSpec } from './find/filter-spec.js';
export { watchConnections, type ConnectionWatch, type WatchHandlers } from './find/watch.js';
export { cut } from './cut/cut.js';
export { DEFAULT_INJECT_MARK, RULE_OWNER, type CutOptions } from './cut/options.js';
export type { CutResult, CutOutcome, CutMethod, EndReport } from './cut/result.js';
export { connectionJson, resultJson } from './cli/output.js';
export { cleanupStale } from '@p2pwall/core/firewall';
