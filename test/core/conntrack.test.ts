// ctnetlink against the real kernel, in a namespace of the test's own, compared with what
// `conntrack` (conntrack-tools) reports for the same table.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createNamespace, execIn, removeNamespace, runId } from '../../tools/lab/netns.js';
import { privilegedSkip } from '../support/environment.js';
import { activateConntrack, background, conntrackList, op } from './support.js';

const skip = privilegedSkip(['ip', 'nft', 'conntrack']);
let ns = '';

const TCP = { src: '192.0.2.1', dst: '198.51.100.2', proto: 6, srcPort: 40000, dstPort: 80 };
const TCP_REPLY = { src: '198.51.100.2', dst: '192.0.2.1', proto: 6, srcPort: 80, dstPort: 40000 };

before(() => {
  if (skip) return;
  ns = createNamespace(runId(), 'ct');
  activateConntrack(ns);
  const insert = (args: string[]) => execIn(ns, ['conntrack', '-I', ...args]);
  insert([
    '-p',
    'tcp',
    '-s',
    '192.0.2.1',
    '-d',
    '198.51.100.2',
    '--sport',
    '40000',
    '--dport',
    '80',
    '--state',
    'ESTABLISHED',
    '-t',
    '300',
    '-u',
    'SEEN_REPLY,ASSURED',
    '-m',
    '7',
  ]);
  insert([
    '-p',
    'tcp',
    '-s',
    '192.0.2.1',
    '-d',
    '198.51.100.2',
    '--sport',
    '40001',
    '--dport',
    '443',
    '--state',
    'SYN_SENT',
    '-t',
    '300',
  ]);
  insert([
    '-p',
    'udp',
    '-s',
    '2001:db8::1',
    '-d',
    '2001:db8::2',
    '--sport',
    '5000',
    '--dport',
    '53',
    '-t',
    '300',
    '-m',
    '9',
  ]);
  insert([
    '-p',
    'tcp',
    '-s',
    '192.0.2.5',
    '-d',
    '198.51.100.2',
    '--sport',
    '40002',
    '--dport',
    '80',
    '--state',
    'ESTABLISHED',
    '-t',
    '300',
    '-w',
    '3',
  ]);
});

after(() => {
  if (ns) removeNamespace(ns);
});

test('a dump holds exactly what conntrack -L lists: ids, tuples, marks, states', { skip }, () => {
  const ours: any[] = op(ns, { op: 'dump' });
  const theirs = conntrackList(ns);
  assert.equal(ours.length, theirs.size);
  for (const e of ours) {
    const line = theirs.get(e.id);
    assert.ok(line, `id ${e.id} is in conntrack -L`);
    assert.ok(line.includes(`src=${e.orig.src} dst=${e.orig.dst}`), line);
    assert.ok(line.includes(`sport=${e.orig.srcPort} dport=${e.orig.dstPort}`), line);
    assert.ok(line.includes(`mark=${e.mark}`), line);
    if (e.zone) assert.ok(line.includes(`zone=${e.zone}`), line);
  }
  const established = ours.find((e) => e.orig.srcPort === 40000);
  assert.equal(established.protoinfo.tcp.state, 3);
  assert.equal(ours.find((e) => e.orig.srcPort === 40001).protoinfo.tcp.state, 1);
});

test(
  'family and kernel-side filters: IPv6 only, mark/mask, zone, an original-tuple match',
  { skip },
  () => {
    assert.deepEqual(
      op<any[]>(ns, { op: 'dump', family: 6 }).map((e) => e.orig.dstPort),
      [53],
    );
    assert.deepEqual(
      op<any[]>(ns, { op: 'dump', filter: { mark: { value: 1, mask: 1 } } })
        .map((e) => e.mark)
        .sort(),
      [7, 9],
    );
    assert.deepEqual(
      op<any[]>(ns, { op: 'dump', family: 4, filter: { zone: 3 } }).map((e) => e.orig.src),
      ['192.0.2.5'],
    );
    const byPort = op<any[]>(ns, {
      op: 'dump',
      family: 4,
      filter: { orig: { proto: 6, dstPort: 443 } },
    });
    assert.deepEqual(
      byPort.map((e) => e.orig.srcPort),
      [40001],
    );
    const bySrc = op<any[]>(ns, { op: 'dump', family: 4, filter: { orig: { src: '192.0.2.5' } } });
    assert.deepEqual(
      bySrc.map((e) => e.orig.srcPort),
      [40002],
    );
  },
);

test(
  'get finds one entry by tuple; a wrong CTA_ID or an unknown tuple gives null',
  { skip },
  () => {
    const e = op(ns, { op: 'get', key: { orig: TCP } });
    assert.equal(e.mark, 7);
    assert.deepEqual(e.reply, TCP_REPLY);
    assert.equal(op(ns, { op: 'get', key: { reply: TCP_REPLY } }).id, e.id);
    assert.equal(op(ns, { op: 'get', key: { orig: TCP, id: (e.id + 1) >>> 0 } }), null);
    assert.equal(op(ns, { op: 'get', key: { orig: { ...TCP, srcPort: 1 } } }), null);
  },
);

test('the mark update is seen by conntrack -L', { skip }, () => {
  const e = op(ns, { op: 'get', key: { orig: TCP } });
  assert.equal(op(ns, { op: 'setMark', key: { orig: TCP, id: e.id }, mark: 0x51 }), true);
  assert.match(conntrackList(ns).get(e.id)!, /mark=81/);
  assert.equal(
    op(ns, { op: 'setMark', key: { orig: TCP, id: e.id }, mark: 0x0f00, mask: 0xff00 }),
    true,
  );
  assert.match(conntrackList(ns).get(e.id)!, /mark=3921 /);
});

test('delete removes only the entry with the right CTA_ID', { skip }, () => {
  const e = op(ns, { op: 'get', key: { orig: { ...TCP, srcPort: 40001, dstPort: 443 } } });
  assert.equal(op(ns, { op: 'delete', key: { orig: e.orig, id: (e.id ^ 1) >>> 0 } }), false);
  assert.ok(conntrackList(ns).has(e.id), 'still there after a delete with another id');
  assert.equal(op(ns, { op: 'delete', key: { orig: e.orig, id: e.id } }), true);
  assert.equal(conntrackList(ns).has(e.id), false);
  assert.equal(op(ns, { op: 'delete', key: { orig: e.orig } }), false, 'ENOENT the second time');
  const zoned = op(ns, {
    op: 'get',
    key: { orig: { ...TCP, src: '192.0.2.5', srcPort: 40002 }, zone: 3 },
  });
  assert.equal(op(ns, { op: 'delete', key: { orig: zoned.orig, id: zoned.id, zone: 3 } }), true);
});

test('create makes an entry conntrack -L shows; a duplicate is EEXIST', { skip }, () => {
  const spec = {
    orig: { src: '203.0.113.9', dst: '198.51.100.3', proto: 6, srcPort: 50000, dstPort: 22 },
    reply: { src: '198.51.100.3', dst: '203.0.113.9', proto: 6, srcPort: 22, dstPort: 50000 },
    timeout: 120,
    mark: 5,
    status: 0x2 | 0x4,
    protoinfo: { tcp: { state: 3 } },
  };
  assert.equal(op(ns, { op: 'create', spec }), true);
  const line = [...conntrackList(ns).values()].find((l) => l.includes('src=203.0.113.9'));
  assert.ok(
    line && /ESTABLISHED/.test(line) && /mark=5/.test(line) && /sport=50000 dport=22/.test(line),
    line,
  );
  assert.throws(
    () => op(ns, { op: 'create', spec }),
    (e: Error & { fault?: { kind: string; operation: string; code: string } }) => {
      assert.match(e.message, /EEXIST/);
      assert.deepEqual(
        [e.fault?.kind, e.fault?.operation, e.fault?.code],
        ['errno', 'conntrack create', 'EEXIST'],
      );
      return true;
    },
  );
});

test('events: new, update and destroy arrive as the table changes', { skip }, async () => {
  const { result } = await background(ns, { op: 'watch', ms: 1500 });
  const args = [
    '-p',
    'tcp',
    '-s',
    '192.0.2.77',
    '-d',
    '198.51.100.2',
    '--sport',
    '41000',
    '--dport',
    '80',
  ];
  execIn(ns, [
    'conntrack',
    '-I',
    ...args,
    '--state',
    'ESTABLISHED',
    '-t',
    '60',
    '-u',
    'SEEN_REPLY',
  ]);
  execIn(ns, ['conntrack', '-U', ...args, '-m', '12']);
  execIn(ns, ['conntrack', '-D', ...args]);
  const events: any[] = (await result).filter((e: any) => e.entry.orig.src === '192.0.2.77');
  assert.deepEqual(
    events.map((e) => e.type),
    ['new', 'update', 'destroy'],
  );
  assert.equal(events[1].entry.mark, 12);
  assert.equal(events[0].entry.id, events[2].entry.id);
});
