//! Plain C++ copies of what one aggwalk step sees (aggregation, key, value or non-zero bins),
//! made on the thread that runs libdtrace and turned into JavaScript values later (addon.cc).
#ifndef HEAT_RECORDS_H
#define HEAT_RECORDS_H

#include <map>
#include <string>
#include <vector>

#include "buckets.h"
#include "dtrace-abi.h"

struct heat_keypart {
  bool isnum;
  int64_t num;
  std::string str;
};

struct heat_bucket {
  heat_bound lo, hi;
  double count;
};

struct heat_aggrec {
  int64_t id;
  std::string name;
  heat_aggkind kind;
  std::vector<heat_keypart> key;
  /** count/sum/min/max/avg/stddev (normalised); unused for histograms. */
  double value;
  /** avg/stddev: events and their sum, so a consumer can take per-interval differences. */
  double count, total;
  std::vector<heat_bucket> buckets;
  /** lquantize: base, step, levels; llquantize: factor, low, high, steps. */
  std::vector<int64_t> params;
};

/** Per-consumer cache of llquantize bin tables, keyed by aggregation variable id. */
typedef std::map<int64_t, std::vector<heat_bin>> heat_bin_cache;

/** The lower-case name of an aggregating function ("quantize"), or "unknown". */
const char *heat_aggkind_name(heat_aggkind kind);

/**
 * Decodes one aggregation element. Returns false (with a message) for layouts it does not know;
 * the walk then stops and the message reaches JavaScript as the error.
 */
bool heat_decode_agg(dtrace_hdl_t *dtp, const dtrace_aggdata_t *agg, heat_bin_cache *cache, heat_aggrec *out,
                     std::string *err);

#endif
