extension RunTrace {
    /// The indices of each worker's spans, in span order, from one pass over the spans.
    func spanIndicesByWorker() -> [WorkerID: [Int]] {
        var indices: [WorkerID: [Int]] = [:]
        for (index, span) in spans.enumerated() { indices[span.worker, default: []].append(index) }
        return indices
    }
}

/// The runs of each future of a ``RunTrace`` (indices into its spans, in
/// order), found in constant time: the first run per future, then a chain
/// through the rest (re-runs are rare, so no array per future).
///
/// ```swift
/// let runs = FutureRuns(trace.spans)
/// for index in runs.runs(of: span.parent) { … trace.spans[index] … }
/// ```
struct FutureRuns {
    private var first: [FutureID: Int] = [:]
    /// The index of the same future's next run, or -1.
    private var next: [Int]

    init(_ spans: [RunTrace.Span]) {
        next = Array(repeating: -1, count: spans.count)
        first.reserveCapacity(spans.count)
        for index in spans.indices.reversed() {
            if let later = first.updateValue(index, forKey: spans[index].future) { next[index] = later }
        }
    }

    func runs(of future: FutureID) -> UnfoldSequence<Int, Int?> {
        sequence(state: first[future]) { [next] current in
            guard let index = current else { return nil }
            current = next[index] >= 0 ? next[index] : nil
            return index
        }
    }
}
