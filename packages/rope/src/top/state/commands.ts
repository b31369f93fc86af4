// What rope top asks rope run to change, and the message line each answer gives. The reducer
// puts commands in its outbox; the command hook sends them (ports.ts) and reports back.
import { formatEndpointText } from '../../control/address.js';
import type { Outcome } from '../../control/errors.js';
import { timeLeft } from '../../control/format.js';
import type { AddResult, PassAllResult, RemoveResult } from '../../control/target.js';

/** A command before the reducer numbers it. */
export type CommandRequest =
  | { op: 'unlock'; address: string }
  | { op: 'unblock'; address: string; port: number | null }
  | { op: 'block'; address: string; port: number | null; seconds: number | null }
  | { op: 'pass-all'; on: boolean };

export type TopCommand = CommandRequest & { id: number };

/** The command in words, while it runs: "unlocking 192.0.2.10". */
export function pendingText(c: TopCommand): string {
  switch (c.op) {
    case 'unlock':
      return `unlocking ${c.address}...`;
    case 'unblock':
      return `unblocking ${formatEndpointText(c)}...`;
    case 'block':
      return `blocking ${formatEndpointText(c)}...`;
    case 'pass-all':
      return `turning pass-all ${c.on ? 'on' : 'off'}...`;
  }
}

/** The message once rope run answered. */
export function doneText(c: TopCommand, o: Outcome<unknown>): { text: string; ok: boolean } {
  if (!o.ok) return { text: `${c.op}: ${o.error.message}`, ok: false };
  switch (c.op) {
    case 'unlock':
    case 'unblock': {
      const e = (o.value as RemoveResult).entry;
      return { text: `${c.op}ed ${formatEndpointText(e)}`, ok: true };
    }
    case 'block': {
      const r = o.value as AddResult;
      const left =
        r.entry.secondsLeft === null ? 'until removed' : `for ${timeLeft(r.entry.secondsLeft)}`;
      return {
        text: `${r.renewed ? 'renewed: blocked' : 'blocked'} ${formatEndpointText(r.entry)} ${left}`,
        ok: true,
      };
    }
    case 'pass-all':
      return {
        text: (o.value as PassAllResult).passAll
          ? 'pass-all is ON: every packet is accepted, nothing new is locked or blocked'
          : 'pass-all is off',
        ok: true,
      };
  }
}
