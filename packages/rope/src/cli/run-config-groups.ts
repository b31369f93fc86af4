// The "groups" key of the configuration file (run-config.ts): the script groups of `rope run`,
// each a script with its pushed values and its action, as the command line's --script, --push-*
// and --on-match give them; and the marks those actions set, which `rope rules` must know of.
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseAction } from '../live/actions.js';
import { UsageError, type ArgToken } from './command.js';
import { isInt, typeError, type ConfigKey, type Json } from './config-key.js';
import { resolveScript } from './live-options.js';
import { pushesFrom } from './push-options.js';

const GROUP_KEYS = ['script', 'push', 'on-match'];
const PUSH_KINDS = ['int', 'str', 'ip'];

/** The marks `rope rules` must know of: those of the mark actions and the done mark. */
function groupMarks(groups: Json): number[] {
  const marks: number[] = [];
  for (const g of groups as Record<string, Json>[]) {
    const a = typeof g['on-match'] === 'string' ? parseAction(g['on-match']) : null;
    if (a?.kind === 'mark') marks.push(a.mark);
  }
  return marks;
}

export const groups: ConfigKey = {
  expects: 'a list of script groups [{"script": …, "push": […], "on-match": …}, …]',
  run(v, key, file) {
    if (!Array.isArray(v) || v.length === 0) typeError(key, this.expects, v);
    const args: string[] = [];
    v.forEach((g: Json, i) => {
      const at = `${key}[${i}]`;
      if (typeof g !== 'object' || g === null || Array.isArray(g))
        typeError(at, 'an object {"script": …, "push": […], "on-match": …}', g);
      const group = g as Record<string, Json>;
      for (const k of Object.keys(group))
        if (!GROUP_KEYS.includes(k))
          throw new UsageError(`${at}: unknown key '${k}' (a group has ${GROUP_KEYS.join(', ')})`);
      const script = group.script;
      if (typeof script !== 'string' || script === '')
        typeError(
          `${at}.script`,
          'a built-in script name, a .rope file or an l7-filter .pat file',
          script,
        );
      // a file is found beside the configuration, as an include would be
      const named = resolveScript(script, `${at}.script: ${script}`);
      const path = named !== script || isAbsolute(script) ? named : resolve(dirname(file), script);
      args.push('--script', path);
      const pushes = group.push ?? [];
      if (!Array.isArray(pushes)) typeError(`${at}.push`, 'a list like [{"int": 5000000}]', pushes);
      pushes.forEach((p: Json, j) => {
        const pat = `${at}.push[${j}]`;
        const kind = p && typeof p === 'object' ? Object.keys(p) : [];
        if (kind.length !== 1 || !PUSH_KINDS.includes(kind[0]))
          typeError(pat, 'one of {"int": N}, {"str": "S"}, {"ip": "A"}', p);
        const value = (p as Record<string, Json>)[kind[0]];
        if (typeof value !== 'string' && !isInt(value))
          typeError(`${pat}.${kind[0]}`, 'a string or a whole number', value);
        const token: ArgToken = { kind: 'option', name: `push-${kind[0]}`, value: String(value) };
        try {
          pushesFrom([token]);
        } catch (e) {
          if (e instanceof UsageError) throw new UsageError(`${pat}: ${e.message}`);
          throw e;
        }
        args.push(`--push-${kind[0]}`, String(value));
      });
      const onMatch = group['on-match'];
      if (onMatch !== undefined) {
        if (typeof onMatch !== 'string' || !parseAction(onMatch))
          typeError(
            `${at}.on-match`,
            '"accept", "drop", "cut", "mark:V" (V a non-zero mark), "lock:SECONDS" or "block-peer:SECONDS"',
            onMatch,
          );
        args.push('--on-match', onMatch);
      }
    });
    return args;
  },
  rules: (v) => groupMarks(v).flatMap((m) => ['--mark', `0x${m.toString(16)}`]),
};
