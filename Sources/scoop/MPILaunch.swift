import Foundation
import Logging
import ScoopLaunch

/// `scoop run --backend mpi`: replaces the launcher with `mpirun`, which then
/// owns the processes, their output, signals and the exit status.
enum MPILaunch {
    static func exec(placements: [Placement], command: [String], localCores: Int, logger: Logger) throws -> Never {
        let mpi = MPIRunCommand(placements: placements, program: command[0], arguments: Array(command.dropFirst()),
                                localCores: localCores, runningAsRoot: getuid() == 0)
        var hostfilePath: String?
        if !mpi.isLocalOnly {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("scoop-hosts-\(getpid())").path
            try mpi.hostfile.write(toFile: path, atomically: true, encoding: .utf8)
            hostfilePath = path
        }
        let arguments = ["mpirun"] + mpi.mpirunArguments(hostfilePath: hostfilePath)
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
