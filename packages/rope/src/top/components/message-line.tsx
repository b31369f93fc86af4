// The line above the keys: the block prompt, the pass-all question, or the latest message (a
// command's answer, or why rope run cannot be reached).
/* @jsxRuntime automatic */ // tests run through tsx, which reads the root tsconfig (no jsx setting)
import { Text } from 'ink';
import type { TopState } from '../state/reducer.js';
import { Seg } from '@p2pwall/tui';

export function MessageLine({ state }: { state: TopState }) {
  if (state.mode === 'prompt' && state.prompt) {
    return (
      <Text wrap="truncate">
        <Seg bold tone="accent">
          block:
        </Seg>
        {` ${state.prompt.text}`}
        <Seg tone="accent">_</Seg>
        {state.prompt.error ? (
          <Seg tone="bad">{`  ${state.prompt.error}`}</Seg>
        ) : (
          <Seg tone="muted"> ADDR[:PORT] [TIME], e.g. 198.51.100.7:6881 10m</Seg>
        )}
      </Text>
    );
  }
  if (state.mode === 'confirm') {
    return (
      <Text wrap="truncate">
        <Seg bold tone="warn">
          Turn pass-all on? Every packet is accepted until it is off again. [y/N]
        </Seg>
      </Text>
    );
  }
  const m =
    state.message ??
    (state.link.state === 'down' ? { text: state.link.error, tone: 'bad' as const } : null);
  if (!m) return <Text> </Text>;
  return (
    <Text wrap="truncate">
      <Seg tone={m.tone === 'bad' ? 'bad' : m.tone === 'ok' ? 'ok' : undefined}>{m.text}</Seg>
    </Text>
  );
}
