// errno numbers → names, and what a netfilter/sock_diag request failing with each one usually
// means to an administrator. Linux values (asm-generic/errno-base.h, errno.h).
import { constants } from 'node:os';

const names = new Map<number, string>();
for (const [name, value] of Object.entries(constants.errno))
  if (!names.has(value)) names.set(value, name);
// aliases: the name the kernel sources and netfilter documentation use wins
for (const name of ['EOPNOTSUPP', 'EAGAIN', 'EDEADLK']) {
  const v = (constants.errno as Record<string, number>)[name];
  if (v !== undefined) names.set(v, name);
}

/** "EPERM" for 1, … ; "errno 999" for numbers the platform does not name. */
export function errnoName(errno: number): string {
  return names.get(Math.abs(errno)) ?? `errno ${Math.abs(errno)}`;
}

export const EPERM = 1;
export const ENOENT = 2;
export const EINTR = 4;
export const EBADF = 9;
export const EAGAIN = 11;
export const ENOMEM = 12;
export const EACCES = 13;
export const EBUSY = 16;
export const EEXIST = 17;
export const EINVAL = 22;
export const ENOSPC = 28;
export const EMSGSIZE = 90;
export const EPROTONOSUPPORT = 93;
export const EOPNOTSUPP = 95;
export const ENOBUFS = 105;
export const ETIMEDOUT = 110;
