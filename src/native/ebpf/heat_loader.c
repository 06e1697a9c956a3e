// SPDX-License-Identifier: MIT
//! The libbpf half of the native eBPF engine's loader (see heat-loader.h).
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

#include "heat-loader.h"

// libbpf's messages would land on the user's terminal: keep the last ones for error messages
// (the verifier's verdict is at the end of its log).
static char log_tail[4096];

const char *heat_log(void)
{
	return log_tail;
}


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

void heat_log_install(void)
{
	libbpf_set_print(on_libbpf_print);
}

void heat_free(struct heat *h)
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

int heat_open(struct heat *h, const char *path, unsigned int tgid, const char **what)
{
	log_tail[0] = '\0';
	memset(h, 0, sizeof(*h));
	h->obj = bpf_object__open_file(path, NULL);
	int err = libbpf_get_error(h->obj);
	if (err) {
		h->obj = NULL;
		*what = "cannot open the BPF object";
		return err;
	}
	// .rodata is writable until load: that is where the target filter lives.
	struct bpf_map *rodata = internal_map(h->obj, ".rodata");
	long target_off = var_offset(h->obj, ".rodata", "target_tgid", sizeof(unsigned int));
	size_t rodata_size = 0;
	char *rodata_data = rodata ? (void *)bpf_map__initial_value(rodata, &rodata_size) : NULL;
	if (!rodata_data || target_off < 0 || (size_t)target_off + sizeof(unsigned int) > rodata_size) {
		*what = "the BPF object has no target_tgid";
		err = -EINVAL;
		goto fail;
	}
	*(unsigned int *)(rodata_data + target_off) = tgid;
	err = bpf_object__load(h->obj);
	if (err) {
		*what = "cannot load the BPF programs";
		goto fail;
	}
	h->shared = map_shared(h);
	struct bpf_map *hist = bpf_object__find_map_by_name(h->obj, "hist");
	h->ncpus = libbpf_num_possible_cpus();
	if (!hist || !h->shared || h->ncpus <= 0 || bpf_map__value_size(hist) != HEAT_BUCKETS * 8) {
		*what = "the BPF object does not have the expected maps";
		err = -EINVAL;
		goto fail;
	}
	h->hist_fd = bpf_map__fd(hist);
	h->percpu = calloc((size_t)h->ncpus, HEAT_BUCKETS * 8);
	if (!h->percpu) {
		*what = "out of memory";
		err = -ENOMEM;
		goto fail;
	}
	struct bpf_program *prog;
	bpf_object__for_each_program(prog, h->obj) {
		struct bpf_link *link = h->nlinks < HEAT_MAX_LINKS ? bpf_program__attach(prog) : NULL;
		err = link ? libbpf_get_error(link) : -E2BIG;
		if (err) {
			static char attach_what[256];
			snprintf(attach_what, sizeof(attach_what), "cannot attach %s", bpf_program__section_name(prog));
			*what = attach_what;
			goto fail;
		}
		h->links[h->nlinks++] = link;
	}
	return 0;
fail:
	heat_free(h);
	return err < 0 ? err : -err;
}

int heat_read_row(struct heat *h, unsigned int key, double *out)
{
	if (bpf_map_lookup_elem(h->hist_fd, &key, h->percpu)) {
		int err = errno;
		log_tail[0] = '\0'; // older messages are not about this
		return -err;
	}
	for (int b = 0; b < HEAT_BUCKETS; b++) {
		unsigned long long sum = 0;
		for (int c = 0; c < h->ncpus; c++)
			sum += h->percpu[(size_t)c * HEAT_BUCKETS + b];
		out[b] = (double)sum;
	}
	return 0;
}
