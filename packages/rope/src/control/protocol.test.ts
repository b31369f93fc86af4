import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { failure, success } from './errors.js';
import { MAX_SECONDS, OP_NAMES } from './operations.js';
import {
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  PROTOCOL_VERSION,
} from './protocol.js';

const req = (o: object) => decodeRequest(JSON.stringify({ v: 1, id: 1, ...o }));
const code = (o: object) => {
  const d = req(o);
  assert.ok(!d.ok, `${JSON.stringify(o)} should be refused`);
  return d.error.code;
};

test('every operation round trips from encodeRequest to decoded arguments', () => {
  const line = (op: string, args: object) =>
    decodeRequest(encodeRequest(7, op as never, args as never).trimEnd());
  assert.deepEqual(line('list', {}), { ok: true, request: { id: 7, op: 'list', args: null } });
  assert.deepEqual(line('lock', { address: '192.0.2.10', seconds: 300 }), {
    ok: true,
    request: {
      id: 7,
      op: 'lock',
      args: {
        target: { address: '192.0.2.10', family: 4, port: null },
        seconds: 300,
        label: 'manual',
      },
    },
  });
  const b = line('block', { address: '2001:DB8::7', port: 6881 });
  assert.ok(b.ok);
  assert.deepEqual(b.request.args, {
    target: { address: '2001:db8::7', family: 6, port: 6881 },
    seconds: null,
    label: 'manual',
  });
  const n = line('ban-dns', { name: 'X.Example.com' });
  assert.ok(n.ok);
  assert.equal(n.request.args, 'x.example.com');
  const p = line('pass-all', { on: true });
  assert.ok(p.ok);
  assert.equal(p.request.args, true);
  const q = line('pass-all', {});
  assert.ok(q.ok);
  assert.equal(q.request.args, undefined);
});

test('string ids are kept; the envelope is checked', () => {
  const d = decodeRequest('{"v":1,"id":"top-3","op":"stats"}');
  assert.ok(d.ok);
  assert.equal(d.request.id, 'top-3');
  assert.equal(code({ v: 2, op: 'list' }), 'unsupported-version');
  assert.equal(code({ v: '1', op: 'list' }), 'unsupported-version');
  assert.equal(code({ op: 'nope' }), 'unknown-op');
  assert.equal(code({ op: '__proto__' }), 'unknown-op');
  assert.equal(code({ op: 'toString' }), 'unknown-op');
  assert.equal(code({ op: 'list', extra: 1 }), 'bad-request');
  assert.equal(code({ op: 'lock', address: '192.0.2.1', second: 5 }), 'bad-request');
  for (const id of [null, 1.5, true, {}, 'x'.repeat(129)]) {
    const r = decodeRequest(JSON.stringify({ v: 1, id, op: 'list' }));
    assert.ok(!r.ok);
    assert.equal(r.id, null);
    assert.equal(r.error.code, 'bad-request');
  }
});

test('arguments are checked strictly', () => {
  assert.equal(code({ op: 'lock' }), 'invalid-argument');
  assert.equal(code({ op: 'lock', address: '192.0.2.1:80' }), 'invalid-argument');
  assert.equal(code({ op: 'lock', address: '192.0.2.1', port: 80 }), 'bad-request');
  assert.equal(code({ op: 'block', address: '192.0.2.1', port: 0 }), 'invalid-argument');
  assert.equal(code({ op: 'block', address: '192.0.2.1', port: 70000 }), 'invalid-argument');
  assert.equal(code({ op: 'block', address: '192.0.2.1', port: '80' }), 'invalid-argument');
  assert.equal(code({ op: 'block', address: '192.0.2.1', seconds: 0 }), 'invalid-argument');
  assert.equal(code({ op: 'block', address: '192.0.2.1', seconds: -5 }), 'invalid-argument');
  assert.equal(
    code({ op: 'block', address: '192.0.2.1', seconds: MAX_SECONDS + 1 }),
    'invalid-argument',
  );
  assert.equal(code({ op: 'ban-dns', name: 'a..b' }), 'invalid-argument');
  assert.equal(code({ op: 'ban-dns', name: 5 }), 'invalid-argument');
  assert.equal(code({ op: 'pass-all', on: 'yes' }), 'invalid-argument');
  const d = req({ op: 'unblock', address: 'nope' });
  assert.ok(!d.ok);
  assert.match(d.error.message, /^unblock: "address": 'nope' is not an IPv4 or IPv6 address/);
});

test('not JSON, not an object: bad-request without id', () => {
  for (const line of [
    '',
    'garbage',
    '[1]',
    '1',
    'null',
    '"x"',
    '{"v":1',
    '{"v":1,"id":1,"op":"list"}x',
  ]) {
    const d = decodeRequest(line);
    assert.ok(!d.ok);
    assert.equal(d.error.code, 'bad-request');
    assert.equal(d.id, null);
  }
});

test('decodeRequest never throws, on any line and on any JSON value', () => {
  fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => void decodeRequest(s)));
  fc.assert(
    fc.property(fc.jsonValue(), (v) => {
      const d = decodeRequest(JSON.stringify(v));
      if (!d.ok) assert.ok(!d.error.message.includes('\n'));
    }),
  );
  const op = fc.constantFrom(...OP_NAMES, 'x');
  fc.assert(
    fc.property(
      op,
      fc.dictionary(
        fc.constantFrom('address', 'port', 'seconds', 'name', 'on', 'id'),
        fc.jsonValue(),
      ),
      (o, fields) => void decodeRequest(JSON.stringify({ v: 1, id: 1, op: o, ...fields })),
    ),
  );
});

test('responses round trip; ids null for connection-level errors', () => {
  const r1 = decodeResponse(encodeResponse(3, success({ passAll: true, changed: false })));
  assert.deepEqual(r1, { ok: true, id: 3, outcome: success({ passAll: true, changed: false }) });
  const r2 = decodeResponse(encodeResponse(null, failure('busy', 'too many')));
  assert.deepEqual(r2, { ok: true, id: null, outcome: failure('busy', 'too many') });
  assert.ok(encodeResponse(1, success({})).endsWith('\n'));
  assert.equal(JSON.parse(encodeResponse(1, success({}))).v, PROTOCOL_VERSION);
});

test('a response that is not of this protocol is a protocol error', () => {
  for (const line of [
    'x',
    '{}',
    '{"v":2,"id":1,"ok":true,"result":{}}',
    '{"v":1,"id":1,"ok":true}',
    '{"v":1,"id":{},"ok":true,"result":1}',
    '{"v":1,"id":1,"ok":false,"error":{"code":"nonsense","message":"m"}}',
    '{"v":1,"id":1,"ok":false,"error":"m"}',
    '{"v":1,"id":1,"ok":"yes"}',
  ]) {
    const d = decodeResponse(line);
    assert.ok(!d.ok, line);
    assert.equal(d.error.code, 'protocol');
  }
  fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => void decodeResponse(s)));
  fc.assert(fc.property(fc.jsonValue(), (v) => void decodeResponse(JSON.stringify(v))));
});
