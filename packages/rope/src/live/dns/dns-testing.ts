// Building DNS responses for the tests of dns-message.ts and dns-trainer.ts (not for runtime use).

export type TestRecord =
  | { type: 'A' | 'AAAA'; name: string; ttl: number; addr: Uint8Array }
  | { type: 'CNAME'; name: string; ttl: number; target: string };

/** A response (QR set) with these questions (type A) and answer records; `compress` points
 * every name equal to one written before at it. */
export function dnsResponse(
  questions: readonly string[],
  answers: readonly TestRecord[],
  compress: boolean,
): Uint8Array {
  const out: number[] = [
    0x12,
    0x34,
    0x81,
    0x80,
    0,
    questions.length,
    0,
    answers.length,
    0,
    0,
    0,
    0,
  ];
  const seen = new Map<string, number>();
  const name = (n: string) => {
    const at = seen.get(n);
    if (compress && at !== undefined) {
      out.push(0xc0 | (at >> 8), at & 0xff);
      return;
    }
    if (out.length < 0x3fff) seen.set(n, out.length);
    for (const l of n.split('.')) out.push(l.length, ...Buffer.from(l, 'latin1'));
    out.push(0);
  };
  const u16 = (v: number) => out.push(v >> 8, v & 0xff);
  const u32 = (v: number) => out.push(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
  for (const q of questions) {
    name(q);
    u16(1);
    u16(1);
  }
  for (const r of answers) {
    name(r.name);
    u16(r.type === 'A' ? 1 : r.type === 'AAAA' ? 28 : 5);
    u16(1);
    u32(r.ttl);
    if (r.type === 'CNAME') {
      const lenAt = out.length;
      u16(0);
      name(r.target);
      const len = out.length - lenAt - 2;
      out[lenAt] = len >> 8;
      out[lenAt + 1] = len & 0xff;
    } else {
      u16(r.addr.length);
      out.push(...r.addr);
    }
  }
  return Uint8Array.from(out);
}
