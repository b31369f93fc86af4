// The scripts shipped with rope (packages/rope/builtins/*.rope): `rope classify` runs the default
// ones when no --script is given, and `--script NAME` finds any of them by name — or a group of
// them by the group's name (`--script p2p`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Every built-in script, in the order they are listed (and a group expands). */
export const BUILTIN_SCRIPTS = [
  'bittorrent',
  'gnutella',
  'http-large',
  'edonkey',
  'fasttrack',
  'directconnect',
  'applejuice',
  'soulseek',
  'winmx',
  'ares',
] as const;
export type BuiltinScript = (typeof BUILTIN_SCRIPTS)[number];

/** What `rope classify` runs without --script (unchanged since the first three scripts). */
export const DEFAULT_SCRIPTS: readonly BuiltinScript[] = ['bittorrent', 'gnutella', 'http-large'];

/**
 * Names that stand for several built-in scripts. `p2p` is every file-sharing network, what
 * IPP2P's `--ipp2p` matched; each flow is still labelled with its own network's name.
 */
export const SCRIPT_GROUPS: Readonly<Record<string, readonly BuiltinScript[]>> = {
  p2p: [
    'bittorrent',
    'gnutella',
    'edonkey',
    'fasttrack',
    'directconnect',
    'applejuice',
    'soulseek',
    'winmx',
    'ares',
  ],
};

/** The directory holding the built-in scripts (the same from src/ and from dist/). */
export const BUILTIN_SCRIPT_DIR = fileURLToPath(new URL('../../builtins/', import.meta.url));

/** The file of built-in script `name` (`http-large` → …/builtins/http-large.rope), or null. */
export function builtinScriptPath(name: string): string | null {
  if (!(BUILTIN_SCRIPTS as readonly string[]).includes(name)) return null;
  const path = `${BUILTIN_SCRIPT_DIR}${name}.rope`;
  return existsSync(path) ? path : null;
}

/** The scripts of group `name` (`p2p`), or null when no group has that name. */
export function builtinGroup(name: string): readonly BuiltinScript[] | null {
  return Object.hasOwn(SCRIPT_GROUPS, name) ? SCRIPT_GROUPS[name] : null;
}
