//! The setup operations of the libdtrace addon: compile (and enable), go, stop.
#include <stdio.h>
#include <string.h>

#include "consumer.h"

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
      const char *what = heat_set_handlers(c);
      if (what != nullptr) return fail(what);
      c->handlers = true;
    }
    if (dtrace_program_exec(c->dtp, prog, &pinfo) == -1) return fail("cannot enable the D program");
  }
  napi_value result(napi_env env) override {
    napi_value o;
    napi_create_object(env, &o);
    napi_set_named_property(env, o, "matches", heat_num(env, pinfo.dpi_matches));
    napi_set_named_property(env, o, "aggregates", heat_num(env, pinfo.dpi_aggregates));
    napi_set_named_property(env, o, "recgens", heat_num(env, pinfo.dpi_recgens));
    napi_set_named_property(env, o, "speculations", heat_num(env, pinfo.dpi_speculations));
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
    return heat_undefined(env);
  }
};

struct StopOp : Op {
  void run() override {
    if (c->started && !c->stopped && dtrace_stop(c->dtp) == -1) return fail("cannot stop tracing");
    c->stopped = true;
  }
  napi_value result(napi_env env) override {
    return heat_undefined(env);
  }
};

Op *heat_compile_op(const std::string &program, const std::vector<std::string> &args) {
  CompileOp *op = new CompileOp();
  op->program = program;
  op->args = args;
  return op;
}

Op *heat_go_op() { return new GoOp(); }

Op *heat_stop_op() { return new StopOp(); }
