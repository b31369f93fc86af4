// rope top: the reducer's state drawn as title, sections (or help), message and key lines, fed
// by a TopSource passed in as a prop.
/* @jsxRuntime automatic */ // tests run through tsx, which reads the root tsconfig (no jsx setting)
import {
  KeyHelpLine,
  PLAIN_THEME,
  ThemeContext,
  TooSmall,
  tooSmall,
  useTerminalSize,
  type TerminalSize,
  type Theme,
} from '@p2pwall/tui';
import { Box, useApp } from 'ink';
import { useCallback, useEffect, useReducer, useRef } from 'react';
import { HelpView } from './components/help-view.js';
import { MessageLine } from './components/message-line.js';
import { Section } from './components/section.js';
import { TitleLine } from './components/title-line.js';
import { useCommands } from './hooks/use-commands.js';
import { POLL_MS, usePoll } from './hooks/use-poll.js';
import { useTicker } from './hooks/use-ticker.js';
import { useTopInput } from './hooks/use-top-input.js';
import { keyHints } from './key-hints.js';
import { bodyLines, sectionHeights } from './layout/screen.js';
import { entryLines, hostLines, labelLines } from './layout/tables.js';
import type { TopSource } from './ports.js';
import { entries, initialState, reduce } from './state/reducer.js';

export interface TopAppProps {
  source: TopSource;
  /** Called once, when the user quits. */
  onExit(): void;
  /** A fixed terminal size (tests); by default the terminal's, following resizes. */
  size?: TerminalSize;
  theme?: Theme;
  /** The clock (tests pass their own). */
  now?: () => number;
  /** Tick the clock every second; tests turn it off for stable frames. */
  ticking?: boolean;
  pollMs?: number;
}

export function TopApp({
  source,
  onExit,
  size: fixedSize,
  theme = PLAIN_THEME,
  now = Date.now,
  ticking = true,
  pollMs = POLL_MS,
}: TopAppProps) {
  const size = useTerminalSize(fixedSize);
  // one clock function for the whole life of the view: hooks that depend on it do not restart
  // when a parent passes a new arrow function
  const nowRef = useRef(now);
  nowRef.current = now;
  const clock = useCallback(() => nowRef.current(), []);
  const [state, dispatch] = useReducer(reduce, undefined, () => initialState({ now: now(), size }));
  const app = useApp();

  useEffect(() => {
    if (size.columns !== state.size.columns || size.rows !== state.size.rows)
      dispatch({ type: 'resize', ...size });
  }, [size.columns, size.rows]);
  usePoll(source, state.pollSeq, dispatch, clock, pollMs);
  useCommands(source, state.outbox, dispatch, clock);
  useTopInput(dispatch, clock);
  useTicker(dispatch, clock, ticking);

  const exited = useRef(false);
  useEffect(() => {
    if (!state.quit || exited.current) return;
    exited.current = true;
    onExit();
    app.exit();
  }, [state.quit]);

  if (tooSmall(state.size)) {
    return (
      <ThemeContext.Provider value={theme}>
        <TooSmall size={state.size} />
      </ThemeContext.Provider>
    );
  }

  const heights = sectionHeights(state.size, {
    labels: state.stats?.labels.length ?? 0,
    hosts: state.stats?.hosts?.length ?? 0,
    entries: entries(state).length,
  });
  return (
    <ThemeContext.Provider value={theme}>
      <Box flexDirection="column" width={state.size.columns}>
        <TitleLine state={state} where={source.where} />
        {state.mode === 'help' ? (
          <HelpView height={bodyLines(state.size)} />
        ) : (
          <>
            <Section lines={labelLines(state, heights.labels)} />
            <Section lines={hostLines(state, heights.hosts)} />
            <Section lines={entryLines(state, heights.entries, theme.glyphs.cursor)} />
          </>
        )}
        <MessageLine state={state} />
        <KeyHelpLine hints={keyHints(state.mode, theme.glyphs.moveKeys)} />
      </Box>
    </ThemeContext.Provider>
  );
}
