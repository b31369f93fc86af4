// A piece of a line in a tone (no styling without colour).
/* @jsxRuntime automatic */ // tests run through tsx, which reads the root tsconfig (no jsx setting)
import { Text } from 'ink';
import { toneProps, useTheme, type Tone } from '../theme.js';

export function Seg({
  tone,
  bold,
  children,
}: {
  tone?: Tone | undefined;
  bold?: boolean | undefined;
  children: string;
}) {
  const theme = useTheme();
  return (
    <Text {...toneProps(theme, tone)} bold={theme.color && bold === true}>
      {children}
    </Text>
  );
}
