// SPDX-License-Identifier: MIT
//! The libbpf half of the native eBPF engine's loader: open a preset's BPF object, set its
//! target, load and attach it, read its histogram rows. heat_ebpf.c wraps it for Node.

#ifndef HEAT_LOADER_H
#define HEAT_LOADER_H

#include <stddef.h>

#include "heat-layout.h"

#define HEAT_MAX_LINKS 8

struct bpf_object;
struct bpf_link;

struct heat {
	struct bpf_object *obj;
	struct bpf_link *links[HEAT_MAX_LINKS];
	int nlinks;
	int hist_fd;
	int ncpus;
	const volatile struct heat_shared *shared; // in the mmapped .bss
	void *bss;
	size_t bss_size;
	unsigned long long *percpu; // one lookup's worth: ncpus rows
};

/**
 * Opens, loads and attaches every program of the object at `path`, traced process `tgid` (0:
 * all). Returns 0, or -errno with `*what` saying which step failed (`h` is then released).
 */
int heat_open(struct heat *h, const char *path, unsigned int tgid, const char **what);

/** Row `key` of the histogram, summed over CPUs, into out[HEAT_BUCKETS]; 0 or -errno. */
int heat_read_row(struct heat *h, unsigned int key, double *out);

/** Detaches and frees everything; the struct can be freed or reused. Idempotent. */
void heat_free(struct heat *h);

/** Routes libbpf's messages into a buffer instead of the terminal. */
void heat_log_install(void);

/** libbpf's last messages (the verifier's verdict is at the end of its log); cleared by heat_open. */
const char *heat_log(void);

#endif
