import Logging
import ScoopCore

extension Launch {
    static func startZeroMQ(registry: Registry, options: PoolOptions, environment: ProcessEnvironment,
                            logger: Logger) async throws -> Node {
        throw ScoopError.invalidArgument("this program was started by `scoop run` (SCOOP_BROKER is set), but the ZeroMQ transport is not built yet")
    }

    static func startMPI(registry: Registry, options: PoolOptions, environment: ProcessEnvironment,
                         logger: Logger) async throws -> Node {
        throw ScoopError.invalidArgument("this program was started by mpirun, but the MPI transport is not built yet")
    }
}
