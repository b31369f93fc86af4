// The TopSource of a running rope run: its control socket, through one ControlClient that opens
// the connection again after rope run went away and came back.
import { ControlClient } from '../control/client.js';
import type { Outcome } from '../control/errors.js';
import type { TopSnapshot, TopSource } from './ports.js';
import type { CommandRequest } from './state/commands.js';

export class ControlSource implements TopSource {
  private readonly client: ControlClient;

  constructor(
    readonly where: string,
    timeoutMs = 3000,
  ) {
    this.client = new ControlClient(where, { timeoutMs });
  }

  async poll(): Promise<Outcome<TopSnapshot>> {
    const [stats, list] = await Promise.all([
      this.client.request('stats', {}),
      this.client.request('list', {}),
    ]);
    if (!stats.ok) return stats;
    if (!list.ok) return list;
    return { ok: true, value: { stats: stats.value, list: list.value } };
  }

  run(c: CommandRequest): Promise<Outcome<unknown>> {
    switch (c.op) {
      case 'unlock':
        return this.client.request('unlock', { address: c.address });
      case 'unblock':
        return this.client.request('unblock', { address: c.address, port: c.port });
      case 'block':
        return this.client.request('block', {
          address: c.address,
          port: c.port,
          seconds: c.seconds,
        });
      case 'pass-all':
        return this.client.request('pass-all', { on: c.on });
    }
  }

  close(): void {
    this.client.close();
  }
}
