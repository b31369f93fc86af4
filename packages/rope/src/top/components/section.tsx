// One section: its heading and its rows (see layout/tables.ts).
/* @jsxRuntime automatic */ // tests run through tsx, which reads the root tsconfig (no jsx setting)
import { Box, Text } from 'ink';
import type { SectionLines } from '../layout/tables.js';
import { Seg } from '@p2pwall/tui';

export function Section({ lines }: { lines: SectionLines }) {
  return (
    <Box flexDirection="column">
      <Text wrap="truncate">
        <Seg bold tone="muted">
          {lines.heading}
        </Seg>
      </Text>
      {lines.rows.map((r, i) => (
        <Text key={i} wrap="truncate">
          <Seg tone={r.cursor ? 'accent' : r.muted ? 'muted' : undefined} bold={r.cursor}>
            {r.text || ' '}
          </Seg>
        </Text>
      ))}
    </Box>
  );
}
