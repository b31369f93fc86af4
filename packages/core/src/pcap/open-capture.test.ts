import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildUdpPacket } from '../wire/build.js';
import { CaptureError } from './capture-error.js';
import { openCapture } from './open-capture.js';
import { encodePcap } from './pcap-writer.js';
import { withTempDir } from '../../../../test/support/temp-dir.js';

function openError(path: string): CaptureError {
  try {
    openCapture(path).close();
  } catch (e) {
    assert.ok(e instanceof CaptureError);
    return e;
  }
  assert.fail('expected CaptureError');
}

const udp = buildUdpPacket({
  src: '192.0.2.1',
  dst: '198.51.100.2',
  srcPort: 1,
  dstPort: 9,
  payload: 'p',
});

test('a missing file, a directory: one-line CaptureError of kind io', () =>
  withTempDir('p2pwall-open-', (dir) => {
    const missing = openError(join(dir, 'nope.pcap'));
    assert.equal(missing.message, `${join(dir, 'nope.pcap')}: cannot open: no such file`);
    assert.equal(missing.kind, 'io');
    assert.deepEqual(missing.fault, {
      kind: 'io',
      file: join(dir, 'nope.pcap'),
      record: 0,
      byteOffset: 0,
      reason: 'cannot open: no such file',
    });
    assert.equal(openError(dir).reason, 'cannot open: is a directory');
  }));

test('a pipe streams (tcpdump -w - | …): read through a FIFO fed by another process', () =>
  withTempDir('p2pwall-open-', async (dir) => {
    const fifo = join(dir, 'fifo');
    const mk = spawnSync('mkfifo', [fifo]);
    assert.equal(mk.status, 0);
    const src = join(dir, 'src.pcap');
    // enough records to need several reads through the pipe buffer
    writeFileSync(
      src,
      encodePcap(Array.from({ length: 5000 }, (_, i) => ({ data: udp, tsSec: i }))),
    );
    const writer = spawn('sh', ['-c', `cat '${src}' > '${fifo}'`], { stdio: 'ignore' });
    const exited = new Promise((resolve) => writer.on('exit', resolve));
    const r = openCapture(fifo, { chunkSize: 4096 });
    let n = 0;
    for (let rec = r.next(); rec; rec = r.next()) {
      assert.equal(rec.tsSec, n);
      n++;
    }
    r.close();
    assert.equal(n, 5000);
    assert.equal(await exited, 0);
  }));
