// The real l7-protocols pattern files (../shared/l7-protocols beside the checkout: test data, not
// shipped): every one loads or is refused with a clear error, every script printed compiles on
// its own, and a few patterns label the corpus captures sensibly.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { classifyCapture } from '../classify/classify-capture.js';
import { compile } from '../compile/compile.js';
import { renderDiagnostics } from '../diagnostic.js';
import { corpusDir, corpusSkip, repoRoot } from '../../../../test/support/environment.js';
import { compilePattern } from './load-pattern.js';

const L7_DIR = process.env.P2PWALL_L7_PROTOCOLS ?? join(repoRoot, '..', 'shared', 'l7-protocols');

function patternFiles(): string[] {
  assert.ok(
    existsSync(L7_DIR),
    `the l7-protocols pattern files are not at ${L7_DIR}: these tests need them (set P2PWALL_L7_PROTOCOLS to their folder)`,
  );
  return readdirSync(L7_DIR)
    .filter((f) => f.endsWith('.pat'))
    .sort();
}

/** The files rope refuses, and why (each reason is in docs/l7-patterns.md). */
const REFUSED: Record<string, RegExp> = {
  // `\-` in a bracket: a range from `\` in l7-filter's regex, surely not what was meant
  'finger.pat': /^finger\.pat:15:14: error: `\\-` in a bracket expression/,
  // l7-filter's own names for undecided flows, not patterns
  'unknown.pat': /^unknown\.pat:3:1: error: `unknown` is not a pattern/,
  'unset.pat': /^unset\.pat:3:1: error: `unset` is not a pattern/,
};

test('every l7-protocols pattern loads, or is refused with file:line:col and a reason', () => {
  const files = patternFiles();
  assert.equal(files.length, 115);
  let loaded = 0;
  for (const f of files) {
    const r = compilePattern(readFileSync(join(L7_DIR, f), 'latin1'), f);
    const text = renderDiagnostics(r.diagnostics.filter((d) => d.severity === 'error'));
    if (REFUSED[f]) {
      assert.equal(r.script, null, f);
      assert.match(text, REFUSED[f], f);
      continue;
    }
    assert.ok(r.script, `${f} does not load:\n${text}`);
    assert.equal(r.script.name, f.slice(0, -'.pat'.length), 'the protocol names the file');
    // what `rope l7 convert` prints is a script `rope check` accepts as it is
    assert.deepEqual(compile(r.source!, `${r.script.name}.rope`).diagnostics, [], f);
    loaded++;
  }
  assert.equal(loaded, 112);
});

function labels(pattern: string, capture: string): Record<string, number> {
  const r = compilePattern(readFileSync(join(L7_DIR, pattern), 'latin1'), pattern);
  assert.ok(r.script);
  const report = classifyCapture(join(corpusDir, 'pcap', capture), [{ script: r.script }]);
  assert.equal(report.error, null);
  const count: Record<string, number> = {};
  for (const f of report.flows) {
    const k = `${f.l4}:${f.labels.join('+') || '-'}`;
    count[k] = (count[k] ?? 0) + 1;
  }
  return count;
}

test(
  'l7 patterns on the corpus: BitTorrent, Gnutella, eDonkey and HTTP flows get their labels',
  {
    skip: corpusSkip(),
  },
  () => {
    patternFiles();
    // all 13 BitTorrent connections of the capture (truth.tsv: 13 yes)
    assert.deepEqual(labels('bittorrent.pat', 'bittorrent.pcap'), { 'tcp:bittorrent': 13 });
    // the 31 TCP flows truth.tsv says are Gnutella, nothing else; l7's pattern knows no UDP ping
    const g = labels('gnutella.pat', 'gnutella.pcap');
    assert.equal(g['tcp:gnutella'], 31);
    assert.equal(g['udp:gnutella'], undefined);
    assert.deepEqual(labels('edonkey.pat', 'edonkey.pcap'), { 'tcp:edonkey': 1 });
    assert.deepEqual(labels('http.pat', 'windowsupdate_over_http.pcap'), { 'tcp:http': 1 });
    // and the BitTorrent pattern labels no Gnutella flow, nor the other way round
    assert.deepEqual(Object.keys(labels('bittorrent.pat', 'gnutella.pcap')).sort(), [
      'tcp:-',
      'udp:-',
    ]);
    assert.deepEqual(labels('gnutella.pat', 'bittorrent.pcap'), { 'tcp:-': 13 });
  },
);
