// Where a header field sits: a byte range [start, end) from the start of its header. Each header
// module names its fixed fields once (TCP_FIELD, UDP_FIELD, IPV4_FIELD, IPV6_FIELD) and every
// accessor reads through those names, so an offset is written in one place, next to the RFC's
// picture, and a reader sees which field is meant rather than a number.
export interface Field {
  readonly start: number;
  /** One past the last byte. */
  readonly end: number;
}
