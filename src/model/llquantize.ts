//! DTrace llquantize() bucket math (log-linear: each power of the factor split into equal steps),
//! exactly as `dtrace_aggregate_llquantize_bucket` files values. Re-exported by `buckets.ts`;
//! the D front end emulates llquantize on bpftrace with this index scheme and the engine rebuilds
//! the buckets with `llquantizeBucketByIndex`.
//!
//! Index scheme, for llquantize(v, factor, low, high, nsteps):
//!   index 0             underflow [null, factor^low): includes 0 and every negative value.
//!   then, for each order of magnitude m = low..high, with n = min(factor^(m+1), nsteps) and
//!   width W = factor^(m+1) / n, the n − n/factor buckets
//!     [factor^m + j·W, factor^m + (j+1)·W), j = 0, 1, ..., at indices base_m + j,
//!   where base_low = 1 and base_(m+1) = base_m + n − n/factor (the n/factor steps below
//!   factor^m belong to lower orders and are skipped). For v in [factor^m, factor^(m+1)):
//!     index = base_m + floor((v − factor^m) / W).
//!   last index          overflow [factor^(high+1), null).
//! e.g. (10, 0, 6, 20): 1..9 are [1,2)..[9,10); 10..27 are [10,15)..[95,100); overflow is 118 at 10^7.
//!
//! One DTrace quirk is reproduced: at the order m where factor^(m+2) no longer fits in int64, the
//! kernel clamps the value to factor^(m+1) − 1, so every v >= factor^m lands in that order's last
//! bucket and the buckets above it (and the overflow) stay empty.

import { HeatError } from '../errors';
import type { BucketBounds } from './buckets';

/** llquantize's four constant arguments; also `AggregationPlan.emulated` minus its kind. */
export interface LlquantizeSpec {
  factor: number;
  low: number;
  high: number;
  nsteps: number;
}

interface Order {
  start: number;
  end: number;
  width: number;
  base: number;
  count: number;
  /** factor^(m+2) overflows int64 here: DTrace clamps the value into this order's last bucket. */
  clamp: boolean;
}

interface Prepared {
  underflowHi: number;
  orders: Order[];
  overflowIndex: number;
  layout: ReadonlyArray<Readonly<BucketBounds>>;
}

const INT64_MAX = (1n << 63n) - 1n;
const UINT16_MAX = 65535;
const cache = new Map<string, Prepared>();
const CACHE_LIMIT = 64;

/**
 * Why DTrace's compiler would refuse this llquantize() spec (the checks of dt_cc.c, with codes
 * named after its error tags), or null when it is valid.
 */
export function llquantizeSpecProblem(spec: LlquantizeSpec): { code: string; message: string } | null {
  const { factor, low, high, nsteps } = spec;
  for (const [name, v] of [['factor', factor], ['low', low], ['high', high], ['nsteps', nsteps]] as const) {
    if (!Number.isInteger(v) || v < 0 || v > UINT16_MAX) return { code: 'llquantize-arg', message: `llquantize() ${name} must be an unsigned 16-bit integer, got ${v}` };
  }
  if (factor < 2) return { code: 'llquantize-factor-small', message: 'llquantize() factor must be two or more' };
  if (low >= high) return { code: 'llquantize-mag-range', message: 'llquantize() high magnitude must be greater than low magnitude' };
  if (nsteps < factor) return { code: 'llquantize-factor-nsteps', message: 'llquantize() factor must be less than or equal to the number of steps' };
  let v = factor;
  while (v < nsteps) v *= factor;
  if (nsteps % factor !== 0 || v % nsteps !== 0) {
    return { code: 'llquantize-factor-even', message: 'llquantize() factor must evenly divide the number of steps, and the steps must evenly divide a power of the factor' };
  }
  if (BigInt(factor) ** BigInt(high + 2) >= 1n << 64n) {
    return { code: 'llquantize-mag-too-big', message: `llquantize() factor ${factor} to the power of the high magnitude ${high} plus 2 overflows 64 bits` };
  }
  return null;
}

function prepare(spec: LlquantizeSpec): Prepared {
  const id = `${spec.factor},${spec.low},${spec.high},${spec.nsteps}`;
  const hit = cache.get(id);
  if (hit) return hit;
  const problem = llquantizeSpecProblem(spec);
  if (problem) throw new HeatError(problem.code, problem.message);
  const factor = BigInt(spec.factor);
  const nsteps = BigInt(spec.nsteps);
  // BigInt keeps the edges exact until the final Number() rounding (see buckets.ts on precision).
  let last = factor ** BigInt(spec.low);
  const layout: BucketBounds[] = [{ lo: null, hi: Number(last) }];
  const orders: Order[] = [];
  let base = 1;
  for (let m = spec.low; m <= spec.high; m++) {
    const end = last * factor;
    const n = end > nsteps ? nsteps : end;
    const width = end / n;
    const count = Number(n - n / factor);
    orders.push({ start: Number(last), end: Number(end), width: Number(width), base, count, clamp: end * factor > INT64_MAX });
    for (let j = 0n; j < BigInt(count); j++) layout.push({ lo: Number(last + j * width), hi: Number(last + (j + 1n) * width) });
    base += count;
    last = end;
  }
  layout.push({ lo: Number(last), hi: null });
  const prepared: Prepared = { underflowHi: Number(factor ** BigInt(spec.low)), orders, overflowIndex: base, layout: Object.freeze(layout.map((b) => Object.freeze(b))) };
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(id, prepared);
  return prepared;
}

/** Every bucket of the spec in index order: [0] underflow, ..., [last] overflow. Frozen and shared. */
export function llquantizeLayout(spec: LlquantizeSpec): ReadonlyArray<Readonly<BucketBounds>> {
  return prepare(spec).layout;
}

/** The index DTrace files v under (see the scheme at the top of this file). */
export function llquantizeIndexOf(v: number, spec: LlquantizeSpec): number {
  const p = prepare(spec);
  if (v < p.underflowHi) return 0;
  for (const o of p.orders) {
    if (o.clamp) return o.base + o.count - 1;
    if (v < o.end) return o.base + Math.floor((v - o.start) / o.width);
  }
  return p.overflowIndex;
}

/** The bucket at `index` of the spec's layout, or null for an index outside it. */
export function llquantizeBucketByIndex(index: number, spec: LlquantizeSpec): BucketBounds | null {
  const b = prepare(spec).layout[index];
  return Number.isInteger(index) && b !== undefined ? { lo: b.lo, hi: b.hi } : null;
}

/** The DTrace llquantize(v, factor, low, high, nsteps) bucket holding v. */
export function llquantizeBucketOf(v: number, factor: number, low: number, high: number, nsteps: number): BucketBounds {
  const spec = { factor, low, high, nsteps };
  const b = prepare(spec).layout[llquantizeIndexOf(v, spec)];
  return { lo: b.lo, hi: b.hi };
}
