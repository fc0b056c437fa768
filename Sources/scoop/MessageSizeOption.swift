import ArgumentParser
import Foundation
import ScoopCore

/// `--max-message-size`, shared by `scoop run` and `scoop broker`.
struct MessageSizeOption: ParsableArguments {
    @Option(name: .customLong("max-message-size"),
            help: "Largest message in bytes (K, M, G suffixes) the broker and workers accept; default SCOOP_MAX_MESSAGE_SIZE, else 2 GiB.")
    var maxMessageSize: String?

    /// --max-message-size, else SCOOP_MAX_MESSAGE_SIZE, else the default.
    func bytes() throws -> Int {
        do {
            if let maxMessageSize { return try MessageSizeLimit.parse(maxMessageSize) }
            return try MessageSizeLimit.fromEnvironment(ProcessInfo.processInfo.environment)
        } catch {
            throw ValidationError("--max-message-size: \(error.description)")
        }
    }
}
