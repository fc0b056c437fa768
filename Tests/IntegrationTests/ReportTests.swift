import Foundation
import Testing

extension Integration {
    /// `scoop report` rendered by a real headless Chromium (Debian's `chromium`).
    @Suite("report")
    struct Report {
        static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
            .first { FileManager.default.isExecutableFile(atPath: $0) }

        /// Where screenshots are kept after the run: `.build/test-artifacts/`.
        static var artifacts: String {
            let build = (Products.directory as NSString).deletingLastPathComponent   // .build/<triple>
            let directory = ((build as NSString).deletingLastPathComponent as NSString).appendingPathComponent("test-artifacts")
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            return directory
        }

        @Test("the report of a scoop run renders in headless Chromium and shows the trace's numbers")
        func rendersTraceNumbers() async throws {
            let browser = try #require(Self.chromium, "chromium is not installed (Debian: apt-get install chromium; ci/install-deps.sh does)")
            let directory = try TemporaryDirectory("report")
            let tracePath = directory.file("run.json"), htmlPath = directory.file("run.html")
            let ran = try await scoop(["run", "-n", "2", "--trace", tracePath, "--", Products.path("fib"), "17"])
            #expect(ran.status == 0, "\(ran)")
            let made = try await scoop(["report", tracePath, "-o", htmlPath])
            #expect(made.status == 0, "\(made)")
            let html = try String(contentsOfFile: htmlPath, encoding: .utf8)
            #expect(!html.contains("http://") || !html.contains("src=\"http"), "the page must not load anything from the network")
            #expect(!html.contains("<script src") && !html.contains("<link"), "the page must be self-contained")

            let chromeFlags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                               "--user-data-dir=\(directory.file("profile"))"]
            let dumped = try await run(browser, chromeFlags + ["--dump-dom", "file://" + htmlPath], timeout: .seconds(90))
            #expect(dumped.status == 0, "\(dumped)")
            let dom = dumped.stdout
            #expect(dom.contains("data-rendered=\"yes\""), "the page's script did not finish: \(dumped.stderr.suffix(2000))")

            let trace = try ParsedTrace(path: tracePath)
            let spans = trace.spans
            #expect(value(of: "c-futures", in: dom) == "\(spans.count)")
            #expect(value(of: "c-workers", in: dom) == "2")
            let moved = spans.reduce(0) { $0 + ParsedTrace.integer(ParsedTrace.args($1)["argumentBytes"]) + ParsedTrace.integer(ParsedTrace.args($1)["resultBytes"]) }
            #expect(value(of: "c-bytes-exact", in: dom) == "\(moved)")
            #expect(value(of: "c-routed", in: dom) == "\(ParsedTrace.integer(trace.run["routed"]))")
            #expect(value(of: "c-dropped", in: dom) == "\(ParsedTrace.integer(trace.run["dropped"]))")
            #expect(value(of: "c-peak-queue", in: dom) == "\(ParsedTrace.integer(trace.run["peakQueueLength"]))")
            // Futures that left the process that submitted them carry `sent` and `arrived`.
            let travelled = Set(spans.compactMap { span -> String? in
                ParsedTrace.args(span)["sent"] == nil ? nil : ParsedTrace.args(span)["future"] as? String
            })
            #expect(value(of: "c-travelled", in: dom) == "\(travelled.count)")
            if !travelled.isEmpty {
                #expect(value(of: "c-transit", in: dom) != "–" && value(of: "c-transit", in: dom) != nil)
            }
            #expect(value(of: "c-wait", in: dom) != "–" && value(of: "c-wait", in: dom) != nil)
            // One bar per run of a future in the timeline; the durations table counts every fib.
            #expect(dom.components(separatedBy: "class=\"span\"").count - 1 == spans.count)
            #expect(dom.contains("<tr data-function=\"fib\"><td>fib</td><td class=\"count\">\(spans.count)</td>"))
            // Critical path: from the root, the child that ended last, down to a leaf.
            let path = criticalPath(spans)
            #expect(path >= 2 && path <= 17 - 9 + 1)
            #expect(value(of: "critical-length", in: dom) == "\(path)")
            // The slowest future is the root.
            let slowest = try #require(spans.max { ParsedTrace.number($0["dur"]) < ParsedTrace.number($1["dur"]) })
            let firstSlow = dom.components(separatedBy: "<tr class=\"slow\"><td>").dropFirst().first?.prefix { $0 != "<" }
            #expect(firstSlow.map(String.init) == ParsedTrace.args(slowest)["future"] as? String)

            let screenshot = Self.artifacts + "/report.png"
            try? FileManager.default.removeItem(atPath: screenshot)
            let shot = try await run(browser, chromeFlags + ["--screenshot=\(screenshot)", "--window-size=1200,1600", "file://" + htmlPath],
                                     timeout: .seconds(90))
            #expect(shot.status == 0, "\(shot)")
            let size = (try? FileManager.default.attributesOfItem(atPath: screenshot)[.size] as? Int) ?? 0
            #expect(size > 10_000, "screenshot \(screenshot) is missing or empty")
        }

        /// Futures on the chain from the root following the child that ended last.
        func criticalPath(_ spans: [[String: Any]]) -> Int {
            func end(_ span: [String: Any]) -> Double { ParsedTrace.number(span["ts"]) + ParsedTrace.number(span["dur"]) }
            let children = Dictionary(grouping: spans) { ParsedTrace.args($0)["parent"] as? String ?? "" }
            var current = children["none"]?.max { end($0) < end($1) }
            var length = 0
            while let span = current {
                length += 1
                current = children[ParsedTrace.args(span)["future"] as? String ?? ""]?.max { end($0) < end($1) }
            }
            return length
        }

        /// The text of the element with `id` in the dumped DOM.
        func value(of id: String, in dom: String) -> String? {
            guard let range = dom.range(of: "id=\"\(id)\">") else { return nil }
            return String(dom[range.upperBound...].prefix { $0 != "<" })
        }
    }
}
