// The row under the cursor in full: every address (NAT included), id and mark, and the whole
// reason of its result — what the table had to cut short.
/* @jsxRuntime automatic */ // tests run through tsx, which reads the root tsconfig (no jsx setting)
import { Seg } from '@p2pwall/tui';
import { Text } from 'ink';
import { describeConnection } from '../../find/connection.js';
import { formatMs } from '../format.js';
import type { Row } from '../state/rows.js';
import { useTheme } from '../theme.js';

export function detailText(
  r: Row,
  dot: string,
): { text: string; result: string; tone?: 'ok' | 'bad' | 'warn' | 'busy' } {
  const c = r.connection;
  const extra = [
    c.id !== undefined ? `id ${c.id}` : '',
    c.zone ? `zone ${c.zone}` : '',
    r.gone ? 'gone from conntrack' : '',
  ].filter(Boolean);
  const text = [describeConnection(c), ...extra].join(` ${dot} `);
  const res = r.result;
  if (!res) return { text, result: '' };
  const sep = ` ${dot} `;
  if (res.kind === 'cutting') return { text, result: `${sep}cutting`, tone: 'busy' };
  if (res.kind === 'cut')
    return {
      text,
      result: `${sep}cut in ${formatMs(res.ms)}${res.method ? ` (${res.method})` : ''}${res.reason ? `: ${res.reason}` : ''}`,
      tone: 'ok',
    };
  return {
    text,
    result: `${sep}${res.kind}: ${res.reason}`,
    tone: res.kind === 'failed' ? 'bad' : 'warn',
  };
}

export function DetailLine({ row }: { row: Row | undefined }) {
  const dot = useTheme().glyphs.dot;
  if (!row) return <Text> </Text>;
  const d = detailText(row, dot);
  return (
    <Text wrap="truncate">
      {d.text}
      {d.result ? <Seg tone={d.tone}>{d.result}</Seg> : ''}
    </Text>
  );
}
