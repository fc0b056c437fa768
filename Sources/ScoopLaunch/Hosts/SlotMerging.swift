/// Folds repeated host names into one entry, at the place of first appearance.
enum SlotMerging {
    /// One parsed host with a description of where it came from, for errors.
    struct Entry {
        var slot: HostSlot
        var origin: String
    }

    /// Merges entries that name the same host: explicit counts add up; a
    /// repeated host where either entry has no count (all cores) is an error,
    /// built by `conflict(name, firstOrigin, secondOrigin)`.
    static func merge(
        _ entries: [Entry],
        conflict: (_ name: String, _ first: String, _ second: String) -> HostError
    ) throws(HostError) -> [HostSlot] {
        var merged: [HostSlot] = []
        var origins: [String] = []
        var position: [String: Int] = [:]
        for entry in entries {
            guard let index = position[entry.slot.name] else {
                position[entry.slot.name] = merged.count
                merged.append(entry.slot)
                origins.append(entry.origin)
                continue
            }
            guard let existing = merged[index].slots, let added = entry.slot.slots else {
                throw conflict(entry.slot.name, origins[index], entry.origin)
            }
            merged[index].slots = existing + added
        }
        return merged
    }
}

extension SlotMerging {
    /// Merges hosts whose counts are all explicit (batch scheduler files):
    /// counts of the same host add up, at its first position.
    static func sum(_ slots: [HostSlot]) -> [HostSlot] {
        var merged: [HostSlot] = []
        var position: [String: Int] = [:]
        for slot in slots {
            if let index = position[slot.name] {
                merged[index].slots = (merged[index].slots ?? 0) + (slot.slots ?? 0)
            } else {
                position[slot.name] = merged.count
                merged.append(slot)
            }
        }
        return merged
    }
}
