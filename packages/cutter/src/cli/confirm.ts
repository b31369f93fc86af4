// A y/N question on the terminal (stdin is a TTY, stdout is not: e.g. `cutter IP | tee log`).
import { createInterface } from 'node:readline';

export function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  return new Promise((resolve) => {
    rl.question(question, (answer) => {
      rl.close();
      resolve(/^y(es)?$/i.test(answer.trim()));
    });
  });
}
