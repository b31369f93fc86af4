// `?`: the keys, what the markers and columns mean, and the order of the rows. Replaces the table
// body until any key is pressed.
/* @jsxRuntime automatic */ // tests run through tsx, which reads the root tsconfig (no jsx setting)
import { Seg } from '@p2pwall/tui';
import { Box, Text } from 'ink';
import { KEY_HELP } from '../keys.js';
import { useTheme } from '../theme.js';

export function helpLines(cursor: string, selected: string): string[] {
  const w = Math.max(...KEY_HELP.map(([k]) => k.length));
  return [
    ...KEY_HELP.map(([k, what]) => `${k.padEnd(w)}  ${what}`),
    '',
    `${cursor} marks the cursor row, ${selected} a selected row. Rows are ordered by initiator address, then the`,
    'address and port it connected to, then its port (IPv4 first); they keep their place as their state changes.',
    'AGE ">5m" means "seen for 5 minutes" (older; exact with net.netfilter.nf_conntrack_timestamp=1).',
    'BYTES/PKTS (both directions) need net.netfilter.nf_conntrack_acct=1; they are as of the last event or r.',
    'A cut row stays (state "gone") to show its result until r re-reads the table.',
  ];
}

export function HelpView({ height }: { height: number }) {
  const theme = useTheme();
  const lines = helpLines(theme.glyphs.cursor, theme.glyphs.selected).slice(
    0,
    Math.max(0, height + 1),
  );
  return (
    <Box flexDirection="column" height={height + 1}>
      <Text wrap="truncate">
        <Seg bold tone="accent">
          keys
        </Seg>
      </Text>
      {lines.slice(0, height).map((l, i) => (
        <Text key={i} wrap="truncate">
          {l || ' '}
        </Text>
      ))}
    </Box>
  );
}
