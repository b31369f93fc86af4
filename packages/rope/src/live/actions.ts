// What `rope run` does with a flow one of its scripts matched (`--on-match`), and with the
// packets no script acts on (`--default`).

export type MatchAction =
  /** Let the flow through; the scripts stop looking at it. */
  | { kind: 'accept' }
  /** Drop the matching packet and every later packet of the flow. */
  | { kind: 'drop' }
  /** Let it through with packet mark and connmark `mark`, for the firewall to act on. */
  | { kind: 'mark'; mark: number };

export type DefaultVerdict = 'accept' | 'drop';

/** Parses `accept`, `drop` or `mark:V` (V decimal or 0x hex, 1..0xffffffff); null when it is none. */
export function parseAction(text: string): MatchAction | null {
  if (text === 'accept') return { kind: 'accept' };
  if (text === 'drop') return { kind: 'drop' };
  const m = /^mark:(0x[0-9a-fA-F]{1,8}|\d{1,10})$/.exec(text);
  if (!m) return null;
  const mark = Number(m[1]);
  if (!(mark >= 1 && mark <= 0xffffffff)) return null;
  return { kind: 'mark', mark };
}

export function actionText(a: MatchAction): string {
  return a.kind === 'mark' ? `mark:0x${a.mark.toString(16)}` : a.kind;
}
