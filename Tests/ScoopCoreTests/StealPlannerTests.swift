import ScoopCore
import Testing

/// Whom the broker asks to share, one member at a time.
@Suite struct StealPlannerTests {
    let members = [WorkerID.origin, WorkerID(1), WorkerID(2), WorkerID(3)]

    func expectAsk(_ ask: (member: WorkerID, count: Int, wantsAnswer: Bool)?, _ member: WorkerID?, _ count: Int = 0,
                   sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(ask?.member == member, sourceLocation: sourceLocation)
        if member != nil { #expect(ask?.count == count, sourceLocation: sourceLocation) }
    }

    @Test func asksOneMemberForWhatIdleWorkersLackBeyondWhatIsAsked() {
        var planner = StealPlanner()
        expectAsk(planner.nextAsk(idleCredits: 0, members: members, occasion: .followUp(after: nil)), nil)
        expectAsk(planner.nextAsk(idleCredits: 3, members: members, occasion: .idleRequest(from: .origin)), WorkerID(1), 3)
        #expect(planner.outstanding == 3)
        expectAsk(planner.nextAsk(idleCredits: 3, members: members, occasion: .followUp(after: nil)), nil)
        expectAsk(planner.nextAsk(idleCredits: 5, members: members, occasion: .followUp(after: nil)), .origin, 2)
    }

    @Test func busyBeforeIdleThenNotDryThenTheLatestSpillerThenTheLowestID() {
        var planner = StealPlanner()
        planner.spilled(by: WorkerID(2))
        planner.spilled(by: WorkerID(3))
        planner.spilled(by: WorkerID(1))
        expectAsk(planner.nextAsk(idleCredits: 1, members: members, occasion: .followUp(after: nil)), WorkerID(1), 1)
        _ = planner.answered(by: WorkerID(1), shortfall: 1)
        let idle: Set<WorkerID> = [WorkerID(3)]
        var order: [WorkerID] = [], left = members
        while let ask = planner.nextAsk(idleCredits: 10, members: left, occasion: .idleRequest(from: WorkerID(2)),
                                        isIdle: { idle.contains($0) }) {
            order.append(ask.member)
            left.removeAll { $0 == ask.member }
            _ = planner.answered(by: ask.member, shortfall: 0)
        }
        // Busy and not dry (the origin), busy and dry (worker 1), then idle (worker 3); never the requester.
        #expect(order == [.origin, WorkerID(1), WorkerID(3)])
    }

    @Test func followUpsSkipDryMembersAskIdleOnesLastAndTheLastWantsNoAnswer() {
        var planner = StealPlanner()
        let idle: (WorkerID) -> Bool = { $0 == WorkerID(1) || $0 == WorkerID(3) }
        let first = planner.nextAsk(idleCredits: 1, members: members, occasion: .idleRequest(from: WorkerID(3)), isIdle: idle)
        #expect(first?.member == .origin && first?.wantsAnswer == true)
        var chain: [WorkerID] = [], answers: [Bool] = []
        _ = planner.answered(by: .origin, shortfall: 1)
        while let ask = planner.nextAsk(idleCredits: 1, members: members, occasion: .followUp(after: nil), isIdle: idle) {
            chain.append(ask.member)
            answers.append(ask.wantsAnswer)
            guard ask.wantsAnswer else { break }
            _ = planner.answered(by: ask.member, shortfall: 1)
        }
        // Busy worker 2, then the idle ones (a credit may be stale); nobody is left after the last.
        #expect(chain == [WorkerID(2), WorkerID(1), WorkerID(3)])
        #expect(answers == [true, true, false])
        #expect(planner.asked.isEmpty && planner.dry == [.origin, WorkerID(1), WorkerID(2)])
    }

    @Test func onTwoWorkersNoQuestionWantsAnAnswer() {
        var planner = StealPlanner()
        let ask = planner.nextAsk(idleCredits: 1, members: [.origin, WorkerID(1)], occasion: .idleRequest(from: WorkerID(1)),
                                  isIdle: { $0 == WorkerID(1) })
        #expect(ask?.member == .origin && ask?.wantsAnswer == false)
        #expect(planner.outstanding == 0)
    }

    @Test func aNewcomerIsAskedFirst() {
        var planner = StealPlanner()
        planner.spilled(by: WorkerID(1))
        expectAsk(planner.nextAsk(idleCredits: 1, members: members, occasion: .joined(WorkerID(3))), WorkerID(3), 1)
        expectAsk(planner.nextAsk(idleCredits: 2, members: members, occasion: .joined(WorkerID(3))), WorkerID(1), 1)
    }

    @Test func aDryMemberIsFollowedUpWithAfterItsNextSpillAndAnAnswerNotAskedForIsStray() {
        var planner = StealPlanner()
        let pair = [WorkerID(1), WorkerID(2)]
        let stray = planner.answered(by: WorkerID(1), shortfall: 1)
        #expect(!stray)
        expectAsk(planner.nextAsk(idleCredits: 1, members: pair, occasion: .followUp(after: nil)), WorkerID(1), 1)
        let answeredShort = planner.answered(by: WorkerID(1), shortfall: 1)
        #expect(answeredShort && planner.dry == [WorkerID(1)])
        expectAsk(planner.nextAsk(idleCredits: 1, members: [WorkerID(1)], occasion: .followUp(after: nil)), nil)
        planner.spilled(by: WorkerID(1))
        expectAsk(planner.nextAsk(idleCredits: 1, members: pair, occasion: .followUp(after: nil)), WorkerID(1), 1)
        // Answered in full: not dry.
        let answeredInFull = planner.answered(by: WorkerID(1), shortfall: 0)
        #expect(answeredInFull && planner.dry.isEmpty)
    }

    @Test func aForgottenMembersQuestionIsVoid() {
        var planner = StealPlanner()
        _ = planner.nextAsk(idleCredits: 2, members: members, occasion: .followUp(after: nil))
        planner.forget(.origin)
        #expect(planner.outstanding == 0)
        expectAsk(planner.nextAsk(idleCredits: 2, members: members.dropFirst(), occasion: .followUp(after: nil)), WorkerID(1), 2)
    }

    @Test func aShortAnswerThatCrossedAFutureSentOrSpilledDoesNotMakeTheMemberDry() {
        var planner = StealPlanner()
        let pair = [WorkerID(1), WorkerID(2)]
        expectAsk(planner.nextAsk(idleCredits: 1, members: pair, occasion: .followUp(after: nil)), WorkerID(1), 1)
        planner.sent(to: WorkerID(1))
        let answered = planner.answered(by: WorkerID(1), shortfall: 1)
        #expect(answered && planner.dry.isEmpty)
        // A spill after the question may have paid the debt the answer leaves: not dry either.
        expectAsk(planner.nextAsk(idleCredits: 1, members: pair, occasion: .followUp(after: nil)), WorkerID(1), 1)
        planner.spilled(by: WorkerID(1))
        _ = planner.answered(by: WorkerID(1), shortfall: 1)
        #expect(planner.dry.isEmpty)
        // The next question and a short answer that crossed nothing: dry.
        expectAsk(planner.nextAsk(idleCredits: 1, members: pair, occasion: .followUp(after: nil)), WorkerID(1), 1)
        _ = planner.answered(by: WorkerID(1), shortfall: 1)
        #expect(planner.dry == [WorkerID(1)])
    }

    @Test func theFuturesAMemberSharedDoNotCountAsCrossingItsAnswer() {
        var planner = StealPlanner()
        expectAsk(planner.nextAsk(idleCredits: 3, members: members, occasion: .followUp(after: nil)), .origin, 3)
        // It shares one of the three asked for (a spill, then its answer): dry, one round trip earlier than a second question.
        planner.spilled(by: .origin)
        _ = planner.answered(by: .origin, shortfall: 2)
        #expect(planner.dry == [.origin])
        // Two arrivals for one shared (a give-back and a spill of its own): the spill may have paid its new debt.
        expectAsk(planner.nextAsk(idleCredits: 3, members: members, occasion: .followUp(after: nil)), WorkerID(1), 3)
        planner.gaveBack(WorkerID(1))
        planner.spilled(by: WorkerID(1))
        _ = planner.answered(by: WorkerID(1), shortfall: 2)
        #expect(!planner.dry.contains(WorkerID(1)))
    }
}
