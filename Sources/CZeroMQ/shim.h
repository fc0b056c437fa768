// C shim for the ZeroMQ transport.
//
// Swift imports zmq.h directly, including its integer macros (ZMQ_ROUTER,
// ZMQ_POLLIN, ETERM, ...). This header only adds what Swift cannot reach:
// errno values under one spelling on every platform, the wake-up descriptor
// of the event loop (eventfd(2) is not exported by Swift's Glibc module), a
// comparable id for the calling thread, and the peer address of a socket
// descriptor (for logging refused connections).
#ifndef SCOOP_CZEROMQ_SHIM_H
#define SCOOP_CZEROMQ_SHIM_H

#include <zmq.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#if defined(__linux__)
#include <sys/eventfd.h>
#endif

// MARK: errno values (libzmq defines some of them itself on some platforms).

static inline int scoop_zmq_eagain(void) { return EAGAIN; }
static inline int scoop_zmq_eintr(void) { return EINTR; }
static inline int scoop_zmq_einval(void) { return EINVAL; }
static inline int scoop_zmq_eterm(void) { return ETERM; }
static inline int scoop_zmq_ehostunreach(void) { return EHOSTUNREACH; }
static inline int scoop_zmq_enotsock(void) { return ENOTSOCK; }

// MARK: Thread identity.

/// An id of the calling thread, comparable with `==` while the thread lives.
static inline uintptr_t scoop_thread_self(void) { return (uintptr_t)pthread_self(); }

// MARK: Wake-up descriptor: an eventfd on Linux, a non-blocking pipe elsewhere.

/// Opens the wake-up descriptor pair; on Linux both ends are the same eventfd.
/// Returns 0, or -1 with errno set.
static inline int scoop_wakeup_open(int *read_fd, int *write_fd) {
#if defined(__linux__)
    int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (fd < 0) return -1;
    *read_fd = fd;
    *write_fd = fd;
    return 0;
#else
    int fds[2];
    if (pipe(fds) != 0) return -1;
    for (int i = 0; i < 2; i++) {
        fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK);
        fcntl(fds[i], F_SETFD, FD_CLOEXEC);
    }
    *read_fd = fds[0];
    *write_fd = fds[1];
    return 0;
#endif
}

/// Makes the read end readable. Never blocks (a full pipe is already readable).
static inline void scoop_wakeup_signal(int write_fd) {
#if defined(__linux__)
    uint64_t one = 1;
    ssize_t n;
    do { n = write(write_fd, &one, sizeof one); } while (n < 0 && errno == EINTR);
#else
    char byte = 1;
    ssize_t n;
    do { n = write(write_fd, &byte, 1); } while (n < 0 && errno == EINTR);
#endif
}

/// Consumes every pending signal so that the read end is no longer readable.
static inline void scoop_wakeup_drain(int read_fd) {
#if defined(__linux__)
    uint64_t count;
    ssize_t n;
    do { n = read(read_fd, &count, sizeof count); } while (n < 0 && errno == EINTR);
#else
    char buffer[64];
    for (;;) {
        ssize_t n = read(read_fd, buffer, sizeof buffer);
        if (n > 0) continue;
        if (n < 0 && errno == EINTR) continue;
        break;
    }
#endif
}

static inline void scoop_wakeup_close(int read_fd, int write_fd) {
    close(read_fd);
    if (write_fd != read_fd) close(write_fd);
}

// MARK: Peer addresses (for logging refused connections).

/// Writes the peer address of socket `fd` as "a.b.c.d:port" or "[v6]:port"
/// into `buffer`. Returns 0, or -1 (errno set) when the descriptor is not a
/// connected socket any more.
static inline int scoop_peer_address(int fd, char *buffer, size_t length) {
    struct sockaddr_storage address;
    socklen_t size = sizeof address;
    if (getpeername(fd, (struct sockaddr *)&address, &size) != 0) return -1;
    char host[INET6_ADDRSTRLEN] = {0};
    if (address.ss_family == AF_INET) {
        struct sockaddr_in *v4 = (struct sockaddr_in *)&address;
        inet_ntop(AF_INET, &v4->sin_addr, host, sizeof host);
        snprintf(buffer, length, "%s:%u", host, (unsigned)ntohs(v4->sin_port));
    } else if (address.ss_family == AF_INET6) {
        struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&address;
        inet_ntop(AF_INET6, &v6->sin6_addr, host, sizeof host);
        snprintf(buffer, length, "[%s]:%u", host, (unsigned)ntohs(v6->sin6_port));
    } else {
        snprintf(buffer, length, "a local peer");
    }
    return 0;
}

#endif
