import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseShareTarget, shareTargetText } from './share-target.js';

test('share target: redis:// and unix: addresses', () => {
  const ok: [string, unknown][] = [
    ['redis://192.0.2.10:6379', { kind: 'tcp', host: '192.0.2.10', port: 6379, db: 0 }],
    ['redis://redis.example:6380/2', { kind: 'tcp', host: 'redis.example', port: 6380, db: 2 }],
    ['redis://[2001:db8::1]:6379/', { kind: 'tcp', host: '2001:db8::1', port: 6379, db: 0 }],
    ['unix:/run/redis/redis.sock', { kind: 'unix', path: '/run/redis/redis.sock', db: 0 }],
    ['unix:/run/redis/redis.sock?db=3', { kind: 'unix', path: '/run/redis/redis.sock', db: 3 }],
  ];
  for (const [text, want] of ok) assert.deepEqual(parseShareTarget(text), want, text);
  assert.equal(
    shareTargetText({ kind: 'tcp', host: '2001:db8::1', port: 6379, db: 1 }),
    'redis://[2001:db8::1]:6379/1',
  );
  assert.equal(shareTargetText({ kind: 'unix', path: '/x.sock', db: 0 }), 'unix:/x.sock');
});

test('share target: a malformed address says what is wrong', () => {
  const bad: [string, RegExp][] = [
    ['192.0.2.10:6379', /not a Redis address/],
    ['redis://192.0.2.10', /not a Redis address/],
    ['redis://192.0.2.10:0', /bad port 0/],
    ['redis://192.0.2.10:6379/x', /not a Redis address/],
    ['redis://192.0.2.10:6379/99999', /bad database number/],
    ['redis://user:pw@192.0.2.10:6379', /credentials are not supported/],
    ['rediss://192.0.2.10:6379', /TLS/],
    ['unix:relative.sock', /must be absolute/],
    ['unix:/x.sock?database=1', /unknown parameter/],
  ];
  for (const [text, re] of bad) {
    const r = parseShareTarget(text);
    assert.ok('message' in r, text);
    assert.match(r.message, re, text);
    assert.match(r.message, /expected redis:\/\/HOST:PORT\[\/DB\] or unix:PATH\[\?db=DB\]/);
  }
});
