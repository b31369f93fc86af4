// conntrackd (Debian's conntrack-tools) for the HA test: the configuration of one gateway of an
// FTFW pair over a dedicated link — the same text docs/deploy.md shows (test/docs/deploy.test.ts
// compares them) — and the daemon run in a gateway's namespace, in the foreground, with its
// lock file and control socket in the test's own directory.
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LabHost } from '../../tools/lab/host.js';
import { tail } from '../../tools/lab/processes.js';

export interface ConntrackdSettings {
  /** This gateway's address on the sync link, and the other's. */
  local: string;
  peer: string;
  /** The sync link's interface. */
  iface: string;
  lockFile: string;
  socket: string;
  logFile: string;
  /** Addresses whose connections are not synchronised (the gateways' own, loopback). */
  ignore: string[];
}

/** conntrackd.conf for one gateway of an FTFW pair (unicast UDP on the sync link). */
export function conntrackdConf(s: ConntrackdSettings): string {
  return `Sync {
	Mode FTFW {
		DisableExternalCache Off
	}
	UDP {
		IPv4_address ${s.local}
		IPv4_Destination_Address ${s.peer}
		Port 3780
		Interface ${s.iface}
		SndSocketBuffer 1249280
		RcvSocketBuffer 1249280
		Checksum on
	}
}
General {
	HashSize 32768
	HashLimit 131072
	LogFile ${s.logFile}
	Syslog off
	LockFile ${s.lockFile}
	UNIX {
		Path ${s.socket}
	}
	NetlinkBufferSize 2097152
	NetlinkBufferSizeMaxGrowth 8388608
	Filter From Userspace {
		Protocol Accept {
			TCP
			UDP
		}
		Address Ignore {
${s.ignore.map((a) => `			IPv4_address ${a}`).join('\n')}
		}
	}
}
`;
}

export class Conntrackd {
  readonly stderr: () => string;
  private constructor(
    readonly host: LabHost,
    readonly conf: string,
    readonly child: ChildProcess,
  ) {
    this.stderr = tail(child.stderr, 8000);
    tail(child.stdout, 8000);
  }

  /** Writes the configuration into `dir` and starts conntrackd (foreground); waits until it answers. */
  static async start(
    host: LabHost,
    dir: string,
    s: Omit<ConntrackdSettings, 'lockFile' | 'socket' | 'logFile'>,
  ): Promise<Conntrackd> {
    const conf = join(dir, `conntrackd-${host.name}.conf`);
    writeFileSync(
      conf,
      conntrackdConf({
        ...s,
        lockFile: join(dir, `conntrackd-${host.name}.lock`),
        socket: join(dir, `conntrackd-${host.name}.ctl`),
        logFile: join(dir, `conntrackd-${host.name}.log`),
      }),
    );
    const d = new Conntrackd(host, conf, host.spawn(['conntrackd', '-C', conf]));
    for (let i = 0; i < 600; i++) {
      if (d.child.exitCode !== null)
        throw new Error(`conntrackd in ${host.name} exited (${d.child.exitCode}): ${d.stderr()}`);
      if ((await d.ctl(['-s'], true)).code === 0) return d;
      await sleep(50);
    }
    throw new Error(`conntrackd in ${host.name} did not answer on its socket: ${d.stderr()}`);
  }

  /** `conntrackd -C CONF ARGS…` (the control client). */
  ctl(args: string[], allowFail = false) {
    return this.host.exec(['conntrackd', '-C', this.conf, ...args], { allowFail });
  }
}
