// What `rope classify` says on stderr about one capture once it has been read: records of link
// types it cannot read, and why reading stopped early. Made where the capture was read (the main
// thread, or a --jobs worker) and written by the main thread in capture order.
import { linkTypeName, SUPPORTED_LINK_TYPES } from '@p2pwall/core/pcap';
import type { CaptureReport } from '../classify/classify-capture.js';
import { textGivenAsCapture } from './file-kind.js';

/** The stderr lines (newline included) about capture `path`; none when it read cleanly. */
export function captureMessages(path: string, report: CaptureReport): string[] {
  const lines: string[] = [];
  for (const [linkType, records] of report.unsupportedLinkTypes) {
    lines.push(
      `rope classify: ${path}: ${records} record${records === 1 ? '' : 's'} of ${linkTypeName(linkType)} skipped: not a link type rope reads (it reads ${SUPPORTED_LINK_TYPES.map(linkTypeName).join(', ')})\n`,
    );
  }
  if (report.error) {
    const text = textGivenAsCapture(report.error, 'scripts are given with --script');
    lines.push(`rope classify: ${text ?? report.error.message}\n`);
  }
  return lines;
}
