// Storage of the thread-local trace cursor declared in include/shim.h.
// Initial-exec: the variable is in the executable (or a library loaded at
// start), so reading it is one load relative to the thread pointer, never __tls_get_addr.
#include "shim.h"

__attribute__((tls_model("initial-exec")))
__thread struct scoop_trace_cursor scoop_trace_cursor_storage = {0, 0};
