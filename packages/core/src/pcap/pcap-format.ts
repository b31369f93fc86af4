// The classic libpcap file format: a 24-byte file header, then records of a 16-byte header and
// the captured bytes. Written in the byte order of the machine that captured; the magic tells
// which, and whether the fraction of the timestamp counts micro- or nanoseconds.
//
//   file header:   magic(4) version_major(2) version_minor(2) thiszone(4) sigfigs(4)
//                  snaplen(4) network(4)
//   record header: ts_sec(4) ts_usec-or-nsec(4) caplen(4) len(4)
//   Kuznetzov's "modified" pcap (magic a1b2cd34, old Red Hat tcpdump) appends
//                  ifindex(4) protocol(2) pkt_type(1) pad(1) to each record header.

/** Magic numbers as read in big-endian order (from pcap/pcap.h and libpcap's sf-pcap.c). */
export const TCPDUMP_MAGIC = 0xa1b2c3d4;
export const NSEC_TCPDUMP_MAGIC = 0xa1b23c4d;
export const KUZNETZOV_TCPDUMP_MAGIC = 0xa1b2cd34;
/** The same magics written little-endian, as read big-endian. */
export const TCPDUMP_MAGIC_SWAPPED = 0xd4c3b2a1;
export const NSEC_TCPDUMP_MAGIC_SWAPPED = 0x4d3cb2a1;
export const KUZNETZOV_TCPDUMP_MAGIC_SWAPPED = 0x34cdb2a1;

export const PCAP_VERSION_MAJOR = 2;
export const PCAP_VERSION_MINOR = 4;
export const PCAP_FILE_HEADER = 24;
export const PCAP_RECORD_HEADER = 16;
export const PCAP_MODIFIED_RECORD_HEADER = 24;

/** The link type is the low 16 bits of `network`; the high bits carry FCS length flags. */
export const LT_LINKTYPE_MASK = 0xffff;

export interface PcapMagic {
  bigEndian: boolean;
  nanosecond: boolean;
  recordHeader: number;
}

/** What a big-endian read of the first four bytes says, or null for no pcap magic. */
export function pcapMagic(m: number): PcapMagic | null {
  switch (m) {
    case TCPDUMP_MAGIC:
      return { bigEndian: true, nanosecond: false, recordHeader: PCAP_RECORD_HEADER };
    case TCPDUMP_MAGIC_SWAPPED:
      return { bigEndian: false, nanosecond: false, recordHeader: PCAP_RECORD_HEADER };
    case NSEC_TCPDUMP_MAGIC:
      return { bigEndian: true, nanosecond: true, recordHeader: PCAP_RECORD_HEADER };
    case NSEC_TCPDUMP_MAGIC_SWAPPED:
      return { bigEndian: false, nanosecond: true, recordHeader: PCAP_RECORD_HEADER };
    case KUZNETZOV_TCPDUMP_MAGIC:
      return { bigEndian: true, nanosecond: false, recordHeader: PCAP_MODIFIED_RECORD_HEADER };
    case KUZNETZOV_TCPDUMP_MAGIC_SWAPPED:
      return { bigEndian: false, nanosecond: false, recordHeader: PCAP_MODIFIED_RECORD_HEADER };
    default:
      return null;
  }
}
