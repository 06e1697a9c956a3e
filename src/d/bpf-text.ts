//! Small D-to-bpftrace lexical mappings: string literals, integer casts, and the D functions and
//! actions the translator refuses (each with the diagnostic code and the name it reports).

/** A bpftrace string literal for `value`, escaping what bpftrace's lexer would misread. */
export function bpfString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const c = ch.charCodeAt(0);
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || c === 0x7f) out += '\\' + c.toString(8).padStart(3, '0');
    else out += ch;
  }
  return out + '"';
}

const SIGNED: Record<string, string> = {
  char: 'int8', 'signed char': 'int8', int8_t: 'int8',
  short: 'int16', 'short int': 'int16', 'signed short': 'int16', int16_t: 'int16',
  int: 'int32', signed: 'int32', 'signed int': 'int32', int32_t: 'int32', pid_t: 'int32', id_t: 'int32',
  processorid_t: 'int32', zoneid_t: 'int32', projid_t: 'int32', taskid_t: 'int32', boolean_t: 'int32',
  long: 'int64', 'long int': 'int64', 'long long': 'int64', 'long long int': 'int64', 'signed long': 'int64',
  int64_t: 'int64', intptr_t: 'int64', ssize_t: 'int64', off_t: 'int64', hrtime_t: 'int64', longlong_t: 'int64',
};

const UNSIGNED: Record<string, string> = {
  'unsigned char': 'uint8', uint8_t: 'uint8', uchar_t: 'uint8',
  'unsigned short': 'uint16', 'unsigned short int': 'uint16', uint16_t: 'uint16', ushort_t: 'uint16',
  unsigned: 'uint32', 'unsigned int': 'uint32', uint32_t: 'uint32', uint_t: 'uint32', uid_t: 'uint32', gid_t: 'uint32',
  'unsigned long': 'uint64', 'unsigned long int': 'uint64', 'unsigned long long': 'uint64',
  'unsigned long long int': 'uint64', uint64_t: 'uint64', uintptr_t: 'uint64', size_t: 'uint64',
  ulong_t: 'uint64', u_longlong_t: 'uint64', dev_t: 'uint64', caddr_t: 'uint64',
};

/**
 * The bpftrace cast for a D type name: an integer type name, '' for a no-op (pointers to plain
 * types: addresses are 64-bit integers in bpftrace), or 'refused'.
 */
export function castFor(typeName: string): string {
  const words = typeName.replace(/\b(const|volatile)\b/g, '').trim().replace(/\s+/g, ' ');
  if (/\b(struct|union|enum)\b/.test(words) || /\b(string|float|double)\b/.test(words)) return 'refused';
  if (words.includes('*')) return '';
  if (words === 'void') return 'refused';
  return SIGNED[words] ?? UNSIGNED[words] ?? 'refused';
}

const DESTRUCTIVE = new Set(['system', 'raise', 'copyout', 'copyoutstr', 'chill', 'breakpoint', 'panic', 'stop', 'freopen', 'ftruncate']);
const SPECULATIONS = new Set(['speculation', 'speculate', 'commit', 'discard']);
const STACKS = new Set(['stack', 'ustack', 'jstack']);
const SYMBOLS = new Set(['func', 'sym', 'mod', 'ufunc', 'usym', 'umod', 'uaddr']);

/** Why a D function or action is refused, or null when the translator may know it. */
export function refusedCall(name: string): { code: 'd-destructive' | 'd-unsupported'; message: string } | null {
  if (DESTRUCTIVE.has(name)) return { code: 'd-destructive', message: `destructive action '${name}()' is refused` };
  if (SPECULATIONS.has(name)) return { code: 'd-unsupported', message: `speculations ('${name}()') are not supported` };
  if (STACKS.has(name)) return { code: 'd-unsupported', message: `stack traces ('${name}()') are not supported` };
  if (SYMBOLS.has(name)) return { code: 'd-unsupported', message: `symbol lookup ('${name}()') is not supported` };
  return null;
}
