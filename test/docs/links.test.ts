// Every relative link of the project's Markdown files leads somewhere: the file exists, and an
// anchor (`page.md#section`, `#section`) names a heading of the page as GitHub renders it. Pages
// are split and sections renamed as the project grows (docs/performance.md became a summary and a
// log); a reader who follows a link from the README or a source comment's page should not land on
// nothing. Links to the web are not followed here (no network in CI).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { repoRoot } from '../support/environment.js';

/** The Markdown files git tracks, relative to the repository root. */
function markdownFiles(): string[] {
  return execFileSync('git', ['ls-files', '*.md'], { cwd: repoRoot, encoding: 'utf8' })
    .split('\n')
    .filter((f) => f !== '');
}

/** The page's lines outside fenced code blocks, with their numbers (from 1). */
function proseLines(text: string): [number, string][] {
  const out: [number, string][] = [];
  let fence: string | null = null;
  text.split('\n').forEach((line, i) => {
    const m = /^\s*(`{3,}|~{3,})/.exec(line);
    if (m) {
      if (fence === null) fence = m[1][0];
      else if (m[1][0] === fence) fence = null;
      return;
    }
    if (fence === null) out.push([i + 1, line]);
  });
  return out;
}

/**
 * GitHub's anchor for a heading: its rendered text lower-cased, without punctuation but for
 * hyphens and underscores, spaces made hyphens (github-slugger's rule); a repeated one gets -1, -2…
 */
function headingSlug(heading: string): string {
  const text = heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1') // a link shows its text
    .replace(/`/g, '')
    .replace(/\*\*|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)/g, '') // emphasis markers
    .trim()
    .toLowerCase();
  return text.replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
}

function anchorsOf(text: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const [, line] of proseLines(text)) {
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = headingSlug(m[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

/** Relative link targets of a page: inline `[text](target)` and reference definitions. */
function linksOf(text: string): { line: number; target: string }[] {
  const out: { line: number; target: string }[] = [];
  for (const [n, raw] of proseLines(text)) {
    const line = raw.replace(/`[^`]*`/g, '``'); // a code span is not a link
    for (const m of line.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g))
      out.push({ line: n, target: m[1] });
    const def = /^\s*\[[^\]]+\]:\s*(\S+)/.exec(line);
    if (def) out.push({ line: n, target: def[1] });
  }
  return out.filter((l) => !/^[a-z][a-z0-9+.-]*:/i.test(l.target)); // http:, mailto: …
}

test('headingSlug follows GitHub: code spans, punctuation and emphasis', () => {
  assert.equal(headingSlug('rope run on NFQUEUE'), 'rope-run-on-nfqueue');
  assert.equal(
    headingSlug('cutter: command start to both ends reset'),
    'cutter-command-start-to-both-ends-reset',
  );
  assert.equal(
    headingSlug('`--json --jobs N`: captures side by side'),
    '--json---jobs-n-captures-side-by-side',
  );
  assert.equal(
    headingSlug('Start-up (rope, cutter vs Node alone)'),
    'start-up-rope-cutter-vs-node-alone',
  );
  assert.equal(
    headingSlug('**Bold** and _emphasis_ in snake_case'),
    'bold-and-emphasis-in-snake_case',
  );
  assert.equal(headingSlug('[A link](x.md) heading'), 'a-link-heading');
});

test('every relative link of the Markdown files reaches a file, and an anchor a heading', () => {
  const broken: string[] = [];
  const anchorCache = new Map<string, Set<string>>();
  const anchors = (file: string) => {
    let a = anchorCache.get(file);
    if (!a) anchorCache.set(file, (a = anchorsOf(readFileSync(file, 'utf8'))));
    return a;
  };
  const files = markdownFiles();
  assert.ok(files.includes('README.md') && files.includes('docs/performance.md'));
  for (const page of files) {
    const path = join(repoRoot, page);
    for (const { line, target } of linksOf(readFileSync(path, 'utf8'))) {
      const [file, anchor] = target.split('#', 2) as [string, string | undefined];
      const dest = file === '' ? path : join(dirname(path), decodeURIComponent(file));
      const where = `${page}:${line}: ${target}`;
      if (!existsSync(dest)) {
        broken.push(`${where} (no ${relative(repoRoot, dest)})`);
        continue;
      }
      if (anchor && dest.endsWith('.md') && statSync(dest).isFile() && !anchors(dest).has(anchor))
        broken.push(`${where} (no heading #${anchor} in ${relative(repoRoot, dest)})`);
    }
  }
  assert.deepEqual(broken, []);
});
