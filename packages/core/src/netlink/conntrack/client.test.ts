// The conntrack client against the fake kernel: what each request carries (decoded with the
// codecs), how answers become entries, and how refusals read. The kernel side is a small
// ctnetlink over a table of entries: dumps apply the request's filter, get/delete/update find an
// entry by its tuple (and CTA_ID when given), as ctnetlink_get_conntrack and friends do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AttrTable } from '../attr.js';
import {
  AF_INET,
  AF_INET6,
  AF_UNSPEC,
  NETLINK_NETFILTER,
  NFNL_SUBSYS_CTNETLINK,
  NLM_F_ACK,
  NLM_F_CREATE,
  NLM_F_DUMP,
  NLM_F_DUMP_INTR,
  NLM_F_EXCL,
  nfnlMsgType,
} from '../constants.js';
import { EEXIST, ENOENT, EOPNOTSUPP, EPERM } from '../errno.js';
import { NetlinkError } from '../errors.js';
import { FakeKernel, type KernelRequest } from '../testing/fake-kernel.js';
import { Conntrack } from './client.js';
import {
  CTA_ID,
  CTA_MARK,
  CTA_MARK_MASK,
  CTA_MAX,
  CTA_STATUS,
  CTA_TIMEOUT,
  CTA_TUPLE_ORIG,
  CTA_TUPLE_REPLY,
  CTA_ZONE,
  IPCTNL_MSG_CT_DELETE,
  IPCTNL_MSG_CT_GET,
  IPCTNL_MSG_CT_GET_CTRZERO,
  IPCTNL_MSG_CT_NEW,
  IPS_ASSURED,
  IPS_CONFIRMED,
  IPS_SEEN_REPLY,
} from './constants.js';
import { encodeEntry, type ConntrackEntry } from './entry.js';
import { decodeDumpFilter, type DumpFilter, type TupleMatch } from './filter.js';
import { decodeTuple, type Tuple } from './tuple.js';

const CT_NEW = nfnlMsgType(NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_CT_NEW);
const CT_GET = nfnlMsgType(NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_CT_GET);
const CT_GET_CTRZERO = nfnlMsgType(NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_CT_GET_CTRZERO);
const CT_DELETE = nfnlMsgType(NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_CT_DELETE);

const web: ConntrackEntry = {
  family: AF_INET,
  orig: { src: '192.0.2.10', dst: '198.51.100.20', proto: 6, srcPort: 40000, dstPort: 80 },
  reply: { src: '198.51.100.20', dst: '192.0.2.10', proto: 6, srcPort: 80, dstPort: 40000 },
  status: IPS_CONFIRMED | IPS_SEEN_REPLY | IPS_ASSURED,
  mark: 0x10,
  id: 1001,
  timeout: 431999,
};
const dns: ConntrackEntry = {
  family: AF_INET,
  orig: { src: '192.0.2.10', dst: '203.0.113.53', proto: 17, srcPort: 5353, dstPort: 53 },
  reply: { src: '203.0.113.53', dst: '192.0.2.10', proto: 17, srcPort: 53, dstPort: 5353 },
  status: IPS_CONFIRMED,
  mark: 0,
  id: 1002,
  timeout: 29,
};
const web6: ConntrackEntry = {
  family: AF_INET6,
  orig: { src: '2001:db8::10', dst: '2001:db8::20', proto: 6, srcPort: 40001, dstPort: 443 },
  reply: { src: '2001:db8::20', dst: '2001:db8::10', proto: 6, srcPort: 443, dstPort: 40001 },
  status: IPS_CONFIRMED | IPS_SEEN_REPLY,
  mark: 0x11,
  id: 1003,
  timeout: 120,
};

function tupleMatches(t: Tuple, m: TupleMatch | undefined): boolean {
  if (!m) return true;
  return (Object.keys(m) as (keyof TupleMatch)[]).every((k) => t[k] === m[k]);
}

/** What ctnetlink's dump filter lets through (ctnetlink_filter_match). */
function filterMatches(e: ConntrackEntry, family: number, f: DumpFilter): boolean {
  if (family !== AF_UNSPEC && e.family !== family) return false;
  if (f.mark && ((e.mark ?? 0) & f.mark.mask!) >>> 0 !== f.mark.value) return false;
  if (f.status && ((e.status ?? 0) & f.status.mask!) >>> 0 !== f.status.value) return false;
  if (f.zone !== undefined && (e.zone ?? 0) !== f.zone) return false;
  return tupleMatches(e.orig, f.orig) && tupleMatches(e.reply, f.reply);
}

const sameTuple = (a: Tuple, b: Tuple) =>
  a.src === b.src &&
  a.dst === b.dst &&
  a.proto === b.proto &&
  a.srcPort === b.srcPort &&
  a.dstPort === b.dstPort;

/** The kernel side: a conntrack table answering dumps, gets, deletes and updates. */
function ctnetlink(table: ConntrackEntry[]) {
  const attrs = new AttrTable(CTA_MAX);
  const filters: DumpFilter[] = [];
  /** The entry a request names by tuple (and CTA_ID), or undefined. */
  const find = (req: KernelRequest): ConntrackEntry | undefined => {
    const t = attrs.parseOrThrow(req.bytes, req.view.nfAttrOffset, req.view.end);
    const type = t.has(CTA_TUPLE_ORIG) ? CTA_TUPLE_ORIG : CTA_TUPLE_REPLY;
    const off = t.offset(type);
    const tuple = decodeTuple(req.bytes, off, off + t.length(type));
    const id = t.has(CTA_ID) ? t.be32(CTA_ID) : undefined;
    return table.find(
      (e) =>
        sameTuple(type === CTA_TUPLE_ORIG ? e.orig : e.reply, tuple) &&
        (id === undefined || e.id === id),
    );
  };
  const kernel = new FakeKernel((req, k) => {
    const { type, flags } = req.header;
    const writeEntry = (w: ReturnType<FakeKernel['reply']>, e: ConntrackEntry) => {
      w.nfgenmsg(e.family, 0, 0);
      encodeEntry(w, e);
    };
    if ((type === CT_GET || type === CT_GET_CTRZERO) && (flags & NLM_F_DUMP) === NLM_F_DUMP) {
      const f = decodeDumpFilter(req.bytes, req.view.nfAttrOffset, req.view.end);
      filters.push(f);
      const family = req.view.nfgenFamily;
      return k.dump(
        req,
        CT_NEW,
        table.filter((e) => filterMatches(e, family, f)),
        writeEntry,
      );
    }
    const e = find(req);
    if (type === CT_GET) {
      if (!e) return k.error(req, ENOENT);
      const w = k.reply(req, CT_NEW);
      writeEntry(w, e);
      return [w.finish(), k.ack(req)];
    }
    if (type === CT_DELETE) {
      if (!e) return k.error(req, ENOENT);
      table.splice(table.indexOf(e), 1);
      return k.ack(req);
    }
    if (type === CT_NEW && flags & NLM_F_CREATE) return e ? k.error(req, EEXIST) : k.ack(req);
    if (type === CT_NEW) {
      if (!e) return k.error(req, ENOENT);
      const t = attrs.parseOrThrow(req.bytes, req.view.nfAttrOffset, req.view.end);
      const mask = t.has(CTA_MARK_MASK) ? t.be32(CTA_MARK_MASK) : 0xffffffff;
      e.mark = (((e.mark ?? 0) & ~mask) ^ t.be32(CTA_MARK)) >>> 0;
      return k.ack(req);
    }
    return k.error(req, EOPNOTSUPP);
  });
  return { kernel, filters, ct: new Conntrack(kernel.socket(NETLINK_NETFILTER)) };
}

test('conntrack dump: one GET dump per call, entries decoded from the answer, family in nfgenmsg', async () => {
  const { kernel, ct } = ctnetlink([web, dns, web6]);
  assert.deepEqual(await ct.dump(), [web, dns, web6]);
  assert.deepEqual(await ct.dump({ family: 6 }), [web6]);
  const seen: number[] = [];
  assert.deepEqual(await ct.dumpEach({ family: 4, zeroCounters: true }, (e) => seen.push(e.id!)), {
    count: 2,
    interrupted: false,
  });
  assert.deepEqual(seen, [1001, 1002]);
  assert.deepEqual(
    kernel.requests.map((r) => [r.header.type, r.header.flags & NLM_F_DUMP, r.view.nfgenFamily]),
    [
      [CT_GET, NLM_F_DUMP, AF_UNSPEC],
      [CT_GET, NLM_F_DUMP, AF_INET6],
      [CT_GET_CTRZERO, NLM_F_DUMP, AF_INET],
    ],
  );
  ct.close();
});

test('conntrack dump filters: mark, status, zone and partial tuples reach the kernel as given', async () => {
  const { kernel, filters, ct } = ctnetlink([web, dns, web6]);
  assert.deepEqual(await ct.dump({ filter: { mark: { value: 0x10, mask: 0xf0 } } }), [web, web6]);
  assert.deepEqual(await ct.dump({ filter: { status: { value: IPS_ASSURED } } }), [web]);
  assert.deepEqual(await ct.dump({ family: 4, filter: { orig: { proto: 17, dstPort: 53 } } }), [
    dns,
  ]);
  assert.deepEqual(await ct.dump({ family: 4, filter: { reply: { src: '198.51.100.20' } } }), [
    web,
  ]);
  assert.deepEqual(await ct.dump({ filter: { zone: 3 } }), []);
  assert.deepEqual(filters, [
    { mark: { value: 0x10, mask: 0xf0 } },
    { status: { value: IPS_ASSURED, mask: IPS_ASSURED } },
    { orig: { proto: 17, dstPort: 53 } },
    { reply: { src: '198.51.100.20' } },
    { zone: 3 },
  ]);
  // refused before anything is sent
  await assert.rejects(
    ct.dump({ filter: { orig: { src: '192.0.2.10' } } }),
    /tuple filter needs one address family \(4 or 6\), not "all"/,
  );
  await assert.rejects(
    ct.dump({ family: 4, filter: { orig: { dstPort: 80 } } }),
    /port filter needs the protocol/,
  );
  assert.equal(kernel.requests.length, 5);
  ct.close();
});

test('conntrack dump: a kernel without CTA_FILTER, a dump cut by a table change', async () => {
  const old = new FakeKernel((req, k) => k.error(req, EOPNOTSUPP));
  await assert.rejects(
    new Conntrack(old.socket()).dump({ family: 4, filter: { orig: { proto: 6 } } }),
    (e: unknown) => {
      assert.ok(e instanceof NetlinkError);
      assert.equal(
        e.message,
        'conntrack dump failed: EOPNOTSUPP (operation not supported on socket) — the kernel does not support this conntrack dump filter (CTA_FILTER needs Linux 5.8)',
      );
      return true;
    },
  );
  const interrupted = new FakeKernel((req, k) => {
    const w = k.reply(req, CT_NEW, NLM_F_DUMP_INTR).nfgenmsg(AF_INET, 0, 0);
    encodeEntry(w, web);
    return [w.finish(), k.done(req)];
  });
  const ct2 = new Conntrack(interrupted.socket());
  assert.deepEqual(await ct2.dumpEach({}, () => {}), { count: 1, interrupted: true });
});

test('conntrack get: the entry by its tuple, null when gone or when its id is another', async () => {
  const { kernel, ct } = ctnetlink([web, dns]);
  assert.deepEqual(await ct.get({ orig: web.orig }), web);
  assert.deepEqual(await ct.get({ reply: dns.reply, zone: 0 }), dns);
  assert.equal(await ct.get({ orig: web6.orig }), null, 'ENOENT');
  assert.equal(await ct.get({ orig: web.orig, id: 4711 }), null, 'a reused tuple');
  const req = kernel.requests[1];
  assert.equal(req.header.type, CT_GET);
  assert.equal(req.header.flags & NLM_F_ACK, NLM_F_ACK);
  assert.equal(req.header.flags & NLM_F_DUMP, 0);
  const t = new AttrTable(CTA_MAX).parseOrThrow(req.bytes, req.view.nfAttrOffset, req.view.end);
  const off = t.offset(CTA_TUPLE_REPLY);
  assert.deepEqual(decodeTuple(req.bytes, off, off + t.length(CTA_TUPLE_REPLY)), dns.reply);
  assert.equal(t.be16(CTA_ZONE), 0);
  await assert.rejects(ct.get({}), /needs its original or reply tuple/);
});

test('conntrack delete: only the entry with that id; false when gone; EPERM says what to do', async () => {
  const table = [{ ...web }, { ...dns }];
  const { kernel, ct } = ctnetlink(table);
  assert.equal(await ct.delete({ orig: web.orig, id: 4711 }), false, 'another connection');
  assert.equal(await ct.delete({ orig: web.orig, id: web.id }), true);
  assert.equal(await ct.delete({ orig: web.orig }), false, 'gone already');
  assert.deepEqual(
    table.map((e) => e.id),
    [1002],
  );
  const sent = new AttrTable(CTA_MAX).parseOrThrow(
    kernel.requests[1].bytes,
    kernel.requests[1].view.nfAttrOffset,
    kernel.requests[1].view.end,
  );
  assert.equal(sent.be32(CTA_ID), web.id);
  assert.equal(kernel.requests[1].header.type, CT_DELETE);
  await assert.rejects(
    ct.delete({ orig: { src: '192.0.2.1', dst: '192.0.2.2', proto: 6 } }),
    /needs a complete tuple/,
  );
  assert.equal(kernel.requests.length, 3, 'an incomplete tuple never reaches the kernel');

  const denied = new FakeKernel((req, k) => k.error(req, EPERM));
  await assert.rejects(new Conntrack(denied.socket()).delete({ orig: dns.orig }), (e: unknown) => {
    assert.ok(e instanceof NetlinkError);
    assert.deepEqual(e.fault, {
      kind: 'errno',
      operation: 'conntrack delete',
      errno: EPERM,
      code: 'EPERM',
      hint: 'needs CAP_NET_ADMIN (run as root, or grant the capability)',
    });
    assert.equal(
      e.message,
      'conntrack delete failed: EPERM (operation not permitted) — needs CAP_NET_ADMIN (run as root, or grant the capability)',
    );
    return true;
  });
});

test('conntrack setMark: the kernel keeps the bits outside the mask; false when gone', async () => {
  const entry = { ...web, mark: 0xab00 };
  const { kernel, ct } = ctnetlink([entry]);
  assert.equal(await ct.setMark({ orig: web.orig }, 0x0042, 0x00ff), true);
  assert.equal(entry.mark, 0xab42);
  assert.equal(await ct.setMark({ orig: web.orig, id: web.id }, 7), true);
  assert.equal(entry.mark, 7);
  assert.equal(await ct.setMark({ orig: dns.orig }, 1), false);
  const t = new AttrTable(CTA_MAX).parseOrThrow(
    kernel.requests[1].bytes,
    kernel.requests[1].view.nfAttrOffset,
    kernel.requests[1].view.end,
  );
  assert.equal(t.has(CTA_MARK_MASK), false, 'no mask for a whole-word mark');
  assert.equal(t.be32(CTA_ID), web.id);
});

test('conntrack create: NLM_F_CREATE|NLM_F_EXCL, a confirmed status, EEXIST with its hint', async () => {
  const { kernel, ct } = ctnetlink([web]);
  await ct.create({ orig: dns.orig, reply: dns.reply, timeout: 30, status: IPS_SEEN_REPLY });
  const req = kernel.requests[0];
  assert.equal(req.header.flags & (NLM_F_CREATE | NLM_F_EXCL), NLM_F_CREATE | NLM_F_EXCL);
  const t = new AttrTable(CTA_MAX).parseOrThrow(req.bytes, req.view.nfAttrOffset, req.view.end);
  assert.equal(t.be32(CTA_TIMEOUT), 30);
  assert.equal(t.be32(CTA_STATUS), IPS_SEEN_REPLY | IPS_CONFIRMED);
  await assert.rejects(
    ct.create({ orig: web.orig, reply: web.reply, timeout: 30 }),
    /^NetlinkError: conntrack create failed: EEXIST \(file already exists\) — an entry with this tuple exists already$/,
  );
});
