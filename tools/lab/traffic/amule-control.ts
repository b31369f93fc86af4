// Talking to a running amuled through amulecmd, for amule.ts: run a command and tell whether it
// reached the daemon, read a download's state, kick aMule's task scheduler, and describe a
// daemon's state (Kad, sources, bytes moved, its own log) for an error message that can be
// diagnosed from a CI log alone.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AmulePeer } from './amule.js';

export const EC_PORT = 4712;
export const EC_PASSWORD = 'lab';

export interface CmdResult {
  /** amulecmd reached the daemon and, for commands that say so, the daemon accepted it. */
  ok: boolean;
  /** The daemon's answer: the ` > ` lines without that prefix, or what amulecmd said instead. */
  text: string;
}

/**
 * Runs one amulecmd command. amulecmd exits 0 even when it cannot reach the daemon ("Connection
 * Failed"), so success is read from its output, not its exit code.
 */
export async function amulecmd(peer: AmulePeer, command: string): Promise<CmdResult> {
  const r = await peer.host.exec(
    ['amulecmd', '-h', '127.0.0.1', '-p', String(EC_PORT), '-P', EC_PASSWORD, '-c', command],
    { allowFail: true, timeoutMs: 20_000 },
  );
  const answer = r.stdout
    .split('\n')
    .filter((l) => l.startsWith(' > '))
    .map((l) => l.slice(3));
  const connected = /Connection established/.test(r.stdout);
  const refused = /Request failed/.test(r.stdout);
  return {
    ok: connected && !refused,
    text: connected
      ? answer.join('\n')
      : `amulecmd could not talk to amuled (exit ${r.code}): ${(r.stdout + r.stderr).trim().split('\n').pop() ?? ''}`,
  };
}

export interface Download {
  hash: string;
  name: string;
  percent: number;
  /** Sources aMule can use now, and all it knows. */
  sources: number;
  allSources: number;
  /** aMule's word for it: Waiting, Downloading, Completing, Paused, Erroneous, … */
  status: string;
  line: string;
}

/** The download queue, from `show dl` (a name line, then `[12.3%]  1/   1 (01) - Status - …`). */
export function parseDownloads(text: string): Download[] {
  const lines = text.split('\n');
  const out: Download[] = [];
  for (let i = 0; i + 1 < lines.length; i++) {
    const head = /^([0-9A-F]{32}) (.*)$/.exec(lines[i]);
    const body = /\[([\d.]+)%\]\s+(\d+)\/\s*(\d+)\s.*?- ([A-Za-z][A-Za-z ]*?) - /.exec(
      lines[i + 1],
    );
    if (!head || !body) continue;
    out.push({
      hash: head[1],
      name: head[2],
      percent: Number(body[1]),
      sources: Number(body[2]),
      allSources: Number(body[3]),
      status: body[4],
      line: `${head[2]} ${lines[i + 1].trim().replace(/\s+/g, ' ')}`,
    });
    i++;
  }
  return out;
}

/**
 * Makes aMule 2.3.3 start its task scheduler again by giving it a new file to hash. Its scheduler
 * thread runs hashing and completion tasks and exits when it finds none; a task added while the
 * thread is exiting but still alive is queued with no thread to run it (ThreadScheduler.cpp,
 * CreateSchedulerThread skips when IsAlive()). The next new task starts a thread that runs both.
 * Seen as a download that reached 100% and stays "Completing" with its data still in Temp.
 */
export async function nudgeScheduler(peer: AmulePeer, n: number): Promise<CmdResult> {
  writeFileSync(join(peer.dir, 'Incoming', `scheduler-nudge-${n}.bin`), randomBytes(1024));
  return amulecmd(peer, 'reload shared');
}

/**
 * How many clients this daemon bans (statistics, Clients: Banned), or null when it cannot say.
 * aMule bans, by address and for 2 hours, a client whose upload requests come less than 590 s
 * apart five times (UploadClient.cpp, CheckForAggressive); from then on it drops the client's
 * TCP connections and UDP packets, Kad included.
 */
export async function bannedClients(peer: AmulePeer): Promise<number | null> {
  const r = await amulecmd(peer, 'statistics');
  const m = /^\s*Banned: (\d+)/m.exec(r.text);
  return r.ok && m ? Number(m[1]) : null;
}

function readOr(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/**
 * The last lines of aMule's own log, without the four lines each amulecmd connection adds. A
 * restarted amuled moved its previous log to logfile.bak: that comes first.
 */
export function amuleLog(peer: AmulePeer, lines: number): string[] {
  const text = [readOr(join(peer.dir, 'logfile.bak')), readOr(join(peer.dir, 'logfile'))]
    .filter((t) => t !== null)
    .join('\n(amuled restarted)\n');
  if (!text) return ['(no logfile)'];
  return text
    .split('\n')
    .filter(
      (l) =>
        l.trim() !== '' &&
        !/New external connection accepted|Connecting client: aMulecmd|Access granted\.|External connection closed\./.test(
          l,
        ),
    )
    .slice(-lines);
}

const STATISTICS =
  /^(Uptime|Uploaded Data|Downloaded Data|Active Uploads|Waiting Uploads|Found Sources|Banned|Active Connections)\b/;

/**
 * What one daemon is doing, for error messages: Kad connection, sources, download queue, bytes
 * uploaded and downloaded, and the end of its log (aMule's log file, which it writes as it goes;
 * its stdout reaches a pipe in 4 kB blocks and lags behind).
 */
export async function describePeer(
  peer: AmulePeer,
  role: string,
  exited: string | null,
): Promise<string> {
  const head = `--- aMule on ${peer.host.name} (${peer.address}, ${role})`;
  const log = amuleLog(peer, 15).map((l) => `    ${l}`);
  if (exited) return [`${head}: amuled ${exited}`, '  log:', ...log].join('\n');
  const status = await amulecmd(peer, 'status');
  if (!status.ok) return [`${head}: ${status.text}`, '  log:', ...log].join('\n');
  const dl = await amulecmd(peer, 'show dl');
  const stats = await amulecmd(peer, 'statistics');
  const downloads = parseDownloads(dl.text).map((d) => `    ${d.hash} ${d.line}`);
  const counters = stats.text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => STATISTICS.test(l));
  return [
    `${head}:`,
    `  ${status.text.split('\n').join('; ')}`,
    `  ${counters.join('; ')}`,
    `  download queue:${downloads.length ? '' : ' empty'}`,
    ...downloads,
    '  log:',
    ...log,
  ].join('\n');
}
