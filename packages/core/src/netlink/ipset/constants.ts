// ipset numbers, named as include/uapi/linux/netfilter/ipset/ip_set.h and ip_set_hash.h name them.
// Only what the ipset client uses.

/** The protocol versions the client speaks (IPSET_PROTOCOL_MIN .. IPSET_PROTOCOL of Linux 6.x). */
export const IPSET_PROTOCOL_MIN = 6;
export const IPSET_PROTOCOL = 7;

/** Longest set or type name, with its NUL. */
export const IPSET_MAXNAMELEN = 32;

/** enum ipset_cmd (the low byte of a NFNL_SUBSYS_IPSET message type). */
export const IPSET_CMD_PROTOCOL = 1;
export const IPSET_CMD_CREATE = 2;
export const IPSET_CMD_DESTROY = 3;
export const IPSET_CMD_FLUSH = 4;
export const IPSET_CMD_RENAME = 5;
export const IPSET_CMD_SWAP = 6;
export const IPSET_CMD_LIST = 7;
export const IPSET_CMD_SAVE = 8;
export const IPSET_CMD_ADD = 9;
export const IPSET_CMD_DEL = 10;
export const IPSET_CMD_TEST = 11;
export const IPSET_CMD_HEADER = 12;
export const IPSET_CMD_TYPE = 13;

/** Attributes at command level. */
export const IPSET_ATTR_PROTOCOL = 1;
export const IPSET_ATTR_SETNAME = 2;
export const IPSET_ATTR_TYPENAME = 3;
export const IPSET_ATTR_REVISION = 4;
export const IPSET_ATTR_FAMILY = 5;
export const IPSET_ATTR_FLAGS = 6;
export const IPSET_ATTR_DATA = 7;
export const IPSET_ATTR_ADT = 8;
export const IPSET_ATTR_LINENO = 9;
export const IPSET_ATTR_PROTOCOL_MIN = 10;
export const IPSET_ATTR_REVISION_MIN = IPSET_ATTR_PROTOCOL_MIN;
/** The set's kernel index (protocol 7 lists). */
export const IPSET_ATTR_INDEX = 11;
export const IPSET_ATTR_CMD_MAX = IPSET_ATTR_INDEX;

/** Attributes inside IPSET_ATTR_DATA: element (CADT) and create-only ones. */
export const IPSET_ATTR_IP = 1;
export const IPSET_ATTR_IP_TO = 2;
export const IPSET_ATTR_CIDR = 3;
export const IPSET_ATTR_PORT = 4;
export const IPSET_ATTR_PORT_TO = 5;
/** Seconds, big-endian u32: the element's timeout (time left in lists), or the set's default. */
export const IPSET_ATTR_TIMEOUT = 6;
export const IPSET_ATTR_PROTO = 7;
export const IPSET_ATTR_CADT_FLAGS = 8;
export const IPSET_ATTR_CADT_LINENO = IPSET_ATTR_LINENO;
export const IPSET_ATTR_MARK = 10;
export const IPSET_ATTR_MARKMASK = 11;
export const IPSET_ATTR_BITMASK = 12;
export const IPSET_ATTR_CADT_MAX = 16;
export const IPSET_ATTR_INITVAL = 17;
export const IPSET_ATTR_HASHSIZE = 18;
export const IPSET_ATTR_MAXELEM = 19;
export const IPSET_ATTR_NETMASK = 20;
export const IPSET_ATTR_BUCKETSIZE = 21;
export const IPSET_ATTR_RESIZE = 22;
export const IPSET_ATTR_SIZE = 23;
export const IPSET_ATTR_ELEMENTS = 24;
export const IPSET_ATTR_REFERENCES = 25;
export const IPSET_ATTR_MEMSIZE = 26;
export const IPSET_ATTR_CREATE_MAX = IPSET_ATTR_MEMSIZE;
/** ADT-only attributes continue after IPSET_ATTR_CADT_MAX; the client reads none of them. */
export const IPSET_ATTR_ADT_MAX = 26;

/** Inside IPSET_ATTR_IP. */
export const IPSET_ATTR_IPADDR_IPV4 = 1;
export const IPSET_ATTR_IPADDR_IPV6 = 2;
export const IPSET_ATTR_IPADDR_MAX = IPSET_ATTR_IPADDR_IPV6;

/** enum ipset_errno: errors beyond the errno range (the kernel sends them negated). */
export const IPSET_ERR_PRIVATE = 4096;
export const IPSET_ERR_PROTOCOL = 4097;
export const IPSET_ERR_FIND_TYPE = 4098;
export const IPSET_ERR_MAX_SETS = 4099;
export const IPSET_ERR_BUSY = 4100;
export const IPSET_ERR_EXIST_SETNAME2 = 4101;
export const IPSET_ERR_TYPE_MISMATCH = 4102;
export const IPSET_ERR_EXIST = 4103;
export const IPSET_ERR_INVALID_CIDR = 4104;
export const IPSET_ERR_INVALID_NETMASK = 4105;
export const IPSET_ERR_INVALID_FAMILY = 4106;
export const IPSET_ERR_TIMEOUT = 4107;
export const IPSET_ERR_REFERENCED = 4108;
export const IPSET_ERR_IPADDR_IPV4 = 4109;
export const IPSET_ERR_IPADDR_IPV6 = 4110;
export const IPSET_ERR_COUNTER = 4111;
export const IPSET_ERR_COMMENT = 4112;
export const IPSET_ERR_INVALID_MARKMASK = 4113;
export const IPSET_ERR_SKBINFO = 4114;
export const IPSET_ERR_BITMASK_NETMASK_EXCL = 4115;
export const IPSET_ERR_TYPE_SPECIFIC = 4352;
/** Hash types (ip_set_hash.h). */
export const IPSET_ERR_HASH_FULL = 4352;
export const IPSET_ERR_HASH_ELEM = 4353;
export const IPSET_ERR_INVALID_PROTO = 4354;
export const IPSET_ERR_MISSING_PROTO = 4355;
export const IPSET_ERR_HASH_RANGE_UNSUPPORTED = 4356;
export const IPSET_ERR_HASH_RANGE = 4357;

/** IPSET_ATTR_FAMILY values by ipset's family names: NFPROTO_IPV4 and NFPROTO_IPV6. */
export const IPSET_FAMILIES = { inet: 2, inet6: 10 } as const;
export type IpsetFamily = keyof typeof IPSET_FAMILIES;
