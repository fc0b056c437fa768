import ArgumentParser
import ScoopZeroMQ

/// `scoop keygen DIR`: CURVE keys for a broker and workers started by hand.
struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Write fresh CURVE keys for `scoop broker --keys` and `scoop worker --keys` (files of mode 0600).",
        discussion: """
            Creates DIRECTORY (mode 0700) if needed, then DIRECTORY/broker.keys (the broker's key pair and the \
            clients' public key) and DIRECTORY/client.keys (the broker's public key and the clients' key pair; \
            copy it to each worker host with scp). Existing files are never overwritten. \
            `scoop run` does not need this: it makes keys for each run itself.
            """)

    @Argument(help: "Directory to write broker.keys and client.keys into.")
    var directory: String

    func run() throws {
        do {
            let (broker, client) = try CurveKeyFile.generate(in: directory)
            print("broker keys: \(broker)  (scoop broker --keys \(broker))")
            print("client keys: \(client)  (scoop worker --keys \(client))")
        } catch {
            throw ValidationError("\(error)")
        }
    }
}
