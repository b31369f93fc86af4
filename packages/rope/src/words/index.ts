// The table of the language's words, in the order of the language reference (the order also
// breaks ties between equally close "did you mean" suggestions). Each group's records live in
// their own file; a new word goes into its group's file, and nothing else has to change.
import { classWords } from './classes.js';
import { comparisonWords } from './comparison.js';
import { verdictWords } from './control-verdicts.js';
import { controlWords } from './control.js';
import { conversionWords } from './conversion.js';
import { integerWords } from './integers.js';
import { logicWords } from './logic.js';
import { outputWords } from './output.js';
import { seekWords } from './packet-seek.js';
import { packetWords } from './packet.js';
import { registerWords } from './registers.js';
import { stackWords } from './stack.js';
import { stringWords } from './strings.js';
import { tableWords } from './tables.js';
import { timeWords } from './time.js';
import type { Word, WordSignature } from './word.js';

export const WORDS: readonly Word[] = [
  ...registerWords,
  ...controlWords,
  ...verdictWords,
  ...stackWords,
  ...integerWords,
  ...logicWords,
  ...comparisonWords,
  ...stringWords,
  ...classWords,
  ...packetWords,
  ...seekWords,
  ...conversionWords,
  ...outputWords,
  ...timeWords,
  ...tableWords,
];

const byName = new Map(WORDS.map((w) => [w.name, w]));

export function wordInfo(name: string): Word | undefined {
  return byName.get(name);
}

// The package's public view of the table: the signatures, under the names the language
// reference uses (verbs), typed as signatures only: checks and implementations are internal.
export type VerbInfo = WordSignature;
export const VERBS: readonly VerbInfo[] = WORDS;
export const verbInfo: (name: string) => VerbInfo | undefined = wordInfo;
