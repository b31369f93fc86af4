// Runs IPP2P's payload matchers (xtables-addons' xt_ipp2p.c) outside the kernel, for the
// `networks` benchmark. The matcher functions and their tables are not in this repository: the
// benchmark extracts them from Debian's xtables-addons-source at run time into
// ipp2p-matchers.inc, and this file supplies the few kernel helpers they use and the driver the
// kernel module wraps around them (which matchers run, in which order, over which payloads).
//
// Input on stdin, one record per TCP or UDP packet with payload:
//   <IP protocol 1: 6 or 17><TCP flags 1><payload length u32 little-endian><payload>
// Output on stdout, one byte per record: 0 when no matcher accepted the packet, else 1 + the bit
// number of the option whose matcher did (IPP2N_EDK = 0 … IPP2N_ARES = 12).
#define _GNU_SOURCE // memmem
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// the kernel helpers the matchers call
#define get_u8(X, O) (*(const uint8_t *)((X) + (O)))
static inline uint16_t read_u16(const unsigned char *p) {
  uint16_t v;
  memcpy(&v, p, 2);
  return v;
}
static inline uint32_t read_u32(const unsigned char *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}
#define get_u16(X, O) read_u16((const unsigned char *)(X) + (O))
#define get_u32(X, O) read_u32((const unsigned char *)(X) + (O))
#define __constant_htons(x) ((uint16_t)htons(x))
#define __constant_htonl(x) ((uint32_t)htonl(x))
#define printk(...) ((void)0)
#define KERN_DEBUG ""
#define KERN_INFO ""
static const void *HX_memmem(const void *space, size_t spacesize, const void *point,
                             size_t pointsize) {
  return memmem(space, spacesize, point, pointsize);
}

#include "xt_ipp2p.h"
#include "ipp2p-matchers.inc"

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04

// What `-m ipp2p --ipp2p` selects: --edk --dc --kazaa --gnu --bit --apple --winmx --soul --ares.
static const unsigned int SELECTED = IPP2P_EDK | IPP2P_DC | IPP2P_KAZAA | IPP2P_GNU | IPP2P_BIT |
                                     IPP2P_APPLE | IPP2P_WINMX | IPP2P_SOUL | IPP2P_ARES;

static int bit_of(unsigned int command) {
  int n = 0;
  while (command > 1) {
    command >>= 1;
    n++;
  }
  return n;
}

// As the module does: TCP packets with FIN, SYN or RST are skipped; each selected matcher whose
// minimum length the payload exceeds runs in table order, and the first that accepts decides.
static int match(int proto, int flags, const unsigned char *p, unsigned int len) {
  if (len == 0) return 0;
  if (proto == 6) {
    if (flags & (TCP_FIN | TCP_SYN | TCP_RST)) return 0;
    for (int i = 0; matchlist[i].command; i++)
      if ((SELECTED & matchlist[i].command) == matchlist[i].command &&
          len > matchlist[i].packet_len && matchlist[i].function_name(p, len))
        return 1 + bit_of(matchlist[i].command);
  } else if (proto == 17) {
    for (int i = 0; udp_list[i].command; i++)
      if ((SELECTED & udp_list[i].command) == udp_list[i].command &&
          len > udp_list[i].packet_len && udp_list[i].function_name(p, len))
        return 1 + bit_of(udp_list[i].command);
  }
  return 0;
}

int main(void) {
  static unsigned char buf[1 << 17];
  unsigned char head[6];
  while (fread(head, 1, 6, stdin) == 6) {
    uint32_t len = (uint32_t)head[2] | (uint32_t)head[3] << 8 | (uint32_t)head[4] << 16 |
                   (uint32_t)head[5] << 24;
    if (len > sizeof buf - 64 || fread(buf, 1, len, stdin) != len) return 1;
    // the matchers read a few bytes past short payloads (e.g. search_soul at offset 5..8): zeros
    memset(buf + len, 0, 64);
    putchar(match(head[0], head[1], buf, len));
  }
  return 0;
}
