// The ipset client: creates a set with timeout support when it is missing (for rule installers),
// adds elements with per-element timeouts and deletes them, many to a message, flushes, destroys,
// lists with the time left — over one NETLINK_NETFILTER socket, no ipset process per change.
// Types: hash:ip and hash:ip,port, family inet or inet6.
//
// The protocol version is asked once (IPSET_CMD_PROTOCOL, as the ipset command does) and the
// newest both sides speak is used. Each set's type and family are asked once (IPSET_CMD_HEADER),
// so an element is checked against its set before anything is sent.
import { NETLINK_NETFILTER, NFNL_SUBSYS_IPSET, nfnlMsgType } from '../constants.js';
import { NetlinkError } from '../errors.js';
import { NlMsgView } from '../message.js';
import { NetlinkSocket, type NetlinkSocketOptions } from '../transport.js';
import { NlWriter } from '../writer.js';
import { writeIpsetAdt } from './adt.js';
import {
  decodeIpsetHeader,
  decodeIpsetProtocol,
  decodeIpsetTypeRevisions,
  writeIpsetCreate,
  writeIpsetProtocolQuery,
  writeIpsetSetCommand,
  writeIpsetTypeQuery,
  type IpsetCreateOptions,
  type IpsetHeader,
} from './commands.js';
import {
  IPSET_CMD_ADD,
  IPSET_CMD_DEL,
  IPSET_CMD_DESTROY,
  IPSET_CMD_FLUSH,
  IPSET_CMD_HEADER,
  IPSET_CMD_LIST,
  IPSET_CMD_PROTOCOL,
  IPSET_CMD_TYPE,
  IPSET_MAXNAMELEN,
  IPSET_PROTOCOL,
  IPSET_PROTOCOL_MIN,
  type IpsetFamily,
} from './constants.js';
import {
  checkIpsetElement,
  IPSET_DATA_MAX_SIZE,
  IPSET_TYPES,
  type IpsetElement,
  type IpsetType,
} from './element.js';
import { IpsetError, ipsetKernelFault, type IpsetFault, type IpsetOperation } from './errors.js';
import {
  decodeIpsetListMessage,
  emptyIpsetListing,
  writeIpsetList,
  type IpsetListing,
} from './listing.js';

export interface IpsetClientOptions extends NetlinkSocketOptions {
  /** Elements per add or delete message (default 1000; an ADT list is one attribute, < 64 KiB). */
  maxElementsPerMessage?: number;
}

export interface IpsetChangeResult {
  /** Messages sent, and elements in them. */
  messages: number;
  elements: number;
}

const msg = (cmd: number) => nfnlMsgType(NFNL_SUBSYS_IPSET, cmd);
/** Message types that answer the queries (protocol, type, header). */
const ANSWERS = new Set([IPSET_CMD_PROTOCOL, IPSET_CMD_TYPE, IPSET_CMD_HEADER].map(msg));

export class IpsetClient {
  private readonly writer = new NlWriter(512);
  private readonly sets = new Map<string, { type: IpsetType; family: IpsetFamily }>();
  private protocol: Promise<number> | null = null;
  private readonly perMessage: number;

  constructor(
    readonly socket: NetlinkSocket,
    options: { maxElementsPerMessage?: number } = {},
  ) {
    this.perMessage = Math.max(
      1,
      Math.min(
        options.maxElementsPerMessage ?? 1000,
        Math.floor((0xffff - 4) / IPSET_DATA_MAX_SIZE),
      ),
    );
  }

  static open(options: IpsetClientOptions = {}): IpsetClient {
    const { maxElementsPerMessage, ...socketOptions } = options;
    return new IpsetClient(NetlinkSocket.open(NETLINK_NETFILTER, socketOptions), {
      maxElementsPerMessage,
    });
  }

  close(): void {
    this.socket.close();
  }

  /** The protocol version in use: the kernel's newest, if this client speaks it, else 6. */
  protocolVersion(): Promise<number> {
    if (!this.protocol) {
      this.protocol = this.ask('protocol', '', (seq) =>
        writeIpsetProtocolQuery(this.writer, seq, IPSET_PROTOCOL_MIN),
      ).then((r) => {
        const kernel = r
          ? decodeIpsetProtocol(r)
          : { protocol: IPSET_PROTOCOL_MIN, protocolMin: IPSET_PROTOCOL_MIN };
        const v = Math.min(kernel.protocol, IPSET_PROTOCOL);
        if (v < Math.max(kernel.protocolMin, IPSET_PROTOCOL_MIN))
          throw new IpsetError({
            kind: 'invalid-request',
            operation: 'protocol',
            set: '',
            reason: `the kernel speaks ipset protocol ${kernel.protocolMin}..${kernel.protocol}, this client ${IPSET_PROTOCOL_MIN}..${IPSET_PROTOCOL}`,
          });
        return v;
      });
      this.protocol.catch(() => (this.protocol = null));
    }
    return this.protocol;
  }

  /** protocolVersion(), its failure told as a failure of `operation` on the set `name`. */
  private async protocolFor(operation: IpsetOperation, name: string): Promise<number> {
    try {
      return await this.protocolVersion();
    } catch (e) {
      if (e instanceof IpsetError) throw new IpsetError({ ...e.fault, operation, set: name });
      throw e;
    }
  }

  /**
   * Creates the set; one that exists with the same type and options is no error unless
   * `exclusive` (EEXIST then, as for one with other options). Uses the newest revision of the
   * type the kernel has.
   */
  async create(
    name: string,
    options: IpsetCreateOptions,
    { exclusive = false } = {},
  ): Promise<void> {
    this.checkName('create', name);
    if (!IPSET_TYPES.includes(options.type))
      this.invalid('create', name, `type ${options.type} is not one of ${IPSET_TYPES.join(', ')}`);
    const protocol = await this.protocolFor('create', name);
    const typeReply = await this.ask('create', name, (seq) =>
      writeIpsetTypeQuery(this.writer, seq, protocol, options.type, options.family),
    );
    const { revision } = typeReply ? decodeIpsetTypeRevisions(typeReply) : { revision: 0 };
    await this.ask('create', name, (seq) =>
      writeIpsetCreate(this.writer, seq, protocol, name, revision, options, exclusive),
    );
    this.sets.set(name, { type: options.type, family: options.family });
  }

  /** Destroys the set; a missing set is no error unless `exclusive`. */
  async destroy(name: string, { exclusive = false } = {}): Promise<void> {
    this.checkName('destroy', name);
    const protocol = await this.protocolFor('destroy', name);
    this.sets.delete(name);
    await this.ask('destroy', name, (seq) =>
      writeIpsetSetCommand(this.writer, IPSET_CMD_DESTROY, seq, protocol, name, exclusive),
    );
  }

  /** Deletes every element of the set. */
  async flush(name: string): Promise<void> {
    this.checkName('flush', name);
    const protocol = await this.protocolFor('flush', name);
    await this.ask('flush', name, (seq) =>
      writeIpsetSetCommand(this.writer, IPSET_CMD_FLUSH, seq, protocol, name),
    );
  }

  /** The set's type, family and revision (IPSET_CMD_HEADER). */
  async header(name: string): Promise<IpsetHeader> {
    this.checkName('header', name);
    const protocol = await this.protocolFor('header', name);
    const reply = await this.ask('header', name, (seq) =>
      writeIpsetSetCommand(this.writer, IPSET_CMD_HEADER, seq, protocol, name),
    );
    if (!reply) throw new IpsetError(ipsetKernelFault(2, 'header', name));
    return decodeIpsetHeader(reply);
  }

  /**
   * Adds elements, each with its own timeout when it has one; an element already in the set has
   * its timeout renewed, unless `exclusive` (IPSET_ERR_EXIST then).
   */
  add(
    name: string,
    elements: readonly IpsetElement[],
    { exclusive = false } = {},
  ): Promise<IpsetChangeResult> {
    return this.change('add', name, elements, exclusive);
  }

  /** Deletes elements; with `ignoreMissing` elements not in the set are no error. */
  delete(
    name: string,
    elements: readonly IpsetElement[],
    { ignoreMissing = false } = {},
  ): Promise<IpsetChangeResult> {
    return this.change('delete', name, elements, !ignoreMissing);
  }

  /** The set's header and every element with its time left. */
  async list(name: string): Promise<IpsetListing> {
    this.checkName('list', name);
    const protocol = await this.protocolFor('list', name);
    const out = emptyIpsetListing(name);
    const w = writeIpsetList(this.writer, this.socket.nextSeq(), protocol, name);
    try {
      await this.socket.request(w.finish(), {
        operation: `ipset list ${name}`,
        timeoutMs: 30_000,
        onMessage: (m) => {
          if (m.type === msg(IPSET_CMD_LIST)) decodeIpsetListMessage(m, out);
        },
      });
    } catch (e) {
      throw this.errorOf(e, 'list', name);
    }
    return out;
  }

  private async change(
    operation: 'add' | 'delete',
    name: string,
    elements: readonly IpsetElement[],
    exclusive: boolean,
  ): Promise<IpsetChangeResult> {
    this.checkName(operation, name);
    const protocol = await this.protocolFor(operation, name);
    const set = await this.setType(operation, name);
    elements.forEach((e, index) => {
      const reason = checkIpsetElement(set.type, set.family, e);
      if (reason)
        throw new IpsetError({ kind: 'invalid-element', operation, set: name, index, reason });
    });
    let messages = 0;
    for (let first = 0; first < elements.length; first += this.perMessage) {
      const chunk = elements.slice(first, first + this.perMessage);
      const seq = this.socket.nextSeq();
      const w = writeIpsetAdt(this.writer, {
        cmd: operation === 'add' ? IPSET_CMD_ADD : IPSET_CMD_DEL,
        seq,
        protocol,
        name,
        type: set.type,
        elements: chunk,
        exclusive,
      });
      try {
        await this.socket.request(w.finish(), { operation: `ipset ${operation} ${name}` });
      } catch (e) {
        throw this.errorOf(e, operation, name, first);
      }
      messages++;
    }
    return { messages, elements: elements.length };
  }

  /** The set's type and family, asked once per set. */
  private async setType(
    operation: IpsetOperation,
    name: string,
  ): Promise<{ type: IpsetType; family: IpsetFamily }> {
    const known = this.sets.get(name);
    if (known) return known;
    let h: IpsetHeader;
    try {
      h = await this.header(name);
    } catch (e) {
      if (e instanceof IpsetError && e.fault.kind === 'kernel')
        throw new IpsetError({ ...e.fault, operation });
      throw e;
    }
    if (!IPSET_TYPES.includes(h.type as IpsetType) || typeof h.family === 'number')
      this.invalid(
        operation,
        name,
        `the set is ${h.type} (family ${h.family}); this client handles ${IPSET_TYPES.join(', ')} of family inet or inet6`,
      );
    const info = { type: h.type as IpsetType, family: h.family as IpsetFamily };
    this.sets.set(name, info);
    return info;
  }

  /** Sends one request and returns a copy of its answer message, if it had one. */
  private async ask(
    operation: IpsetOperation,
    name: string,
    build: (seq: number) => NlWriter,
  ): Promise<NlMsgView | null> {
    const w = build(this.socket.nextSeq());
    let answer: NlMsgView | null = null;
    try {
      await this.socket.request(w.finish(), {
        operation: `ipset ${operation}${name ? ` ${name}` : ''}`,
        onMessage: (m) => {
          if (!ANSWERS.has(m.type)) return;
          const copy = Buffer.from(m.buf.subarray(m.off, m.end));
          answer = new NlMsgView().reset(copy, 0);
        },
      });
    } catch (e) {
      throw this.errorOf(e, operation, name);
    }
    return answer;
  }

  private errorOf(e: unknown, operation: IpsetOperation, name: string, applied = 0): Error {
    if (!(e instanceof NetlinkError)) return e instanceof Error ? e : new Error(String(e));
    const fault = ipsetKernelFault(e.errno, operation, name);
    if (operation === 'protocol' && (e.code === 'EOPNOTSUPP' || e.code === 'EINVAL'))
      return new IpsetError({
        ...fault,
        reason: 'the kernel lacks ipset (module ip_set not built or not loaded)',
      });
    return new IpsetError(fault, applied);
  }

  private checkName(operation: IpsetOperation, name: string): void {
    // a request without a name means every set to the kernel (destroy all, flush all)
    if (!name || Buffer.byteLength(name) >= IPSET_MAXNAMELEN || name.includes('\0'))
      this.invalid(operation, name, `a set name is 1..${IPSET_MAXNAMELEN - 1} bytes`);
  }

  private invalid(operation: IpsetOperation, name: string, reason: string): never {
    const fault: IpsetFault = { kind: 'invalid-request', operation, set: name, reason };
    throw new IpsetError(fault);
  }
}
