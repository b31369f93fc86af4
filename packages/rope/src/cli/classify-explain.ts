// `rope classify --explain`: why each flow got each label, for people — one line per labelled
// flow and label: the flow, the label and the packet that gave it, and `via` (the signature the
// script named, or, for a label learned from a table, what taught the key and on which flow).
// Lines go out as flows end, as `--json` lines do; unlabelled flows have none.
import type { FlowReport } from '../classify/classify-capture.js';
import { LEARNED_PREFIX } from '../classify/flow-labels.js';
import type { BufferedWriter } from './buffered-output.js';

/** `learned:tracker-http 198.51.100.1:6969>192.0.2.10:51413` for people. */
export function viaText(via: string | null): string {
  if (via === null) return 'the script named no signature';
  if (!via.startsWith(LEARNED_PREFIX)) return `via ${via}`;
  const note = via.slice(LEARNED_PREFIX.length);
  const space = note.indexOf(' ');
  if (space < 0) return `via ${via}`;
  const source = note.slice(0, space);
  const [from, to] = note.slice(space + 1).split('>');
  const flow = to === undefined ? from : `${from} > ${to}`;
  return `via ${LEARNED_PREFIX}${source}: a table key taught by ${source} on ${flow}`;
}

export class FlowExplainText {
  constructor(
    private readonly out: BufferedWriter,
    private readonly several: boolean,
  ) {}

  start(capture: string): void {
    if (this.several) this.out.write(`${capture}:\n`);
  }

  add(f: FlowReport): void {
    for (let i = 0; i < f.labels.length; i++)
      this.out.write(
        `  ${f.l4}  ${f.a} > ${f.b}  ${f.labels[i]} at packet ${f.matchedAt[i]}, ${viaText(f.via[i])}\n`,
      );
  }
}
