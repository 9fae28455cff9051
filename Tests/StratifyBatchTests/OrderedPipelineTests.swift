import Glibc
@testable import StratifyBatch
import Synchronization
import Testing

/// The pipeline under every batch: results come out in the items' order,
/// one emit at a time, with at most `window` items in flight, and the
/// first error ends the run, whatever the threads and however long each
/// item, read or emit takes (reading and emitting run outside its lock).
@Suite struct OrderedPipelineTests {
    /// What a run saw, recorded from inside `next`, `process` and `emit`.
    final class Probe: Sendable {
        let state = Mutex(State())

        struct State {
            var emitted: [Int] = []
            var inEmit = 0
            var inNext = 0
            var overlaps = 0
            var taken = 0
            var mostInFlight = 0
        }
    }

    /// Spins for about `microseconds` (a sleep would let the other threads
    /// in too politely to find a race).
    static func busy(_ microseconds: Int) {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let end = Int(now.tv_sec) * 1_000_000 + Int(now.tv_nsec) / 1000 + microseconds
        repeat { clock_gettime(CLOCK_MONOTONIC, &now) } while Int(now.tv_sec) * 1_000_000 + Int(now.tv_nsec) / 1000 < end
    }

    static func run(
        items: Int, jobs: Int, window: Int, failNextAt: Int? = nil, failEmitAt: Int? = nil, stopAt: Int? = nil
    ) -> (probe: Probe, error: BatchError?) {
        let probe = Probe()
        var next = 0
        let pipeline = OrderedPipeline<Int, Int>(
            window: window,
            next: { () throws(BatchError) -> Int? in
                probe.state.withLock {
                    $0.inNext += 1
                    if $0.inNext > 1 { $0.overlaps += 1 }
                }
                defer { probe.state.withLock { $0.inNext -= 1 } }
                busy(next % 3 == 0 ? 50 : 5)
                guard next < items else { return nil }
                if next == failNextAt { throw .file("in.csv", line: next, "read failed") }
                next += 1
                probe.state.withLock {
                    $0.taken += 1
                    $0.mostInFlight = max($0.mostInFlight, $0.taken - $0.emitted.count)
                }
                return next - 1
            },
            emit: { (result: Int) throws(BatchError) in
                probe.state.withLock {
                    $0.inEmit += 1
                    if $0.inEmit > 1 { $0.overlaps += 1 }
                }
                busy(result % 4 == 0 ? 200 : 10)
                probe.state.withLock {
                    $0.inEmit -= 1
                    $0.emitted.append(result)
                }
                if result == failEmitAt { throw .brokenPipe }
            })
        if let stopAt {
            pipeline.shouldStop = { probe.state.withLock { $0.emitted.count } >= stopAt ? .brokenPipe : nil }
        }
        do {
            try pipeline.run(jobs: jobs) {
                { item in
                    // Items take uneven times, so that they finish out of order.
                    busy(item % 5 == 0 ? 300 : 20)
                    return item
                }
            }
            return (probe, nil)
        } catch {
            return (probe, error)
        }
    }

    @Test(arguments: [(1, 1), (2, 2), (2, 4), (4, 8), (3, 1)])
    func resultsComeOutInOrderOneEmitAtATime(jobs: Int, window: Int) {
        let (probe, error) = Self.run(items: 300, jobs: jobs, window: window)
        #expect(error == nil)
        let state = probe.state.withLock { $0 }
        #expect(state.emitted == Array(0..<300))
        #expect(state.overlaps == 0)
        #expect(state.mostInFlight <= window)
    }

    static func isBrokenPipe(_ error: BatchError?) -> Bool {
        if case .brokenPipe = error { return true }
        return false
    }

    @Test(arguments: [1, 2, 4])
    func theFirstErrorEndsTheRun(jobs: Int) {
        let failedRead = Self.run(items: 300, jobs: jobs, window: 4, failNextAt: 120)
        #expect(failedRead.error.map { "\($0)" }?.contains("read failed") == true)
        #expect(failedRead.probe.state.withLock { $0.emitted } == Array(0..<failedRead.probe.state.withLock { $0.emitted.count }))
        #expect(failedRead.probe.state.withLock { $0.emitted.count } <= 120)

        let failedEmit = Self.run(items: 300, jobs: jobs, window: 4, failEmitAt: 50)
        #expect(Self.isBrokenPipe(failedEmit.error))
        // Nothing after the failed emit is emitted.
        #expect(failedEmit.probe.state.withLock { $0.emitted } == Array(0..<51))

        let stopped = Self.run(items: 300, jobs: jobs, window: 4, stopAt: 30)
        #expect(Self.isBrokenPipe(stopped.error))
        #expect(stopped.probe.state.withLock { $0.emitted } == Array(0..<30))
    }
}
