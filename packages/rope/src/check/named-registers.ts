// Named user registers (`$limit`, `$lines`): any register name that is not an internal register or
// `$a`…`$z` and is free to take (see namedRegisterProblem) is a user register of the script,
// numbered after `$z` in order of first appearance.
import type { Node } from '../ast.js';
import { MAX_NAMED_REGISTERS, namedRegisterProblem, registerInfo } from '../language/registers.js';
import { USER_REGISTERS } from '../runtime/machine.js';

/** name → index in the machine's user registers (26 and up). */
export function collectNamedRegisters(
  nodes: Node[],
  out = new Map<string, number>(),
): Map<string, number> {
  for (const n of nodes) {
    if (n.kind === 'register') {
      if (
        !registerInfo(n.name) &&
        !out.has(n.name) &&
        namedRegisterProblem(n.name) === null &&
        out.size < MAX_NAMED_REGISTERS
      ) {
        out.set(n.name, USER_REGISTERS + out.size);
      }
    } else if (n.kind === 'block' || n.kind === 'group') collectNamedRegisters(n.body, out);
    else if (n.kind === 'call') collectNamedRegisters(n.args, out);
  }
  return out;
}
