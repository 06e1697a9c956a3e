//! N-API binding to libdtrace: a `Consumer` in the spirit of node-libdtrace (open, setopt,
//! strcompile, go, work, aggwalk, stop, close). Slow calls (strcompile, go, work, aggwalk, stop)
//! run on the libuv thread pool and return Promises, one at a time per consumer, so the event
//! loop never waits for libdtrace (Oracle's attach of many probes takes tens of seconds).
#include <string.h>

#include "consumer.h"

// ---- N-API plumbing ---------------------------------------------------------------------------

#define CHECK(env, call)                                                                             \
  do {                                                                                               \
    if ((call) != napi_ok) {                                                                         \
      napi_throw_error((env), "EADDON", "libdtrace addon: N-API call failed: " #call);               \
      return nullptr;                                                                                \
    }                                                                                                \
  } while (0)

static napi_value throw_dtrace(napi_env env, Consumer *c, const std::string &what) {
  int e = c->dtp ? dtrace_errno(c->dtp) : 0;
  napi_throw(env, heat_error(env, what + ": " + dtrace_errmsg(c->dtp, e), e));
  return nullptr;
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
    napi_throw(env, heat_error(env, std::string("cannot open libdtrace: ") + dtrace_errmsg(nullptr, err), err));
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
  return heat_num(env, heat_abi_proc_pid(c->dtp, p));
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
  std::string program;
  std::vector<std::string> args;
  if (argc < 1 || !get_string(env, argv[0], &program) || (argc >= 2 && !get_strings(env, argv[1], &args))) {
    napi_throw_type_error(env, nullptr, "strcompile(program, argv?): program must be a string, argv strings");
    return nullptr;
  }
  c->compiled = true;
  return heat_start_op(env, thisArg, c, heat_compile_op(program, args), "libdtrace.compile");
}

static napi_value simple_op(napi_env env, napi_callback_info info, Op *(*make)(), const char *name) {
  size_t argc = 0;
  napi_value thisArg;
  Consumer *c = self(env, info, &argc, nullptr, &thisArg);
  if (c == nullptr) return nullptr;
  return heat_start_op(env, thisArg, c, make(), name);
}

static napi_value Go(napi_env env, napi_callback_info info) { return simple_op(env, info, heat_go_op, "libdtrace.go"); }
static napi_value Work(napi_env env, napi_callback_info info) { return simple_op(env, info, heat_work_op, "libdtrace.work"); }
static napi_value Aggwalk(napi_env env, napi_callback_info info) {
  return simple_op(env, info, heat_aggwalk_op, "libdtrace.aggwalk");
}
static napi_value Stop(napi_env env, napi_callback_info info) { return simple_op(env, info, heat_stop_op, "libdtrace.stop"); }

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

static napi_value Version(napi_env env, napi_callback_info) { return heat_str(env, _dtrace_version); }

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
      {"abi", nullptr, nullptr, nullptr, nullptr, heat_str(env, HEAT_DTRACE_ABI_NAME), napi_enumerable, nullptr},
      {"cumulative", nullptr, nullptr, nullptr, nullptr, heat_bool(env, HEAT_AGG_CUMULATIVE), napi_enumerable, nullptr},
  };
  napi_value cls;
  CHECK(env, napi_define_class(env, "Consumer", NAPI_AUTO_LENGTH, New, nullptr,
                               sizeof(methods) / sizeof(methods[0]), methods, &cls));
  CHECK(env, napi_set_named_property(env, exports, "Consumer", cls));
  napi_value version;
  CHECK(env, napi_create_function(env, "version", NAPI_AUTO_LENGTH, Version, nullptr, &version));
  CHECK(env, napi_set_named_property(env, exports, "version", version));
  CHECK(env, napi_set_named_property(env, exports, "abi", heat_str(env, HEAT_DTRACE_ABI_NAME)));
  CHECK(env, napi_set_named_property(env, exports, "cumulative", heat_bool(env, HEAT_AGG_CUMULATIVE)));
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
