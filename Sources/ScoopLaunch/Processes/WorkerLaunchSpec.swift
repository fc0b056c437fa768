/// Everything needed to start one worker process, locally or over SSH.
///
/// ```swift
/// let spec = WorkerLaunchSpec(workerID: 3, host: "node07", isLocal: false,
///                             program: "/home/me/app", arguments: ["--size", "9"],
///                             environment: ["SCOOP_BROKER": "tcp://head:5555"])
/// let command = spec.command(ssh: RemoteShell())
/// ```
public struct WorkerLaunchSpec: Sendable, Equatable {
    public var workerID: Int
    public var host: String
    public var isLocal: Bool
    public var program: String
    public var arguments: [String]
    /// Variables the worker needs (broker address, its id, forwarded `--env`).
    public var environment: [String: String]

    public init(workerID: Int, host: String, isLocal: Bool, program: String, arguments: [String],
                environment: [String: String]) {
        self.workerID = workerID
        self.host = host
        self.isLocal = isLocal
        self.program = program
        self.arguments = arguments
        self.environment = environment
    }

    /// The executable and arguments to start, plus variables to add to the
    /// launcher's environment (local workers only: remote ones get theirs
    /// on the remote command line, through `env`).
    public func command(ssh: RemoteShell) -> (executable: String, arguments: [String], environment: [String: String]) {
        if isLocal { return (program, arguments, environment) }
        var script: [String] = []
        if let path = ssh.workingDirectory { script.append("cd \(ShellQuoting.quote(path)) || exit 127") }
        if let prolog = ssh.prolog { script.append(". \(ShellQuoting.quote(prolog))") }
        let assignments = environment.sorted { $0.key < $1.key }.map { ShellQuoting.quote("\($0.key)=\($0.value)") }
        let invocation = (["exec", "env"] + assignments + [ShellQuoting.quote(program)] + arguments.map(ShellQuoting.quote))
            .joined(separator: " ")
        script.append(invocation)
        var argv = Array(ssh.command.dropFirst())
        argv += ["-x", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "ConnectTimeout=\(ssh.connectTimeoutSeconds)"]
        argv += ssh.extraOptions
        argv += [host, script.joined(separator: "; ")]
        return (ssh.command.first ?? "ssh", argv, [:])
    }
}

/// How remote workers are started: the ssh command and what runs before the program.
public struct RemoteShell: Sendable, Equatable {
    /// The ssh executable and its own options, e.g. `["ssh", "-p", "2222"]`.
    public var command: [String]
    /// `--path`: the remote working directory.
    public var workingDirectory: String?
    /// `--prolog`: a script sourced before the program starts.
    public var prolog: String?
    /// Extra options added after the defaults (e.g. `-R` for `--tunnel`).
    public var extraOptions: [String]
    public var connectTimeoutSeconds: Int

    public init(command: [String] = ["ssh"], workingDirectory: String? = nil, prolog: String? = nil,
                extraOptions: [String] = [], connectTimeoutSeconds: Int = 5) {
        self.command = command
        self.workingDirectory = workingDirectory
        self.prolog = prolog
        self.extraOptions = extraOptions
        self.connectTimeoutSeconds = connectTimeoutSeconds
    }
}
