import ScoopCore
import Testing

/// Yes-or-no `SCOOP_*` variables: the usual spellings in any case, and a
/// clear refusal for anything else (never read silently as "off").
@Suite struct EnvironmentFlagTests {
    @Test(arguments: ["1", "true", "TRUE", "Yes", "on", " true "])
    func turnsOn(text: String) throws {
        #expect(try EnvironmentFlag.value(of: "SCOOP_SUMMARY", in: ["SCOOP_SUMMARY": text]) == true)
    }

    @Test(arguments: ["0", "false", "False", "no", "OFF", ""])
    func turnsOff(text: String) throws {
        #expect(try EnvironmentFlag.value(of: "SCOOP_SUMMARY", in: ["SCOOP_SUMMARY": text]) == false)
    }

    @Test func anUnsetVariableHasNoValueAndIsOff() throws {
        #expect(try EnvironmentFlag.value(of: "SCOOP_SUMMARY", in: ["SCOOP_TRACE": "1"]) == nil)
        #expect(try EnvironmentFlag.isOn("SCOOP_SUMMARY", in: [:]) == false)
    }

    @Test(arguments: ["ture", "2", "enabled", "1 1"])
    func anythingElseIsRefusedNamingTheVariable(text: String) {
        let error = #expect(throws: EnvironmentFlag.Invalid.self) {
            try EnvironmentFlag.value(of: "SCOOP_CHECK_CODEC", in: ["SCOOP_CHECK_CODEC": text])
        }
        #expect(error?.description == "SCOOP_CHECK_CODEC must be 1 or true to turn it on, 0 or false to turn it off (got '\(text)')")
    }
}
