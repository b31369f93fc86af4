// A TopSource for tests: answers from a MemoryControlTarget at once, without a socket; `down`
// makes every poll and command fail as if rope run had gone.
import { parseEndpoint } from '../../control/address.js';
import { failure, type ControlError, type Outcome } from '../../control/errors.js';
import type { MemoryControlTarget } from '../../control/memory-target.js';
import { MANUAL_LABEL } from '../../control/operations.js';
import type { TopSnapshot, TopSource } from '../ports.js';
import type { CommandRequest } from '../state/commands.js';

export class FakeTopSource implements TopSource {
  readonly where = '/run/p2pwall/rope.sock';
  down: ControlError | null = null;
  readonly commands: CommandRequest[] = [];
  polls = 0;

  constructor(readonly target: MemoryControlTarget) {}

  async poll(): Promise<Outcome<TopSnapshot>> {
    this.polls++;
    if (this.down) return { ok: false, error: this.down };
    const stats = this.target.stats();
    const list = this.target.list();
    if (!stats.ok) return stats;
    if (!list.ok) return list;
    return { ok: true, value: { stats: stats.value, list: list.value } };
  }

  async run(c: CommandRequest): Promise<Outcome<unknown>> {
    this.commands.push(c);
    if (this.down) return { ok: false, error: this.down };
    if (c.op === 'pass-all') return this.target.passAll(c.on);
    const p = parseEndpoint(c.address);
    if (!p.ok) return failure('invalid-argument', p.message);
    const target = { ...p.endpoint, port: c.op === 'unlock' ? null : c.port };
    if (c.op === 'unlock') return this.target.unlock(target);
    if (c.op === 'unblock') return this.target.unblock(target);
    return this.target.block({ target, seconds: c.seconds, label: MANUAL_LABEL });
  }

  close(): void {}
}
