// Values pre-pushed by the caller (`--push-int N`, `--push-str S`, `--push-ip A`), converted
// once; Script.run pushes them, in order, at the start of every run.
import { parseIp } from '@p2pwall/core';
import { decodeInteger } from '../lexer/literals.js';
import type { Value } from './values.js';

export type PushKind = 'int' | 'str' | 'ip';

export class PushError extends Error {
  override name = 'PushError';
}

/** An integer as the language writes it (decimal, 0x hex, 0 octal), within int32. */
export function pushInt(text: string): number {
  const t = text.trim();
  if (!/^-?(?:0[xX][0-9A-Fa-f]+|\d+)$/.test(t))
    throw new PushError(`--push-int: \`${text}\` is not an integer (decimal, 0x hex or 0 octal)`);
  const d = decodeInteger(t);
  if (!d.ok) throw new PushError(`--push-int: ${d.message}`);
  return d.value;
}

/** A string's UTF-8 bytes. */
export function pushStr(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

/** An IPv4 or IPv6 address as its 4 or 16 bytes (what `$ip_saddr` holds). */
export function pushIp(text: string): string {
  const b = parseIp(text.trim());
  if (!b) throw new PushError(`--push-ip: \`${text}\` is not an IPv4 or IPv6 address`);
  return Buffer.from(b).toString('latin1');
}

export function pushValue(kind: PushKind, text: string): Value {
  return kind === 'int' ? pushInt(text) : kind === 'str' ? pushStr(text) : pushIp(text);
}
