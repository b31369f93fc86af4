// `$data` and `$packet` read as strings are copies of the packet's bytes (latin1), made on first
// use in a packet's runs (machine.ts). Words that need only some of those bytes — a pattern that
// fails in the first bytes, the first byte, a few bytes at constant offsets (in-place.ts) — read
// them where they lie while no run has made the string yet: the same answer without copying a
// whole payload, which was a tenth of classifying a capture. These are the registers they
// recognise, by identity.
import { registerRef } from '../runtime/registers.js';

export const DATA_REGISTER = registerRef('data')!;
export const PACKET_REGISTER = registerRef('packet')!;
