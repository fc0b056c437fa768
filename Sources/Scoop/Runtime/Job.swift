import ScoopCore

/// A future on its way to a slot: either submitted here (its code and its
/// core are in memory) or received from the broker (encoded).
struct Job: Sendable {
    let id: FutureID
    let parent: FutureID
    let function: FunctionID
    let flags: EnvelopeFlags
    let work: Work

    enum Work: Sendable {
        /// Submitted in this process.
        case local(LocalWork)
        /// Sent by the broker: decode, run, send the result to its owner.
        case remote(Envelope)
    }

    /// Whether it was submitted in this process.
    var isLocal: Bool {
        if case .local = work { return true }
        return false
    }
}

/// What a future submitted here needs to run here or to travel.
struct LocalWork: Sendable {
    /// Runs it here, or encodes its arguments when it must leave this process.
    let call: any LocalCall
    let core: FutureCore
}

/// What the task running a future knows about itself (a task-local value).
struct TaskContext: Sendable {
    let node: Node
    let future: FutureID
    /// The slot this task's future holds; nil for the program's body, which holds none.
    let slot: SlotToken?

    @TaskLocal static var current: TaskContext?
}
