//! The running operations of the libdtrace addon: work() (trace output, drops, faults, exit,
//! process exits, tallied by the handlers below) and aggwalk() (records.cc decodes).
#include <stdio.h>
#include <stdlib.h>

#include "consumer.h"

static void note(Consumer *c, const char *msg) {
  if (msg != nullptr && c->tally.messages.size() < MAX_MESSAGES) c->tally.messages.push_back(msg);
}

static int on_drop(const dtrace_dropdata_t *d, void *arg) {
  Consumer *c = (Consumer *)arg;
  // Drops are counted, not described: they reach the Snapshot as `lost`.
  c->tally.drops += (double)d->dtdda_drops;
  return DTRACE_HANDLE_OK;
}

static int on_fault(const dtrace_errdata_t *d, void *arg) {
  Consumer *c = (Consumer *)arg;
  c->tally.faults++;
  note(c, d->dteda_msg);
  return DTRACE_HANDLE_OK;
}

static void on_proc(bool exited, const char *msg, void *arg) {
  Consumer *c = (Consumer *)arg;
  if (exited) c->tally.procsExited++;
  note(c, msg);
}

const char *heat_set_handlers(Consumer *c) {
  c->thunk.fn = on_proc;
  c->thunk.arg = c;
  if (dtrace_handle_err(c->dtp, on_fault, c) == -1) return "cannot set the error handler";
  if (dtrace_handle_drop(c->dtp, on_drop, c) == -1) return "cannot set the drop handler";
  if (heat_abi_handle_proc(c->dtp, &c->thunk) == -1) return "cannot set the process handler";
  return nullptr;
}

static int on_probe(const dtrace_probedata_t *, void *) { return DTRACE_CONSUME_THIS; }

static int on_record(const dtrace_probedata_t *data, const dtrace_recdesc_t *rec, void *arg) {
  Consumer *c = (Consumer *)arg;
  if (rec == nullptr) return DTRACE_CONSUME_NEXT;
  if (rec->dtrd_action == DTRACEACT_EXIT) {
    c->tally.sawExit = true;
    // Both libraries point dtpda_data at the current record when calling this.
    c->tally.exitStatus = *(const int32_t *)data->dtpda_data;
    return DTRACE_CONSUME_NEXT;
  }
  return DTRACE_CONSUME_THIS;
}

struct WorkOp : Op {
  dtrace_workstatus_t status = DTRACE_WORKSTATUS_OKAY;
  std::string output;
  WorkTally got;
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
    got = std::move(c->tally);
    c->tally = WorkTally{};
    c->tally.sawExit = got.sawExit;
    c->tally.exitStatus = got.exitStatus;
    if (status == DTRACE_WORKSTATUS_DONE) c->stopped = true;
  }
  napi_value result(napi_env env) override {
    napi_value o, list;
    napi_create_object(env, &o);
    napi_set_named_property(env, o, "status", heat_str(env, status == DTRACE_WORKSTATUS_DONE ? "done" : "okay"));
    napi_set_named_property(env, o, "output", heat_str(env, output));
    napi_set_named_property(env, o, "drops", heat_num(env, got.drops));
    napi_set_named_property(env, o, "faults", heat_num(env, (double)got.faults));
    napi_create_array_with_length(env, got.messages.size(), &list);
    for (size_t i = 0; i < got.messages.size(); i++) napi_set_element(env, list, (uint32_t)i, heat_str(env, got.messages[i]));
    napi_set_named_property(env, o, "messages", list);
    napi_set_named_property(env, o, "procsExited", heat_num(env, got.procsExited));
    napi_set_named_property(env, o, "exited", heat_bool(env, got.sawExit));
    napi_set_named_property(env, o, "exitStatus", heat_num(env, got.exitStatus));
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
  static napi_value bound(napi_env env, const heat_bound &b) { return b.open ? heat_null(env) : heat_num(env, (double)b.v); }
  napi_value one(napi_env env, const heat_aggrec &r) {
    napi_value o, key, buckets = nullptr, params;
    napi_create_object(env, &o);
    napi_set_named_property(env, o, "id", heat_num(env, (double)r.id));
    napi_set_named_property(env, o, "name", heat_str(env, r.name));
    napi_set_named_property(env, o, "kind", heat_str(env, heat_aggkind_name(r.kind)));
    napi_create_array_with_length(env, r.key.size(), &key);
    for (size_t i = 0; i < r.key.size(); i++)
      napi_set_element(env, key, (uint32_t)i, r.key[i].isnum ? heat_num(env, (double)r.key[i].num) : heat_str(env, r.key[i].str));
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
        napi_set_element(env, pair, 1, heat_num(env, r.buckets[i].count));
        napi_set_element(env, buckets, (uint32_t)i, pair);
      }
    }
    napi_set_named_property(env, o, "value", hist ? heat_null(env) : heat_num(env, r.value));
    napi_set_named_property(env, o, "buckets", hist ? buckets : heat_null(env));
    if (r.kind == HEAT_AGG_AVG || r.kind == HEAT_AGG_STDDEV) {
      napi_set_named_property(env, o, "count", heat_num(env, r.count));
      napi_set_named_property(env, o, "total", heat_num(env, r.total));
    }
    napi_create_array_with_length(env, r.params.size(), &params);
    for (size_t i = 0; i < r.params.size(); i++) napi_set_element(env, params, (uint32_t)i, heat_num(env, (double)r.params[i]));
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

Op *heat_work_op() { return new WorkOp(); }

Op *heat_aggwalk_op() { return new AggwalkOp(); }
