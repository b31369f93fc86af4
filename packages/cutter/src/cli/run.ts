// What cutter does once its arguments are parsed (main.ts): remove what killed cutters left,
// then list, cut after asking, cut at once (--yes), or open the interactive view.
import { IPPROTO_TCP } from '@p2pwall/core';
import {
  cleanupStale,
  cleanupStaleAsync,
  detectBackendAsync,
  type BackendKind,
} from '@p2pwall/core/firewall';
import { describeConnection, hasPorts } from '../find/connection.js';
import { describeFilter } from '../find/filter.js';
import { listConnections } from '../find/query.js';
import { cut } from '../cut/cut.js';
import { RULE_OWNER, type CutOptions } from '../cut/options.js';
import type { CutResult } from '../cut/result.js';
import type { CliOptions } from './args.js';
import {
  cutStatus,
  EXIT_ALL_CUT,
  EXIT_NOTHING_MATCHED,
  EXIT_PRIVILEGE,
  EXIT_SOME_FAILED,
  EXIT_USAGE,
} from './exit-codes.js';
import { runInteractive } from './interactive.js';
import { opensView } from './opens-view.js';
import { removeLeftovers } from './leftovers.js';
import {
  connectionJson,
  isListed,
  jsonLine,
  resultJson,
  resultLine,
  summaryJsonLine,
  summaryLine,
} from './output.js';
import { privilegeProblem } from './privileges.js';
import { stdoutLines } from './line-out.js';

const stdout = stdoutLines();
const out = (s: string) => stdout.line(s);
const err = (s: string) => process.stderr.write(`cutter: ${s}\n`);

function cutOptions(o: CliOptions): CutOptions {
  return {
    ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
    freeze: o.freeze,
    dropUdp: o.dropUdp,
    ...(o.blockSeconds !== undefined ? { blockSeconds: o.blockSeconds } : {}),
    ...(o.firewall ? { firewall: o.firewall } : {}),
    ...(o.trace
      ? { session: { trace: (line: string) => process.stderr.write(`trace ${line}\n`) } }
      : {}),
  };
}

/** Does what the options say; resolves with the exit status. */
export async function runCutter(o: CliOptions): Promise<number> {
  if (o.cleanup) {
    const problem = privilegeProblem(['CAP_NET_ADMIN']);
    if (problem) {
      err(problem);
      return EXIT_PRIVILEGE;
    }
    const removed = cleanupStale(RULE_OWNER);
    for (const r of removed)
      out(
        `removed ${r.backend} ${r.backend === 'nft' ? 'table' : 'chains'} ${r.name} (left by pid ${r.pid})`,
      );
    if (removed.length === 0) out('no leftover cutter rules');
    return EXIT_ALL_CUT;
  }

  const problem = privilegeProblem(o.list ? ['CAP_NET_ADMIN'] : ['CAP_NET_ADMIN', 'CAP_NET_RAW']);
  if (problem) {
    err(problem);
    return EXIT_PRIVILEGE;
  }

  // a cutter killed by SIGKILL could not remove its rules: whoever cuts next does, before its own
  // rules go in; the firewall tools list them while conntrack is read
  const leftovers = o.list
    ? null
    : cleanupStaleAsync(RULE_OWNER).then(
        (removed) => () => removed,
        (e: unknown) => () => {
          throw e;
        },
      );
  const reportLeftovers = async () => {
    if (leftovers) removeLeftovers({ json: o.json, out, err }, await leftovers);
  };
  // which firewall tool the cut's rules go through, asked meanwhile too (the cut would ask later)
  const interactive = opensView(o);
  const firewall =
    o.list || o.firewall || interactive
      ? null
      : detectBackendAsync().catch((): BackendKind | null => null);

  // the interactive view does its own dump and then follows the kernel's events, so it opens even
  // when nothing matches yet: connections that appear later show up in it
  if (interactive) {
    await reportLeftovers();
    return runInteractive({
      filter: o.filter,
      cutOptions: cutOptions(o),
      showClosing: o.showClosing,
      stderr: process.stderr,
    });
  }

  const matches = await listConnections(o.filter);
  await reportLeftovers();
  if (o.list) {
    for (const c of matches) out(o.json ? jsonLine(connectionJson(c)) : describeConnection(c));
    if (!o.json)
      process.stderr.write(
        `${matches.length} connection${matches.length === 1 ? '' : 's'} match ${describeFilter(o.filter)}\n`,
      );
    return matches.length > 0 ? EXIT_ALL_CUT : EXIT_NOTHING_MATCHED;
  }
  if (matches.length === 0) {
    err(`no connection matches ${describeFilter(o.filter)}`);
    return EXIT_NOTHING_MATCHED;
  }

  if (!o.yes) {
    if (!process.stdin.isTTY) {
      err(
        `refusing to cut ${matches.length} connection${matches.length === 1 ? '' : 's'} without --yes (stdin is not a terminal)`,
      );
      return EXIT_USAGE;
    }
    for (const c of matches) process.stderr.write(`  ${describeConnection(c)}\n`);
    // the question's module (node:readline) loads only when there is a question
    const { confirm } = await import('./confirm.js');
    if (
      !(await confirm(
        `cut these ${matches.length} connection${matches.length === 1 ? '' : 's'}? [y/N] `,
      ))
    ) {
      err('nothing cut');
      return EXIT_SOME_FAILED;
    }
  }

  const detected = await firewall;
  const results: CutResult[] = await cut(matches, {
    ...cutOptions(o),
    ...(detected ? { firewall: detected } : {}),
    onResult: (r) => {
      if (isListed(r, o.showClosing)) out(o.json ? jsonLine(resultJson(r)) : resultLine(r));
    },
    onReady: () => {
      const udp =
        o.dropUdp && matches.some((c) => c.protoNum !== IPPROTO_TCP && hasPorts(c.protoNum));
      if (udp && !o.json)
        process.stderr.write(
          `cutter: blocking the dropped non-TCP flows for ${o.blockSeconds ?? 60} s (Ctrl-C lifts the block)\n`,
        );
    },
  });
  if (o.json) out(summaryJsonLine(results));
  stdout.flush();
  if (!o.json) process.stderr.write(`${summaryLine(results)}\n`);
  return cutStatus(results);
}
