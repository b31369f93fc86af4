// Line 1: what the view watches (the command line's filter) and the `/` filter on top of it.
/* @jsxRuntime automatic */ // tests run through tsx, which reads the root tsconfig (no jsx setting)
import { Seg } from '@p2pwall/tui';
import { Text } from 'ink';
import type { ViewFilter } from '../state/view-filter.js';
import { useTheme } from '../theme.js';

export function TitleLine({ scope, view }: { scope: string; view: ViewFilter | null }) {
  const dot = useTheme().glyphs.dot;
  return (
    <Text wrap="truncate">
      <Seg bold tone="accent">
        cutter
      </Seg>
      {` ${dot} ${scope}`}
      {view ? <Seg tone="warn">{` ${dot} filter: ${view.text}`}</Seg> : ''}
    </Text>
  );
}
