// docs/json.md documents every field of the JSON lines of cutter --json, rope run --stats-json and
// rope classify --json:
// each field these lines can carry, built here with every optional field present, has a row
// (`| \`name\` |`) in the page. A new field without documentation fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildUdpPacket } from '@p2pwall/core';
import { PcapWriter } from '@p2pwall/core/pcap';
import { repoRoot } from '../support/environment.js';
import { sample } from '../cutter-tui/connections.js';
import { jsonLine, resultJson } from '../../packages/cutter/src/cli/output.js';
import { mergeSnapshots, snapshotJson } from '../../packages/rope/src/live/stats.js';
import type { MatchEvent } from '../../packages/rope/src/live/decider.js';
import { runCli } from '../../packages/rope/src/cli/run-cli.js';
import { enforcementLine } from '../../packages/rope/src/live/enforcement-log.js';

const page = readFileSync(join(repoRoot, 'docs/json.md'), 'utf8');
const documented = (field: string) => page.includes(`| \`${field}\``);

function fields(o: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(o)) for (const x of o) fields(x, out);
  else if (o && typeof o === 'object')
    for (const [k, v] of Object.entries(o)) {
      out.add(k);
      // original/reply/counters/initiator hold documented sub-fields named in prose
      if (!['original', 'reply', 'counters', 'initiator', 'responder', 'nat'].includes(k))
        fields(v, out);
    }
  return out;
}

test('docs/json.md: every field of a cutter --json result line', () => {
  const c = sample('192.0.2.10', 40001, '198.51.100.10', 80, {
    id: 1,
    timeout: 120,
    counters: { bytes: 10, packets: 2 },
    local: 'responder',
  });
  const end = { reset: true, rsts: 1, probes: 1, seen: 1, ms: 2 };
  const line = JSON.parse(
    jsonLine(
      resultJson({
        connection: c,
        result: 'cut',
        reason: '',
        method: 'rst',
        ms: 3,
        initiator: end,
        responder: end,
        conntrackDeleted: true,
        blockedUntil: Date.now(),
      }),
    ),
  );
  for (const f of fields(line)) assert.ok(documented(f), `cutter: ${f}`);
  for (const f of [
    'src',
    'dst',
    'sport',
    'dport',
    'snat',
    'dnat',
    'reset',
    'rsts',
    'probes',
    'seen',
  ])
    assert.ok(page.includes(`\`${f}\``), f);
});

test('docs/json.md: every field of rope run stats and match lines', () => {
  const s = mergeSnapshots([], 1);
  s.groups.push({
    script: 'x',
    action: 'drop',
    runs: 0,
    matches: 0,
    gaveUp: 0,
    errors: 0,
    packets: 0,
    bytes: 0,
    drops: 0,
  });
  s.queues.push({
    queue: 0,
    packets: 0,
    verdicts: 0,
    batchMessages: 0,
    singleMessages: 0,
    datagrams: 0,
    overruns: 0,
    handlerErrors: 0,
    verdictErrors: 0,
    queueDropped: 0,
    userDropped: 0,
    waiting: 0,
  });
  for (const f of fields(JSON.parse(snapshotJson(s)))) assert.ok(documented(f), `stats: ${f}`);
  const match: Required<MatchEvent & { queue: number }> = {
    time: 0,
    script: 'x',
    action: 'drop',
    protocol: 'udp',
    from: 'a',
    to: 'b',
    packet: 1,
    queue: 0,
  };
  for (const f of ['event', 'schema', ...Object.keys(match)])
    assert.ok(documented(f), `match: ${f}`);
});

test('docs/json.md: every field of a rope classify --json line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'json-doc-'));
  try {
    const path = join(dir, 'one.pcap');
    const w = new PcapWriter(path);
    w.write(
      buildUdpPacket({
        src: '192.0.2.10',
        dst: '198.51.100.20',
        srcPort: 6346,
        dstPort: 6346,
        payload: Buffer.concat([Buffer.alloc(16, 7), Buffer.from([0, 1, 0, 0, 0, 0, 0])]),
      }),
      1_700_000_000,
    );
    w.close();
    let out = '';
    assert.equal(
      await runCli(['classify', '--json', path], { out: (t) => void (out += t), err: () => {} }),
      0,
    );
    const line = JSON.parse(out) as Record<string, unknown>;
    assert.equal(line.via, 'gnutella-udp-message');
    for (const f of fields(line)) assert.ok(documented(f), `classify: ${f}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('docs/json.md: every field of a rope run --stats-json lock or block line', () => {
  for (const e of [
    { kind: 'lock', label: 'gnutella', client: '192.0.2.10', peer: null, seconds: 600 },
    { kind: 'block', label: 'ctl', client: null, peer: '198.51.100.7:6881', seconds: 60 },
  ] as const) {
    const line = JSON.parse(enforcementLine(e, true)) as Record<string, unknown>;
    assert.equal(line.event, e.kind);
    for (const f of fields(line))
      assert.ok(
        ['event', 'schema', 'time'].includes(f) || documented(f),
        `rope run ${e.kind}: ${f}`,
      );
  }
});
