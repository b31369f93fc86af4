// @p2pwall/core/args: what the command lines of rope and cutter share.
export { negativeNumbersAsValues } from './negative-values.js';
