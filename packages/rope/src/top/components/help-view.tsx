// `?`: the keys and what the numbers mean. Replaces the sections until any key is pressed.
/* @jsxRuntime automatic */ // tests run through tsx, which reads the root tsconfig (no jsx setting)
import { Box, Text } from 'ink';
import { KEY_HELP } from '../keys.js';
import { Seg } from '@p2pwall/tui';

export function helpLines(): string[] {
  const w = Math.max(...KEY_HELP.map(([k]) => k.length));
  return [
    ...KEY_HELP.map(([k, what]) => `${k.padEnd(w)}  ${what}`),
    '',
    "Rates are per second between two polls (one a second), from rope run's own counters.",
    "LEFT counts down between polls; 'until removed' has no expiry.",
    'pass-all: every verdict is accept and nothing new is locked or blocked.',
    'rope ctl does the same from scripts; see docs/rope-ctl.md.',
  ];
}

export function HelpView({ height }: { height: number }) {
  return (
    <Box flexDirection="column" height={height}>
      <Text wrap="truncate">
        <Seg bold tone="accent">
          keys
        </Seg>
      </Text>
      {helpLines()
        .slice(0, Math.max(0, height - 1))
        .map((l, i) => (
          <Text key={i} wrap="truncate">
            {l || ' '}
          </Text>
        ))}
    </Box>
  );
}
