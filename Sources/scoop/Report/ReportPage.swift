import ArgumentParser
import Foundation

/// Builds the report page: the trace is embedded as JSON and the page's own
/// script draws everything (inline SVG, no network), so what the page shows
/// is computed from exactly the trace's events.
enum ReportPage {
    /// Checks that `data` is a swift-scoop Chrome trace; says what is wrong otherwise.
    static func validate(_ data: Data, path: String) throws {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw ValidationError("\(path) is not JSON: \(error.localizedDescription)")
        }
        guard let root = object as? [String: Any], let events = root["traceEvents"] as? [[String: Any]] else {
            throw ValidationError("\(path) is not a Chrome trace (no \"traceEvents\" array)")
        }
        guard events.contains(where: { $0["name"] as? String == "scoop_run" }) else {
            throw ValidationError("\(path) was not written by swift-scoop (no scoop_run metadata); write one with `scoop run --trace FILE` or SCOOP_TRACE=FILE")
        }
    }

    static func html(traceJSON: String, title: String) -> String {
        // Inside <script>, only "</" could end the element early.
        let embedded = traceJSON.replacingOccurrences(of: "</", with: "<\\/")
        return ReportTemplate.head(title: escape(title)) + embedded + ReportTemplate.tail
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
