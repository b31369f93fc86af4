// rope top — a live view of a running `rope run --control` (src/top). Ink and React are loaded
// only when the view opens, so `rope --help` and the other commands start as fast as before.
import { DEFAULT_CONTROL_PATH } from '../../control/socket-file.js';
import { EXIT_OK, EXIT_USAGE, parseCommandArgs, UsageError, type Command } from '../command.js';

const OPTIONS = { control: { type: 'string' } } as const;

export const topCommand: Command = {
  name: 'top',
  esModuleProgram: true,
  options: OPTIONS,
  summary: 'a live view of a running rope run: rates per label, hosts, locks and blocks',
  help: `usage: rope top [--control PATH]

A live view of a running 'rope run --control', polled once a second over its
control socket (default ${DEFAULT_CONTROL_PATH}, mode 0600: root only):
packets and flows per second per label, the inside hosts with the most P2P
flows, the locked clients and blocked peers with their countdown. When rope run
goes away the view says so and keeps trying until it is back.

keys:
  up/down, j/k  move over the locked clients and blocked peers
  u             unlock the client / unblock the peer under the cursor
  b             block a peer: type ADDR[:PORT] [TIME], then Enter
  p             toggle pass-all (ftwall's accept-all; turning it on asks first)
  ?             help
  q, Esc        quit (rope run goes on)

NO_COLOR (or TERM=dumb) turns colours off; the view needs at least 60x10.

options:
  --control PATH   the socket of the rope run to watch
  -h, --help       this help

See docs/rope-ctl.md (rope top is described there too).
`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, OPTIONS);
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    const path = values.control === undefined ? DEFAULT_CONTROL_PATH : String(values.control);
    if (path === '') throw new UsageError('--control needs a path');
    if (!process.stdin.isTTY || !process.stdout.isTTY) {
      io.err(
        "rope top: the live view needs a terminal; for scripts, use 'rope ctl stats --json' and 'rope ctl list --json'\n",
      );
      return EXIT_USAGE;
    }
    if (process.env.TERM === 'dumb') {
      io.err(
        "rope top: cannot redraw a TERM=dumb terminal; use 'rope ctl stats' and 'rope ctl list'\n",
      );
      return EXIT_USAGE;
    }
    const [{ runTop }, { ControlSource }] = await Promise.all([
      import('../../top/run-top.js'),
      import('../../top/control-source.js'),
    ]);
    const source = new ControlSource(path);
    try {
      await runTop({ source });
    } finally {
      source.close();
    }
    return EXIT_OK;
  },
};
