// Scores per-flow labels against truth.tsv as shared/spec/detection.md describes: per class,
// recall on `yes` rows and false positives on `no` rows (`any` rows count for neither). Used by the
// accuracy test and by the benchmark that puts rope and ndpiReader side by side.
import { CLASSES, flowKey, truthKeys, type TruthClass, type TruthRow } from './truth.js';

/** One classified flow as a tool reported it. */
export interface LabelledFlow {
  capture: string;
  l4: 'tcp' | 'udp';
  a: string;
  b: string;
  labels: readonly string[];
}

export interface ClassScore {
  yes: number;
  found: number;
  /** `no` rows the tool labelled with this class. */
  falsePositives: number;
  recall: number;
  /** Truth rows (`capture l4 a b`) missed (yes, not labelled) and wrongly labelled (no, labelled). */
  missed: string[];
  wrong: string[];
}

export type Score = Record<TruthClass, ClassScore> & {
  /** Truth rows for which the tool reported no flow at all. */
  unseen: string[];
};

/** Labels as the truth names them: `http-large` and `http_large` are the same class. */
function normalise(label: string): string {
  return label.toLowerCase().replace(/-/g, '_');
}

export function score(truth: readonly TruthRow[], flows: readonly LabelledFlow[]): Score {
  const byKey = new Map<string, Set<string>>();
  for (const f of flows) {
    const key = flowKey(f.capture, f.l4, f.a, f.b);
    const set = byKey.get(key) ?? new Set<string>();
    for (const l of f.labels) set.add(normalise(l));
    byKey.set(key, set);
  }
  const result = { unseen: [] as string[] } as Score;
  for (const c of CLASSES)
    result[c] = { yes: 0, found: 0, falsePositives: 0, recall: 1, missed: [], wrong: [] };
  for (const row of truth) {
    const name = `${row.pcap} ${row.l4} ${row.a} ${row.b}`;
    let labels: Set<string> | undefined;
    for (const key of truthKeys(row)) {
      labels = byKey.get(key);
      if (labels) break;
    }
    if (!labels) result.unseen.push(name);
    for (const c of CLASSES) {
      const has = labels?.has(c) ?? false;
      const expected = row.classes[c];
      const s = result[c];
      if (expected === 'yes') {
        s.yes++;
        if (has) s.found++;
        else s.missed.push(name);
      } else if (expected === 'no' && has) {
        s.falsePositives++;
        s.wrong.push(name);
      }
    }
  }
  for (const c of CLASSES)
    result[c].recall = result[c].yes === 0 ? 1 : result[c].found / result[c].yes;
  return result;
}
