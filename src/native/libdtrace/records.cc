//! Decodes one aggregation element (key records and value record) into a heat_aggrec, using the
//! ABI helpers for where things are and buckets.cc for what each bin holds.
#include "records.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const char *heat_aggkind_name(heat_aggkind kind) {
  switch (kind) {
  case HEAT_AGG_COUNT: return "count";
  case HEAT_AGG_SUM: return "sum";
  case HEAT_AGG_MIN: return "min";
  case HEAT_AGG_MAX: return "max";
  case HEAT_AGG_AVG: return "avg";
  case HEAT_AGG_STDDEV: return "stddev";
  case HEAT_AGG_QUANTIZE: return "quantize";
  case HEAT_AGG_LQUANTIZE: return "lquantize";
  case HEAT_AGG_LLQUANTIZE: return "llquantize";
  default: return "unknown";
  }
}

static std::string kernel_symbol(dtrace_hdl_t *dtp, uint64_t pc) {
  char buf[512];
  dtrace_addr2str(dtp, pc, buf, sizeof(buf));
  return std::string(buf);
}

static std::string user_symbol(dtrace_hdl_t *dtp, pid_t pid, uint64_t pc) {
  char buf[512];
  dtrace_uaddr2str(dtp, pid, pc, buf, sizeof(buf));
  return std::string(buf);
}

/** Stack frames come leaf first; keys read better as folded stacks, root first, ';'-joined. */
static std::string fold(const std::vector<std::string> &frames) {
  std::string out;
  for (size_t i = frames.size(); i-- > 0;) {
    if (!out.empty()) out += ';';
    out += frames[i];
  }
  return out;
}

static heat_keypart text(const std::string &s) { return heat_keypart{false, 0, s}; }

static heat_keypart decode_key(dtrace_hdl_t *dtp, const dtrace_recdesc_t *rec, const char *addr) {
  uint32_t size = rec->dtrd_size;
  const uint64_t *words = (const uint64_t *)addr;
  switch (rec->dtrd_action) {
  case DTRACEACT_SYM:
  case DTRACEACT_MOD:
    return text(kernel_symbol(dtp, words[0]));
  case DTRACEACT_USYM:
  case DTRACEACT_UMOD:
  case DTRACEACT_UADDR:
    // Both ABIs trace the pid first, then the address.
    return text(user_symbol(dtp, (pid_t)words[0], words[1]));
  case DTRACEACT_STACK: {
    uint64_t depth = rec->dtrd_arg;
    std::vector<std::string> frames;
    if (depth == 0) return text("");
    uint32_t pcsize = size / (uint32_t)depth;
    for (uint64_t i = 0; i < depth; i++) {
      uint64_t pc = pcsize == 4 ? ((const uint32_t *)addr)[i] : words[i];
      if (pc == 0) break;
      frames.push_back(kernel_symbol(dtp, pc));
    }
    return text(fold(frames));
  }
  case DTRACEACT_USTACK:
  case DTRACEACT_JSTACK: {
    uint32_t depth = DTRACE_USTACK_NFRAMES(rec->dtrd_arg);
    std::vector<std::string> frames;
    for (uint32_t i = 0; i < depth; i++) {
      uint64_t pc = words[i + 1];
      if (pc == 0) break;
      frames.push_back(user_symbol(dtp, (pid_t)words[0], pc));
    }
    return text(fold(frames));
  }
  default:
    break;
  }
  switch (size) {
  case 8: return heat_keypart{true, *(const int64_t *)addr, ""};
  case 4: return heat_keypart{true, *(const int32_t *)addr, ""};
  case 2: return heat_keypart{true, *(const uint16_t *)addr, ""};
  case 1: return heat_keypart{true, *(const uint8_t *)addr, ""};
  default: return text(std::string(addr, strnlen(addr, size)));
  }
}

static void add_bins(const int64_t *data, size_t nbins, uint64_t normal, heat_aggrec *out,
                     heat_bin (*bin_at)(size_t, const void *), const void *ctx) {
  for (size_t i = 0; i < nbins; i++) {
    if (data[i] == 0) continue;
    heat_bin b = bin_at(i, ctx);
    if (!b.valid) continue;
    out->buckets.push_back(heat_bucket{b.lo, b.hi, (double)data[i] / (double)normal});
  }
}

static heat_bin quantize_at(size_t i, const void *) { return heat_quantize_bin(i); }

struct lq_ctx {
  int32_t base;
  uint16_t step, levels;
};
static heat_bin lquantize_at(size_t i, const void *ctx) {
  const lq_ctx *c = (const lq_ctx *)ctx;
  return heat_lquantize_bin(c->base, c->step, c->levels, i);
}

static heat_bin table_at(size_t i, const void *ctx) {
  const std::vector<heat_bin> *t = (const std::vector<heat_bin> *)ctx;
  return i < t->size() ? (*t)[i] : heat_bin{false, {true, 0}, {true, 0}};
}

/** Size in 64-bit words of the bins that follow `data` inside the value record. */
static size_t words_after(const dtrace_aggdata_t *agg, const dtrace_recdesc_t *rec, const int64_t *data) {
  const char *start = heat_abi_value_base(agg) + rec->dtrd_offset;
  size_t skipped = (size_t)((const char *)data - start);
  return skipped >= rec->dtrd_size ? 0 : (rec->dtrd_size - skipped) / sizeof(int64_t);
}

static bool decode_value(const dtrace_aggdata_t *agg, const dtrace_recdesc_t *rec, heat_bin_cache *cache,
                         heat_aggrec *out, std::string *err) {
  const int64_t *data = (const int64_t *)(heat_abi_value_base(agg) + rec->dtrd_offset);
  uint64_t normal = heat_abi_normal(agg);
  if (normal == 0) normal = 1;
  switch (out->kind) {
  case HEAT_AGG_COUNT:
  case HEAT_AGG_SUM:
  case HEAT_AGG_MIN:
  case HEAT_AGG_MAX:
    out->value = (double)data[0] / (double)normal;
    return true;
  case HEAT_AGG_AVG:
  case HEAT_AGG_STDDEV: {
    out->count = (double)data[0];
    out->total = (double)data[1] / (double)normal;
    out->value = data[0] == 0 ? 0 : out->total / out->count;
    if (out->kind == HEAT_AGG_STDDEV && data[0] != 0) {
      // data[2..3] is the 128-bit sum of squares.
      long double sq = (long double)(uint64_t)data[3] * 18446744073709551616.0L + (long double)(uint64_t)data[2];
      long double mean = (long double)data[1] / data[0];
      long double var = sq / data[0] - mean * mean;
      out->value = (double)(sqrtl(var > 0 ? var : 0) / normal);
    }
    return true;
  }
  case HEAT_AGG_QUANTIZE:
    add_bins(data, rec->dtrd_size / sizeof(int64_t), normal, out, quantize_at, NULL);
    return true;
  case HEAT_AGG_LQUANTIZE: {
    lq_ctx c;
    const int64_t *bins = heat_abi_lquantize(agg, rec, &c.base, &c.step, &c.levels);
    out->params = {c.base, c.step, c.levels};
    add_bins(bins, words_after(agg, rec, bins), normal, out, lquantize_at, &c);
    return true;
  }
  case HEAT_AGG_LLQUANTIZE: {
    heat_llq p;
    const int64_t *bins = heat_abi_llquantize(agg, rec, &p);
    size_t nbins = words_after(agg, rec, bins);
    out->params = {p.factor, p.low, p.high, p.steps};
    std::vector<heat_bin> &table = (*cache)[out->id];
    if (table.size() != nbins) HEAT_LLQ_BOUNDS(p.factor, p.low, p.high, p.steps, nbins, &table);
    add_bins(bins, nbins, normal, out, table_at, &table);
    return true;
  }
  default: {
    char what[64];
    snprintf(what, sizeof(what), "unsupported aggregating action 0x%x", (unsigned)rec->dtrd_action);
    *err = std::string(what) + " in aggregation @" + out->name;
    return false;
  }
  }
}

bool heat_decode_agg(dtrace_hdl_t *dtp, const dtrace_aggdata_t *agg, heat_bin_cache *cache, heat_aggrec *out,
                     std::string *err) {
  const dtrace_aggdesc_t *desc = agg->dtada_desc;
  const dtrace_recdesc_t *vrec = heat_abi_value_rec(desc);
  out->id = desc->dtagd_varid;
  out->name = desc->dtagd_name != NULL ? desc->dtagd_name : "";
  out->kind = heat_abi_aggkind(vrec->dtrd_action);
  out->value = 0;
  out->count = 0;
  out->total = 0;
  const char *kbase = heat_abi_key_base(agg);
  for (int i = heat_abi_key_first(desc); i < heat_abi_key_end(desc); i++) {
    const dtrace_recdesc_t *rec = heat_abi_key_rec(desc, i);
    out->key.push_back(decode_key(dtp, rec, kbase + rec->dtrd_offset));
  }
  return decode_value(agg, vrec, cache, out, err);
}
