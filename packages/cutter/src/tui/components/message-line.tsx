// The line above the status line: the `/` prompt while filtering, the one-key question before a
// cut, otherwise the latest message (a cut's summary, an error of the conntrack watch, …).
/* @jsxRuntime automatic */ // tests run through tsx, which reads the root tsconfig (no jsx setting)
import { Seg } from '@p2pwall/tui';
import { Text } from 'ink';
import { describeConnection } from '../../find/connection.js';
import type { TuiState } from '../state/tui-state.js';

export function MessageLine({ state }: { state: TuiState }) {
  if (state.mode === 'filter' && state.draft) {
    const d = state.draft;
    const shown = state.visible.filter((r) => !r.gone).length;
    return (
      <Text wrap="truncate">
        <Seg bold tone="accent">
          /
        </Seg>
        {d.text}
        <Seg tone="accent">_</Seg>
        {d.error ? (
          <Seg tone="bad">{`  ${d.error}`}</Seg>
        ) : (
          <Seg tone="muted">{`  ${shown} match${shown === 1 ? '' : 'es'}`}</Seg>
        )}
      </Text>
    );
  }
  if (state.mode === 'confirm' && state.confirm) {
    const keys = state.confirm;
    const first = state.rows.get(keys[0]);
    const what =
      keys.length === 1 && first
        ? describeConnection(first.connection)
        : `${keys.length} selected connections`;
    return (
      <Text wrap="truncate">
        <Seg bold tone="warn">{`Cut ${what}? [y/N] `}</Seg>
        <Seg tone="muted">y cuts, any other key cancels</Seg>
      </Text>
    );
  }
  if (!state.message) return <Text> </Text>;
  const tone =
    state.message.tone === 'bad' ? 'bad' : state.message.tone === 'ok' ? 'ok' : undefined;
  return (
    <Text wrap="truncate">
      <Seg tone={tone}>{state.message.text}</Seg>
    </Text>
  );
}
