//! JS values and the asynchronous-call machinery of the libdtrace addon.
#include "consumer.h"

napi_value heat_error(napi_env env, const std::string &msg, int dtErrno) {
  napi_value text, err, code, num;
  napi_create_string_utf8(env, msg.c_str(), msg.size(), &text);
  napi_create_string_utf8(env, "EDTRACE", NAPI_AUTO_LENGTH, &code);
  napi_create_error(env, code, text, &err);
  napi_create_int32(env, dtErrno, &num);
  napi_set_named_property(env, err, "dtraceErrno", num);
  return err;
}

napi_value heat_str(napi_env env, const std::string &s) {
  napi_value v;
  napi_create_string_utf8(env, s.c_str(), s.size(), &v);
  return v;
}

napi_value heat_num(napi_env env, double d) {
  napi_value v;
  napi_create_double(env, d, &v);
  return v;
}

napi_value heat_bool(napi_env env, bool b) {
  napi_value v;
  napi_get_boolean(env, b, &v);
  return v;
}

napi_value heat_null(napi_env env) {
  napi_value v;
  napi_get_null(env, &v);
  return v;
}

napi_value heat_undefined(napi_env env) {
  napi_value v;
  napi_get_undefined(env, &v);
  return v;
}

static void op_execute(napi_env, void *data) { ((Op *)data)->run(); }

static void op_complete(napi_env env, napi_status, void *data) {
  Op *op = (Op *)data;
  op->c->busy = false;
  if (op->ok) napi_resolve_deferred(env, op->deferred, op->result(env));
  else napi_reject_deferred(env, op->deferred, heat_error(env, op->err, op->dtErrno));
  napi_delete_async_work(env, op->work);
  napi_delete_reference(env, op->keep);
  delete op;
}

napi_value heat_start_op(napi_env env, napi_value thisArg, Consumer *c, Op *op, const char *name) {
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

