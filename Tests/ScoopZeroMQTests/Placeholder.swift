import Testing

@Test func placeholderScoopZeroMQTests() {}
