// The value of a header field in an HTTP-style message head (RFC 9110 §5, RFC 9112 §5): the
// `header` verb. The same syntax serves HTTP, RTSP, SIP, SSDP and the Gnutella handshake.
import { LOWER } from './bytes.js';

const CR = 13;
const SP = 32;
const HTAB = 9;
const COLON = 58;

/**
 * The value of the first field called `name` (ASCII case ignored) in `head`, without the
 * whitespace around it; "" when the head has no such field. The first line (request or status
 * line) is not a field; the head ends at the first empty line, so a body that follows is never
 * searched. Lines may end with CRLF or a bare LF. Whitespace between the name and the colon,
 * which RFC 9112 forbids but some servers send, is tolerated.
 */
export function headerValue(head: string, name: string): string {
  const n = name.length;
  const len = head.length;
  if (n === 0) return '';
  let i = head.indexOf('\n');
  while (i >= 0 && i + 1 < len) {
    const start = i + 1;
    let end = head.indexOf('\n', start);
    if (end < 0) end = len;
    let stop = end;
    if (stop > start && head.charCodeAt(stop - 1) === CR) stop--;
    if (stop === start) return ''; // the empty line: end of the head
    if (stop - start > n && sameName(head, start, name)) {
      let p = start + n;
      while (p < stop && (head.charCodeAt(p) === SP || head.charCodeAt(p) === HTAB)) p++;
      if (p < stop && head.charCodeAt(p) === COLON) {
        p++;
        while (p < stop && (head.charCodeAt(p) === SP || head.charCodeAt(p) === HTAB)) p++;
        let q = stop;
        while (q > p && (head.charCodeAt(q - 1) === SP || head.charCodeAt(q - 1) === HTAB)) q--;
        return head.slice(p, q);
      }
    }
    i = end < len ? end : -1;
  }
  return '';
}

function sameName(s: string, at: number, name: string): boolean {
  for (let k = 0; k < name.length; k++) {
    const x = s.charCodeAt(at + k);
    const y = name.charCodeAt(k);
    if (x !== y && (x > 255 || y > 255 || LOWER[x] !== LOWER[y])) return false;
  }
  return true;
}
