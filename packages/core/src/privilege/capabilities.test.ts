import { test } from 'node:test';
import assert from 'node:assert/strict';
import { effectiveCapabilities, missingCapabilities, needsCapability } from './capabilities.js';

const ROOT =
  'Name:\tnode\nCapInh:\t0000000000000000\nCapPrm:\t000001ffffffffff\nCapEff:\t000001ffffffffff\n';
const NOBODY = 'Name:\tnode\nCapEff:\t0000000000000000\n';
const ADMIN_ONLY = 'CapEff:\t0000000000001000\n';

test('reads CapEff and names what is missing', () => {
  assert.equal(effectiveCapabilities(ROOT), 0x1ffffffffffn);
  assert.deepEqual(
    missingCapabilities(['CAP_NET_ADMIN', 'CAP_NET_RAW'], effectiveCapabilities(ROOT)),
    [],
  );
  assert.deepEqual(
    missingCapabilities(['CAP_NET_ADMIN', 'CAP_NET_RAW'], effectiveCapabilities(NOBODY)),
    ['CAP_NET_ADMIN', 'CAP_NET_RAW'],
  );
  assert.deepEqual(
    missingCapabilities(['CAP_NET_ADMIN', 'CAP_NET_RAW'], effectiveCapabilities(ADMIN_ONLY)),
    ['CAP_NET_RAW'],
  );
  assert.equal(effectiveCapabilities('Name:\tx\n'), 0n);
});

test('names the capability and what to do in error hints', () => {
  assert.equal(
    needsCapability('CAP_NET_RAW'),
    'needs CAP_NET_RAW (run as root, or grant the capability)',
  );
});
