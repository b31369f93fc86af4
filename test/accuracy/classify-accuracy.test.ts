// Accuracy of the built-in scripts on the reference corpus, scored against truth.tsv as
// shared/spec/detection.md describes: per class, recall on `yes` flows and false positives on
// `no` flows. The figures below are the recorded ones; the test fails when recall drops below
// them or any false positive appears. Run through the real command line (`rope classify --json`,
// what users and the benchmark see) and through the library, which must agree with it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  BUILTIN_SCRIPTS,
  DEFAULT_SCRIPTS,
  SCRIPT_GROUPS,
  compileBuiltin,
  type BuiltinScript,
} from '@p2pwall/rope';
import { classifyCapture } from '../../packages/rope/src/classify/classify-capture.js';
import { corpusDir, corpusSkip, repoRoot } from '../support/environment.js';
import { score, type LabelledFlow, type Score } from '../support/score.js';
import { CLASSES, readTruth, type TruthClass } from '../support/truth.js';

/** Recorded figures: flows found of the `yes` flows, per class (and zero false positives). */
const RECORDED: Record<TruthClass, { found: number; yes: number }> = {
  bittorrent: { found: 15, yes: 15 },
  gnutella: { found: 316, yes: 316 },
  http_large: { found: 7, yes: 7 },
};

/**
 * The P2P scripts truth.tsv has no column for: every flow each labels in the corpus, as
 * `<pcap> <l4> <a> <b>`. The corpus holds one eDonkey flow (nDPI's edonkey.pcap, a client hello
 * and its answer); every other capture is another protocol, so any other label is a false
 * positive.
 */
const OTHER_P2P: Partial<Record<BuiltinScript, string[]>> = {
  edonkey: ['edonkey.pcap tcp 201.15.177.227:1754 135.192.214.240:7551'],
};

const MAIN = join(repoRoot, 'packages/rope/src/cli/main.ts');

function captures(): string[] {
  return [...new Set(readTruth(corpusDir).map((r) => r.pcap))].sort();
}

function assertScore(s: Score, how: string): void {
  const lines: string[] = [];
  for (const c of CLASSES) {
    const x = s[c];
    lines.push(`${c}: ${x.found}/${x.yes} found, ${x.falsePositives} false positives`);
    for (const m of x.missed) lines.push(`  missed ${m}`);
    for (const w of x.wrong) lines.push(`  wrong  ${w}`);
  }
  const report = `${how}\n${lines.join('\n')}`;
  for (const c of CLASSES) {
    assert.equal(s[c].yes, RECORDED[c].yes, `${c}: the truth changed\n${report}`);
    assert.ok(s[c].found >= RECORDED[c].found, `${c}: recall dropped\n${report}`);
    assert.equal(s[c].falsePositives, 0, `${c}: false positives\n${report}`);
  }
}

test(
  'rope classify --json on the corpus: recorded recall, no false positive',
  { skip: corpusSkip() },
  () => {
    const paths = captures().map((c) => join(corpusDir, 'pcap', c));
    const r = spawnSync(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', MAIN, 'classify', '--json', ...paths],
      {
        cwd: repoRoot,
        encoding: 'utf8',
        maxBuffer: 1 << 28,
      },
    );
    assert.equal(r.status, 0, r.stderr);
    const flows = r.stdout
      .trim()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as LabelledFlow & { packets: number; bytes: number; via: string | null },
      );
    for (const f of flows) {
      assert.deepEqual(Object.keys(f), [
        'capture',
        'l4',
        'a',
        'b',
        'labels',
        'packets',
        'bytes',
        'via',
      ]);
      for (const l of f.labels) assert.ok((BUILTIN_SCRIPTS as readonly string[]).includes(l), l);
      if (f.labels.length === 0) assert.equal(f.via, null);
      // scripts that name their signatures: the first label's signature starts with its name
      else if (['gnutella', 'http-large'].includes(f.labels[0]))
        assert.ok(f.via?.startsWith(`${f.labels[0]}-`), `${f.a} ${f.labels[0]} via ${f.via}`);
    }
    const truth = readTruth(corpusDir);
    const s = score(truth, flows);
    // every flow of the truth is in the output (one row's packets are absent from its capture:
    // see test/integration/corpus-flows.test.ts)
    assert.deepEqual(s.unseen, [
      'gnutella.pcap udp [fe80::c50d:519f:96a4:e108]:546 [ff02::1:2]:547',
    ]);
    assertScore(s, 'rope classify --json');
  },
);

test('the library classifies the corpus as the command line does', { skip: corpusSkip() }, () => {
  const rules = DEFAULT_SCRIPTS.map((name) => ({ script: compileBuiltin(name) }));
  const flows: LabelledFlow[] = [];
  for (const c of captures()) {
    const report = classifyCapture(join(corpusDir, 'pcap', c), rules);
    assert.equal(report.error, null, `${c}: ${report.error?.message}`);
    for (const f of report.flows)
      flows.push({ capture: c, l4: f.l4, a: f.a, b: f.b, labels: f.labels });
    // no script may fail or hit a cap on real traffic
    report.classifier.stats.forEach((st, i) =>
      assert.equal(
        st.lastError,
        null,
        `${c}: ${rules[i].script.name}: ${st.lastError?.toString()}`,
      ),
    );
  }
  assertScore(score(readTruth(corpusDir), flows), 'library');
});

test(
  'the other P2P scripts on every capture of the corpus: the recorded flows, nothing else',
  { skip: corpusSkip() },
  () => {
    const names = SCRIPT_GROUPS.p2p.filter((n) => !(DEFAULT_SCRIPTS as string[]).includes(n));
    const rules = names.map((name) => ({ script: compileBuiltin(name) }));
    const found = new Map<string, string[]>(names.map((n) => [n, []]));
    const files = readdirSync(join(corpusDir, 'pcap')).sort();
    for (const c of files) {
      const report = classifyCapture(join(corpusDir, 'pcap', c), rules);
      for (const f of report.flows)
        for (const l of f.labels) found.get(l)?.push(`${c} ${f.l4} ${f.a} ${f.b}`);
      report.classifier.stats.forEach((st, i) =>
        assert.equal(st.lastError, null, `${c}: ${names[i]}: ${st.lastError?.toString()}`),
      );
    }
    for (const n of names) assert.deepEqual(found.get(n), OTHER_P2P[n] ?? [], n);
  },
);
