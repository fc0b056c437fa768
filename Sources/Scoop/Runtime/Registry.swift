import ScoopCore

/// The task functions of this program, by wire id. Built once at start-up,
/// identical in every process (the same binary registers the same functions),
/// immutable afterwards.
struct Registry: Sendable {
    private(set) var functions: [FunctionID: any RegisteredFunction] = [:]

    init(_ list: [any RegisteredFunction]) throws {
        for function in list {
            if let existing = functions[function.id] {
                if existing.name == function.name {
                    throw ScoopError.invalidArgument(
                        "task function '\(function.name)' is registered twice; names must be unique (a worker would run only one of them)")
                }
                throw ScoopError.invalidArgument(
                    "task functions '\(existing.name)' and '\(function.name)' hash to the same wire id \(function.id); rename one")
            }
            functions[function.id] = function
        }
    }

    subscript(id: FunctionID) -> (any RegisteredFunction)? { functions[id] }

    /// Checks at the submit site that a function was registered.
    func require(_ id: FunctionID, name: String) throws {
        guard let registered = functions[id] else {
            throw ScoopError.unregisteredFunction(name)
        }
        guard registered.name == name else {
            throw ScoopError.invalidArgument(
                "task function '\(name)' has the same wire id as the registered '\(registered.name)'; rename one")
        }
    }
}
