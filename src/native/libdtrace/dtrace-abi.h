//! The one place where the two libdtrace ABIs differ: Oracle DTrace for Linux 2.x and the classic
//! one (illumos/SmartOS, FreeBSD, macOS). Everything else in the addon calls these helpers only.
//!
//! Exercised for real: Oracle 2.0.1 (built from oracle/dtrace-utils, Debian 12, kernel 6.18).
//! Classic: compiled only (against OpenDTrace's headers), layout as in node-libdtrace.
#ifndef HEAT_DTRACE_ABI_H
#define HEAT_DTRACE_ABI_H

#include <stdint.h>
#include <dtrace.h>

// prereqs.js names the ABI from the header it found; the fallback looks at macros only
// Oracle's dtrace.h defines (DTRACE_PROC_WAITING and DTRACE_C_DLIB are not classic).
#if !defined(HEAT_DTRACE_ABI_ORACLE) && !defined(HEAT_DTRACE_ABI_CLASSIC)
#if defined(DTRACE_PROC_WAITING) && defined(DTRACE_C_DLIB)
#define HEAT_DTRACE_ABI_ORACLE 1
#else
#define HEAT_DTRACE_ABI_CLASSIC 1
#endif
#endif

/** What an aggregating action is, whatever its numeric code in this ABI. */
enum heat_aggkind {
  HEAT_AGG_UNKNOWN = 0,
  HEAT_AGG_COUNT,
  HEAT_AGG_SUM,
  HEAT_AGG_MIN,
  HEAT_AGG_MAX,
  HEAT_AGG_AVG,
  HEAT_AGG_STDDEV,
  HEAT_AGG_QUANTIZE,
  HEAT_AGG_LQUANTIZE,
  HEAT_AGG_LLQUANTIZE,
};

/** Normalised llquantize parameters (names as in the D call: factor, low, high, steps). */
struct heat_llq {
  uint16_t factor, low, high, steps;
};

/** Normalised process-event callback: `exited` is true when the process is gone. */
typedef void heat_proc_event_f(bool exited, const char *msg, void *arg);

#ifdef HEAT_DTRACE_ABI_ORACLE
// ---------------------------------------------------------------------------------------------
// Oracle DTrace for Linux 2.x.
#define HEAT_DTRACE_ABI_NAME "oracle"

typedef struct dtrace_proc heat_proc_t;

// Aggregation data is kept in BPF maps that the consumer cannot reset: every snapshot re-reads
// totals since tracing began (dtrace_aggregate_snap clears its user-space copy first), so the
// walk keeps entries (removing them would only make the next snapshot re-create them) and the
// TypeScript side turns totals into per-interval deltas.
#define HEAT_AGG_CUMULATIVE 1
#define HEAT_AGGWALK_AFTER DTRACE_AGGWALK_NEXT
// llquantize bins are symmetric around an underflow bin (see heat_llq_oracle_bounds).
#define HEAT_LLQ_BOUNDS heat_llq_oracle_bounds

// The DT_AGG_* codes live in the private dt_aggregate.h: DTRACEACT_AGGREGATION + an index in
// alphabetical order (avg, count, llquantize, lquantize, max, min, quantize, stddev, sum).
static inline heat_aggkind heat_abi_aggkind(dtrace_actkind_t act) {
  switch (act - DTRACEACT_AGGREGATION) {
  case 0: return HEAT_AGG_AVG;
  case 1: return HEAT_AGG_COUNT;
  case 2: return HEAT_AGG_LLQUANTIZE;
  case 3: return HEAT_AGG_LQUANTIZE;
  case 4: return HEAT_AGG_MAX;
  case 5: return HEAT_AGG_MIN;
  case 6: return HEAT_AGG_QUANTIZE;
  case 7: return HEAT_AGG_STDDEV;
  case 8: return HEAT_AGG_SUM;
  default: return HEAT_AGG_UNKNOWN;
  }
}

/** dtrace_init() is required after open/setopt/process creation and before compiling. */
static inline int heat_abi_init(dtrace_hdl_t *dtp) { return dtrace_init(dtp); }
static inline int heat_abi_go(dtrace_hdl_t *dtp) { return dtrace_go(dtp, 0); }

// Keys: dtagd_krecs[0] is the aggregation id, the rest are the key parts, read from dtada_key.
static inline int heat_abi_key_first(const dtrace_aggdesc_t *) { return 1; }
static inline int heat_abi_key_end(const dtrace_aggdesc_t *d) { return (int)d->dtagd_nkrecs; }
static inline const dtrace_recdesc_t *heat_abi_key_rec(const dtrace_aggdesc_t *d, int i) { return &d->dtagd_krecs[i]; }
static inline const char *heat_abi_key_base(const dtrace_aggdata_t *a) { return a->dtada_key; }
// The value: dtagd_drecs[1] (record 0 is a generation counter), read from dtada_data.
static inline const dtrace_recdesc_t *heat_abi_value_rec(const dtrace_aggdesc_t *d) { return &d->dtagd_drecs[1]; }
static inline const char *heat_abi_value_base(const dtrace_aggdata_t *a) { return a->dtada_data; }
static inline uint64_t heat_abi_normal(const dtrace_aggdata_t *a) { return a->dtada_desc->dtagd_normal; }

/** lquantize: parameters in dtagd_sig, counts start at the record (levels + 2 of them). */
static inline const int64_t *heat_abi_lquantize(const dtrace_aggdata_t *a, const dtrace_recdesc_t *r, int32_t *base,
                                                uint16_t *step, uint16_t *levels) {
  uint64_t sig = a->dtada_desc->dtagd_sig;
  *base = DTRACE_LQUANTIZE_BASE(sig);
  *step = DTRACE_LQUANTIZE_STEP(sig);
  *levels = DTRACE_LQUANTIZE_LEVELS(sig);
  return (const int64_t *)(heat_abi_value_base(a) + r->dtrd_offset);
}

/** llquantize: dtagd_sig packs STEPS/HMAG/LMAG/FACTOR at bits 48/32/16/0. */
static inline const int64_t *heat_abi_llquantize(const dtrace_aggdata_t *a, const dtrace_recdesc_t *r, heat_llq *p) {
  uint64_t sig = a->dtada_desc->dtagd_sig;
  p->steps = (uint16_t)(sig >> 48);
  p->high = (uint16_t)(sig >> 32);
  p->low = (uint16_t)(sig >> 16);
  p->factor = (uint16_t)sig;
  return (const int64_t *)(heat_abi_value_base(a) + r->dtrd_offset);
}

static inline void heat_abi_probe(const dtrace_probedesc_t *pd, const char **prv, const char **mod, const char **fun,
                                  const char **name) {
  *prv = pd->prv;
  *mod = pd->mod;
  *fun = pd->fun;
  *name = pd->prb;
}

static inline heat_proc_t *heat_abi_proc_create(dtrace_hdl_t *dtp, const char *file, char *const *argv) {
  return dtrace_proc_create(dtp, file, argv, 0);
}
static inline heat_proc_t *heat_abi_proc_grab(dtrace_hdl_t *dtp, pid_t pid) { return dtrace_proc_grab_pid(dtp, pid, 0); }
static inline pid_t heat_abi_proc_pid(dtrace_hdl_t *dtp, heat_proc_t *p) { return dtrace_proc_getpid(dtp, p); }
static inline void heat_abi_proc_continue(dtrace_hdl_t *dtp, heat_proc_t *p) { dtrace_proc_continue(dtp, p); }
static inline void heat_abi_proc_release(dtrace_hdl_t *dtp, heat_proc_t *p) { dtrace_proc_release(dtp, p); }

struct heat_proc_thunk {
  heat_proc_event_f *fn;
  void *arg;
};
// Oracle calls the handler with a negative pid when a traced process dies.
static void heat_abi_proc_trampoline(pid_t pid, const char *msg, void *arg) {
  heat_proc_thunk *t = (heat_proc_thunk *)arg;
  t->fn(pid < 0, msg, t->arg);
}
static inline int heat_abi_handle_proc(dtrace_hdl_t *dtp, heat_proc_thunk *t) {
  return dtrace_handle_proc(dtp, heat_abi_proc_trampoline, t);
}

#else
// ---------------------------------------------------------------------------------------------
// Classic libdtrace: illumos/SmartOS, FreeBSD, macOS.
#define HEAT_DTRACE_ABI_NAME "classic"

typedef struct ps_prochandle heat_proc_t;

// dtrace_aggregate_snap adds the kernel's new data into the user-space hash, so removing each
// walked entry makes the next walk hold exactly the events of one interval. Remove rather than
// clear: cleared entries would stay in the hash forever (memory grows with every key ever seen)
// and show up as zero rows in every later walk.
#define HEAT_AGG_CUMULATIVE 0
#define HEAT_AGGWALK_AFTER DTRACE_AGGWALK_REMOVE
// llquantize bins: one underflow bin, the log ranges, one overflow bin (heat_llq_classic_bounds).
#define HEAT_LLQ_BOUNDS heat_llq_classic_bounds

static inline heat_aggkind heat_abi_aggkind(dtrace_actkind_t act) {
  switch (act) {
  case DTRACEAGG_COUNT: return HEAT_AGG_COUNT;
  case DTRACEAGG_SUM: return HEAT_AGG_SUM;
  case DTRACEAGG_MIN: return HEAT_AGG_MIN;
  case DTRACEAGG_MAX: return HEAT_AGG_MAX;
  case DTRACEAGG_AVG: return HEAT_AGG_AVG;
  case DTRACEAGG_STDDEV: return HEAT_AGG_STDDEV;
  case DTRACEAGG_QUANTIZE: return HEAT_AGG_QUANTIZE;
  case DTRACEAGG_LQUANTIZE: return HEAT_AGG_LQUANTIZE;
#ifdef DTRACEAGG_LLQUANTIZE
  case DTRACEAGG_LLQUANTIZE: return HEAT_AGG_LLQUANTIZE;
#endif
  default: return HEAT_AGG_UNKNOWN;
  }
}

static inline int heat_abi_init(dtrace_hdl_t *) { return 0; }
static inline int heat_abi_go(dtrace_hdl_t *dtp) { return dtrace_go(dtp); }

// Records: dtagd_rec[0] is the aggregation id, [1 .. nrecs-2] the key, [nrecs-1] the value,
// all read from dtada_data.
static inline int heat_abi_key_first(const dtrace_aggdesc_t *) { return 1; }
static inline int heat_abi_key_end(const dtrace_aggdesc_t *d) { return d->dtagd_nrecs - 1; }
static inline const dtrace_recdesc_t *heat_abi_key_rec(const dtrace_aggdesc_t *d, int i) { return &d->dtagd_rec[i]; }
static inline const char *heat_abi_key_base(const dtrace_aggdata_t *a) { return a->dtada_data; }
static inline const dtrace_recdesc_t *heat_abi_value_rec(const dtrace_aggdesc_t *d) {
  return &d->dtagd_rec[d->dtagd_nrecs - 1];
}
static inline const char *heat_abi_value_base(const dtrace_aggdata_t *a) { return a->dtada_data; }
static inline uint64_t heat_abi_normal(const dtrace_aggdata_t *a) { return a->dtada_normal; }

/** lquantize: the record's first word holds the parameters, the counts follow. */
static inline const int64_t *heat_abi_lquantize(const dtrace_aggdata_t *a, const dtrace_recdesc_t *r, int32_t *base,
                                                uint16_t *step, uint16_t *levels) {
  const int64_t *data = (const int64_t *)(heat_abi_value_base(a) + r->dtrd_offset);
  uint64_t arg = (uint64_t)data[0];
  *base = DTRACE_LQUANTIZE_BASE(arg);
  *step = DTRACE_LQUANTIZE_STEP(arg);
  *levels = DTRACE_LQUANTIZE_LEVELS(arg);
  return data + 1;
}

/** llquantize: the first word packs FACTOR/LOW/HIGH/NSTEP at bits 48/32/16/0. */
static inline const int64_t *heat_abi_llquantize(const dtrace_aggdata_t *a, const dtrace_recdesc_t *r, heat_llq *p) {
  const int64_t *data = (const int64_t *)(heat_abi_value_base(a) + r->dtrd_offset);
  uint64_t arg = (uint64_t)data[0];
  p->factor = (uint16_t)(arg >> 48);
  p->low = (uint16_t)(arg >> 32);
  p->high = (uint16_t)(arg >> 16);
  p->steps = (uint16_t)arg;
  return data + 1;
}

static inline void heat_abi_probe(const dtrace_probedesc_t *pd, const char **prv, const char **mod, const char **fun,
                                  const char **name) {
  *prv = pd->dtpd_provider;
  *mod = pd->dtpd_mod;
  *fun = pd->dtpd_func;
  *name = pd->dtpd_name;
}

// FreeBSD (and OpenDTrace) take a child-setup callback; prereqs.js sees it in dtrace.h.
#if defined(HEAT_DTRACE_PROC_CHILD_FUNC) || defined(__FreeBSD__)
static inline heat_proc_t *heat_abi_proc_create(dtrace_hdl_t *dtp, const char *file, char *const *argv) {
  return dtrace_proc_create(dtp, file, argv, NULL, NULL);
}
#else
static inline heat_proc_t *heat_abi_proc_create(dtrace_hdl_t *dtp, const char *file, char *const *argv) {
  return dtrace_proc_create(dtp, file, argv);
}
#endif
static inline heat_proc_t *heat_abi_proc_grab(dtrace_hdl_t *dtp, pid_t pid) { return dtrace_proc_grab(dtp, pid, 0); }
// The pid is what the caller asked for (grab) or what the TypeScript side learns from $target;
// reading it from a ps_prochandle needs libproc, which not every classic system installs.
static inline pid_t heat_abi_proc_pid(dtrace_hdl_t *, heat_proc_t *) { return -1; }
static inline void heat_abi_proc_continue(dtrace_hdl_t *dtp, heat_proc_t *p) { dtrace_proc_continue(dtp, p); }
static inline void heat_abi_proc_release(dtrace_hdl_t *dtp, heat_proc_t *p) { dtrace_proc_release(dtp, p); }

struct heat_proc_thunk {
  heat_proc_event_f *fn;
  void *arg;
};
// The classic control thread notifies with a NULL message when the process is gone (undead or
// lost) and with a message for anything else worth telling.
static void heat_abi_proc_trampoline(struct ps_prochandle *, const char *msg, void *arg) {
  heat_proc_thunk *t = (heat_proc_thunk *)arg;
  t->fn(msg == NULL, msg, t->arg);
}
static inline int heat_abi_handle_proc(dtrace_hdl_t *dtp, heat_proc_thunk *t) {
  return dtrace_handle_proc(dtp, heat_abi_proc_trampoline, t);
}
#endif

#endif
