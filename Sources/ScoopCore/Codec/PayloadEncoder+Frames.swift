// The containers of the value being encoded: opening them, checking they are used
// in time, and finishing them (patching counts, splicing in nested containers).

extension _PayloadEncoder {
    /// Patches the count of the current frame's container and splices in its children.
    func finishFrame() throws {
        switch frame.kind {
        case .none, .single:
            return
        case .keyed:
            for child in frame.children ?? [] {
                try child.encoder.finishRoot()
                buffer.appendString(child.key ?? "")
                buffer.appendLength(child.encoder.buffer.count + 1)
                buffer.append(child.encoder.buffer.bytes)
            }
        case .unkeyed:
            if let children = frame.children {
                try spliceUnkeyedChildren(children)
            }
        }
        buffer.patchVarint(frame.count, at: frame.countOffset)
    }

    /// Inserts nested unkeyed elements at the offsets where they were created, in one pass.
    private func spliceUnkeyedChildren(_ children: [Child]) throws {
        for child in children { try child.encoder.finishRoot() }
        let start = children[0].offset
        let added = children.reduce(0) { $0 + $1.encoder.buffer.count }
        var merged = _WriteBuffer(capacity: buffer.count - start + added)
        var cursor = start
        let current = buffer.bytes
        for child in children {
            merged.append(UnsafeRawBufferPointer(rebasing: current[cursor..<child.offset]))
            merged.append(child.encoder.buffer.bytes)
            cursor = child.offset
        }
        merged.append(UnsafeRawBufferPointer(rebasing: current[cursor...]))
        buffer.replaceTail(from: start, with: merged)
    }

    /// Finishes a child encoder's only value.
    func finishRoot() throws {
        try finishFrame()
        frame = Frame()
        if let misuse { throw misuse }
    }

    /// Fails unless the container of value `id` is the one being written.
    @inline(__always)
    func checkCurrent(_ id: Int) throws {
        guard id == valueID else {
            throw PayloadError(
                .unsupported(detail: "a container was written after the value it belongs to was finished"),
                codingPath: _renderPath(codingPath))
        }
    }

    func recordMisuse(_ detail: String) {
        if misuse == nil {
            misuse = PayloadError(.unsupported(detail: detail), codingPath: _renderPath(codingPath))
        }
    }

    /// Starts (or, for a second request by the same value, continues) a keyed or unkeyed container.
    func beginContainer(_ kind: Frame.Kind) {
        if frame.kind == kind { return }
        if frame.kind != .none {
            recordMisuse("one value asked for both a \(frame.kind) and a \(kind) container")
            return
        }
        frame.kind = kind
        frame.countOffset = buffer.count
        buffer.append(0)
    }

    /// Makes a child encoder for a nested container or super-encoder of the current frame.
    func makeChild(key: any CodingKey, keyString: String?) -> _PayloadEncoder {
        let child = _PayloadEncoder(capacity: 64, codingPath: codingPath + [key])
        frame.count += 1
        if keyString == nil { buffer.append(1) }   // an unkeyed element's presence byte
        if frame.children == nil { frame.children = [] }
        frame.children?.append(Child(key: keyString, offset: buffer.count, encoder: child))
        return child
    }
}
