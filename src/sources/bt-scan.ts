//! A light static look at bpftrace program text, without a full parser: which maps it assigns and
//! with which aggregation, whether it has a BEGIN probe, calls exit(), uses cpid. Used to plan a
//! user's .bt script (`bt-plan.ts`) and to add the tool's own probes to a program (`bpftrace.ts`).

/** The program with comments and string contents blanked out (same length, newlines kept). */
export function blankCommentsAndStrings(text: string): string {
  const out = text.split('');
  let i = 0;
  const blank = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (out[k] !== '\n') out[k] = ' ';
  };
  while (i < text.length) {
    const c = text[i];
    const next = text[i + 1];
    if (c === '/' && next === '/') {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? text.length : end;
      blank(i, stop);
      i = stop;
    } else if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? text.length : end + 2;
      blank(i, stop);
      i = stop;
    } else if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"' && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      blank(i + 1, Math.min(j, text.length));
      i = j + 1;
    } else {
      i++;
    }
  }
  return out.join('');
}

/** One `@map[...] = func(...)` (or `@map = value`, `@map++`) found in the program. */
export interface MapUse {
  /** "@lat", or "@" for the bare map. */
  map: string;
  /** The aggregation function assigned ("hist", "count", ...), or null for a plain value. */
  func: string | null;
  /** The call's top-level arguments as written (after blanking), for lhist's bounds. */
  args: string[];
  /** 0-based offset of the '@'. */
  offset: number;
}

const AGG_FUNCS = new Set(['hist', 'lhist', 'count', 'sum', 'avg', 'min', 'max', 'stats']);

/** Every assignment to a map, in order of appearance. `text` must be blanked first. */
export function findMapAssignments(blanked: string): MapUse[] {
  const uses: MapUse[] = [];
  const re = /@([A-Za-z_][A-Za-z0-9_]*)?/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(blanked))) {
    const map = `@${m[1] ?? ''}`;
    let i = skipSpace(blanked, re.lastIndex);
    if (blanked[i] === '[') i = skipSpace(blanked, skipBalanced(blanked, i, '[', ']'));
    const rest = blanked.slice(i, i + 2);
    if (rest === '++' || rest === '--' || /^[-+*/|&^]=/.test(rest)) {
      uses.push({ map, func: null, args: [], offset: m.index });
      continue;
    }
    if (blanked[i] !== '=' || blanked[i + 1] === '=') continue;
    i = skipSpace(blanked, i + 1);
    const call = /^([A-Za-z_][A-Za-z0-9_]*)\s*\(/.exec(blanked.slice(i, i + 64));
    if (call && AGG_FUNCS.has(call[1])) {
      const open = i + call[0].length - 1;
      const close = skipBalanced(blanked, open, '(', ')');
      uses.push({ map, func: call[1], args: splitTopLevel(blanked.slice(open + 1, close - 1)), offset: m.index });
    } else {
      uses.push({ map, func: null, args: [], offset: m.index });
    }
  }
  return uses;
}

function skipSpace(s: string, i: number): number {
  while (i < s.length && /\s/.test(s[i])) i++;
  return i;
}

/** The index just past the bracket matching the one at `i`. */
function skipBalanced(s: string, i: number, open: string, close: string): number {
  let depth = 0;
  for (let k = i; k < s.length; k++) {
    if (s[k] === open) depth++;
    else if (s[k] === close && --depth === 0) return k + 1;
  }
  return s.length;
}

function splitTopLevel(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let k = 0; k < s.length; k++) {
    const c = s[k];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(s.slice(start, k).trim());
      start = k + 1;
    }
  }
  if (s.trim() !== '') parts.push(s.slice(start).trim());
  return parts;
}

/** True when the program has a BEGIN probe (bpftrace 0.17 allows only one: the tool must not add its own). */
export function hasBeginProbe(blanked: string): boolean {
  return /(^|[\s,};])BEGIN\s*(?=[{/,])/.test(blanked);
}

/** True when the program calls exit() (so it may end on its own). */
export function callsExit(blanked: string): boolean {
  return /(^|[^A-Za-z0-9_$@.>])exit\s*\(/.test(blanked);
}

/** True when the program attaches USDT probes (which need bpftrace -p to find the process). */
export function usesUsdt(blanked: string): boolean {
  return /(^|[\s,}])(usdt|U):/.test(blanked);
}

/** Offsets of the `cpid` builtin (not $cpid, @cpid, a field ->cpid or .cpid, nor part of a word). */
export function findCpid(blanked: string): number[] {
  const at: number[] = [];
  const re = /cpid/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(blanked))) {
    const before = blanked[m.index - 1] ?? '';
    const after = blanked[m.index + 4] ?? '';
    if (/[A-Za-z0-9_$@.>]/.test(before) || /[A-Za-z0-9_]/.test(after)) continue;
    at.push(m.index);
  }
  return at;
}

/** An integer literal's value (decimal or hex, optional sign), or null for anything else. */
export function integerLiteral(s: string): number | null {
  const t = s.trim();
  if (/^-?\d+$/.test(t)) return Number(t);
  if (/^-?0x[0-9a-f]+$/i.test(t)) return t.startsWith('-') ? -Number(t.slice(1)) : Number(t);
  return null;
}
