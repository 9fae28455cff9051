#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import StratifyCore

/// Runs `process` over a stream of items on `jobs` threads and hands the
/// results to `emit` in the items' order, one at a time.
///
/// Reading (`next`) and emitting are each done by one thread at a time,
/// outside the lock: a thread holds the reader's or the emitter's role,
/// not the lock, while it reads or emits. Emitting can be long (the
/// monitoring commands join a whole chunk of records there), and under
/// the lock it kept every other thread from storing its result or taking
/// its next item, leaving a core idle. At most `window` items are in
/// flight, which bounds memory whatever the input size. The first error
/// (from `next`, `emit`, `stop()`, or `shouldStop`) ends the run and is rethrown.
// @unchecked: every var is read and written under `lock`; `next` is
// called only by the thread holding the reader's role (`reading`), `emit`
// and `shouldStop` only by the one holding the emitter's (`emitting`) or
// under the lock when no thread holds it.
package final class OrderedPipeline<Item, Result>: @unchecked Sendable {
    private let lock = Condition()
    private let next: () throws(BatchError) -> Item?
    private let emit: (Result) throws(BatchError) -> Void
    private let window: Int

    private var taken = 0
    private var emitted = 0
    private var finished = false
    private var failure: BatchError?
    private var done: [Int: Result] = [:]
    /// A thread is in `next`.
    private var reading = false
    /// A thread is emitting the results ready in order.
    private var emitting = false

    /// Asked before each item is taken, and before each result is
    /// emitted, by the thread that could emit: an error ends the run there
    /// (a cancelled batch). It must not block.
    package var shouldStop: (() -> BatchError?)?

    package init(window: Int, next: @escaping () throws(BatchError) -> Item?, emit: @escaping (Result) throws(BatchError) -> Void) {
        self.window = max(1, window)
        self.next = next
        self.emit = emit
    }

    /// Runs to the end of the items. `makeWorker` is called once per thread
    /// and returns that thread's processing function.
    package func run(jobs: Int, makeWorker: @escaping @Sendable () -> (Item) -> Result) throws(BatchError) {
        let threads = max(1, jobs)
        if threads == 1 {
            work(makeWorker())
        } else {
            let group = DispatchGroup()
            for _ in 1..<threads {
                DispatchQueue.global().async(group: group) { [self] in
                    self.work(makeWorker())
                }
            }
            work(makeWorker())
            group.wait()
        }
        if let failure { throw failure }
    }

    /// Ends the run early (a signal arrived).
    func stop(_ error: BatchError) {
        lock.locked {
            if failure == nil { failure = error }
            lock.broadcast()
        }
    }

    private func work(_ process: (Item) -> Result) {
        while let (sequence, item) = take() {
            let result = process(item)
            lock.lock()
            done[sequence] = result
            if !emitting { emitReady() }
            lock.unlock()
        }
    }

    /// The next item and its number, or nil when the run is over. Waits
    /// while the window is full or another thread is reading.
    private func take() -> (Int, Item)? {
        lock.lock()
        defer { lock.unlock() }
        while failure == nil, !finished, reading || taken - emitted >= window {
            lock.wait()
        }
        // While a thread emits, it asks `shouldStop` itself.
        if failure == nil, !finished, !emitting, let stop = shouldStop?() {
            failure = stop
            lock.broadcast()
        }
        guard failure == nil, !finished else { return nil }
        reading = true
        let sequence = taken
        lock.unlock()
        let item: Item?
        let error: BatchError?
        do throws(BatchError) {
            item = try next()
            error = nil
        } catch let failed {
            item = nil
            error = failed
        }
        lock.lock()
        reading = false
        lock.broadcast()
        if let error {
            if failure == nil { failure = error }
            return nil
        }
        guard let item else {
            finished = true
            return nil
        }
        taken += 1
        return (sequence, item)
    }

    /// Emits the results ready in order, outside the lock, until the next
    /// one is still being processed. Called, and returns, with the lock
    /// held; the caller takes the emitter's role.
    private func emitReady() {
        emitting = true
        defer { emitting = false }
        while failure == nil, let ready = done.removeValue(forKey: emitted) {
            if let stop = shouldStop?() {
                failure = stop
                break
            }
            lock.unlock()
            var error: BatchError?
            do throws(BatchError) {
                try emit(ready)
            } catch let failed {
                error = failed
            }
            lock.lock()
            if let error, failure == nil { failure = error }
            emitted += 1
            lock.broadcast()
        }
        lock.broadcast()
    }
}

/// A mutex with a condition variable.
// @unchecked: shared by design; its state is only touched by pthread calls.
final class Condition: @unchecked Sendable {
    /// pthread objects must not move: each lives in a box.
    private let mutexBox = StateBox(pthread_mutex_t())
    private let conditionBox = StateBox(pthread_cond_t())
    private var mutex: UnsafeMutablePointer<pthread_mutex_t> { mutexBox.pointer }
    private var condition: UnsafeMutablePointer<pthread_cond_t> { conditionBox.pointer }

    init() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
    }

    func lock() { pthread_mutex_lock(mutex) }
    func unlock() { pthread_mutex_unlock(mutex) }
    func wait() { pthread_cond_wait(condition, mutex) }
    func broadcast() { pthread_cond_broadcast(condition) }

    func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock()
        defer { unlock() }
        return try body()
    }
}
