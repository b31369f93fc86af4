// How cutter reports an error that ends it: one line on stderr, and the exit status it maps to.
import { FirewallError } from '@p2pwall/core/firewall';
import { InjectError } from '@p2pwall/core/inject';
import { NetlinkError } from '@p2pwall/core/netlink';
import { ArgumentError } from '../find/address-match.js';
import { EXIT_ERROR, EXIT_PRIVILEGE, EXIT_USAGE } from './exit-codes.js';

const err = (s: string) => process.stderr.write(`cutter: ${s}\n`);

/** Maps an error to its exit status and prints it as one line. */
export function fail(e: unknown): number {
  if (e instanceof ArgumentError) {
    err(`${e.message} (see cutter --help)`);
    return EXIT_USAGE;
  }
  if (e instanceof NetlinkError) {
    err(e.message);
    return ['EPERM', 'EACCES', 'EPROTONOSUPPORT', 'EOPNOTSUPP'].includes(e.code)
      ? EXIT_PRIVILEGE
      : EXIT_ERROR;
  }
  if (e instanceof InjectError) {
    err(e.message);
    return e.reason === 'privilege' ? EXIT_PRIVILEGE : EXIT_ERROR;
  }
  if (e instanceof FirewallError) {
    err(e.message);
    return e.reason === 'failed' ? EXIT_ERROR : EXIT_PRIVILEGE;
  }
  err(e instanceof Error ? (e.stack ?? e.message) : String(e));
  return EXIT_ERROR;
}
