// ftwall's DNS training for `rope run --dns-train FILE`: every DNS answer the rules queue (from
// port 53 towards the inside; always delivered) is read, and when a name it was asked about or a
// CNAME name in it matches a pattern, each A/AAAA address it gives is blocked as a peer for
// max(TTL, MIN_BLOCK_SECONDS). Answers over TCP are read when one segment holds the whole
// message (its two-byte length first); the rest, like malformed answers, is counted and ignored.
import type { Packet } from '@p2pwall/core';
import { IPPROTO_TCP } from '@p2pwall/core';
import type { PeerBlocker } from '../enforcement.js';
import { parseDnsAnswer, type DnsAnswer } from './dns-message.js';
import { compileDnsPattern, type DnsPattern } from './dns-patterns.js';

/** A learned address stays blocked at least this long, whatever the answer's TTL. */
export const MIN_BLOCK_SECONDS = 300;
/** The label blocks from DNS training carry. */
export const DNS_TRAIN_LABEL = 'dns-train';

export interface DnsTrainCounts {
  /** Answers read whole. */
  answers: number;
  /** Answers with a matching name. */
  matched: number;
  /** Addresses handed to the blocker. */
  blocked: number;
  /** Messages that were not a readable DNS answer (cut short, malformed, a TCP fragment). */
  ignored: number;
}

export class DnsTrainer {
  readonly counts: DnsTrainCounts = { answers: 0, matched: 0, blocked: 0, ignored: 0 };
  private readonly patterns: DnsPattern[];

  constructor(
    patterns: readonly DnsPattern[],
    private readonly blocker: PeerBlocker,
  ) {
    this.patterns = [...patterns];
  }

  get patternCount(): number {
    return this.patterns.length;
  }

  /**
   * Bans a name at run time (`rope ctl ban-dns NAME`, checked by control/dns-name.ts): `NAME`
   * itself, or with `*.NAME` every name below it. Null when added, else why it is refused.
   */
  banName(name: string): string | null {
    const n = name.trim().toLowerCase().replace(/\.$/, '');
    const below = n.startsWith('*.');
    const body = below ? n.slice(2) : n;
    if (body === '' || body.includes('*')) return `'${name}' is not a DNS name or *.NAME`;
    const escaped = body.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
    return this.addPattern(below ? `\\.${escaped}$` : `^${escaped}$`, 'ctl');
  }

  /** Adds a pattern in the file's syntax; null when added, else why it is refused. */
  addPattern(pattern: string, origin = 'ctl'): string | null {
    const source = pattern.trim();
    if (source === '') return 'an empty pattern would match every name';
    const p = compileDnsPattern(source, origin);
    if (typeof p === 'string') return p;
    if (!this.patterns.some((q) => q.source === source)) this.patterns.push(p);
    return null;
  }

  /** Reads one queued packet from port 53 (decoded) and blocks what it teaches. */
  observe(packet: Packet): void {
    let off = packet.payloadOffset;
    let len = packet.payloadLength;
    if (packet.protocol === IPPROTO_TCP) {
      // DNS over TCP: a two-byte length, then the message
      const b = packet.buf;
      if (len < 2 || ((b[off] << 8) | b[off + 1]) > len - 2) {
        this.counts.ignored++;
        return;
      }
      len = (b[off] << 8) | b[off + 1];
      off += 2;
    }
    const answer = parseDnsAnswer(packet.buf, off, len);
    if (answer === null) {
      this.counts.ignored++;
      return;
    }
    this.learn(answer);
  }

  /** Blocks the answer's addresses when one of its names matches. */
  learn(answer: DnsAnswer): void {
    this.counts.answers++;
    if (answer.addresses.length === 0 || !this.matches(answer)) return;
    this.counts.matched++;
    for (const a of answer.addresses) {
      this.counts.blocked++;
      this.blocker.blockPeer(a.addr, null, Math.max(a.ttl, MIN_BLOCK_SECONDS), DNS_TRAIN_LABEL);
    }
  }

  private matches(answer: DnsAnswer): boolean {
    for (const p of this.patterns) {
      for (const n of answer.questions) if (p.regex.test(n)) return true;
      for (const n of answer.cnames) if (p.regex.test(n)) return true;
    }
    return false;
  }
}
