/// The comparison as a Markdown document.
enum MarkdownReport {
    static func render(_ summary: Summary, modes: [LaunchMode], notes: [String], svgPath: String?) -> String {
        var text = """
            # swift-scoop benchmarks: medians of \(summary.rounds) interleaved round(s)

            Each cell is the median over the rounds of the verified runs (✓ meets issue 5's target
            for that transport, ✗ misses it; "ok k/n" when some runs failed verification).
            Launch modes:

            """
        for mode in modes { text += "- `\(mode.transport)`: `\(mode.label)`\n" }
        if !notes.isEmpty {
            text += "\nNotes:\n\n"
            for note in notes { text += "- \(note)\n" }
        }
        text += "\n" + summary.markdownTable() + "\n"
        text += """

            How the numbers are taken: every workload runs inside one `Pool.run` on the origin and is
            timed with `CLOCK_MONOTONIC` around the API call(s) only (inputs built beforehand, results
            verified afterwards). startup is measured by `compare` itself: the wall time from spawning
            `<launch> scoop-bench run --startup-probe` to reading its startup line on the pipe (process
            start, runtime start, one `identity(0)` round trip). shutdown is the time from the end of the
            body to `Pool.run` returning. W3's busy-efficiency sums each task's thread CPU time
            (`CLOCK_THREAD_CPUTIME_ID`, read inside the task); its efficiency and W7's divide the time of the
            same tasks run serially in the origin by wall × workers.

            """
        if let svgPath { text += "\n![relative to target](\(svgPath))\n" }
        return text
    }
}
