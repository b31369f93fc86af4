// Injection errors as records: the reason a caller maps to an exit status, and the message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InjectError, type InjectFault } from './errors.js';

test('each injection fault has its reason and its one-line message', () => {
  const cases: [InjectFault, string, string][] = [
    [
      { kind: 'privilege', operation: 'opening a raw IPv4 socket', capability: 'CAP_NET_RAW' },
      'privilege',
      'opening a raw IPv4 socket: needs CAP_NET_RAW (run as root, or grant the capability)',
    ],
    [
      { kind: 'firewall', operation: 'sending to 192.0.2.1' },
      'firewall',
      'sending to 192.0.2.1: the firewall refused the packet (an OUTPUT rule dropped it: EPERM)',
    ],
    [
      { kind: 'no-route', operation: 'sending to 2001:db8::1', cause: 'Network is unreachable' },
      'route',
      'sending to 2001:db8::1: no route (Network is unreachable)',
    ],
    [
      { kind: 'system', operation: 'sending to 192.0.2.1', cause: 'Message too long' },
      'other',
      'sending to 192.0.2.1: Message too long',
    ],
    [
      { kind: 'package-changed', operation: 'opening a raw IPv6 socket' },
      'other',
      'opening a raw IPv6 socket: @neuralegion/raw-socket changed its internals (no wrap.send); pin version 1.8.6',
    ],
    [{ kind: 'closed', whileQueued: false }, 'other', 'raw socket closed'],
    [
      { kind: 'closed', whileQueued: true },
      'other',
      'raw socket closed before the packet was sent',
    ],
  ];
  for (const [fault, reason, message] of cases) {
    const e = new InjectError(fault);
    assert.equal(e.reason, reason);
    assert.equal(e.message, message);
    assert.equal(e.fault, fault);
    assert.equal(String(e), `InjectError: ${message}`);
  }
});
