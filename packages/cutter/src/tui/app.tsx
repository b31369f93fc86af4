// The interactive view: the reducer's state drawn as title, table (or help), detail, message,
// status and key lines, fed by a connection source and a cutter passed in as props.
/* @jsxRuntime automatic */ // tests run through tsx, which reads the root tsconfig (no jsx setting)
import {
  KeyHelpLine,
  ThemeContext,
  TooSmall,
  tooSmall,
  useTerminalSize,
  type TerminalSize,
} from '@p2pwall/tui';
import { Box, useApp } from 'ink';
import { useEffect, useMemo, useReducer, useRef } from 'react';
import type { CutResult } from '../cut/result.js';
import { ConnectionTable } from './components/connection-table.js';
import { DetailLine } from './components/detail-line.js';
import { HelpView } from './components/help-view.js';
import { MessageLine } from './components/message-line.js';
import { StatusLine } from './components/status-line.js';
import { TitleLine } from './components/title-line.js';
import { useConnectionFeed } from './hooks/use-connection-feed.js';
import { useCutRunner } from './hooks/use-cut-runner.js';
import { useTicker } from './hooks/use-ticker.js';
import { useTuiInput } from './hooks/use-tui-input.js';
import { layoutColumns, measureColumns, type ColumnWidths } from './layout/columns.js';
import { keyHints } from './key-hints.js';
import { bodyHeight } from './layout/screen.js';
import type { ConnectionCutter, ConnectionSource } from './ports.js';
import { initialState, liveCount } from './state/tui-state.js';
import { PLAIN_THEME, type Theme } from './theme.js';
import { reduceView } from './view-reducer.js';

export interface TuiOutcome {
  /** Every cut result of the session, in the order they came. */
  results: CutResult[];
}

export interface CutterAppProps {
  source: ConnectionSource;
  cutter: ConnectionCutter;
  /** What the command line asked for, in words ("192.0.2.10, port 80"), for the title. */
  scope: string;
  /** Called once, when the view is done (after any running cut removed its rules). */
  onExit(outcome: TuiOutcome): void;
  /** A fixed terminal size (tests); by default the terminal's, following resizes. */
  size?: TerminalSize;
  theme?: Theme;
  /** The clock (tests pass a fixed one). */
  now?: () => number;
  /** Tick the clock (ages, spinner); tests turn it off for stable frames. */
  ticking?: boolean;
}

export function CutterApp({
  source,
  cutter,
  scope,
  onExit,
  size: fixedSize,
  theme = PLAIN_THEME,
  now = Date.now,
  ticking = true,
}: CutterAppProps) {
  const size = useTerminalSize(fixedSize);
  const [state, dispatch] = useReducer(reduceView, undefined, () =>
    initialState({ now: now(), size }),
  );
  const results = useRef<CutResult[]>([]).current;
  const app = useApp();

  useEffect(() => {
    if (size.columns !== state.size.columns || size.rows !== state.size.rows)
      dispatch({ type: 'resize', ...size });
  }, [size.columns, size.rows]);
  useConnectionFeed(source, state.refreshSeq, state.rows.size, dispatch, now);
  useCutRunner(state, cutter, dispatch, now, results);
  useTuiInput(dispatch, now);
  useTicker(state.run !== null, dispatch, now, ticking);

  const exited = useRef(false);
  useEffect(() => {
    if (state.quit !== 'now' || exited.current) return;
    exited.current = true;
    onExit({ results: [...results] });
    app.exit();
  }, [state.quit]);

  const height = bodyHeight(state.size);
  const onScreen = state.visible.slice(state.offset, state.offset + height);
  // columns are as wide as the widest value seen on screen since the filter last changed
  const widest = useRef<{ view: unknown; widths: ColumnWidths }>({ view: null, widths: new Map() });
  if (widest.current.view !== state.view) widest.current = { view: state.view, widths: new Map() };
  const ideal = measureColumns(onScreen, state.now, widest.current.widths);
  widest.current.widths = ideal;
  const columns = useMemo(
    () => layoutColumns(ideal, state.size.columns),
    [[...ideal].join(), state.size.columns],
  );

  if (tooSmall(state.size)) {
    return (
      <ThemeContext.Provider value={theme}>
        <TooSmall size={state.size} />
      </ThemeContext.Provider>
    );
  }

  const spinner = theme.glyphs.spinner[Math.floor(state.now / 120) % theme.glyphs.spinner.length];
  const { shown, total } = liveCount(state);
  const empty = !state.loaded
    ? 'reading the conntrack table...'
    : state.view
      ? `no connection matches the filter "${state.view.text}" (${total - shown} hidden): / changes it`
      : `no connection matches ${scope} (yet): new ones appear here as the kernel reports them`;

  return (
    <ThemeContext.Provider value={theme}>
      <Box flexDirection="column" width={state.size.columns}>
        <TitleLine scope={scope} view={state.view} />
        {state.mode === 'help' ? (
          <HelpView height={height} />
        ) : (
          <ConnectionTable
            columns={columns}
            rows={onScreen}
            cursor={state.cursor - state.offset}
            selected={state.selected}
            height={height}
            now={state.now}
            spinner={spinner}
            empty={empty}
          />
        )}
        <DetailLine row={state.mode === 'help' ? undefined : state.visible[state.cursor]} />
        <MessageLine state={state} />
        <StatusLine state={state} spinner={spinner} />
        <KeyHelpLine hints={keyHints(state.mode, theme.glyphs.moveKeys)} />
      </Box>
    </ThemeContext.Provider>
  );
}
