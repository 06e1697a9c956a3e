//! `#pragma D option` handling: quiet, zdefs and defaultargs change the translation; the buffer and
//! rate options (bufsize, switchrate, ...) only tune DTrace's buffers and are accepted with a warning.

import type { Item } from './ast';
import type { ProgramState } from './program-state';

/** DTrace options that tune buffers, rates and output layout: meaningless for bpftrace. */
const IGNORED = new Set([
  'aggrate', 'aggsize', 'bufresize', 'bufsize', 'bufpolicy', 'cleanrate', 'cpu', 'dynvarsize', 'nspec',
  'specsize', 'statusrate', 'switchrate', 'strsize', 'stackframes', 'ustackframes', 'jstackframes',
  'jstackstrsize', 'aggsortkey', 'aggsortkeypos', 'aggsortpos', 'aggsortrev', 'aggpercpu', 'aggpack',
  'aggzoom', 'rawbytes', 'flowindent', 'grabanon', 'stackindent', 'temporal', 'encoding', 'evaltime',
  'linkmode', 'strip', 'verbose', 'version', 'nolibs', 'maxframes',
]);

/** Applies the file's pragmas to the translation state, reporting unknown and ignored ones. */
export function applyPragmas(items: readonly Item[], st: ProgramState): void {
  for (const item of items) {
    if (item.kind !== 'pragma') continue;
    if (item.directive !== 'option') {
      st.sink.warning('d-option', `'#pragma D ${item.directive}' is ignored`, item.span);
      continue;
    }
    const name = item.name;
    switch (name) {
      case 'quiet': st.quiet = item.value !== 'false'; break;
      case 'zdefs': st.zdefs = true; break;
      case 'defaultargs': st.defaultargs = true; break;
      case 'destructive':
        st.sink.warning('d-option', "option 'destructive' is ignored: destructive actions are refused", item.span);
        break;
      default:
        if (IGNORED.has(name)) st.sink.warning('d-option', `option '${name}' is ignored: it tunes DTrace's buffers or output, which bpftrace does not have`, item.span);
        else st.sink.error('d-option', `unknown option '${name}'`, item.span);
    }
  }
}
