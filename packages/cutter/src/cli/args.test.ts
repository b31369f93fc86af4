import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCli } from './args.js';

test('the historical positional forms', () => {
  const one = parseCli(['192.0.2.10']);
  assert.equal(one.filter.host?.text, '192.0.2.10');
  assert.equal(one.filter.family, 4);
  const four = parseCli(['192.0.2.10', '0', '198.51.100.0/24', '6881']);
  assert.equal(four.filter.hostPort, 0);
  assert.equal(four.filter.peer?.prefix, 24);
  assert.equal(four.filter.peerPort, 6881);
  assert.equal(parseCli(['2001:db8::1', '443']).filter.family, 6);
});

test('modes and filters', () => {
  const o = parseCli([
    '--yes',
    '--json',
    '-p',
    '80,443',
    '--proto',
    'tcp',
    '--state',
    'ESTABLISHED,SYN_RECV',
    '--mark',
    '0x10/0xff',
    '-t',
    '2000',
    '-6',
  ]);
  assert.ok(o.yes && o.json && !o.list);
  assert.deepEqual(o.filter.ports, [
    { from: 80, to: 80 },
    { from: 443, to: 443 },
  ]);
  assert.deepEqual(o.filter.states, ['ESTABLISHED', 'SYN_RECV']);
  assert.deepEqual(o.filter.mark, { value: 0x10, mask: 0xff });
  assert.equal(o.filter.family, 6);
  assert.equal(o.timeoutMs, 2000);
  assert.ok(o.freeze);
  assert.equal(parseCli(['--no-freeze']).freeze, false);
  const udp = parseCli(['--drop-udp', '--block', '30', '--proto', 'udp']);
  assert.ok(udp.dropUdp);
  assert.equal(udp.blockSeconds, 30);
  assert.deepEqual(udp.filter.protocols, [17]);
});

test('mistakes are one line naming the argument', () => {
  const bad: [string[], RegExp][] = [
    [['192.0.2.1', '70000'], /PORT: "70000" is not a port number/],
    [['nothost'], /not an IP address or CIDR prefix: "nothost"/],
    [['192.0.2.1', '80', '2001:db8::1'], /different IP versions/],
    [['a', 'b', 'c', 'd', 'e'], /too many arguments/],
    [['--port', 'http'], /--port: "http" is not a port or range/],
    [['--proto', 'ftp'], /--proto: unknown protocol "ftp"/],
    [['--state', 'UP'], /--state: unknown TCP state "UP"/],
    [['--mark', '0x1234567890'], /--mark: "0x1234567890" is not a 32-bit number/],
    [['--block', '5'], /--block only applies with --drop-udp/],
    [['--list', '--yes'], /does not go with --yes/],
    [['--frobnicate'], /frobnicate/],
    [['-4', '-6'], /exclude each other/],
    // negative numbers reach the range checks instead of node's "argument is ambiguous"
    [['--timeout', '-3'], /^--timeout: "-3" is not a positive number$/],
    [['-t', '-5'], /^--timeout: "-5" is not a positive number$/],
    [['--zone', '-3'], /^--zone: "-3" is not a zone number \(0–65535\)$/],
    [['--drop-udp', '--block', '-1'], /^--block: "-1" is not a positive number$/],
    [['--mark', '-5'], /^--mark: "-5" is not a 32-bit number/],
    [['192.0.2.1', '-1'], /^PORT: "-1" is not a port number \(0–65535\)$/],
    [['192.0.2.1', '80', '198.51.100.1', '-2'], /^PORT2: "-2" is not a port number \(0–65535\)$/],
    [['--firewall', 'pf'], /--firewall: "pf" is not nft or iptables/],
  ];
  for (const [argv, re] of bad) {
    assert.throws(
      () => parseCli(argv),
      (e: Error) => e.name === 'ArgumentError' && re.test(e.message) && !e.message.includes('\n'),
      argv.join(' '),
    );
  }
});

test('--yes never defaults to everything: it needs an address, a filter or --all', () => {
  for (const argv of [['--yes'], ['--yes', '--json'], ['-y', '--proto', 'tcp'], ['-y', '-4']])
    assert.throws(
      () => parseCli(argv),
      (e: Error) =>
        e.name === 'ArgumentError' &&
        /^--yes needs an address, a prefix or a filter .* or --all to cut every connection$/.test(
          e.message,
        ),
      argv.join(' '),
    );
  assert.ok(parseCli(['--yes', '--all']).all);
  assert.ok(parseCli(['--yes', '--json', '--all', '--proto', 'tcp']).yes);
  for (const argv of [
    ['--yes', '192.0.2.0/24'],
    ['--yes', '-p', '6881'],
    ['--yes', '--state', 'SYN_SENT'],
    ['--yes', '--mark', '1'],
    ['--yes', '--zone', '3'],
  ])
    assert.equal(parseCli(argv).all, false, argv.join(' '));
  // listing and the interactive view may still show everything
  assert.ok(parseCli(['--list']).list);
  assert.deepEqual(parseCli([]).filter, {});
  assert.throws(() => parseCli(['--cleanup', '--all']), /--cleanup takes no other arguments/);
});
