// Small system facilities Swift cannot reach directly: the CPU's cycle
// counter, for trace timestamps (no pipeline serialization, unlike
// clock_gettime), a thread-local trace cursor (one thread-pointer-relative
// load, where pthread_getspecific is a call and two loads), a prefetch hint
// for the trace log, and a scheduler hint for the threads that move messages.
// Everything is inline here except the cursor's storage (trace_cursor.c).
#ifndef SCOOP_SYSTEM_SHIM_H
#define SCOOP_SYSTEM_SHIM_H

#include <errno.h>
#include <stdint.h>
#if defined(__linux__)
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

/// 1 if this architecture has a cycle counter `scoop_cycle_counter` reads, else 0.
static inline int scoop_cycle_counter_exists(void) {
#if defined(__x86_64__) || defined(__aarch64__)
    return 1;
#else
    return 0;
#endif
}

/// The time-stamp counter (x86-64) or the virtual counter (AArch64); 0 elsewhere.
static inline uint64_t scoop_cycle_counter(void) {
#if defined(__x86_64__)
    return __builtin_ia32_rdtsc();
#elif defined(__aarch64__)
    uint64_t value;
    __asm__ __volatile__("mrs %0, cntvct_el0" : "=r"(value));
    return value;
#else
    return 0;
#endif
}

/// Which trace log the calling thread wrote to last, and for which recorder.
/// Only its own thread reads or writes it; `log` is not owned (the recorder
/// keeps its logs, and a recorder's identity is never reused, so a cursor
/// left by a recorder that is gone never matches again).
struct scoop_trace_cursor {
    uint64_t recorder;
    void *log;
};

extern __attribute__((tls_model("initial-exec"))) __thread struct scoop_trace_cursor scoop_trace_cursor_storage;

/// The calling thread's trace cursor (all zero until the thread records).
static inline struct scoop_trace_cursor *scoop_thread_trace_cursor(void) {
    return &scoop_trace_cursor_storage;
}

/// Asks the scheduler for a short time slice (in nanoseconds) for the calling
/// thread, keeping its policy and nice value. Linux 6.12+ (EEVDF) lets a
/// thread with a shorter slice run soon after it wakes on a busy core,
/// instead of waiting for the running thread's slice (~3 ms) to end; no
/// privilege is needed. Returns 0, or an errno value (ENOSYS where the
/// system has no such call; older kernels ignore or refuse the slice).
static inline int scoop_request_short_slice(uint64_t nanoseconds) {
#if defined(__linux__) && defined(SYS_sched_setattr)
    struct {
        uint32_t size, sched_policy;
        uint64_t sched_flags;
        int32_t sched_nice;
        uint32_t sched_priority;
        uint64_t sched_runtime, sched_deadline, sched_period;
        uint32_t sched_util_min, sched_util_max;
    } attributes = {0};
    attributes.size = sizeof attributes;
    attributes.sched_policy = 0; /* SCHED_OTHER */
    errno = 0;
    int nice = getpriority(PRIO_PROCESS, 0); /* the calling thread's, on Linux */
    if (nice == -1 && errno != 0) return errno;
    attributes.sched_nice = nice;
    attributes.sched_runtime = nanoseconds;
    if (syscall(SYS_sched_setattr, 0, &attributes, 0) != 0) return errno;
    return 0;
#else
    (void)nanoseconds;
    return ENOSYS;
#endif
}

/// Asks the CPU to bring the cache line at `address` close, to be written
/// soon (a hint: never faults, does nothing where not supported).
static inline void scoop_prefetch_for_writing(const void *address) {
    __builtin_prefetch(address, 1, 3);
}

#endif
