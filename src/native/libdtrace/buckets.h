//! Exact inclusive bounds of every bin of DTrace's quantize/lquantize/llquantize, as plain
//! arithmetic (no libdtrace needed). The aggwalk in records.cc labels each non-zero bin with these.
#ifndef HEAT_BUCKETS_H
#define HEAT_BUCKETS_H

#include <stddef.h>
#include <stdint.h>
#include <vector>

/** One end of a bin: `open` means unbounded (−∞ for lo, +∞ for hi). */
struct heat_bound {
  bool open;
  int64_t v;
};

/** One bin, both ends inclusive (as libdtrace reports them); `valid` is false for bins no value maps to. */
struct heat_bin {
  bool valid;
  heat_bound lo, hi;
};

/** quantize: 127 power-of-two bins, the zero bin (63) in the middle. */
heat_bin heat_quantize_bin(size_t bin);

/** lquantize: bin 0 is below base, bins 1..levels are step wide, bin levels+1 is the rest. */
heat_bin heat_lquantize_bin(int32_t base, uint16_t step, uint16_t levels, size_t bin);

/**
 * Oracle DTrace 2.x llquantize(factor, lmag, hmag, steps): bins are symmetric around an underflow
 * bin for |v| < factor^lmag; negative overflow first, positive overflow last. With lmag 0 and
 * steps > factor some bins of the first magnitude never get values (`valid` false).
 */
void heat_llq_oracle_bounds(uint16_t factor, uint16_t low, uint16_t high, uint16_t steps, size_t nbins,
                            std::vector<heat_bin> *out);

/**
 * Classic (illumos) llquantize(factor, low, high, nsteps): one bin below factor^low, the log
 * ranges (nsteps - nsteps/factor bins each), one bin from factor^(high+1) up.
 */
void heat_llq_classic_bounds(uint16_t factor, uint16_t low, uint16_t high, uint16_t steps, size_t nbins,
                             std::vector<heat_bin> *out);

#endif
