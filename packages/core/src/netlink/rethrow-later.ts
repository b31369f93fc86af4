// The `netlink` package calls our listeners from native code, where an exception that escapes
// aborts the whole process (SIGABRT, no 'uncaughtException', no cleanup). A listener's own
// exception is therefore caught there and thrown again here, from setImmediate, where Node treats
// it as an ordinary uncaught exception and cleanup handlers still run.

/** Re-throws `e` outside the current (native) callback. */
export function rethrowLater(e: unknown): void {
  setImmediate(() => {
    throw e;
  });
}
