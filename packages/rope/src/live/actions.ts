// What `rope run` does with a flow one of its scripts matched (`--on-match`), and with the
// packets no script acts on (`--default`).

export type MatchAction =
  /** Let the flow through; the scripts stop looking at it. */
  | { kind: 'accept' }
  /** Drop the matching packet and every later packet of the flow. */
  | { kind: 'drop' }
  /** Let it through with packet mark and connmark `mark`, for the firewall to act on. */
  | { kind: 'mark'; mark: number }
  /** Drop the packet and end the flow: RSTs to both TCP ends, or a UDP tuple blocked (flow-cut.ts). */
  | { kind: 'cut' };

export type DefaultVerdict = 'accept' | 'drop';

/** A mark, decimal or 0x hex, 0..0xffffffff; null when `text` is none. */
export function parseMarkValue(text: string): number | null {
  if (!/^(0x[0-9a-fA-F]{1,8}|\d{1,10})$/.test(text)) return null;
  const mark = Number(text);
  return mark <= 0xffffffff ? mark : null;
}

/** Parses `accept`, `drop`, `cut` or `mark:V` (V decimal or 0x hex, 1..0xffffffff); null when it is none. */
export function parseAction(text: string): MatchAction | null {
  if (text === 'accept') return { kind: 'accept' };
  if (text === 'drop') return { kind: 'drop' };
  if (text === 'cut') return { kind: 'cut' };
  if (!text.startsWith('mark:')) return null;
  const mark = parseMarkValue(text.slice('mark:'.length));
  return mark === null || mark === 0 ? null : { kind: 'mark', mark };
}

export function actionText(a: MatchAction): string {
  return a.kind === 'mark' ? `mark:0x${a.mark.toString(16)}` : a.kind;
}
