// Core types that appear in the public API, re-exported so that `import Scoop`
// is all a program needs.
@_exported import struct ScoopCore.FunctionID
@_exported import struct ScoopCore.FutureID
@_exported import struct ScoopCore.LostWorker
@_exported import struct ScoopCore.RemoteError
@_exported import enum ScoopCore.TransportKind
@_exported import struct ScoopCore.WorkerID
