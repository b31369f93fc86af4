// What `rope test` does (its options and help: commands/test.ts, which loads this module when
// the command runs, so that help and completion load none of it).
import { faultMessage, formatEndpoint, formatIp, Packet, protocolName } from '@p2pwall/core';
import { CaptureError, ipOffset, openCapture, type CaptureReader } from '@p2pwall/core/pcap';
import { Engine, Verdict, verdictName, type CtInfo, type Script, type Value } from '../../index.js';
import { CaptureFlows } from '../../classify/capture-flows.js';
import { BufferedWriter } from '../buffered-output.js';
import {
  CliError,
  EXIT_FAILURE,
  EXIT_OK,
  parseCommandArgs,
  UsageError,
  type Output,
} from '../command.js';
import { pushesFrom } from '../push-options.js';
import { textGivenAsCapture } from '../file-kind.js';
import { loadScript } from '../read-script.js';
import { TracePrinter } from '../trace-printer.js';

import { OPTIONS } from '../commands/test.js';

const USAGE = 'rope test SCRIPT CAPTURE';

export async function executeTest(args: string[], io: Output): Promise<number> {
  const { values, positionals, tokens } = parseCommandArgs(args, OPTIONS);
  if (positionals.length < 2)
    throw new UsageError(
      positionals.length === 0 ? 'no script and capture given' : 'no capture given',
    );
  if (positionals.length > 2)
    throw new UsageError(`one script and one capture, got ${positionals.length} arguments`);
  const [scriptPath, capturePath] = positionals;
  const pushes = pushesFrom(tokens);
  const script = loadScript(scriptPath, pushes.length, io, USAGE);
  let reader: CaptureReader;
  try {
    reader = openCapture(capturePath);
  } catch (e) {
    if (e instanceof CaptureError)
      throw new CliError(textGivenAsCapture(e, `usage: ${USAGE}`) ?? e.message);
    throw e;
  }
  try {
    return runCapture(
      script,
      reader,
      pushes,
      { json: values.json === true, trace: values.trace === true },
      io,
    );
  } finally {
    reader.close();
  }
}

interface Mode {
  json: boolean;
  trace: boolean;
}

function runCapture(
  script: Script,
  reader: CaptureReader,
  pushes: Value[],
  mode: Mode,
  io: Output,
): number {
  const out = new BufferedWriter((t) => io.out(t));
  const traceOut = mode.json ? new BufferedWriter((t) => io.err(t)) : out;
  const tracer = mode.trace ? new TracePrinter(traceOut.write) : null;
  const engine = new Engine();
  const packet = new Packet();
  const flows = new CaptureFlows();
  const input = {
    packet,
    ct: null as CtInfo | null,
    mark: 0,
    packetTime: 0,
    flow: null as Value[] | null,
    trace: tracer,
  };
  const counts = [0, 0, 0, 0, 0];
  let records = 0;
  let ipPackets = 0;
  if (!mode.json) out.write(`${'packet'.padStart(7)}  ${'verdict'.padEnd(8)} details\n`);
  let failure: string | null = null;
  try {
    for (let r = reader.next(); r !== null; r = reader.next()) {
      records = r.index;
      const ip = ipOffset(r.linkType, r.buf, r.offset, r.length);
      if (ip < 0) continue;
      ipPackets++;
      let verdict: Verdict;
      let error: string | null = null;
      // NO from `never`: a classifier would run the script on none of the flow's later packets
      let never = false;
      if (!packet.decode(r.buf, ip, r.offset + r.length - ip)) {
        verdict = Verdict.FAIL;
        error = `EPacket: ${packet.fault ? faultMessage(packet.fault) : 'no IP header'}`;
      } else {
        input.ct = flows.update(packet, r.tsSec);
        input.packetTime = r.tsSec;
        input.flow = script.usesFlowRegisters ? flows.flowRegisters() : null;
        if (tracer) traceOut.write(`packet ${r.index}: ${describe(packet)}\n`);
        verdict = script.run(engine, input, pushes);
        never = engine.never;
        if (engine.lastError) error = engine.lastError.toString();
        if (tracer) {
          tracer.flush();
          traceOut.write(
            `    → ${verdictName(verdict)}${engine.lastError ? `\n${indent(engine.lastError.render())}` : ''}\n`,
          );
        }
      }
      counts[verdict]++;
      if (mode.json) {
        const extra =
          error !== null ? `,"error":${JSON.stringify(error)}` : never ? ',"never":true' : '';
        out.write(`{"packet":${r.index},"verdict":"${verdictName(verdict)}"${extra}}\n`);
      } else {
        const what = packet.version === 0 ? 'not decodable' : describe(packet);
        out.write(
          `${String(r.index).padStart(7)}  ${verdictName(verdict).padEnd(8)} ${what}${error ? `  ${error}` : ''}${never ? '  (never: done with the flow)' : ''}\n`,
        );
      }
    }
  } catch (e) {
    if (!(e instanceof CaptureError)) throw e;
    failure = e.message;
  }
  if (!mode.json) {
    const byVerdict = [Verdict.YES, Verdict.NO, Verdict.OKAY, Verdict.FAIL, Verdict.HOTDROP]
      .map((v) => `${verdictName(v)} ${counts[v]}`)
      .join(', ');
    out.write(
      `${script.name} on ${reader.path}: ${records} record${records === 1 ? '' : 's'}, ${ipPackets} IP packet${ipPackets === 1 ? '' : 's'}: ${byVerdict}\n`,
    );
  }
  out.flush();
  traceOut.flush();
  if (failure !== null) {
    io.err(`rope test: ${failure}\n`);
    return EXIT_FAILURE;
  }
  return EXIT_OK;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `      ${l}`)
    .join('\n');
}

/** `TCP 192.0.2.1:1234 → 198.51.100.2:80, 60 bytes, payload 20`. */
function describe(p: Packet): string {
  const proto = protocolName(p.protocol).toUpperCase();
  const len = `${p.end - p.ipOffset} bytes, payload ${p.payloadLength}`;
  if (p.hasPorts) {
    return `${proto} ${formatEndpoint(p.buf, p.srcOffset, p.addrLength, p.srcPort)} → ${formatEndpoint(p.buf, p.dstOffset, p.addrLength, p.dstPort)}, ${len}`;
  }
  return `${proto} ${formatIp(p.buf, p.srcOffset, p.addrLength)} → ${formatIp(p.buf, p.dstOffset, p.addrLength)}, ${len}`;
}
