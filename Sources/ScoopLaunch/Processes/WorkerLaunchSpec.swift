/// Everything needed to start one worker process, locally or over SSH.
///
/// `secrets` (CURVE keys) never appear on a command line, where `ps` shows
/// them to every user: a local worker gets them in its environment (readable
/// by its user and root only); a remote one gets them on the standard input
/// of `ssh`, which the remote shell reads into exported variables before it
/// starts the program.
///
/// ```swift
/// let spec = WorkerLaunchSpec(workerID: 3, host: "node07", isLocal: false,
///                             program: "/home/me/app", arguments: ["--size", "9"],
///                             environment: ["SCOOP_BROKER": "tcp://head:5555"],
///                             secrets: ["SCOOP_CURVE_SECRET_KEY": secretKey])
/// let command = spec.command(ssh: RemoteShell())
/// // command.standardInput holds the secret key; command.arguments do not.
/// ```
public struct WorkerLaunchSpec: Sendable, Equatable {
    public var workerID: Int
    public var host: String
    public var isLocal: Bool
    public var program: String
    public var arguments: [String]
    /// Variables the worker needs (broker address, its id, forwarded `--env`).
    public var environment: [String: String]
    /// Variables that must stay off command lines (names: letters, digits, `_`; values: one line each).
    public var secrets: [String: String]

    public init(workerID: Int, host: String, isLocal: Bool, program: String, arguments: [String],
                environment: [String: String], secrets: [String: String] = [:]) {
        self.workerID = workerID
        self.host = host
        self.isLocal = isLocal
        self.program = program
        self.arguments = arguments
        self.environment = environment
        self.secrets = secrets
    }

    /// What to start: the executable, its arguments, variables to add to the
    /// launcher's environment, and what to write on its standard input.
    public struct Command: Sendable, Equatable {
        public var executable: String
        public var arguments: [String]
        public var environment: [String: String]
        /// Bytes for the process's standard input, then end of file; nil for /dev/null.
        public var standardInput: [UInt8]?
    }

    /// The command that starts this worker: the program itself for a local
    /// worker (variables and secrets in its environment); `ssh` for a remote
    /// one, whose remote command reads the secrets from standard input, then
    /// runs the program through `env` with the other variables.
    public func command(ssh: RemoteShell) -> Command {
        if isLocal {
            return Command(executable: program, arguments: arguments,
                           environment: environment.merging(secrets) { $1 }, standardInput: nil)
        }
        var script: [String] = []
        let secretNames = secrets.keys.sorted()
        if !secretNames.isEmpty {
            // `read` is a shell builtin: the values go from ssh's stdin to the environment, never to an argv.
            let reads = secretNames.map { "read -r \($0)" } + ["export \(secretNames.joined(separator: " "))"]
            script.append(reads.joined(separator: " && ") + " || exit 126")
        }
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
        let input = secretNames.isEmpty ? nil : Array(secretNames.map { secrets[$0]! + "\n" }.joined().utf8)
        return Command(executable: ssh.command.first ?? "ssh", arguments: argv, environment: [:], standardInput: input)
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
