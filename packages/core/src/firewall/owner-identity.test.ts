// A pid alone does not tell whose rules are stale: the recorded start time and pid namespace do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { identityText, ownerState, ownIdentity, parseIdentity } from './owner-identity.js';
import { chainsOf } from './raw-base-chains.js';

test('the identity of this process, as a comment carries it and back', () => {
  const id = ownIdentity();
  assert.ok(id, '/proc tells the start time and pid namespace');
  assert.match(id.start, /^\d+$/);
  assert.match(id.pidns, /^\d+$/);
  const comment = `p2pwall-cutter 4242: temporary rules; owner ${identityText(id)}`;
  assert.deepEqual(parseIdentity(comment), id);
  assert.equal(parseIdentity('p2pwall-cutter 4242: temporary rules'), null);
});

test('owner state: the same process is alive, a reused pid or a missing one is gone', () => {
  const own = ownIdentity()!;
  // the parent (the test runner) is alive, and its start time is in /proc
  const stat = readFileSync(`/proc/${process.ppid}/stat`, 'utf8');
  const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  const parent = { start, pidns: own.pidns };
  assert.equal(ownerState(process.ppid, 'p2pwall-cutter', parent), 'alive');
  // the pid now belongs to a process started at another time: it is not the owner
  const reused = { start: String(Number(start) + 1), pidns: own.pidns };
  assert.equal(ownerState(process.ppid, 'p2pwall-cutter', reused), 'gone');
  // no process with that pid at all (pid_max is at most 2^22)
  assert.equal(ownerState(4_194_400, 'p2pwall-cutter', parent), 'gone');
  assert.equal(ownerState(4_194_400, 'p2pwall-cutter', null), 'gone');
  // another pid namespace's pid means nothing here: never judged gone
  const elsewhere = { start: '1', pidns: String(Number(own.pidns) + 1) };
  assert.equal(ownerState(4_194_400, 'p2pwall-cutter', elsewhere), 'alive');
  // this process is always the owner of its own rules
  assert.equal(ownerState(process.pid, 'p2pwall-cutter', reused), 'alive');
});

test('raw base chains: rules counted per chain, the hook line is no rule', () => {
  const listing = [
    'table ip raw {',
    '\tchain PREROUTING {',
    '\t\ttype filter hook prerouting priority raw; policy accept;',
    '\t}',
    '\tchain OUTPUT {',
    '\t\ttype filter hook output priority raw; policy accept;',
    '\t\tcounter packets 0 bytes 0 accept',
    '\t}',
    '\tchain FOO {',
    '\t}',
    '}',
  ].join('\n');
  assert.deepEqual(
    [...chainsOf(listing)],
    [
      ['PREROUTING', 0],
      ['OUTPUT', 1],
      ['FOO', 0],
    ],
  );
});
