// What the main thread of `rope classify --jobs N` and its workers exchange. Captures are claimed
// through a shared counter (each worker takes the next unclaimed one when it is free), and the
// main thread writes each capture's lines in capture order as they arrive.
import type { Value } from '../runtime/values.js';
import type { ScriptCounts } from './classify-summary.js';

/** Slots of the shared Int32Array. */
export const NEXT_CAPTURE = 0;
/** Captures the main thread has written completely (it notifies on this slot). */
export const CAPTURES_WRITTEN = 1;
export const CONTROL_SLOTS = 2;

export interface JobConfig {
  /** The scripts in order, as the main thread compiled them (it reported their diagnostics). */
  scripts: { path: string; pushes: Value[] }[];
  window: number;
  maxFlows: number;
  paths: string[];
  control: SharedArrayBuffer;
}

/** Lines of capture `capture`, in order. */
export interface JobLines {
  capture: number;
  text: string;
}

/** Capture `capture` is read: what follows its lines. */
export interface JobDone {
  capture: number;
  done: true;
  /** Its stderr lines (captureMessages). */
  messages: string[];
  damaged: boolean;
  records: number;
  ipPackets: number;
  scripts: ScriptCounts[];
}

export type JobMessage = JobLines | JobDone;
