import Foundation
import Logging
import ScoopLaunch

/// `scoop run --backend mpi`: replaces the launcher with `mpirun`, which then
/// owns the processes, their output, signals and the exit status.
enum MPILaunch {
    static func exec(_ mpi: MPIRunCommand, logger: Logger) throws -> Never {
        let arguments = ["mpirun"] + mpi.mpirunArguments
        logger.info("running \(arguments.joined(separator: " "))")
        var cArguments = arguments.map { strdup($0) } + [nil]
        // exec keeps the calling thread's signal mask, and a Swift concurrency
        // thread blocks SIGINT and SIGTERM: mpirun would not see Ctrl-C.
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        pthread_sigmask(SIG_SETMASK, &noSignals, nil)
        execvp("mpirun", &cArguments)
        logger.error("could not run mpirun: \(String(cString: strerror(errno))); is OpenMPI installed (Debian: openmpi-bin)?")
        exit(127)
    }
}
