/*
 * CMPI shim: the parts of <mpi.h> that Swift cannot import, as functions.
 *
 * OpenMPI defines its predefined handles (MPI_COMM_WORLD, MPI_BYTE, ...) as
 * macros that cast the address of a library global, and a few constants as
 * macros with casts; Swift imports neither. Each `static inline` function
 * below returns one of them. Keeping every macro behind a function also keeps
 * the Swift side independent of the MPI implementation (MPICH's handles are
 * plain integers, not pointers).
 */
#ifndef SCOOP_CMPI_SHIM_H
#define SCOOP_CMPI_SHIM_H

#include <mpi.h>

/* MARK: Predefined handles. */

static inline MPI_Comm scoop_mpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype scoop_mpi_byte(void) { return MPI_BYTE; }
static inline MPI_Request scoop_mpi_request_null(void) { return MPI_REQUEST_NULL; }
/* Makes errors return codes instead of aborting the job (the default). */
static inline MPI_Errhandler scoop_mpi_errors_return(void) { return MPI_ERRORS_RETURN; }
static inline MPI_Status *scoop_mpi_status_ignore(void) { return MPI_STATUS_IGNORE; }
static inline MPI_Status *scoop_mpi_statuses_ignore(void) { return MPI_STATUSES_IGNORE; }

/* MARK: Constants. */

static inline int scoop_mpi_success(void) { return MPI_SUCCESS; }
static inline int scoop_mpi_any_source(void) { return MPI_ANY_SOURCE; }
static inline int scoop_mpi_any_tag(void) { return MPI_ANY_TAG; }
static inline int scoop_mpi_undefined(void) { return MPI_UNDEFINED; }
static inline int scoop_mpi_max_processor_name(void) { return MPI_MAX_PROCESSOR_NAME; }
static inline int scoop_mpi_max_error_string(void) { return MPI_MAX_ERROR_STRING; }

/* Thread support levels, as passed to and returned by MPI_Init_thread. */
static inline int scoop_mpi_thread_single(void) { return MPI_THREAD_SINGLE; }
static inline int scoop_mpi_thread_funneled(void) { return MPI_THREAD_FUNNELED; }
static inline int scoop_mpi_thread_serialized(void) { return MPI_THREAD_SERIALIZED; }
static inline int scoop_mpi_thread_multiple(void) { return MPI_THREAD_MULTIPLE; }

/* MARK: Status fields (the struct layout differs between implementations). */

static inline int scoop_mpi_status_source(const MPI_Status *status) { return status->MPI_SOURCE; }
static inline int scoop_mpi_status_tag(const MPI_Status *status) { return status->MPI_TAG; }

/* Byte count of a probed or received message; -1 if MPI cannot tell. */
static inline int scoop_mpi_status_byte_count(const MPI_Status *status) {
    int count = 0;
    if (MPI_Get_count(status, MPI_BYTE, &count) != MPI_SUCCESS || count == MPI_UNDEFINED) {
        return -1;
    }
    return count;
}

/* MARK: Attributes. */

/* The largest tag MPI_COMM_WORLD accepts (MPI guarantees at least 32767). */
static inline int scoop_mpi_tag_upper_bound(int *upperBound) {
    void *value = 0;
    int found = 0;
    int rc = MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_TAG_UB, &value, &found);
    *upperBound = (rc == MPI_SUCCESS && found && value) ? *(int *)value : 32767;
    return rc;
}

#endif /* SCOOP_CMPI_SHIM_H */
