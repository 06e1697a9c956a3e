//! What the libdtrace addon's files share: the Consumer (one libdtrace handle and what its
//! handlers tallied), asynchronous operations run on the libuv thread pool, and JS value helpers.
#ifndef HEAT_CONSUMER_H
#define HEAT_CONSUMER_H

#define NAPI_VERSION 8
#include <node_api.h>

#include <string>
#include <vector>

#include "records.h"

/** Fault and process messages kept per work() call (drops are only counted). */
static const size_t MAX_MESSAGES = 16;

/** What the handlers tally while libdtrace runs; work() takes it over and starts a new one. */
struct WorkTally {
  double drops = 0;
  uint64_t faults = 0;
  std::vector<std::string> messages;
  int procsExited = 0;
  /** Sticky: exit() was seen, with this status (kept across work() calls). */
  bool sawExit = false;
  int exitStatus = 0;
};

/** One libdtrace handle and what its handlers tallied since the last work(). */
struct Consumer {
  dtrace_hdl_t *dtp = nullptr;
  bool busy = false, inited = false, handlers = false, compiled = false, started = false, stopped = false;
  std::vector<heat_proc_t *> procs;
  heat_proc_thunk thunk;
  heat_bin_cache bins;
  WorkTally tally;
};

/** One asynchronous call: run() on a pool thread, result() back on the JS thread. */
struct Op {
  Consumer *c = nullptr;
  napi_ref keep = nullptr;
  napi_deferred deferred = nullptr;
  napi_async_work work = nullptr;
  bool ok = true;
  std::string err;
  int dtErrno = 0;
  virtual ~Op() {}
  virtual void run() = 0;
  virtual napi_value result(napi_env env) = 0;
  void fail(const std::string &what) {
    ok = false;
    dtErrno = dtrace_errno(c->dtp);
    err = what + ": " + dtrace_errmsg(c->dtp, dtErrno);
  }
};

/** Queues `op` on the thread pool; the consumer object is kept alive until it completes. */
napi_value heat_start_op(napi_env env, napi_value thisArg, Consumer *c, Op *op, const char *name);

/** A JS Error with code EDTRACE and the dtrace errno. */
napi_value heat_error(napi_env env, const std::string &msg, int dtErrno);
napi_value heat_str(napi_env env, const std::string &s);
napi_value heat_num(napi_env env, double d);
napi_value heat_bool(napi_env env, bool b);
napi_value heat_null(napi_env env);
napi_value heat_undefined(napi_env env);

/** Registers the error, drop and process handlers; returns what failed, or null. */
const char *heat_set_handlers(Consumer *c);

// The operations (setup-ops.cc, work-ops.cc).
Op *heat_compile_op(const std::string &program, const std::vector<std::string> &args);
Op *heat_go_op();
Op *heat_stop_op();
Op *heat_work_op();
Op *heat_aggwalk_op();

#endif
