// The implementation table: every verb of language/verbs.ts, by name.
import type { VerbImpl } from '../operand.js';
import { classVerbs } from './classes.js';
import { comparisonVerbs } from './comparison.js';
import { controlVerbs } from './control.js';
import { conversionVerbs } from './conversion.js';
import { integerVerbs } from './integers.js';
import { logicVerbs } from './logic.js';
import { outputVerbs } from './output.js';
import { packetVerbs } from './packet.js';
import { registerVerbs } from './registers.js';
import { stackVerbs } from './stack.js';
import { stringVerbs } from './strings.js';
import { timeVerbs } from './time.js';

export const VERB_IMPLS: Readonly<Record<string, VerbImpl>> = {
  ...registerVerbs,
  ...controlVerbs,
  ...stackVerbs,
  ...integerVerbs,
  ...logicVerbs,
  ...comparisonVerbs,
  ...stringVerbs,
  ...classVerbs,
  ...packetVerbs,
  ...conversionVerbs,
  ...outputVerbs,
  ...timeVerbs,
};
