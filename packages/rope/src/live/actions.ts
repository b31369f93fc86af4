// What `rope run` does with a flow one of its scripts matched (`--on-match`), and with the
// packets no script acts on (`--default`).

export type MatchAction =
  /** Let the flow through; the scripts stop looking at it. */
  | { kind: 'accept' }
  /** Drop the matching packet and every later packet of the flow. */
  | { kind: 'drop' }
  /** Let it through with packet mark and connmark `mark`, for the firewall to act on. */
  | { kind: 'mark'; mark: number }
  /** Drop the flow and lock its inside host for `seconds` (the kernel drops its new connections). */
  | { kind: 'lock'; seconds: number }
  /** Drop the flow and block its outside endpoint for `seconds` (new connections to it dropped). */
  | { kind: 'block-peer'; seconds: number };

export type DefaultVerdict = 'accept' | 'drop';

/** A mark, decimal or 0x hex, 0..0xffffffff; null when `text` is none. */
export function parseMarkValue(text: string): number | null {
  if (!/^(0x[0-9a-fA-F]{1,8}|\d{1,10})$/.test(text)) return null;
  const mark = Number(text);
  return mark <= 0xffffffff ? mark : null;
}

/** The longest lock or block an action sets: 30 days, in seconds. */
export const MAX_ACTION_SECONDS = 30 * 24 * 3600;

/**
 * Parses `accept`, `drop`, `mark:V` (V decimal or 0x hex, 1..0xffffffff), `lock:SECONDS` or
 * `block-peer:SECONDS` (whole seconds, 1..30 days); null when it is none.
 */
export function parseAction(text: string): MatchAction | null {
  if (text === 'accept') return { kind: 'accept' };
  if (text === 'drop') return { kind: 'drop' };
  const timed = /^(lock|block-peer):(\d{1,7})$/.exec(text);
  if (timed) {
    const seconds = Number(timed[2]);
    if (seconds < 1 || seconds > MAX_ACTION_SECONDS) return null;
    return { kind: timed[1] as 'lock' | 'block-peer', seconds };
  }
  if (!text.startsWith('mark:')) return null;
  const mark = parseMarkValue(text.slice('mark:'.length));
  return mark === null || mark === 0 ? null : { kind: 'mark', mark };
}

export function actionText(a: MatchAction): string {
  if (a.kind === 'mark') return `mark:0x${a.mark.toString(16)}`;
  if (a.kind === 'lock' || a.kind === 'block-peer') return `${a.kind}:${a.seconds}`;
  return a.kind;
}

/** Whether the action drops the flow's packets (the timed actions drop the flow they act on). */
export function actionDrops(a: MatchAction): boolean {
  return a.kind === 'drop' || a.kind === 'lock' || a.kind === 'block-peer';
}
