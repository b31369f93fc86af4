// Where `rope run --share` finds Redis: `redis://HOST:PORT[/DB]` (HOST a name, an IPv4 address or
// an IPv6 address in brackets) or `unix:PATH[?db=DB]` (a unix socket: Redis on the gateway
// itself, and the tests). A malformed address is data with a message naming what is wrong.

export type ShareTarget =
  | { kind: 'tcp'; host: string; port: number; db: number }
  | { kind: 'unix'; path: string; db: number };

export interface ShareTargetError {
  kind: 'share-target';
  text: string;
  message: string;
}

const MAX_DB = 65535;

function bad(text: string, why: string): ShareTargetError {
  return {
    kind: 'share-target',
    text,
    message: `${why} in ${JSON.stringify(text)}; expected redis://HOST:PORT[/DB] or unix:PATH[?db=DB]`,
  };
}

function parseDb(text: string, s: string): number | ShareTargetError {
  if (!/^\d{1,5}$/.test(s) || Number(s) > MAX_DB) return bad(text, `bad database number "${s}"`);
  return Number(s);
}

export function parseShareTarget(text: string): ShareTarget | ShareTargetError {
  if (text.startsWith('unix:')) {
    const [path, query] = text.slice('unix:'.length).split('?', 2) as [string, string?];
    if (!path.startsWith('/')) return bad(text, 'the socket path must be absolute');
    let db = 0;
    if (query !== undefined) {
      const m = /^db=(.*)$/.exec(query);
      if (!m) return bad(text, `unknown parameter "${query}"`);
      const d = parseDb(text, m[1]!);
      if (typeof d !== 'number') return d;
      db = d;
    }
    return { kind: 'unix', path, db };
  }
  const m = /^redis:\/\/(\[[0-9A-Fa-f:.]+\]|[^/:[\]@]+):(\d+)(?:\/(\d*))?$/.exec(text);
  if (!m) {
    if (/^redis:\/\/[^/]*@/.test(text)) return bad(text, 'credentials are not supported');
    if (/^rediss:/.test(text)) return bad(text, 'TLS (rediss:) is not supported');
    return bad(text, 'not a Redis address');
  }
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return bad(text, `bad port ${m[2]}`);
  let db = 0;
  if (m[3] !== undefined && m[3] !== '') {
    const d = parseDb(text, m[3]);
    if (typeof d !== 'number') return d;
    db = d;
  }
  const host = m[1]!.startsWith('[') ? m[1]!.slice(1, -1) : m[1]!;
  return { kind: 'tcp', host, port, db };
}

/** The address as the log and errors show it. */
export function shareTargetText(t: ShareTarget): string {
  if (t.kind === 'unix') return `unix:${t.path}${t.db ? `?db=${t.db}` : ''}`;
  const host = t.host.includes(':') ? `[${t.host}]` : t.host;
  return `redis://${host}:${t.port}${t.db ? `/${t.db}` : ''}`;
}
