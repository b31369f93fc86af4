// rope run keeps V8's young generation small: semi-spaces that stop growing at start-up (1–2 MiB,
// where loading the program left them) instead of growing to 16 MiB.
// Packets are answered on the thread that collects garbage, so the longest scavenge is the
// longest time a queued packet can wait for its verdict. A scavenge copies what survives it, and
// under a flood of new flows almost everything does (each flow's object and state live on): with
// the semi-spaces V8 grows to (16 MiB) one scavenge copied for 10–30 ms, the RTT p99 of every
// flow through the queue with it. Kept small, scavenges come more often and each copies less,
// for about the same total work; the long-lived flow state is promoted sooner. Node reads the
// growth factor at every scavenge, so setting it at start-up is enough; an explicit choice on
// the command line or in NODE_OPTIONS (--max-semi-space-size …) wins.
import { setFlagsFromString } from 'node:v8';

const CHOSEN = /--(?:max|min)[-_]semi[-_]space[-_]size|--semi[-_]space[-_]growth[-_]factor/;

/** Applies the policy above unless the process was told otherwise; true when it did. */
export function keepYoungGenerationSmall(
  execArgv: readonly string[] = process.execArgv,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  if (CHOSEN.test(`${execArgv.join(' ')} ${env.NODE_OPTIONS ?? ''}`)) return false;
  if (env.P2PWALL_SMALL_YOUNG_GEN === '0') return false;
  setFlagsFromString('--semi-space-growth-factor=1');
  return true;
}
