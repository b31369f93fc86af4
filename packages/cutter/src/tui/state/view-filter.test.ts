import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { sample } from '../../../../../test/cutter-tui/connections.js';
import { matchesFilter } from '../../find/filter.js';
import { parseViewFilter } from './view-filter.js';

const web = sample('192.0.2.10', 40001, '198.51.100.10', 443, { id: 1 });
const ssh = sample('192.0.2.11', 50000, '198.51.100.10', 22, { id: 2, state: 7 });
const dns = sample('192.0.2.10', 5353, '198.51.100.53', 53, { id: 3, proto: 17 });
const v6 = sample('2001:db8:1::10', 40003, '2001:db8:2::10', 443, { id: 4, mark: 0x12 });
const all = [web, ssh, dns, v6];

function matching(text: string): string[] {
  const r = parseViewFilter(text);
  if (!r.ok) throw new Error(r.error);
  return all.filter((c) => !r.value || matchesFilter(c, r.value.filter)).map((c) => c.key);
}

test('the words of the filter line, as the command line understands them', () => {
  assert.deepEqual(
    matching(''),
    all.map((c) => c.key),
  );
  assert.deepEqual(matching('443'), [web.key, v6.key], 'a bare port: either end');
  assert.deepEqual(matching('port 22,53'), [ssh.key, dns.key]);
  assert.deepEqual(matching('50-60'), [dns.key], 'a range');
  assert.deepEqual(matching('udp'), [dns.key]);
  assert.deepEqual(matching('proto tcp -6'), [v6.key]);
  assert.deepEqual(matching('time_wait'), [ssh.key], 'a bare state name, any case');
  assert.deepEqual(matching('state ESTABLISHED'), [web.key, v6.key], 'a state means TCP');
  assert.deepEqual(matching('192.0.2.10'), [web.key, dns.key]);
  assert.deepEqual(
    matching('192.0.2.0/24 53'),
    [],
    'an address followed by its port: that end on that port',
  );
  assert.deepEqual(matching('198.51.100.53 53'), [dns.key]);
  assert.deepEqual(
    matching('192.0.2.10 0 198.51.100.10 443'),
    [web.key],
    'the historical IP PORT IP2 PORT2',
  );
  assert.deepEqual(matching('mark 0x12'), [v6.key]);
  assert.deepEqual(matching('2001:db8::/32'), [v6.key]);
});

test('mistakes are one line naming the word', () => {
  const err = (t: string) => {
    const r = parseViewFilter(t);
    assert.equal(r.ok, false, t);
    return (r as { error: string }).error;
  };
  assert.match(err('stat'), /"stat" is not an address, port, protocol, state or keyword/);
  assert.match(err('port'), /port needs a value/);
  assert.match(err('port 70000'), /not a port number/);
  assert.match(err('state OPEN'), /unknown TCP state "OPEN"/);
  assert.match(err('192.0.2.300'), /not an IP address/);
  assert.match(err('192.0.2.1 2001:db8::1'), /different IP versions/);
  assert.match(err('-6 192.0.2.1'), /-6 contradicts 192.0.2.1/);
  assert.match(err('1.2.3.4 5.6.7.8 9.9.9.9'), /third address/);
});

test('any line gives a filter or a message, never an exception', () => {
  fc.assert(
    fc.property(
      fc.string({ maxLength: 40 }),
      fc.array(
        fc.constantFrom('port', '80', '192.0.2.1', 'udp', 'state', 'est', '-6', '::1', '0', '/24'),
        { maxLength: 6 },
      ),
      (junk, words) => {
        for (const text of [junk, words.join(' '), `${words.join(' ')} ${junk}`]) {
          const r = parseViewFilter(text);
          assert.ok(
            r.ok ? r.value === null || typeof r.value.text === 'string' : r.error.length > 0,
          );
        }
      },
    ),
  );
});
