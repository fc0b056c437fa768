import Foundation
import Testing

extension Integration {
    /// CURVE between the broker and the run's processes: per-run keys, handed
    /// over without command lines or files; strangers refused and logged.
    @Suite("CURVE authentication and encryption")
    struct Security {
        // Completion order depends on where the futures ran.
        static let ascompletedLines = ["finished: 100 ms", "finished: 200 ms", "finished: 400 ms"]

        @Test("--encryption always on one host: fib across processes over CURVE gives the right result")
        func alwaysOnOneHost() async throws {
            let result = try await scoop(["run", "-v", "--encryption", "always", "-n", "2", "--", Products.path("fib"), "18"])
            #expect(result.status == 0, "\(result)")
            #expect(result.stdoutLines == ["fib(18) = 2584"], "\(result)")
            #expect(result.stderr.contains("(CURVE: encrypted, run's keys required)"), "\(result)")
            #expect(!result.stderr.contains("refused"), "\(result)")
        }

        @Test("a worker on 127.0.0.2 (through sshd) makes CURVE automatic; keys are on no command line and in no file")
        func remoteHostUsesCurveWithoutExposingKeys() async throws {
            let server = try await RemoteHosts.SSHServer()
            defer { server.process.killTree() }
            let started = Date()
            let run = try Subprocess(Products.scoop, [
                "run", "-vv", "--hosts", "localhost", "127.0.0.2", "--ssh", server.sshCommand,
                "--external-hostname", "127.0.0.1", "-n", "2", "--", Products.path("ascompleted"),
            ])
            defer { run.killTree() }
            // While it runs: learn the keys from the processes' environments (root may read them), and
            // keep every command line seen.
            var keyHolders: [Int32: [String: String]] = [:]
            var commandLines: [Int32: String] = [:]
            while run.exitStatus == nil && ContinuousClock.now - run.started < .seconds(60) {
                for pid in ProcessList.all() {
                    if let line = ProcessList.commandLine(pid) { commandLines[pid] = line }
                    let variables = ProcessList.environment(pid).filter { $0.key.hasPrefix("SCOOP_CURVE_") }
                    if !variables.isEmpty { keyHolders[pid] = variables }
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            let result = await finish(run)
            #expect(result.status == 0, "\(result)")
            #expect(Set(result.stdoutLines.prefix(3)) == Set(Self.ascompletedLines), "\(result)")
            #expect(result.stderr.contains("(CURVE: encrypted, run's keys required)"), "\(result)")
            #expect(result.stderr.contains("worker 1 joined from"), "the remote worker never joined: \(result)")
            #expect(server.process.stderr.contains("Accepted publickey for root"), "sshd saw no login: \(server.process.stderr)")

            // The origin here and worker 1 behind sshd hold the same keys.
            let secrets = Set(keyHolders.values.compactMap { $0["SCOOP_CURVE_SECRET_KEY"] })
            let serverKeys = Set(keyHolders.values.compactMap { $0["SCOOP_CURVE_SERVER_KEY"] })
            #expect(keyHolders.count >= 2 && secrets.count == 1 && serverKeys.count == 1, "\(keyHolders)")
            let keys = secrets.union(serverKeys)
            #expect(keys.allSatisfy { $0.count == 40 }, "\(keys)")
            #expect(commandLines.count > 10, "too few processes seen: \(commandLines.count)")
            for (pid, line) in commandLines {
                for key in keys { #expect(!line.contains(key), "process \(pid) shows a key on its command line: \(line)") }
                #expect(!line.contains("SCOOP_CURVE_SECRET_KEY="), "process \(pid): \(line)")
            }
            for path in FileScan.recentFiles(under: [NSTemporaryDirectory(), NSHomeDirectory(), FileManager.default.currentDirectoryPath],
                                             since: started) {
                let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
                for key in keys { #expect(!text.contains(key), "a key was left in \(path)") }
            }
            await server.stop()
        }

        @Test("a client without the run's keys is refused and logged, and the job completes")
        func rogueClientIsRefused() async throws {
            let run = try Subprocess(Products.scoop, [
                "run", "-v", "--encryption", "always", "-n", "2", "--", Products.path("ascompleted"),
            ])
            defer { run.killTree() }
            let listening = await run.waitForOutput(.stderr, timeout: .seconds(30)) { $0.contains("broker listening on tcp://") }
            try #require(listening, "\(run.stderr)")
            let line = lines(run.stderr).first { $0.contains("broker listening on tcp://") } ?? ""
            let endpoint = line.split(separator: " ").first { $0.hasPrefix("tcp://") }.map(String.init) ?? ""
            let port = try #require(TCP.port(ofEndpoint: endpoint), "\(line)")

            // A ZeroMQ peer without keys (NULL security) that tries to join and ask for work.
            if let rogue = try? ZMTPClient(port: port, identity: [0x77, 5, 0, 0, 0]) {
                try? rogue.send([Array("join".utf8)])
                #expect(rogue.receiveEnvelope() == nil, "the broker answered a client without keys")
            }
            // Not even ZeroMQ (libzmq drops it before any handshake; the run must not notice).
            let raw = try TCP.connect(port: port)
            try? TCP.send(raw, Array("GET / HTTP/1.0\r\n\r\n".utf8))
            close(raw)

            let result = await finish(run)
            #expect(result.status == 0, "\(result)")
            #expect(Set(result.stdoutLines.prefix(3)) == Set(Self.ascompletedLines), "\(result)")
            // Its address is known when the broker reads it before the refused peer is gone.
            #expect(result.stderr.contains("refused a connection from "), "\(result)")
            #expect(result.stderr.contains("no CURVE keys"), "\(result)")
            #expect(result.stderr.contains("connection attempt(s) without this run's keys"), "\(result)")
        }

        @Test("--encryption never with a remote host warns that anyone can join")
        func neverWithRemoteHostsWarns() async throws {
            let result = try await scoop([
                "run", "--encryption", "never", "--hosts", "localhost", "127.0.0.3", "-n", "2", "--ssh", "ssh -p 1", "--",
                Products.path("hello"),
            ], timeout: .seconds(30))
            #expect(result.stderr.contains("--encryption never with workers on other hosts (127.0.0.3)"), "\(result)")
            #expect(result.stderr.contains("neither encrypted nor authenticated"), "\(result)")
        }

        @Test("scoop keygen, then scoop broker --keys and scoop worker --keys run a pool by hand")
        func keysForPoolsRunByHand() async throws {
            let directory = try TemporaryDirectory("keys")
            let made = try await scoop(["keygen", directory.file("keys")])
            #expect(made.status == 0, "\(made)")
            let brokerKeys = directory.file("keys/broker.keys"), clientKeys = directory.file("keys/client.keys")
            for file in [brokerKeys, clientKeys] {
                let mode = (try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int) ?? 0
                #expect(mode == 0o600, "\(file): \(String(mode, radix: 8))")
            }
            let broker = try Subprocess(Products.scoop, ["broker", "-v", "--keys", brokerKeys])
            defer { broker.killTree() }
            let printed = await broker.waitForOutput(.stdout, timeout: .seconds(20)) { $0.contains("\n") }
            let endpoint = try #require(printed ? lines(broker.stdout).first : nil, "\(broker.stderr)")

            // Without keys: refused, and it says why it could not join.
            let stranger = try await scoop(["worker", "--connect", endpoint, "--origin", "--", Products.path("hello")],
                                           environment: TestEnvironment.make(["SCOOP_HEARTBEAT_TIMEOUT": "2"]))
            #expect(stranger.status != 0, "\(stranger)")
            #expect(stranger.stderr.contains("this process has none"), "\(stranger)")

            let origin = try await scoop(["worker", "--connect", endpoint, "--origin", "--keys", clientKeys, "--", Products.path("hello")])
            #expect(origin.status == 0, "\(origin)")
            #expect(origin.stdoutLines == helloLines, "\(origin)")
            let brokerResult = await finish(broker, timeout: .seconds(30))
            #expect(brokerResult.status == 0, "\(brokerResult)")
            #expect(brokerResult.stderr.contains("refused a connection from "), "\(brokerResult)")

            // A key file others may read is refused, with the fix.
            chmod(clientKeys, 0o644)
            let open = try await scoop(["worker", "--connect", endpoint, "--keys", clientKeys, "--", Products.path("hello")])
            #expect(open.status != 0, "\(open)")
            #expect(open.stderr.contains("chmod 600 \(clientKeys)"), "\(open)")
        }
    }
}

/// Processes of this machine, read from /proc.
enum ProcessList {
    static func all() -> [Int32] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { Int32($0) }
    }

    /// The arguments as `ps` shows them (NUL-separated in /proc, joined by spaces here).
    static func commandLine(_ pid: Int32) -> String? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"), !data.isEmpty else { return nil }
        return String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
    }

    static func environment(_ pid: Int32) -> [String: String] {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return [:] }
        var result: [String: String] = [:]
        for entry in data.split(separator: 0) {
            let text = String(decoding: entry, as: UTF8.self)
            guard let equals = text.firstIndex(of: "=") else { continue }
            result[String(text[..<equals])] = String(text[text.index(after: equals)...])
        }
        return result
    }
}

/// Small regular files changed since a moment, at most `depth` levels below
/// each root, for "nothing was written" checks.
enum FileScan {
    static func recentFiles(under roots: [String], since start: Date, depth: Int = 2, maximumSize: Int = 1 << 20) -> [String] {
        var found: [String] = []
        for root in Set(roots) {
            guard let walker = FileManager.default.enumerator(atPath: root) else { continue }
            while let relative = walker.nextObject() as? String {
                if relative.hasPrefix(".build") || relative.hasPrefix(".git") || walker.level >= depth { walker.skipDescendants() }
                let path = (root as NSString).appendingPathComponent(relative)
                guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                      attributes[.type] as? FileAttributeType == .typeRegular,
                      let modified = attributes[.modificationDate] as? Date, modified >= start,
                      let size = attributes[.size] as? Int, size <= maximumSize else { continue }
                found.append(path)
            }
        }
        return found
    }
}
