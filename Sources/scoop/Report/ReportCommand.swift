import ArgumentParser
import Foundation

/// `scoop report`: turns a trace (`scoop run --trace FILE`) into one
/// self-contained HTML page: timeline, utilization, durations, critical
/// path, slowest futures and counters. No network access needed to view it.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a self-contained HTML report of a trace written by `scoop run --trace`.",
        discussion: "scoop report run.json -o run.html    # then open run.html in any browser"
    )

    @Argument(help: "The trace file (Chrome trace-event JSON written by swift-scoop).")
    var trace: String

    @Option(name: [.customShort("o"), .customLong("output")], help: "The HTML file to write (default: the trace's name with .html).")
    var output: String?

    func run() throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: trace))
        } catch {
            throw ValidationError("cannot read the trace \(trace): \(error.localizedDescription)")
        }
        try ReportPage.validate(data, path: trace)
        let destination = output ?? (trace.hasSuffix(".json") ? String(trace.dropLast(5)) : trace) + ".html"
        let html = ReportPage.html(traceJSON: String(decoding: data, as: UTF8.self),
                                   title: URL(fileURLWithPath: trace).lastPathComponent)
        do {
            try html.write(toFile: destination, atomically: true, encoding: .utf8)
        } catch {
            throw ValidationError("cannot write \(destination): \(error.localizedDescription)")
        }
        print("report written to \(destination)")
    }
}
