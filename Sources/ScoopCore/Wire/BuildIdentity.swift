#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fingerprint of the running binary, compared at every join so that a
/// process running another build is refused with a message naming both.
///
/// On Linux it is the GNU build id the linker stores in the executable's
/// `PT_NOTE` segment (a few KiB read from `/proc/self/exe`); without one, a
/// hash of the whole executable.
public enum BuildIdentity {
    public static let current: String = {
        guard let file = fopen("/proc/self/exe", "rb") else { return "unknown" }
        defer { fclose(file) }
        if let id = gnuBuildID(file) { return id }
        if let hash = hashOfFile(file) { return "fnv:" + hash }
        return "unknown"
    }()

    /// The build identity of the executable at `path` (the launcher checks the
    /// program it starts), or nil if it cannot be read.
    public static func ofExecutable(atPath path: String) -> String? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        if let id = gnuBuildID(file) { return id }
        return hashOfFile(file).map { "fnv:" + $0 }
    }

    /// Reads `count` bytes at `offset`, or nil.
    private static func read(_ file: UnsafeMutablePointer<FILE>, at offset: Int, count: Int) -> [UInt8]? {
        guard count >= 0, count < 1 << 20, fseek(file, offset, SEEK_SET) == 0 else { return nil }
        var bytes = [UInt8](repeating: 0, count: count)
        guard fread(&bytes, 1, count, file) == count else { return nil }
        return bytes
    }

    private static func integer(_ bytes: [UInt8], at offset: Int, size: Int) -> Int {
        var value = 0
        for index in (0..<size).reversed() { value = value << 8 | Int(bytes[offset + index]) }
        return value
    }

    /// Finds NT_GNU_BUILD_ID in a little-endian ELF64 file's note segments.
    static func gnuBuildID(_ file: UnsafeMutablePointer<FILE>) -> String? {
        guard let header = read(file, at: 0, count: 64),
              header[0] == 0x7F, header[1] == 0x45, header[2] == 0x4C, header[3] == 0x46,
              header[4] == 2, header[5] == 1 else { return nil }
        let programHeaders = integer(header, at: 32, size: 8)
        let entrySize = integer(header, at: 54, size: 2)
        let entries = integer(header, at: 56, size: 2)
        guard entrySize >= 56, entries < 256,
              let table = read(file, at: programHeaders, count: entrySize * entries) else { return nil }
        for entry in 0..<entries {
            let base = entry * entrySize
            guard integer(table, at: base, size: 4) == 4 else { continue }  // PT_NOTE
            let offset = integer(table, at: base + 8, size: 8)
            let size = integer(table, at: base + 32, size: 8)
            guard let notes = read(file, at: offset, count: size) else { continue }
            var cursor = 0
            while cursor + 12 <= notes.count {
                let nameSize = integer(notes, at: cursor, size: 4)
                let descriptionSize = integer(notes, at: cursor + 4, size: 4)
                let type = integer(notes, at: cursor + 8, size: 4)
                let descriptionStart = cursor + 12 + ((nameSize + 3) & ~3)
                let next = descriptionStart + ((descriptionSize + 3) & ~3)
                guard next <= notes.count else { break }
                if type == 3, nameSize == 4 {  // NT_GNU_BUILD_ID, owner "GNU"
                    return notes[descriptionStart..<descriptionStart + descriptionSize]
                        .map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
                }
                cursor = next
            }
        }
        return nil
    }

    private static func hashOfFile(_ file: UnsafeMutablePointer<FILE>) -> String? {
        guard fseek(file, 0, SEEK_SET) == 0 else { return nil }
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count <= 0 { break }
            for byte in buffer[0..<count] { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        }
        return String(hash, radix: 16)
    }
}
