//! Bin bounds for quantize/lquantize/llquantize, derived from how each engine picks a bin
//! (Oracle: dt_cg_agg_llquantize_bin and bpf/agg_qbin.c; classic: dtrace_aggregate_*_bucket).
#include "buckets.h"

static const heat_bound OPEN = {true, 0};

static heat_bound at(int64_t v) { return heat_bound{false, v}; }

static heat_bin bin_of(heat_bound lo, heat_bound hi) { return heat_bin{true, lo, hi}; }

static const size_t QUANTIZE_ZERO = 63;
static const size_t QUANTIZE_NBINS = 127;

heat_bin heat_quantize_bin(size_t bin) {
  if (bin >= QUANTIZE_NBINS) return heat_bin{false, OPEN, OPEN};
  if (bin == QUANTIZE_ZERO) return bin_of(at(0), at(0));
  if (bin > QUANTIZE_ZERO) {
    // Bin 63+k holds [2^(k-1), 2^k - 1]; the last one runs to +∞.
    int k = (int)(bin - QUANTIZE_ZERO);
    int64_t lo = (int64_t)1 << (k - 1);
    return bin_of(at(lo), bin == QUANTIZE_NBINS - 1 ? OPEN : at((int64_t)(((uint64_t)1 << k) - 1)));
  }
  // Mirror image for negative values; bin 0 also takes INT64_MIN.
  int k = (int)(QUANTIZE_ZERO - bin);
  int64_t hi = -((int64_t)1 << (k - 1));
  return bin_of(bin == 0 ? OPEN : at(-(int64_t)(((uint64_t)1 << k) - 1)), at(hi));
}

heat_bin heat_lquantize_bin(int32_t base, uint16_t step, uint16_t levels, size_t bin) {
  if (bin > (size_t)levels + 1) return heat_bin{false, OPEN, OPEN};
  if (bin == 0) return bin_of(OPEN, at((int64_t)base - 1));
  int64_t lo = (int64_t)base + (int64_t)(bin - 1) * step;
  if (bin == (size_t)levels + 1) return bin_of(at(lo), OPEN);
  return bin_of(at(lo), at(lo + step - 1));
}

static int64_t ipow(int64_t factor, int n) {
  int64_t v = 1;
  for (int i = 0; i < n; i++) v *= factor;
  return v;
}

static int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }
static int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

/** Positive values that land `offset` (1-based) bins above Oracle's underflow bin. */
static heat_bin oracle_positive(int64_t factor, int low, int steps, int64_t offset) {
  int64_t per = steps - steps / factor;
  int mag = low + (int)((offset - 1) / per);
  int64_t ind = (offset - 1) % per + steps / factor;
  int64_t from = ipow(factor, mag), to = ipow(factor, mag + 1) - 1;
  int64_t lo, hi;
  if (mag != 0) {
    int64_t width = (to + 1) / steps;
    lo = ind * width;
    hi = (ind + 1) * width - 1;
  } else {
    // Magnitude 0 computes the index as v * steps / factor: invert that.
    lo = (ind * factor + steps - 1) / steps;
    hi = ((ind + 1) * factor + steps - 1) / steps - 1;
  }
  lo = max64(lo, from);
  hi = min64(hi, to);
  if (lo > hi) return heat_bin{false, OPEN, OPEN};
  return bin_of(at(lo), at(hi));
}

void heat_llq_oracle_bounds(uint16_t factor, uint16_t low, uint16_t high, uint16_t steps, size_t nbins,
                            std::vector<heat_bin> *out) {
  out->assign(nbins, heat_bin{false, OPEN, OPEN});
  if (factor < 2 || steps == 0 || high < low) return;
  int64_t range = (int64_t)(high - low + 1) * (steps - steps / factor);
  if ((size_t)(2 * range + 3) != nbins) return;
  size_t under = (size_t)range + 1;
  int64_t small = ipow(factor, low), big = ipow(factor, high + 1);
  (*out)[0] = bin_of(OPEN, at(-big));
  (*out)[under] = bin_of(at(-(small - 1)), at(small - 1));
  (*out)[nbins - 1] = bin_of(at(big), OPEN);
  for (int64_t o = 1; o <= range; o++) {
    heat_bin pos = oracle_positive(factor, low, steps, o);
    (*out)[under + o] = pos;
    if (pos.valid) (*out)[under - o] = bin_of(at(-pos.hi.v), at(-pos.lo.v));
  }
}

void heat_llq_classic_bounds(uint16_t factor, uint16_t low, uint16_t high, uint16_t steps, size_t nbins,
                             std::vector<heat_bin> *out) {
  out->assign(nbins, heat_bin{false, OPEN, OPEN});
  if (factor < 2 || steps == 0 || high < low || nbins < 2) return;
  int64_t value = ipow(factor, low);
  size_t bin = 0;
  (*out)[bin++] = bin_of(OPEN, at(value - 1));
  int64_t next = value * factor;
  int64_t step = next > steps ? next / steps : 1;
  int order = low;
  while (order <= high && bin < nbins - 1) {
    (*out)[bin++] = bin_of(at(value), at(value + step - 1));
    if ((value += step) != next) continue;
    next = value * factor;
    step = next > steps ? next / steps : 1;
    order++;
  }
  (*out)[bin] = bin_of(at(value), OPEN);
}
