import Testing

@Test func placeholderScoopTests() {}
