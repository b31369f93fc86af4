// pcapng (draft-ietf-opsawg-pcapng): a file of blocks, each
//   block type(4) block total length(4) body… block total length(4)
// with lengths a multiple of 4. A Section Header Block starts each section and fixes its byte
// order (the byte-order magic); Interface Description Blocks number the section's interfaces from
// 0; packet blocks refer to them. Names follow libpcap's sf-pcapng.c.
//
//   SHB body: byte_order_magic(4) major(2) minor(2) section_length(8) options
//   IDB body: linktype(2) reserved(2) snaplen(4) options
//   EPB body: interface_id(4) ts_high(4) ts_low(4) caplen(4) len(4) data(padded) options
//   SPB body: len(4) data(padded)                      (interface 0, no timestamp)
//   PB body:  interface_id(2) drops_count(2) ts_high(4) ts_low(4) caplen(4) len(4) data options
//   option:   code(2) length(2) value(padded to 4); code 0 ends the list

export const BT_SHB = 0x0a0d0d0a;
export const BT_IDB = 0x00000001;
/** Obsolete Packet Block, still written by old tools. */
export const BT_PB = 0x00000002;
export const BT_SPB = 0x00000003;
export const BT_NRB = 0x00000004;
export const BT_ISB = 0x00000005;
export const BT_EPB = 0x00000006;
export const BT_DSB = 0x0000000a;

export const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
export const PCAP_NG_VERSION_MAJOR = 1;

export const OPT_ENDOFOPT = 0;
export const IF_TSRESOL = 9;
export const IF_TSOFFSET = 14;

/** Type and both lengths. */
export const BLOCK_OVERHEAD = 12;
export const SHB_MIN = 28;
export const IDB_MIN = 20;
export const EPB_MIN = 32;
export const PB_MIN = 32;
export const SPB_MIN = 16;

/**
 * Largest block this reader loads into memory (libpcap's MAX_BLOCKSIZE); blocks it does not
 * interpret are skipped whatever their size.
 */
export const MAX_BLOCKSIZE = 16 * 1024 * 1024;

export function blockName(type: number): string {
  switch (type) {
    case BT_SHB:
      return 'section header block';
    case BT_IDB:
      return 'interface description block';
    case BT_PB:
      return 'packet block';
    case BT_SPB:
      return 'simple packet block';
    case BT_EPB:
      return 'enhanced packet block';
    case BT_NRB:
      return 'name resolution block';
    case BT_ISB:
      return 'interface statistics block';
    case BT_DSB:
      return 'decryption secrets block';
    default:
      return `block of type 0x${type.toString(16).padStart(8, '0')}`;
  }
}
