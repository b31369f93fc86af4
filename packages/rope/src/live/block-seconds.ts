// The default of --block-seconds, on its own so that rope run's help can name it without loading
// the cut (and with it the netlink sockets).

/** How long a cut UDP tuple stays blocked unless --block-seconds says otherwise. */
export const DEFAULT_BLOCK_SECONDS = 60;
