// The CPU's cycle counter, for trace timestamps: reading it costs a few
// nanoseconds and does not serialize the pipeline, unlike clock_gettime.
// Header only: no library to link.
#ifndef SCOOP_CYCLE_COUNTER_H
#define SCOOP_CYCLE_COUNTER_H

#include <stdint.h>

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

#endif
