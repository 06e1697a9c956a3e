//! vtimestamp on Linux: DTrace's per-thread virtual clock (time on CPU) rebuilt in bpftrace from
//! sched_switch. Added to the translation only when the script reads vtimestamp.
//!
//! Method. vtimestamp = nsecs − off[tid], where off[tid] is the time the thread has spent off CPU
//! since it was first seen reading vtimestamp. sched_switch runs in the outgoing thread, on the CPU
//! it leaves: the outgoing thread's switch-out time is stored (only for tracked threads), and the
//! incoming thread's gap since its own switch-out is added to its off[] total. Only differences of
//! vtimestamp mean anything (in DTrace too), so the origin does not matter; a thread starts being
//! tracked when a clause reads vtimestamp, which is before any value it could subtract from.
//! A 2 ms clock_nanosleep therefore measures the few µs it ran, not the 2 ms it slept.
//!
//! Cost. One extra program on sched_switch: two hash lookups per context switch for untracked
//! threads, a store and a delete for tracked ones. Measured (bpf_stats, 2-vCPU VM, cold caches at
//! ~1k switches/s): 1.3 µs per switch, i.e. at 50k switches/s at most ~6% of one CPU; the syscall
//! probes of the same program cost 0.3–0.55 µs per call. Three maps keyed by tid, bounded by the threads that
//! read vtimestamp, freed on thread exit (sched_process_exit). bpftrace's default map size is
//! 4096 entries (BPFTRACE_MAP_KEYS_MAX raises it): beyond that, new threads read wall time.
//! Differences from DTrace: DTrace also subtracts time spent in its own probes; this includes
//! bpftrace's probe time (well under a µs per probe) and interrupt time while on CPU.

/** Lines at the top of the sched_switch probe that maintain the off-CPU totals. */
export function vtSwitchLines(): string[] {
  return [
    '// vtimestamp: off-CPU time per thread (this runs in the outgoing thread)',
    '$__now = nsecs;',
    'if (@__vt_trk[args->prev_pid]) {',
    '  @__vt_out[args->prev_pid] = $__now;',
    '}',
    '$__out = @__vt_out[args->next_pid];',
    'if ($__out) {',
    '  @__vt_off[args->next_pid] += $__now - $__out;',
    '  delete(@__vt_out[args->next_pid]);',
    '}',
  ];
}

/**
 * Statements that start tracking the current thread (in clauses that read vtimestamp and store
 * it). A lookup first: most firings find the thread tracked, and a lookup is cheaper than an update.
 */
export function vtTrackLines(tid: string): string[] {
  return [`if (!@__vt_trk[${tid}]) {`, `  @__vt_trk[${tid}] = 1;`, '}'];
}

/** Frees a thread's entries when it exits (sched_process_exit runs in the exiting thread). */
export function vtExitLines(): string[] {
  return ['delete(@__vt_trk[tid]);', 'delete(@__vt_off[tid]);', 'delete(@__vt_out[tid]);'];
}

/** The maps to clear at END so bpftrace does not print them. */
export const VT_MAPS = ['@__vt_trk', '@__vt_off', '@__vt_out'];
