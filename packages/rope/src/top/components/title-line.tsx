// Line 1: how long rope run has run, the total rates, the sizes of the sets, pass-all, and which
// rope run (the socket) — or, while it cannot be reached, since when.
/* @jsxRuntime automatic */ // tests run through tsx, which reads the root tsconfig (no jsx setting)
import { Seg, useTheme } from '@p2pwall/tui';
import { Text } from 'ink';
import { formatDuration } from '../../control/format.js';
import { formatRate } from '../layout/tables.js';
import type { TopState } from '../state/reducer.js';

export function TitleLine({ state, where }: { state: TopState; where: string }) {
  const dot = ` ${useTheme().glyphs.dot} `;
  const s = state.stats;
  const head = (
    <Seg bold tone="accent">
      rope top
    </Seg>
  );
  if (state.link.state !== 'up') {
    const what =
      state.link.state === 'connecting'
        ? 'connecting...'
        : s
          ? `rope run gone ${formatDuration((state.now - state.link.since) / 1000)} ago, retrying every second`
          : 'no rope run reachable, retrying every second';
    return (
      <Text wrap="truncate">
        {head}
        {dot}
        <Seg tone={state.link.state === 'down' ? 'bad' : 'muted'}>{what}</Seg>
        {dot + where}
      </Text>
    );
  }
  const r = state.rates;
  const parts = [
    `up ${formatDuration(s?.uptime ?? 0)}`,
    r
      ? `${formatRate(r.packetsPerSecond)} pkt/s ${formatRate(r.flowsPerSecond)} flow/s`
      : 'measuring...',
    `${s?.locked ?? 0} locked ${s?.blocked ?? 0} blocked`,
  ];
  // the socket's path last: on a narrow terminal it is what gets cut off
  return (
    <Text wrap="truncate">
      {head}
      {dot + parts.join(dot) + dot}
      {s?.passAll ? (
        <Seg bold tone="bad">
          PASS-ALL ON
        </Seg>
      ) : (
        'pass-all off'
      )}
      {dot + where}
    </Text>
  );
}
