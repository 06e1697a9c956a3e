//! N-API binding to libdtrace: a `Consumer` in the spirit of node-libdtrace (open, setopt,
//! strcompile, go, work, aggwalk, stop, close). Slow calls (strcompile, go, work, aggwalk, stop)
//! run on the libuv thread pool and return Promises, one at a time per consumer, so the event
//! loop never waits for libdtrace (Oracle's attach of many probes takes tens of seconds).
#define NAPI_VERSION 8
#include <node_api.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <string>
#include <vector>

#include "records.h"

static const size_t MAX_MESSAGES = 16;

struct Consumer {
  dtrace_hdl_t *dtp = nullptr;
  bool busy = false, inited = false, handlers = false, compiled = false, started = false, stopped = false;
  std::vector<heat_proc_t *> procs;
  heat_proc_thunk thunk;
  heat_bin_cache bins;
  // Tallies the handlers keep while libdtrace runs; work() hands them over and resets them.
  double drops = 0;
  uint64_t faults = 0;
  std::vector<std::string> messages;
  int procsExited = 0;
  bool sawExit = false;
  int exitStatus = 0;
};

static void note(Consumer *c, const char *msg) {
  if (msg != nullptr && c->messages.size() < MAX_MESSAGES) c->messages.push_back(msg);
}

static int on_drop(const dtrace_dropdata_t *d, void *arg) {
  Consumer *c = (Consumer *)arg;
  // Drops are counted, not described: they reach the Snapshot as `lost`.
  c->drops += (double)d->dtdda_drops;
  return DTRACE_HANDLE_OK;
}

static int on_fault(const dtrace_errdata_t *d, void *arg) {
  Consumer *c = (Consumer *)arg;
  c->faults++;
  note(c, d->dteda_msg);
  return DTRACE_HANDLE_OK;
}

static void on_proc(bool exited, const char *msg, void *arg) {
  Consumer *c = (Consumer *)arg;
  if (exited) c->procsExited++;
  note(c, msg);
}

static int on_probe(const dtrace_probedata_t *, void *) { return DTRACE_CONSUME_THIS; }

static int on_record(const dtrace_probedata_t *data, const dtrace_recdesc_t *rec, void *arg) {
  Consumer *c = (Consumer *)arg;
  if (rec == nullptr) return DTRACE_CONSUME_NEXT;
  if (rec->dtrd_action == DTRACEACT_EXIT) {
    c->sawExit = true;
    // Both libraries point dtpda_data at the current record when calling this.
    c->exitStatus = *(const int32_t *)data->dtpda_data;
    return DTRACE_CONSUME_NEXT;
  }
  return DTRACE_CONSUME_THIS;
}

// ---- N-API plumbing ---------------------------------------------------------------------------

#define CHECK(env, call)                                                                             \
  do {                                                                                               \
    if ((call) != napi_ok) {                                                                         \
      napi_throw_error((env), "EADDON", "libdtrace addon: N-API call failed: " #call);               \
      return nullptr;                                                                                \
    }                                                                                                \
  } while (0)

static napi_value make_error(napi_env env, const std::string &msg, int dtErrno) {
  napi_value text, err, code, num;
  napi_create_string_utf8(env, msg.c_str(), msg.size(), &text);
  napi_create_string_utf8(env, "EDTRACE", NAPI_AUTO_LENGTH, &code);
  napi_create_error(env, code, text, &err);
  napi_create_int32(env, dtErrno, &num);
  napi_set_named_property(env, err, "dtraceErrno", num);
  return err;
}


static napi_value throw_dtrace(napi_env env, Consumer *c, const std::string &what) {
  int e = c->dtp ? dtrace_errno(c->dtp) : 0;
  napi_throw(env, make_error(env, what + ": " + dtrace_errmsg(c->dtp, e), e));
  return nullptr;
}

static napi_value str(napi_env env, const std::string &s) {
  napi_value v;
  napi_create_string_utf8(env, s.c_str(), s.size(), &v);
  return v;
}

static napi_value num(napi_env env, double d) {
  napi_value v;
  napi_create_double(env, d, &v);
  return v;
}

static napi_value boolean(napi_env env, bool b) {
  napi_value v;
  napi_get_boolean(env, b, &v);
  return v;
}

static napi_value null(napi_env env) {
  napi_value v;
  napi_get_null(env, &v);
  return v;
}

static bool get_string(napi_env env, napi_value v, std::string *out) {
  size_t len;
  if (napi_get_value_string_utf8(env, v, nullptr, 0, &len) != napi_ok) return false;
  out->resize(len + 1);
  napi_get_value_string_utf8(env, v, &(*out)[0], len + 1, &len);
  out->resize(len);
  return true;
}

static bool get_strings(napi_env env, napi_value v, std::vector<std::string> *out) {
  bool isArray = false;
  uint32_t n = 0;
  if (napi_is_array(env, v, &isArray) != napi_ok || !isArray) return false;
  napi_get_array_length(env, v, &n);
  for (uint32_t i = 0; i < n; i++) {
    napi_value e;
    std::string s;
    napi_get_element(env, v, i, &e);
    if (!get_string(env, e, &s)) return false;
    out->push_back(s);
  }
  return true;
}

/** Unwraps `this` and its arguments; throws (returns null) when the consumer is closed or busy. */
static Consumer *self(napi_env env, napi_callback_info info, size_t *argc, napi_value *argv, napi_value *thisArg) {
  Consumer *c = nullptr;
  napi_value t;
  if (napi_get_cb_info(env, info, argc, argv, &t, nullptr) != napi_ok) return nullptr;
  if (thisArg) *thisArg = t;
  if (napi_unwrap(env, t, (void **)&c) != napi_ok || c == nullptr) {
    napi_throw_error(env, "EADDON", "not a libdtrace Consumer");
    return nullptr;
  }
  if (c->dtp == nullptr) {
    napi_throw_error(env, "ECLOSED", "the libdtrace consumer is closed");
    return nullptr;
  }
  if (c->busy) {
    napi_throw_error(env, "EBUSY", "the libdtrace consumer is busy: await the previous call first");
    return nullptr;
  }
  return c;
}

// ---- asynchronous operations ------------------------------------------------------------------

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

static void op_execute(napi_env, void *data) { ((Op *)data)->run(); }

static void op_complete(napi_env env, napi_status, void *data) {
  Op *op = (Op *)data;
  op->c->busy = false;
  if (op->ok) napi_resolve_deferred(env, op->deferred, op->result(env));
  else napi_reject_deferred(env, op->deferred, make_error(env, op->err, op->dtErrno));
  napi_delete_async_work(env, op->work);
  napi_delete_reference(env, op->keep);
  delete op;
}

/** Queues `op` on the thread pool; the consumer object is kept alive until it completes. */
static napi_value start_op(napi_env env, napi_value thisArg, Consumer *c, Op *op, const char *name) {
  napi_value promise, resource;
  op->c = c;
  napi_create_reference(env, thisArg, 1, &op->keep);
  napi_create_promise(env, &op->deferred, &promise);
  napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &resource);
  napi_create_async_work(env, nullptr, resource, op_execute, op_complete, op, &op->work);
  c->busy = true;
  napi_queue_async_work(env, op->work);
  return promise;
}

struct CompileOp : Op {
  std::string program;
  std::vector<std::string> args;
  dtrace_proginfo_t pinfo;
  void run() override {
    memset(&pinfo, 0, sizeof(pinfo));
    if (!c->inited) {
      if (heat_abi_init(c->dtp) != 0) return fail("cannot initialise libdtrace");
      c->inited = true;
    }
    std::vector<char *> argv;
    for (auto &a : args) argv.push_back(&a[0]);
    argv.push_back(nullptr);
    // Compiled as a file (fcompile on a memory stream), as `dtrace -s` does: only then do error
    // messages carry "line N", and a leading #! line is accepted. ETAGS adds "[D_TAG]" codes.
    if (program.empty()) program = "\n";
    FILE *fp = fmemopen(&program[0], program.size(), "r");
    if (fp == nullptr) {
      ok = false;
      err = "cannot open a memory stream for the D program";
      return;
    }
    dtrace_prog_t *prog = dtrace_program_fcompile(c->dtp, fp, DTRACE_C_ETAGS, (int)args.size(), argv.data());
    fclose(fp);
    if (prog == nullptr) return fail("cannot compile the D program");
    // dtrace(1)'s order: compile, set handlers, enable. The error handler compiles an ERROR
    // clause of its own, which needs an initialised handle and must come before the first
    // dtrace_program_exec (Oracle sizes its statement table there: later statements overflow it).
    if (!c->handlers) {
      c->thunk.fn = on_proc;
      c->thunk.arg = c;
      if (dtrace_handle_err(c->dtp, on_fault, c) == -1) return fail("cannot set the error handler");
      if (dtrace_handle_drop(c->dtp, on_drop, c) == -1) return fail("cannot set the drop handler");
      if (heat_abi_handle_proc(c->dtp, &c->thunk) == -1) return fail("cannot set the process handler");
      c->handlers = true;
    }
    if (dtrace_program_exec(c->dtp, prog, &pinfo) == -1) return fail("cannot enable the D program");
  }
  napi_value result(napi_env env) override {
    napi_value o;
    napi_create_object(env, &o);
    napi_set_named_property(env, o, "matches", num(env, pinfo.dpi_matches));
    napi_set_named_property(env, o, "aggregates", num(env, pinfo.dpi_aggregates));
    napi_set_named_property(env, o, "recgens", num(env, pinfo.dpi_recgens));
    napi_set_named_property(env, o, "speculations", num(env, pinfo.dpi_speculations));
    return o;
  }
};

struct GoOp : Op {
  void run() override {
    if (!c->inited) {
      if (heat_abi_init(c->dtp) != 0) return fail("cannot initialise libdtrace");
      c->inited = true;
    }
    if (heat_abi_go(c->dtp) == -1) return fail("cannot start tracing");
    c->started = true;
    for (heat_proc_t *p : c->procs) heat_abi_proc_continue(c->dtp, p);
  }
  napi_value result(napi_env env) override {
    napi_value u;
    napi_get_undefined(env, &u);
    return u;
  }
};

struct StopOp : Op {
  void run() override {
    if (c->started && !c->stopped && dtrace_stop(c->dtp) == -1) return fail("cannot stop tracing");
    c->stopped = true;
  }
  napi_value result(napi_env env) override {
    napi_value u;
    napi_get_undefined(env, &u);
    return u;
  }
};

struct WorkOp : Op {
  dtrace_workstatus_t status = DTRACE_WORKSTATUS_OKAY;
  std::string output;
  double drops = 0;
  uint64_t faults = 0;
  std::vector<std::string> messages;
  int procsExited = 0;
  bool sawExit = false;
  int exitStatus = 0;
  void run() override {
    char *buf = nullptr;
    size_t len = 0;
    // Oracle's libdtrace formats printf()/trace() output only into a real FILE *.
    FILE *fp = open_memstream(&buf, &len);
    if (fp == nullptr) {
      ok = false;
      err = "cannot open a memory stream for trace output";
      return;
    }
    status = dtrace_work(c->dtp, fp, on_probe, on_record, c);
    fclose(fp);
    if (buf != nullptr) output.assign(buf, len);
    free(buf);
    if (status == DTRACE_WORKSTATUS_ERROR) fail("processing trace data failed");
    drops = c->drops;
    faults = c->faults;
    messages.swap(c->messages);
    procsExited = c->procsExited;
    sawExit = c->sawExit;
    exitStatus = c->exitStatus;
    if (status == DTRACE_WORKSTATUS_DONE) c->stopped = true;
    c->drops = 0;
    c->faults = 0;
    c->procsExited = 0;
  }
  napi_value result(napi_env env) override {
    napi_value o, list;
    napi_create_object(env, &o);
    napi_set_named_property(env, o, "status", str(env, status == DTRACE_WORKSTATUS_DONE ? "done" : "okay"));
    napi_set_named_property(env, o, "output", str(env, output));
    napi_set_named_property(env, o, "drops", num(env, drops));
    napi_set_named_property(env, o, "faults", num(env, (double)faults));
    napi_create_array_with_length(env, messages.size(), &list);
    for (size_t i = 0; i < messages.size(); i++) napi_set_element(env, list, (uint32_t)i, str(env, messages[i]));
    napi_set_named_property(env, o, "messages", list);
    napi_set_named_property(env, o, "procsExited", num(env, procsExited));
    napi_set_named_property(env, o, "exited", boolean(env, sawExit));
    napi_set_named_property(env, o, "exitStatus", num(env, exitStatus));
    return o;
  }
};

struct AggwalkOp : Op {
  std::vector<heat_aggrec> records;
  std::string decodeErr;
  static int walk(const dtrace_aggdata_t *agg, void *arg) {
    AggwalkOp *op = (AggwalkOp *)arg;
    heat_aggrec rec;
    if (!heat_decode_agg(op->c->dtp, agg, &op->c->bins, &rec, &op->decodeErr)) return DTRACE_AGGWALK_ABORT;
    op->records.push_back(std::move(rec));
    return HEAT_AGGWALK_AFTER;
  }
  void run() override {
    // After dtrace_stop the last dtrace_work has already taken the final snapshot.
    if (dtrace_aggregate_snap(c->dtp) == -1 && !c->stopped) return fail("cannot snapshot aggregations");
    if (dtrace_aggregate_walk(c->dtp, walk, this) == -1) {
      if (!decodeErr.empty()) {
        ok = false;
        err = decodeErr;
        return;
      }
      fail("cannot walk aggregations");
    }
  }
  static napi_value bound(napi_env env, const heat_bound &b) { return b.open ? null(env) : num(env, (double)b.v); }
  napi_value one(napi_env env, const heat_aggrec &r) {
    napi_value o, key, buckets = nullptr, params;
    napi_create_object(env, &o);
    napi_set_named_property(env, o, "id", num(env, (double)r.id));
    napi_set_named_property(env, o, "name", str(env, r.name));
    napi_set_named_property(env, o, "kind", str(env, heat_aggkind_name(r.kind)));
    napi_create_array_with_length(env, r.key.size(), &key);
    for (size_t i = 0; i < r.key.size(); i++)
      napi_set_element(env, key, (uint32_t)i, r.key[i].isnum ? num(env, (double)r.key[i].num) : str(env, r.key[i].str));
    napi_set_named_property(env, o, "key", key);
    bool hist = r.kind == HEAT_AGG_QUANTIZE || r.kind == HEAT_AGG_LQUANTIZE || r.kind == HEAT_AGG_LLQUANTIZE;
    if (hist) {
      napi_create_array_with_length(env, r.buckets.size(), &buckets);
      for (size_t i = 0; i < r.buckets.size(); i++) {
        napi_value range, pair;
        napi_create_array_with_length(env, 2, &range);
        napi_set_element(env, range, 0, bound(env, r.buckets[i].lo));
        napi_set_element(env, range, 1, bound(env, r.buckets[i].hi));
        napi_create_array_with_length(env, 2, &pair);
        napi_set_element(env, pair, 0, range);
        napi_set_element(env, pair, 1, num(env, r.buckets[i].count));
        napi_set_element(env, buckets, (uint32_t)i, pair);
      }
    }
    napi_set_named_property(env, o, "value", hist ? null(env) : num(env, r.value));
    napi_set_named_property(env, o, "buckets", hist ? buckets : null(env));
    if (r.kind == HEAT_AGG_AVG || r.kind == HEAT_AGG_STDDEV) {
      napi_set_named_property(env, o, "count", num(env, r.count));
      napi_set_named_property(env, o, "total", num(env, r.total));
    }
    napi_create_array_with_length(env, r.params.size(), &params);
    for (size_t i = 0; i < r.params.size(); i++) napi_set_element(env, params, (uint32_t)i, num(env, (double)r.params[i]));
    napi_set_named_property(env, o, "params", params);
    return o;
  }
  napi_value result(napi_env env) override {
    napi_value list;
    napi_create_array_with_length(env, records.size(), &list);
    for (size_t i = 0; i < records.size(); i++) napi_set_element(env, list, (uint32_t)i, one(env, records[i]));
    return list;
  }
};

// ---- methods ----------------------------------------------------------------------------------

static void finalize(napi_env, void *data, void *) {
  Consumer *c = (Consumer *)data;
  // A consumer dropped without close(): release what libdtrace holds (processes, probes).
  if (c->dtp != nullptr && !c->busy) {
    for (heat_proc_t *p : c->procs) heat_abi_proc_release(c->dtp, p);
    dtrace_close(c->dtp);
  }
  delete c;
}

static napi_value New(napi_env env, napi_callback_info info) {
  napi_value thisArg;
  CHECK(env, napi_get_cb_info(env, info, nullptr, nullptr, &thisArg, nullptr));
  int err = 0;
  dtrace_hdl_t *dtp = dtrace_open(DTRACE_VERSION, 0, &err);
  if (dtp == nullptr) {
    napi_throw(env, make_error(env, std::string("cannot open libdtrace: ") + dtrace_errmsg(nullptr, err), err));
    return nullptr;
  }
  // The de facto standard sizes dtrace(1) and node-libdtrace set: Oracle's library defaults
  // leave aggsize unset, and sizing the aggregation maps from that fails with E2BIG.
  dtrace_setopt(dtp, "bufsize", "4m");
  dtrace_setopt(dtp, "aggsize", "4m");
  Consumer *c = new Consumer();
  c->dtp = dtp;
  CHECK(env, napi_wrap(env, thisArg, c, finalize, nullptr, nullptr));
  return thisArg;
}

static napi_value Setopt(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  Consumer *c = self(env, info, &argc, argv, nullptr);
  if (c == nullptr) return nullptr;
  std::string name, value;
  if (argc < 1 || !get_string(env, argv[0], &name)) {
    napi_throw_type_error(env, nullptr, "setopt(name, value?): name must be a string");
    return nullptr;
  }
  bool hasValue = argc >= 2 && get_string(env, argv[1], &value);
  if (dtrace_setopt(c->dtp, name.c_str(), hasValue ? value.c_str() : nullptr) != 0)
    return throw_dtrace(env, c, "cannot set option '" + name + "'");
  return nullptr;
}

/** createProcess(argv): starts a command stopped at exec (it runs at go()); it becomes $target. */
static napi_value CreateProcess(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  Consumer *c = self(env, info, &argc, argv, nullptr);
  if (c == nullptr) return nullptr;
  std::vector<std::string> args;
  if (argc < 1 || !get_strings(env, argv[0], &args) || args.empty()) {
    napi_throw_type_error(env, nullptr, "createProcess(argv): argv must be a non-empty array of strings");
    return nullptr;
  }
  std::vector<char *> cargv;
  for (auto &a : args) cargv.push_back(&a[0]);
  cargv.push_back(nullptr);
  heat_proc_t *p = heat_abi_proc_create(c->dtp, cargv[0], cargv.data());
  if (p == nullptr) return throw_dtrace(env, c, "cannot run '" + args[0] + "'");
  c->procs.push_back(p);
  return num(env, heat_abi_proc_pid(c->dtp, p));
}

/** grabProcess(pid): attaches to a running process (it becomes $target). */
static napi_value GrabProcess(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  Consumer *c = self(env, info, &argc, argv, nullptr);
  if (c == nullptr) return nullptr;
  int32_t pid = 0;
  if (argc < 1 || napi_get_value_int32(env, argv[0], &pid) != napi_ok || pid <= 0) {
    napi_throw_type_error(env, nullptr, "grabProcess(pid): pid must be a positive integer");
    return nullptr;
  }
  heat_proc_t *p = heat_abi_proc_grab(c->dtp, (pid_t)pid);
  if (p == nullptr) return throw_dtrace(env, c, "cannot grab process " + std::to_string(pid));
  c->procs.push_back(p);
  return nullptr;
}

static napi_value Compile(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], thisArg;
  Consumer *c = self(env, info, &argc, argv, &thisArg);
  if (c == nullptr) return nullptr;
  if (c->compiled) {
    // Oracle sizes its statement table at the first dtrace_program_exec: one program per handle.
    napi_throw_error(env, "EONCE", "strcompile() can be called once per consumer");
    return nullptr;
  }
  CompileOp *op = new CompileOp();
  if (argc < 1 || !get_string(env, argv[0], &op->program) || (argc >= 2 && !get_strings(env, argv[1], &op->args))) {
    delete op;
    napi_throw_type_error(env, nullptr, "strcompile(program, argv?): program must be a string, argv strings");
    return nullptr;
  }
  c->compiled = true;
  return start_op(env, thisArg, c, op, "libdtrace.compile");
}

template <typename T> static napi_value simple_op(napi_env env, napi_callback_info info, const char *name) {
  size_t argc = 0;
  napi_value thisArg;
  Consumer *c = self(env, info, &argc, nullptr, &thisArg);
  if (c == nullptr) return nullptr;
  return start_op(env, thisArg, c, new T(), name);
}

static napi_value Go(napi_env env, napi_callback_info info) { return simple_op<GoOp>(env, info, "libdtrace.go"); }
static napi_value Work(napi_env env, napi_callback_info info) { return simple_op<WorkOp>(env, info, "libdtrace.work"); }
static napi_value Aggwalk(napi_env env, napi_callback_info info) {
  return simple_op<AggwalkOp>(env, info, "libdtrace.aggwalk");
}
static napi_value Stop(napi_env env, napi_callback_info info) { return simple_op<StopOp>(env, info, "libdtrace.stop"); }

/** close(): releases traced processes and the handle. Idempotent. */
static napi_value Close(napi_env env, napi_callback_info info) {
  napi_value thisArg;
  Consumer *c = nullptr;
  CHECK(env, napi_get_cb_info(env, info, nullptr, nullptr, &thisArg, nullptr));
  CHECK(env, napi_unwrap(env, thisArg, (void **)&c));
  if (c->dtp == nullptr) return nullptr;
  if (c->busy) {
    napi_throw_error(env, "EBUSY", "the libdtrace consumer is busy: await the previous call first");
    return nullptr;
  }
  for (heat_proc_t *p : c->procs) heat_abi_proc_release(c->dtp, p);
  c->procs.clear();
  dtrace_close(c->dtp);
  c->dtp = nullptr;
  return nullptr;
}

static napi_value Version(napi_env env, napi_callback_info) { return str(env, _dtrace_version); }

static napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor methods[] = {
      {"setopt", nullptr, Setopt, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"createProcess", nullptr, CreateProcess, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"grabProcess", nullptr, GrabProcess, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"strcompile", nullptr, Compile, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"go", nullptr, Go, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"work", nullptr, Work, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"aggwalk", nullptr, Aggwalk, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"stop", nullptr, Stop, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"close", nullptr, Close, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"abi", nullptr, nullptr, nullptr, nullptr, str(env, HEAT_DTRACE_ABI_NAME), napi_enumerable, nullptr},
      {"cumulative", nullptr, nullptr, nullptr, nullptr, boolean(env, HEAT_AGG_CUMULATIVE), napi_enumerable, nullptr},
  };
  napi_value cls;
  CHECK(env, napi_define_class(env, "Consumer", NAPI_AUTO_LENGTH, New, nullptr,
                               sizeof(methods) / sizeof(methods[0]), methods, &cls));
  CHECK(env, napi_set_named_property(env, exports, "Consumer", cls));
  napi_value version;
  CHECK(env, napi_create_function(env, "version", NAPI_AUTO_LENGTH, Version, nullptr, &version));
  CHECK(env, napi_set_named_property(env, exports, "version", version));
  CHECK(env, napi_set_named_property(env, exports, "abi", str(env, HEAT_DTRACE_ABI_NAME)));
  CHECK(env, napi_set_named_property(env, exports, "cumulative", boolean(env, HEAT_AGG_CUMULATIVE)));
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
