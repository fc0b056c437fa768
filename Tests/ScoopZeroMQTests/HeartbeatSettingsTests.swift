import ScoopZeroMQ
import Testing

@Suite("heartbeat settings from the environment")
struct HeartbeatSettingsTests {
    @Test("unset variables give the defaults; set ones are read in seconds")
    func readsSeconds() throws {
        #expect(try Heartbeat.fromEnvironment([:]) == Heartbeat())
        let heartbeat = try Heartbeat.fromEnvironment(["SCOOP_HEARTBEAT_INTERVAL": "0.25", "SCOOP_HEARTBEAT_TIMEOUT": "30"])
        #expect(heartbeat.interval == .milliseconds(250))
        #expect(heartbeat.timeout == .seconds(30))
    }

    @Test("a value that is not a number of seconds from 1 ms to a day is refused, naming the variable",
          arguments: [("SCOOP_HEARTBEAT_INTERVAL", "x"), ("SCOOP_HEARTBEAT_TIMEOUT", "-3"),
                      ("SCOOP_HEARTBEAT_TIMEOUT", "0"), ("SCOOP_HEARTBEAT_INTERVAL", "inf"),
                      ("SCOOP_HEARTBEAT_TIMEOUT", "1e20"), ("SCOOP_HEARTBEAT_INTERVAL", "0.0004")])
    func refusesBadValues(name: String, value: String) {
        let error = #expect(throws: Heartbeat.Invalid.self) { try Heartbeat.fromEnvironment([name: value]) }
        #expect(error?.description == "\(name) must be a number of seconds from 0.001 to 86400 (got '\(value)')")
    }
}
