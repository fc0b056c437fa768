import Testing

/// Integration tests: real `scoop` processes, brokers, workers and an sshd on
/// loopback. They compete for the same few cores and some time their
/// assertions, so every test of every nested suite runs one at a time.
///
/// The executables are looked up next to the test binary: build them first
/// with `swift build --build-tests`.
@Suite(.serialized, .timeLimit(.minutes(2)))
enum Integration {}
