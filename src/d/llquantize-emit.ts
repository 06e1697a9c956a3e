//! llquantize on bpftrace 0.17, which has no log-linear histogram: the program computes the bucket
//! index of `model/llquantize.ts` (DTrace's `dtrace_aggregate_llquantize_bucket`) with an if-chain
//! unrolled from the constant arguments, and counts per index; the engine rebuilds the buckets.

import type { LlquantizeSpec } from '../model/buckets';

const INT64_MAX = (1n << 63n) - 1n;

/**
 * Lines that set `indexVar` to the llquantize bucket index of `valueVar` (a signed int64 scratch
 * variable). Every literal stays within int64: at the order where factor^(m+2) overflows, DTrace
 * clamps into that order's last bucket, and so does the chain, without comparing further.
 */
export function llquantizeIndexLines(spec: LlquantizeSpec, valueVar: string, indexVar: string): string[] {
  const factor = BigInt(spec.factor);
  const nsteps = BigInt(spec.nsteps);
  let last = factor ** BigInt(spec.low);
  const lines = [`if (${valueVar} < ${last}) {`, `  ${indexVar} = 0;`];
  let base = 1n;
  for (let m = spec.low; m <= spec.high; m++) {
    const end = last * factor;
    const n = end > nsteps ? nsteps : end;
    const width = end / n;
    const count = n - n / factor;
    if (end * factor > INT64_MAX) {
      lines.push('} else {', `  ${indexVar} = ${base + count - 1n};`, '}');
      return lines;
    }
    // v >= last here, so the unsigned division bpftrace does is exact.
    const offset = `(uint64)(${valueVar} - ${last})`;
    const step = width === 1n ? offset : `${offset} / ${width}`;
    lines.push(`} else if (${valueVar} < ${end}) {`, `  ${indexVar} = ${base} + ${step};`);
    base += count;
    last = end;
  }
  lines.push('} else {', `  ${indexVar} = ${base};`, '}');
  return lines;
}
