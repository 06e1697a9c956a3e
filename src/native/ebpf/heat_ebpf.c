// SPDX-License-Identifier: MIT
//! The native eBPF engine's N-API addon: open(), read() and close() over heat_loader.c, for
//! src/sources/ebpf-addon.ts. It opens one preset's BPF object (built by binding.gyp next to
//! this addon), loads and attaches it for a target process, and hands cumulative histogram rows
//! to src/sources/ebpf.ts, which turns them into Snapshots.

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>
#include <node_api.h>

#include "heat-loader.h"

// Throws an Error whose `code` is the errno name (EPERM, ENOENT...) and whose message ends
// with libbpf's last words, so the TypeScript side can map it to a HeatError with a hint.
static napi_value throw_errno(napi_env env, const char *what, int err)
{
	if (err < 0)
		err = -err;
	char msg[4096 + 256];
	const char *tail = heat_log();
	while (*tail == '\n')
		tail++;
	snprintf(msg, sizeof(msg), "%s: %s%s%s", what, strerror(err), *tail ? "\n" : "", tail);
	const char *name = err == EPERM ? "EPERM" : err == EACCES ? "EACCES" : err == ENOENT ? "ENOENT"
		: err == EINVAL ? "EINVAL" : err == ENOMEM ? "ENOMEM" : err == ESRCH ? "ESRCH" : "EBPF";
	napi_throw_error(env, name, msg);
	return NULL;
}

static void finalize(napi_env env, void *data, void *hint)
{
	(void)env;
	(void)hint;
	heat_free(data);
	free(data);
}

static struct heat *unwrap(napi_env env, napi_value v)
{
	void *data = NULL;
	if (napi_get_value_external(env, v, &data) != napi_ok || !data) {
		napi_throw_type_error(env, NULL, "expected a handle from open()");
		return NULL;
	}
	return data;
}

/** open(objectPath: string, targetTgid: number): handle — loads and attaches every program. */
static napi_value js_open(napi_env env, napi_callback_info info)
{
	size_t argc = 2;
	napi_value argv[2];
	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	char path[4096];
	size_t len = 0;
	uint32_t tgid = 0;
	if (argc < 2 || napi_get_value_string_utf8(env, argv[0], path, sizeof(path), &len) != napi_ok ||
	    napi_get_value_uint32(env, argv[1], &tgid) != napi_ok) {
		napi_throw_type_error(env, NULL, "open(objectPath: string, targetTgid: number)");
		return NULL;
	}
	struct heat *h = calloc(1, sizeof(*h));
	if (!h)
		return throw_errno(env, "out of memory", ENOMEM);
	const char *what = "";
	int err = heat_open(h, path, tgid, &what);
	if (err) {
		free(h);
		return throw_errno(env, what, err);
	}
	napi_value handle;
	if (napi_create_external(env, h, finalize, NULL, &handle) != napi_ok) {
		heat_free(h);
		free(h);
		return throw_errno(env, "cannot create a handle", ENOMEM);
	}
	return handle;
}

/**
 * read(handle): { keys: number[], rawKeys: number[], counts: Float64Array, lost: number } —
 * cumulative counts summed over CPUs; row i of `counts` (HEAT_BUCKETS long) belongs to keys[i],
 * which stands for rawKeys[i] in presets with raw keys (0 while not yet known). Only keys that
 * have ever counted are read.
 */
static napi_value js_read(napi_env env, napi_callback_info info)
{
	size_t argc = 1;
	napi_value argv[1];
	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	struct heat *h = argc == 1 ? unwrap(env, argv[0]) : NULL;
	if (!h)
		return NULL;
	if (!h->obj) {
		napi_throw_error(env, "ECLOSED", "read() after close()");
		return NULL;
	}
	unsigned int keys[HEAT_MAX_KEYS];
	int nkeys = 0;
	for (unsigned int k = 0; k < HEAT_MAX_KEYS; k++)
		if (h->shared->seen[k])
			keys[nkeys++] = k;
	napi_value buffer, counts, key_array, raw_array, result, v;
	double *out = NULL;
	napi_create_arraybuffer(env, (size_t)nkeys * HEAT_BUCKETS * sizeof(double), (void **)&out, &buffer);
	napi_create_typedarray(env, napi_float64_array, (size_t)nkeys * HEAT_BUCKETS, buffer, 0, &counts);
	napi_create_array_with_length(env, (size_t)nkeys, &key_array);
	napi_create_array_with_length(env, (size_t)nkeys, &raw_array);
	for (int i = 0; i < nkeys; i++) {
		int err = heat_read_row(h, keys[i], out + (size_t)i * HEAT_BUCKETS);
		if (err)
			return throw_errno(env, "cannot read the histogram map", err);
		napi_create_uint32(env, keys[i], &v);
		napi_set_element(env, key_array, (uint32_t)i, v);
		napi_create_double(env, (double)h->shared->raw_key[keys[i]], &v);
		napi_set_element(env, raw_array, (uint32_t)i, v);
	}
	napi_create_object(env, &result);
	napi_set_named_property(env, result, "keys", key_array);
	napi_set_named_property(env, result, "rawKeys", raw_array);
	napi_set_named_property(env, result, "counts", counts);
	napi_create_double(env, (double)h->shared->lost, &v);
	napi_set_named_property(env, result, "lost", v);
	return result;
}

/** close(handle): detaches and frees everything now rather than at garbage collection. */
static napi_value js_close(napi_env env, napi_callback_info info)
{
	size_t argc = 1;
	napi_value argv[1];
	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	struct heat *h = argc == 1 ? unwrap(env, argv[0]) : NULL;
	if (h)
		heat_free(h);
	return NULL;
}

static napi_value Init(napi_env env, napi_value exports)
{
	heat_log_install();
	napi_value fn, layout, v;
	napi_create_function(env, "open", NAPI_AUTO_LENGTH, js_open, NULL, &fn);
	napi_set_named_property(env, exports, "open", fn);
	napi_create_function(env, "read", NAPI_AUTO_LENGTH, js_read, NULL, &fn);
	napi_set_named_property(env, exports, "read", fn);
	napi_create_function(env, "close", NAPI_AUTO_LENGTH, js_close, NULL, &fn);
	napi_set_named_property(env, exports, "close", fn);
	napi_create_object(env, &layout);
	napi_create_uint32(env, HEAT_MAX_KEYS, &v);
	napi_set_named_property(env, layout, "maxKeys", v);
	napi_create_uint32(env, HEAT_BUCKETS, &v);
	napi_set_named_property(env, layout, "buckets", v);
	napi_set_named_property(env, exports, "layout", layout);
	napi_create_uint32(env, (LIBBPF_MAJOR_VERSION << 16) | LIBBPF_MINOR_VERSION, &v);
	napi_set_named_property(env, exports, "libbpfVersion", v);
	return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
