// Synchronous cleanup that must run however the process ends: normal exit, an uncaught exception
// (Node emits 'exit' then too), SIGINT, SIGTERM, SIGHUP. A SIGKILL cannot be caught: that is what
// `cutter --cleanup` is for. Hooks are installed only while something is registered, so a library
// user's process keeps its default signal behaviour otherwise.
const hooks = new Set<() => void>();
let installed = false;

function runAll(): void {
  for (const h of [...hooks]) {
    hooks.delete(h);
    try {
      h();
    } catch {
      /* keep cleaning up */
    }
  }
}

const onExit = (): void => runAll();
const onSignal = (sig: NodeJS.Signals): void => {
  runAll();
  uninstall();
  // exit with the conventional status; any other listener had its turn already
  process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGTERM' ? 15 : 1));
};

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', onExit);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.off('exit', onExit);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  process.off('SIGHUP', onSignal);
}

/** Registers `hook` to run once at exit or on a fatal signal; returns its unregister function. */
export function onProcessEnd(hook: () => void): () => void {
  hooks.add(hook);
  install();
  return () => {
    hooks.delete(hook);
    if (hooks.size === 0) uninstall();
  };
}
