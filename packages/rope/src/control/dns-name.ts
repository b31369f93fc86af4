// The names `ban-dns` takes (ftwall's ban-dns-name): a DNS name, or `*.name` for every name
// below it. Checked as DNS itself limits names (labels of 1-63 letters, digits, "-" or "_", not
// starting or ending with "-", 253 characters in all) and stored in lower case without the
// root's trailing dot, so the same name given twice is found the second time.

export type DnsNameParse = { ok: true; name: string } | { ok: false; message: string };

const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;

export function parseDnsPattern(text: string): DnsNameParse {
  const shown = text.length > 60 ? `${text.slice(0, 57)}...` : text;
  const bad = (why: string): DnsNameParse => ({ ok: false, message: `'${shown}' ${why}` });
  let name = text.toLowerCase();
  if (name.endsWith('.') && name.length > 1) name = name.slice(0, -1);
  const wildcard = name.startsWith('*.');
  const body = wildcard ? name.slice(2) : name;
  if (body === '') return bad('is not a DNS name');
  if (body.length > 253) return bad('is longer than the 253 characters a DNS name can have');
  if (body.includes('*')) return bad('may only have "*." at its start (*.example.com)');
  for (const label of body.split('.')) {
    if (label === '') return bad('has an empty label (two dots in a row)');
    if (!LABEL.test(label))
      return bad(
        `has the label '${label.slice(0, 63)}': labels are 1-63 letters, digits, "-" or "_", not starting or ending with "-"`,
      );
  }
  return { ok: true, name: wildcard ? `*.${body}` : body };
}
