// SPDX-License-Identifier: MIT
//! The native eBPF engine's loader: an N-API addon over libbpf. It opens one preset's BPF object
//! (built by binding.gyp next to this addon), sets the target process, loads and attaches it,
//! and hands cumulative histogram rows to src/sources/ebpf.ts, which turns them into Snapshots.
//!
//! Every kernel object is held by a file descriptor of this process: when it exits, however it
//! exits (even SIGKILL), the kernel detaches the links and frees the programs and maps.

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <node_api.h>

#include "heat-layout.h"

#define MAX_LINKS 8

struct heat {
	struct bpf_object *obj;
	struct bpf_link *links[MAX_LINKS];
	int nlinks;
	int hist_fd;
	int ncpus;
	size_t row_size;
	const volatile struct heat_shared *shared;
	void *bss;
	size_t bss_size;
	unsigned long long *percpu; // one lookup's worth: ncpus rows
};

// libbpf's messages would land on the user's terminal: keep the last ones for error messages
// (the verifier's verdict is at the end of its log).
static char log_tail[4096];

static int on_libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	static char line[65536];
	if (level == LIBBPF_DEBUG)
		return 0;
	int n = vsnprintf(line, sizeof(line), fmt, args);
	if (n <= 0)
		return 0;
	size_t add = strlen(line), have = strlen(log_tail), cap = sizeof(log_tail) - 1;
	if (add >= cap) {
		memcpy(log_tail, line + add - cap, cap + 1);
		return 0;
	}
	if (have + add > cap) {
		size_t drop = have + add - cap;
		memmove(log_tail, log_tail + drop, have - drop + 1);
		have -= drop;
	}
	memcpy(log_tail + have, line, add + 1);
	return 0;
}

static void heat_free(struct heat *h)
{
	if (!h)
		return;
	for (int i = 0; i < h->nlinks; i++)
		bpf_link__destroy(h->links[i]);
	h->nlinks = 0;
	if (h->bss)
		munmap(h->bss, h->bss_size);
	h->bss = NULL;
	h->shared = NULL;
	bpf_object__close(h->obj);
	h->obj = NULL;
	free(h->percpu);
	h->percpu = NULL;
}

// Throws an Error whose `code` is the errno name (EPERM, ENOENT...) and whose message ends
// with libbpf's last words, so the TypeScript side can map it to a HeatError with a hint.
static napi_value throw_errno(napi_env env, const char *what, int err)
{
	if (err < 0)
		err = -err;
	char msg[sizeof(log_tail) + 256];
	const char *tail = log_tail;
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

static struct bpf_map *internal_map(struct bpf_object *obj, const char *suffix)
{
	struct bpf_map *m;
	bpf_object__for_each_map(m, obj) {
		const char *name = bpf_map__name(m);
		size_t nl = strlen(name), sl = strlen(suffix);
		if (nl >= sl && strcmp(name + nl - sl, suffix) == 0)
			return m;
	}
	return NULL;
}

// Where global `var` sits in data section `sec` (".rodata", ".bss"), from the object's BTF;
// -1 when it is not there or smaller than `want`. The compiler may order globals as it likes.
static long var_offset(struct bpf_object *obj, const char *sec, const char *var, size_t want)
{
	struct btf *btf = bpf_object__btf(obj);
	int id = btf ? btf__find_by_name_kind(btf, sec, BTF_KIND_DATASEC) : -1;
	if (id < 0)
		return -1;
	const struct btf_type *t = btf__type_by_id(btf, id);
	const struct btf_var_secinfo *vsi = btf_var_secinfos(t);
	for (int i = 0; i < btf_vlen(t); i++, vsi++) {
		const struct btf_type *v = btf__type_by_id(btf, vsi->type);
		if (v && strcmp(btf__name_by_offset(btf, v->name_off), var) == 0)
			return vsi->size >= want ? (long)vsi->offset : -1;
	}
	return -1;
}

// The loaded .bss, mapped read-only: libbpf 1.1 remaps it onto the kernel's copy only for
// skeletons, so map it here; returns the address of `shared` in it.
static const volatile struct heat_shared *map_shared(struct heat *h)
{
	struct bpf_map *m = internal_map(h->obj, ".bss");
	long off = var_offset(h->obj, ".bss", "shared", sizeof(struct heat_shared));
	if (!m || off < 0 || !(bpf_map__map_flags(m) & BPF_F_MMAPABLE))
		return NULL;
	long page = sysconf(_SC_PAGESIZE);
	h->bss_size = ((size_t)bpf_map__value_size(m) + page - 1) / page * page;
	void *p = mmap(NULL, h->bss_size, PROT_READ, MAP_SHARED, bpf_map__fd(m), 0);
	if (p == MAP_FAILED)
		return NULL;
	h->bss = p;
	return (const volatile struct heat_shared *)((const char *)p + off);
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
	log_tail[0] = '\0';
	struct heat *h = calloc(1, sizeof(*h));
	if (!h)
		return throw_errno(env, "out of memory", ENOMEM);
	h->obj = bpf_object__open_file(path, NULL);
	int err = libbpf_get_error(h->obj);
	if (err) {
		h->obj = NULL;
		free(h);
		return throw_errno(env, "cannot open the BPF object", err);
	}
	// .rodata is writable until load: that is where the target filter lives.
	struct bpf_map *rodata = internal_map(h->obj, ".rodata");
	long target_off = var_offset(h->obj, ".rodata", "target_tgid", sizeof(unsigned int));
	size_t rodata_size = 0;
	char *rodata_data = rodata ? (void *)bpf_map__initial_value(rodata, &rodata_size) : NULL;
	unsigned int *target = NULL;
	if (rodata_data && target_off >= 0 && (size_t)target_off + sizeof(*target) <= rodata_size)
		target = (unsigned int *)(rodata_data + target_off);
	if (!target && tgid) {
		heat_free(h);
		free(h);
		return throw_errno(env, "the BPF object has no target_tgid", EINVAL);
	}
	if (target)
		*target = tgid;
	err = bpf_object__load(h->obj);
	if (err) {
		heat_free(h);
		free(h);
		return throw_errno(env, "cannot load the BPF programs", err);
	}
	h->shared = map_shared(h);
	struct bpf_map *hist = bpf_object__find_map_by_name(h->obj, "hist");
	h->ncpus = libbpf_num_possible_cpus();
	if (!hist || !h->shared || h->ncpus <= 0 || bpf_map__value_size(hist) != HEAT_BUCKETS * 8) {
		heat_free(h);
		free(h);
		return throw_errno(env, "the BPF object does not have the expected maps", EINVAL);
	}
	h->hist_fd = bpf_map__fd(hist);
	h->row_size = HEAT_BUCKETS * 8;
	h->percpu = calloc((size_t)h->ncpus, h->row_size);
	struct bpf_program *prog;
	bpf_object__for_each_program(prog, h->obj) {
		struct bpf_link *link = h->nlinks < MAX_LINKS ? bpf_program__attach(prog) : NULL;
		err = link ? libbpf_get_error(link) : -E2BIG;
		if (err || !h->percpu) {
			char what[256];
			snprintf(what, sizeof(what), "cannot attach %s", bpf_program__section_name(prog));
			heat_free(h);
			free(h);
			return throw_errno(env, what, err ? err : ENOMEM);
		}
		h->links[h->nlinks++] = link;
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
		if (bpf_map_lookup_elem(h->hist_fd, &keys[i], h->percpu)) {
			int err = errno;
			log_tail[0] = '\0';
			return throw_errno(env, "cannot read the histogram map", err);
		}
		double *row = out + (size_t)i * HEAT_BUCKETS;
		for (int b = 0; b < HEAT_BUCKETS; b++) {
			unsigned long long sum = 0;
			for (int c = 0; c < h->ncpus; c++)
				sum += h->percpu[(size_t)c * HEAT_BUCKETS + b];
			row[b] = (double)sum;
		}
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
	libbpf_set_print(on_libbpf_print);
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
