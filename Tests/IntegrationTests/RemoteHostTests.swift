import Foundation
import Testing

extension Integration {
    /// Workers on "other hosts": loopback addresses reached through a real sshd.
    @Suite("scoop run over ssh")
    struct RemoteHosts {
        /// An sshd on 127.0.0.2 with its own host key and one authorized client
        /// key, all in a temporary directory.
        final class SSHServer {
            let directory: TemporaryDirectory
            let port: UInt16
            let clientKey: String
            let process: Subprocess

            init() async throws {
                guard geteuid() == 0 else {
                    throw TestFailure("the sshd test runs sshd as root (it needs the privilege separation directory and to log in as root)")
                }
                try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
                directory = try TemporaryDirectory("sshd")
                for key in ["host_key", "client_key"] {
                    let made = try await run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", directory.file(key)],
                                             timeout: .seconds(20))
                    guard made.status == 0 else { throw TestFailure("ssh-keygen failed: \(made)") }
                }
                clientKey = directory.file("client_key")
                let publicKey = try String(contentsOfFile: clientKey + ".pub", encoding: .utf8)
                try directory.write("authorized_keys", publicKey, mode: 0o600)
                port = try TCP.freePort(host: "127.0.0.2")
                let config = try directory.write("sshd_config", """
                    ListenAddress 127.0.0.2
                    Port \(port)
                    HostKey \(directory.file("host_key"))
                    AuthorizedKeysFile \(directory.file("authorized_keys"))
                    PidFile \(directory.file("sshd.pid"))
                    StrictModes no
                    UsePAM no
                    PermitRootLogin prohibit-password
                    PasswordAuthentication no
                    KbdInteractiveAuthentication no
                    LogLevel INFO
                    """)
                process = try Subprocess("/usr/sbin/sshd", ["-D", "-e", "-f", config])
                let listening = await process.waitForOutput(.stderr, timeout: .seconds(10)) {
                    $0.contains("Server listening on 127.0.0.2 port \(port)")
                }
                guard listening else {
                    process.killTree()
                    throw TestFailure("sshd did not start on 127.0.0.2:\(port) (status \(process.exitStatus.map(String.init) ?? "running")): \(process.stderr)")
                }
            }

            /// The `--ssh` command that reaches it.
            var sshCommand: String {
                "ssh -p \(port) -i \(clientKey) -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR"
            }

            func stop() async { await process.stop() }
        }

        @Test("worker 1 on 127.0.0.2 through a real sshd connects back to the broker")
        func helloThroughSSH() async throws {
            let server = try await SSHServer()
            defer { server.process.killTree() }
            do {
                let result = try await scoop([
                    "run", "-vv", "--hosts", "localhost", "127.0.0.2", "--ssh", server.sshCommand,
                    "--external-hostname", "127.0.0.1", "-n", "2", "--", Products.path("hello"),
                ])
                #expect(result.status == 0, "\(result)")
                #expect(result.stdoutLines == helloLines, "\(result)")
                #expect(result.stderr.contains("2 workers on localhost×1, 127.0.0.2×1 (hosts from --hosts)"), "\(result)")
                #expect(result.stderr.contains("worker 1 joined from"), "the remote worker never joined: \(result)")
                #expect(server.process.stderr.contains("Accepted publickey for root"), "sshd saw no login: \(server.process.stderr)")
            }
            await server.stop()
        }

        @Test("the remote worker gets its environment and its output is tagged [1@127.0.0.2]")
        func remoteOutputTagged() async throws {
            let server = try await SSHServer()
            defer { server.process.killTree() }
            do {
                let script = #"echo "worker $SCOOP_WORKER_ID of $SCOOP_WORKER_COUNT, broker $SCOOP_BROKER""#
                let result = try await scoop([
                    "run", "--tag-output", "--hosts", "localhost", "127.0.0.2", "--ssh", server.sshCommand,
                    "--external-hostname", "127.0.0.1", "-n", "2", "--", "/bin/sh", "-c", script,
                ])
                #expect(result.status == 0, "\(result)")
                let remote = result.stdoutLines.filter { $0.hasPrefix("[1@127.0.0.2] ") }
                #expect(remote.count == 1, "\(result)")
                #expect(remote.first?.hasPrefix("[1@127.0.0.2] worker 1 of 2, broker tcp://127.0.0.1:") == true, "\(result)")
                #expect(result.stdoutLines.contains { $0.hasPrefix("[0@localhost] worker 0 of 2, broker tcp://127.0.0.1:") }, "\(result)")
            }
            await server.stop()
        }

        // The origin runs `ascompleted` (about 3 s alone), long enough for
        // the launcher to see ssh fail while the run is still going.
        @Test("an unreachable host: the origin works alone, the failure names worker 1 and the host, within 15 s")
        func unreachableHost() async throws {
            let result = try await scoop([
                "run", "--hosts", "localhost", "127.0.0.3", "-n", "2", "--ssh", "ssh -p 1", "--",
                Products.path("ascompleted"),
            ], timeout: .seconds(30))
            #expect(result.elapsed < .seconds(15), "\(result)")
            #expect(result.status == 0 || result.status == 1, "\(result)")
            let output = result.stdoutLines
            for milliseconds in [100, 200, 400] {
                #expect(output.contains("finished: \(milliseconds) ms"), "\(result)")
            }
            #expect(output.contains { $0.hasPrefix("done: ") }, "\(result)")
            let failure = lines(result.stderr).first { $0.contains("worker 1 on 127.0.0.3") }
            #expect(failure != nil, "no message names worker 1 on 127.0.0.3: \(result)")
        }
    }
}
