// koffi (FFI with prebuilt binaries), loaded once per process for the system calls the `netlink`
// package does not offer (socket options, recvmmsg, a synchronous send).
//
// Why not just require('koffi'): its entry file also loads the tooling that downloads binaries,
// and with it https, tls, zlib and crypto — about 12 ms of every start of cutter and rope run,
// against 4 ms for the native module, which is the whole API used here (load, func, errno,
// address, sizeof; the entry only adds deprecated aliases). So the native module of this
// platform is loaded directly where koffi ships one for it and its version matches the
// package's; anything else (musl, another layout, a mismatch) goes through the entry as usual.
import { createRequire } from 'node:module';

export interface KoffiFunction {
  (...args: unknown[]): number;
}

export interface Koffi {
  load(name: string | null): { func(signature: string): KoffiFunction };
  errno(): number;
  address(value: unknown): bigint;
  sizeof(type: string): number;
}

/** koffi's directory name for this glibc Linux platform's native module. */
const TRIPLETS: Partial<Record<string, string>> = { x64: 'linux_x64', arm64: 'linux_arm64' };

let koffi: Koffi | null | undefined;

/** koffi, or null where it cannot load (not installed, no binary for this platform). */
export function loadKoffi(): Koffi | null {
  if (koffi !== undefined) return koffi;
  const require = createRequire(import.meta.url);
  const triplet = process.platform === 'linux' ? TRIPLETS[process.arch] : undefined;
  if (triplet) {
    try {
      const native = require(`koffi/build/koffi/${triplet}/koffi.node`) as Koffi & {
        version?: string;
      };
      const { version } = require('koffi/package.json') as { version: string };
      if (native.version === version && typeof native.load === 'function') return (koffi = native);
    } catch {
      // a musl system (the glibc build does not load), or koffi laid out otherwise
    }
  }
  try {
    koffi = require('koffi') as Koffi;
  } catch {
    koffi = null;
  }
  return koffi;
}

let libc: { func(signature: string): KoffiFunction } | null | undefined;

/** The C library through koffi, or null without koffi. */
export function loadLibc(): { func(signature: string): KoffiFunction } | null {
  if (libc !== undefined) return libc;
  const k = loadKoffi();
  libc = null;
  if (!k) return libc;
  try {
    libc = k.load('libc.so.6');
  } catch {
    try {
      // musl has no libc.so.6: the process's own symbols (dlopen(NULL)) include its C library
      libc = k.load(null);
    } catch {
      libc = null;
    }
  }
  return libc;
}
