// Counts (shown/total/selected/cut/failed/skipped/closing), and while cuts run a progress bar with a
// spinner, how many are done, and for how long it has been running.
/* @jsxRuntime automatic */ // tests run through tsx, which reads the root tsconfig (no jsx setting)
import { Seg } from '@p2pwall/tui';
import { Text } from 'ink';
import { formatDuration } from '../format.js';
import { liveCount, type TuiState } from '../state/tui-state.js';
import { useTheme } from '../theme.js';

export function progressBar(done: number, total: number, width: number): string {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

export function StatusLine({ state, spinner }: { state: TuiState; spinner: string }) {
  const theme = useTheme();
  const sep = ` ${theme.glyphs.dot} `;
  const { shown, total } = liveCount(state);
  const t = state.totals;
  const run = state.run;
  return (
    <Text wrap="truncate">
      {run ? (
        <Seg tone="busy">{`${spinner} ${run.aborting ? 'stopping' : 'cutting'} ${run.done}/${run.keys.length} ${progressBar(run.done, run.keys.length, 10)} ${formatDuration(Math.max(0, state.now - run.startedAt))}${sep}`}</Seg>
      ) : (
        ''
      )}
      {state.loaded ? `${shown} shown / ${total} total` : 'reading conntrack...'}
      {`${sep}${state.selected.size} selected${sep}`}
      <Seg tone={t.cut > 0 ? 'ok' : undefined}>{`${t.cut} cut`}</Seg>
      {sep}
      <Seg tone={t.failed > 0 ? 'bad' : undefined}>{`${t.failed} failed`}</Seg>
      {t.skipped > 0 ? <Seg tone="warn">{`${sep}${t.skipped} skipped`}</Seg> : ''}
      {t.closing > 0 ? <Seg tone="muted">{`${sep}${t.closing} closing`}</Seg> : ''}
      {state.refreshing ? `${sep}refreshing...` : ''}
    </Text>
  );
}
