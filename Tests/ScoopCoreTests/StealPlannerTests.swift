import ScoopCore
import Testing

/// Whom the broker asks to share, one member at a time.
@Suite struct StealPlannerTests {
    let members = [WorkerID.origin, WorkerID(1), WorkerID(2), WorkerID(3)]

    func expectAsk(_ ask: (member: WorkerID, count: Int)?, _ member: WorkerID?, _ count: Int = 0,
                   sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(ask?.member == member, sourceLocation: sourceLocation)
        if member != nil { #expect(ask?.count == count, sourceLocation: sourceLocation) }
    }

    @Test func asksOneMemberForWhatIdleWorkersLackBeyondWhatIsAsked() {
        var planner = StealPlanner()
        expectAsk(planner.nextAsk(idleCredits: 0, members: members), nil)
        expectAsk(planner.nextAsk(idleCredits: 3, members: members, excluding: .origin), WorkerID(1), 3)
        #expect(planner.outstanding == 3)
        expectAsk(planner.nextAsk(idleCredits: 3, members: members), nil)
        expectAsk(planner.nextAsk(idleCredits: 5, members: members), .origin, 2)
    }

    @Test func busyMembersComeFirstThenTheLatestSpillerThenTheLowestID() {
        var planner = StealPlanner()
        planner.spilled(by: WorkerID(2))
        planner.spilled(by: WorkerID(3))
        planner.spilled(by: WorkerID(2))
        let idle: Set<WorkerID> = [WorkerID(2)]
        var order: [WorkerID] = []
        while let ask = planner.nextAsk(idleCredits: 10, members: members, isIdle: { idle.contains($0) }) {
            order.append(ask.member)
            planner.answered(by: ask.member, shortfall: 10)
        }
        #expect(order == [WorkerID(3), .origin, WorkerID(1), WorkerID(2)])
        #expect(planner.dry == Set(members))
    }

    @Test func aNewcomerIsPreferredWhenItMayBeAsked() {
        var planner = StealPlanner()
        planner.spilled(by: WorkerID(1))
        expectAsk(planner.nextAsk(idleCredits: 1, members: members, preferring: WorkerID(3)), WorkerID(3), 1)
        expectAsk(planner.nextAsk(idleCredits: 2, members: members, preferring: WorkerID(3)), WorkerID(1), 1)
    }

    @Test func aDryMemberWaitsForItsNextSpillAndAnAnswerNotAskedForIsStray() {
        var planner = StealPlanner()
        let stray = planner.answered(by: WorkerID(1), shortfall: 1)
        #expect(!stray)
        expectAsk(planner.nextAsk(idleCredits: 1, members: [WorkerID(1)]), WorkerID(1), 1)
        let answeredShort = planner.answered(by: WorkerID(1), shortfall: 1)
        #expect(answeredShort)
        expectAsk(planner.nextAsk(idleCredits: 1, members: [WorkerID(1)]), nil)
        planner.spilled(by: WorkerID(1))
        expectAsk(planner.nextAsk(idleCredits: 1, members: [WorkerID(1)]), WorkerID(1), 1)
        // Answered in full: not dry, may be asked again.
        let answeredInFull = planner.answered(by: WorkerID(1), shortfall: 0)
        #expect(answeredInFull)
        #expect(planner.dry.isEmpty)
        expectAsk(planner.nextAsk(idleCredits: 1, members: [WorkerID(1)]), WorkerID(1), 1)
    }

    @Test func aForgottenMembersQuestionIsVoid() {
        var planner = StealPlanner()
        _ = planner.nextAsk(idleCredits: 2, members: members)
        planner.forget(.origin)
        #expect(planner.outstanding == 0)
        expectAsk(planner.nextAsk(idleCredits: 2, members: members.dropFirst()), WorkerID(1), 2)
    }

    @Test func aShortAnswerThatCrossedAFutureSentToTheMemberDoesNotMakeItDry() {
        var planner = StealPlanner()
        expectAsk(planner.nextAsk(idleCredits: 1, members: [WorkerID(1)]), WorkerID(1), 1)
        planner.sent(to: WorkerID(1))
        let answered = planner.answered(by: WorkerID(1), shortfall: 1)
        #expect(answered && planner.dry.isEmpty)
        // The next question and a short answer that crossed nothing: dry.
        expectAsk(planner.nextAsk(idleCredits: 1, members: [WorkerID(1)]), WorkerID(1), 1)
        _ = planner.answered(by: WorkerID(1), shortfall: 1)
        #expect(planner.dry == [WorkerID(1)])
    }
}
