// The large capture of the classify bench: the corpus replayed many times into one file, with
// distinct addresses per replay, so that start-up no longer counts and the flow table sees many
// flows.
import { ipOffset, openCapture, PcapWriter } from '@p2pwall/core/pcap';

/**
 * The corpus replayed `times` times into one raw-IP pcap: each replay's addresses get a byte
 * changed (the same way in both directions, so flows stay whole and are distinct per replay),
 * timestamps advance 10 µs per packet. Returns the packets written.
 */
export function writeReplayedCapture(files: string[], out: string, times: number): number {
  const w = new PcapWriter(out); // LINKTYPE_RAW
  const frames: Uint8Array[] = [];
  for (const f of files) {
    const reader = openCapture(f);
    try {
      for (let rec = reader.next(); rec !== null; rec = reader.next()) {
        const ip = ipOffset(rec.linkType, rec.buf, rec.offset, rec.length);
        if (ip < 0) continue;
        const v = rec.buf[ip] >> 4;
        const len = rec.offset + rec.length - ip;
        // a copy: a record's bytes are the reader's until its next record (Buffer's slice
        // would be a view, overwritten as the read buffer serves the next chunk or file)
        if ((v === 4 && len >= 20) || (v === 6 && len >= 40))
          frames.push(Uint8Array.prototype.slice.call(rec.buf, ip, ip + len));
      }
    } catch {
      // a damaged capture contributes the packets before the damage
    } finally {
      reader.close();
    }
  }
  let t = 1_700_000_000 * 1e6;
  for (let k = 0; k < times; k++) {
    for (const frame of frames) {
      const b = new Uint8Array(frame); // this replay's copy: the addresses of replay k are XOR k
      if (b[0] >> 4 === 4) {
        b[13] ^= k;
        b[17] ^= k;
      } else {
        b[11] ^= k;
        b[27] ^= k;
      }
      w.write(b, Math.floor(t / 1e6), (t % 1e6) * 1000);
      t += 10;
    }
  }
  w.close();
  return frames.length * times;
}
