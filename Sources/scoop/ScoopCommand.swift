import ArgumentParser

/// `scoop`: runs swift-scoop programs on many processes and hosts.
@main
struct ScoopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scoop",
        abstract: "Run a swift-scoop program on every core you can reach.",
        discussion: """
            scoop run -n 4 -- .build/release/hello
            scoop run --hostfile hosts.txt -- ./simulation --steps 100
            scoop run --trace run.json -n 4 -- ./app && scoop report run.json
            scoop broker --bind 'tcp://*:5555'          # then: scoop worker --connect tcp://head:5555 -- ./app
            scoop keygen ~/.scoop-keys                  # then: scoop broker --keys ~/.scoop-keys/broker.keys ...
            """,
        subcommands: [RunCommand.self, BrokerCommand.self, WorkerCommand.self, KeygenCommand.self, ReportCommand.self]
    )
}
