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
import GithubSlugger from 'github-slugger';
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
 * A heading's text as GitHub renders it, for its anchor: a link shows its text, code spans and
 * emphasis lose their markers. github-slugger then makes the anchor as GitHub does.
 */
function headingText(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`/g, '')
    .replace(/\*\*|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)/g, '')
    .trim();
}

/** The anchors of a page's headings; a repeated heading gets -1, -2… (the slugger counts). */
function anchorsOf(text: string): Set<string> {
  const slugger = new GithubSlugger();
  const anchors = new Set<string>();
  for (const [, line] of proseLines(text)) {
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (m) anchors.add(slugger.slug(headingText(m[1])));
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

test('heading anchors follow GitHub: code spans, punctuation, emphasis, repeats', () => {
  const one = (h: string) => [...anchorsOf(`# ${h}`)][0];
  assert.equal(one('rope run on NFQUEUE'), 'rope-run-on-nfqueue');
  assert.equal(
    one('cutter: command start to both ends reset'),
    'cutter-command-start-to-both-ends-reset',
  );
  assert.equal(
    one('`--json --jobs N`: captures side by side'),
    '--json---jobs-n-captures-side-by-side',
  );
  assert.equal(one('Start-up (rope, cutter vs Node alone)'), 'start-up-rope-cutter-vs-node-alone');
  assert.equal(one('**Bold** and _emphasis_ in snake_case'), 'bold-and-emphasis-in-snake_case');
  assert.equal(one('[A link](x.md) heading'), 'a-link-heading');
  assert.deepEqual(
    [...anchorsOf('## Design choices\n## Design choices\n```\n# not a heading\n```\n')],
    ['design-choices', 'design-choices-1'],
  );
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
