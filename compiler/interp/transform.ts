// Transformers over value lists (one entry per argument; undefined when the argument has no value).
import type { FieldValue } from '../fields/types.js';
import type { TransformerName } from '../ir/types.js';

const str = (v: FieldValue): string => (typeof v === 'string' ? v : v instanceof Uint8Array ? new TextDecoder().decode(v) : String(v));

export function applyTransform(name: TransformerName, param: string | undefined, args: Array<FieldValue[] | undefined>, firstMulti = false): FieldValue[] | undefined {
  const first = args[0];
  switch (name) {
    case 'val': return first;
    case 'tolower': return first?.map((v) => str(v).toLowerCase());
    case 'toupper': return first?.map((v) => str(v).toUpperCase());
    case 'basename': return first?.map((v) => { const s = str(v); return s.slice(s.lastIndexOf('/') + 1); });
    case 'b64': {
      // Falco's b64 decodes; text that is not base64 has no value.
      if (!first) return undefined;
      const out: FieldValue[] = [];
      for (const v of first) { const s = str(v); if (/^[A-Za-z0-9+/]*={0,2}$/.test(s) && s.length % 4 === 0) out.push(Buffer.from(s, 'base64').toString('utf8')); }
      return out.length ? out : undefined;
    }
    // len of a text is its length; of a multi-valued field, its number of values.
    case 'len': return first ? [BigInt(firstMulti ? first.length : str(first[0]).length)] : [0n];
    case 'join': return first ? [first.map(str).join(param ?? '')] : undefined;
    case 'concat': return args.every((a) => a !== undefined) ? [args.map((a) => str(a![0])).join('')] : undefined;
    case 'getopt': {
      // getopt(c, proc.args): the value of option -c, attached (-cfoo) or as the next word.
      if (!first || param === undefined) return undefined;
      const words = first.flatMap((v) => str(v).split(/\s+/)).filter(Boolean);
      for (let i = 0; i < words.length; i++) {
        const w = words[i];
        if (w === `-${param}`) return i + 1 < words.length ? [words[i + 1]] : undefined;
        if (w.startsWith(`-${param}`) && !w.startsWith('--')) return [w.slice(param.length + 1)];
      }
      return undefined;
    }
  }
}
