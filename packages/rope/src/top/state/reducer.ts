// rope top's state and its one pure reducer: polls in, keys in, commands out (the outbox, which
// a hook drains), tested without Ink.
import { endpointKey, parseEndpoint } from '../../control/address.js';
import { DURATION_HELP, parseDuration } from '../../control/duration.js';
import type { ControlEntry, ControlStats, ListResult } from '../../control/target.js';
import { keyToIntent } from '../keys.js';
import type { TerminalSize } from '@p2pwall/tui';
import type { TopAction } from './actions.js';
import { doneText, pendingText, type CommandRequest, type TopCommand } from './commands.js';
import type { Mode } from './mode.js';
import { computeRates, type Rates } from './rates.js';

export type { Mode } from './mode.js';

export type Link =
  /** No answer yet. */
  | { state: 'connecting' }
  | { state: 'up' }
  /** The last poll failed; the view keeps the last data and goes on polling. */
  | { state: 'down'; since: number; error: string };

export interface Message {
  text: string;
  tone: 'ok' | 'bad' | 'info';
}

export interface TopState {
  size: TerminalSize;
  now: number;
  mode: Mode;
  link: Link;
  stats: ControlStats | null;
  rates: Rates | null;
  list: ListResult | null;
  /** When `list` came: the countdowns run from there. */
  listAt: number;
  /** Index into list.entries. */
  cursor: number;
  /** The entry under the cursor, so it stays under it when others come and go. */
  cursorKey: string | null;
  /** The block prompt's text, and why it was refused. */
  prompt: { text: string; error: string | null } | null;
  message: Message | null;
  /** Commands waiting to be sent or answered. */
  outbox: TopCommand[];
  nextCommandId: number;
  /** Bumped after each answered command: the poll hook polls at once. */
  pollSeq: number;
  quit: boolean;
}

export function initialState(o: { now: number; size: TerminalSize }): TopState {
  return {
    size: o.size,
    now: o.now,
    mode: 'view',
    link: { state: 'connecting' },
    stats: null,
    rates: null,
    list: null,
    listAt: o.now,
    cursor: 0,
    cursorKey: null,
    prompt: null,
    message: null,
    outbox: [],
    nextCommandId: 1,
    pollSeq: 0,
    quit: false,
  };
}

const keyOf = (e: ControlEntry) => `${e.kind} ${endpointKey(e)}`;

/** Seconds an entry has left now (its countdown runs between polls); null: no expiry. */
export function secondsLeftNow(s: TopState, e: ControlEntry): number | null {
  return e.secondsLeft === null ? null : Math.max(0, e.secondsLeft - (s.now - s.listAt) / 1000);
}

export function entries(s: TopState): ControlEntry[] {
  return s.list?.entries ?? [];
}

function withCursor(s: TopState, cursor: number): TopState {
  const list = entries(s);
  const c = Math.max(0, Math.min(cursor, list.length - 1));
  return { ...s, cursor: c, cursorKey: list.length > 0 ? keyOf(list[c]) : null };
}

function send(s: TopState, c: CommandRequest): TopState {
  const command: TopCommand = { ...c, id: s.nextCommandId };
  return {
    ...s,
    outbox: [...s.outbox, command],
    nextCommandId: s.nextCommandId + 1,
    message: { text: pendingText(command), tone: 'info' },
  };
}

function submitPrompt(s: TopState): TopState {
  const words = (s.prompt?.text ?? '').trim().split(/\s+/).filter(Boolean);
  const refuse = (error: string) => ({ ...s, prompt: { text: s.prompt?.text ?? '', error } });
  if (words.length === 0) return refuse('type an address to block');
  if (words.length > 2) return refuse('ADDR[:PORT] and at most a time (e.g. 5m)');
  const p = parseEndpoint(words[0]);
  if (!p.ok) return refuse(p.message);
  let seconds: number | null = null;
  if (words[1] !== undefined) {
    seconds = parseDuration(words[1]);
    if (seconds === null) return refuse(`'${words[1]}' is not ${DURATION_HELP}`);
  }
  return send(
    { ...s, mode: 'view', prompt: null },
    { op: 'block', address: p.endpoint.address, port: p.endpoint.port, seconds },
  );
}

function onKey(s: TopState, a: Extract<TopAction, { type: 'key' }>): TopState {
  const intent = keyToIntent(s.mode, a.input, a.key);
  if (!intent) return s;
  switch (intent.type) {
    case 'quit':
      return { ...s, quit: true };
    case 'toggleHelp':
      return { ...s, mode: s.mode === 'help' ? 'view' : 'help' };
    case 'move':
      return withCursor(s, s.cursor + intent.delta);
    case 'lift': {
      const e = entries(s)[s.cursor];
      if (!e)
        return { ...s, message: { text: 'no locked client or blocked peer to lift', tone: 'bad' } };
      return e.kind === 'lock'
        ? send(s, { op: 'unlock', address: e.address })
        : send(s, { op: 'unblock', address: e.address, port: e.port });
    }
    case 'openBlockPrompt':
      return { ...s, mode: 'prompt', prompt: { text: '', error: null } };
    case 'togglePassAll':
      // turning every check off asks first; turning it back on does not
      return s.stats?.passAll || s.list?.passAll
        ? send(s, { op: 'pass-all', on: false })
        : { ...s, mode: 'confirm' };
    case 'confirm':
      return intent.yes
        ? send({ ...s, mode: 'view' }, { op: 'pass-all', on: true })
        : { ...s, mode: 'view', message: { text: 'pass-all stays off', tone: 'info' } };
    case 'promptType':
      return { ...s, prompt: { text: (s.prompt?.text ?? '') + intent.text, error: null } };
    case 'promptBackspace':
      return { ...s, prompt: { text: (s.prompt?.text ?? '').slice(0, -1), error: null } };
    case 'promptClear':
      return { ...s, prompt: { text: '', error: null } };
    case 'promptCancel':
      return { ...s, mode: 'view', prompt: null };
    case 'promptSubmit':
      return submitPrompt(s);
  }
}

export function reduce(s: TopState, a: TopAction): TopState {
  switch (a.type) {
    case 'polled': {
      const next: TopState = {
        ...s,
        now: a.now,
        link: { state: 'up' },
        stats: a.stats,
        rates: computeRates(s.link.state === 'up' ? s.stats : null, a.stats) ?? s.rates,
        list: a.list,
        listAt: a.now,
      };
      // the cursor stays on its entry; if that one went, on the same row number
      const i = a.list.entries.findIndex((e) => keyOf(e) === s.cursorKey);
      return withCursor(next, i >= 0 ? i : s.cursor);
    }
    case 'pollFailed':
      return {
        ...s,
        now: a.now,
        link: {
          state: 'down',
          since: s.link.state === 'down' ? s.link.since : a.now,
          error: a.error.message,
        },
        rates: null,
        // the news that rope run is gone replaces an older message
        message: s.link.state === 'down' ? s.message : null,
      };
    case 'tick':
      return { ...s, now: a.now };
    case 'resize':
      return { ...s, size: { columns: a.columns, rows: a.rows } };
    case 'key':
      return onKey({ ...s, now: a.now }, a);
    case 'commandDone': {
      const c = s.outbox.find((x) => x.id === a.id);
      if (!c) return s;
      const done = doneText(c, a.outcome);
      return {
        ...s,
        now: a.now,
        outbox: s.outbox.filter((x) => x.id !== a.id),
        message: { text: done.text, tone: done.ok ? 'ok' : 'bad' },
        pollSeq: s.pollSeq + 1,
      };
    }
  }
}
