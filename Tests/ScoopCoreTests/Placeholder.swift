import Testing

@Test func placeholderScoopCoreTests() {}
