// Writing to a file descriptor and returning only once every byte is written. process.stdout
// queues in memory whatever a pipe cannot take at once, and a command that makes its output in
// one synchronous pass (`rope classify` over a capture of millions of flows) never lets the queue
// drain: all of its output would sit in memory until the end. This waits for the reader instead.
import { writeSync } from 'node:fs';

// a synchronous sleep while the pipe is full (Node may have made the descriptor non-blocking)
const pause = new Int32Array(new SharedArrayBuffer(4));

/** Writes all of `text` to `fd`; a reader that closed the pipe ends the process quietly. */
export function writeAllSync(fd: number, text: string): void {
  const bytes = Buffer.from(text);
  let off = 0;
  while (off < bytes.length) {
    try {
      off += writeSync(fd, bytes, off);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') Atomics.wait(pause, 0, 0, 1);
      else if (code === 'EPIPE') process.exit(0);
      else throw e;
    }
  }
}
