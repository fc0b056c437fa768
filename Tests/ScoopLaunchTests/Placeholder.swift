import Testing

@Test func placeholderScoopLaunchTests() {}
