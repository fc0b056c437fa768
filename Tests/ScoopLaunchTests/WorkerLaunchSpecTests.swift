import ScoopLaunch
import Testing

struct WorkerLaunchSpecTests {
    let secrets = ["SCOOP_CURVE_SERVER_KEY": "S3rver+Key$(rm -rf)'x", "SCOOP_CURVE_SECRET_KEY": "s3cret-Key#&*<>"]

    @Test func aRemoteWorkersSecretsGoToSshsStandardInputNeverToItsArguments() {
        let spec = WorkerLaunchSpec(workerID: 1, host: "node07", isLocal: false, program: "/opt/app", arguments: ["-x"],
                                    environment: ["SCOOP_BROKER": "tcp://head:5555"], secrets: secrets)
        let command = spec.command(ssh: RemoteShell(command: ["ssh", "-p", "2222"], workingDirectory: "/work"))
        #expect(command.executable == "ssh")
        for value in secrets.values {
            #expect(!command.arguments.contains { $0.contains(value) }, "\(command.arguments)")
        }
        #expect(command.environment.isEmpty)
        // Sorted by name, one line each, read by the remote shell before anything else.
        #expect(command.standardInput == Array("s3cret-Key#&*<>\nS3rver+Key$(rm -rf)'x\n".utf8))
        let script = command.arguments.last ?? ""
        #expect(script.hasPrefix(
            "read -r SCOOP_CURVE_SECRET_KEY && read -r SCOOP_CURVE_SERVER_KEY && export SCOOP_CURVE_SECRET_KEY SCOOP_CURVE_SERVER_KEY || exit 126; cd /work"),
            "\(script)")
        #expect(script.hasSuffix("exec env SCOOP_BROKER=tcp://head:5555 /opt/app -x"), "\(script)")
    }

    @Test func aLocalWorkerGetsItsSecretsInItsEnvironment() {
        let spec = WorkerLaunchSpec(workerID: 2, host: "localhost", isLocal: true, program: "/opt/app", arguments: [],
                                    environment: ["SCOOP_WORKER_ID": "2"], secrets: secrets)
        let command = spec.command(ssh: RemoteShell())
        #expect(command.executable == "/opt/app")
        #expect(command.arguments.isEmpty)
        #expect(command.environment == secrets.merging(["SCOOP_WORKER_ID": "2"]) { $1 })
        #expect(command.standardInput == nil)
    }

    @Test func withoutSecretsNothingIsReadAndStandardInputStaysEmpty() {
        let spec = WorkerLaunchSpec(workerID: 1, host: "node07", isLocal: false, program: "app", arguments: [],
                                    environment: [:])
        let command = spec.command(ssh: RemoteShell())
        #expect(command.standardInput == nil)
        #expect(!(command.arguments.last ?? "").contains("read"))
    }
}
