// The table: column headings, then the rows on screen. The row under the cursor is marked ">",
// selected rows "*" — markers, not only colour, so the view reads the same without colour.
/* @jsxRuntime automatic */ // tests run through tsx, which reads the root tsconfig (no jsx setting)
import { Seg } from '@p2pwall/tui';
import { Box, Text } from 'ink';
import { cellOf, GAP, type FittedColumn } from '../layout/columns.js';
import { fit } from '../format.js';
import type { Row } from '../state/rows.js';
import { useTheme } from '../theme.js';

export interface ConnectionTableProps {
  columns: readonly FittedColumn[];
  /** The rows on screen, already sliced. */
  rows: readonly Row[];
  /** Index (within `rows`) of the cursor row, or -1. */
  cursor: number;
  selected: ReadonlySet<string>;
  height: number;
  now: number;
  spinner: string;
  /** Shown in the body when there are no rows. */
  empty: string;
}

export function ConnectionTable({
  columns,
  rows,
  cursor,
  selected,
  height,
  now,
  spinner,
  empty,
}: ConnectionTableProps) {
  const theme = useTheme();
  const g = theme.glyphs;
  const gap = ' '.repeat(GAP);
  const heading = columns
    .map((c) => fit(c.spec.title, c.width, c.spec.align, 'end', g.ellipsis))
    .join(gap);
  const lines = rows.map((r, i) => {
    const isCursor = i === cursor;
    const marker = `${isCursor ? g.cursor : ' '}${selected.has(r.key) ? g.selected : ' '} `;
    return (
      <Text
        key={r.key}
        wrap="truncate"
        bold={theme.color && isCursor}
        inverse={theme.color && isCursor}
      >
        <Seg tone={selected.has(r.key) ? 'warn' : undefined}>{marker}</Seg>
        {columns.map((c, j) => {
          const cell = cellOf(c.spec.id, r, now, spinner);
          const text =
            fit(cell.text, c.width, c.spec.align, c.spec.cut, g.ellipsis) +
            (j < columns.length - 1 ? gap : '');
          return (
            <Seg key={c.spec.id} tone={r.gone && c.spec.id !== 'result' ? 'muted' : cell.tone}>
              {text}
            </Seg>
          );
        })}
      </Text>
    );
  });
  const filler = Math.max(0, height - lines.length - (rows.length === 0 ? 1 : 0));
  return (
    <Box flexDirection="column">
      <Text wrap="truncate">
        <Seg bold tone="muted">{`   ${heading}`}</Seg>
      </Text>
      {rows.length === 0 ? (
        <Text wrap="truncate">
          <Seg tone="muted">{`   ${empty}`}</Seg>
        </Text>
      ) : (
        lines
      )}
      {filler > 0 ? <Box height={filler} /> : null}
    </Box>
  );
}
