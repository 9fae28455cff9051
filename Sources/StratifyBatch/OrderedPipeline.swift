#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import StratifyCore

/// Runs `process` over a stream of items on `jobs` threads and hands the
/// results to `emit` in the items' order, one at a time.
///
/// Items are taken and results emitted under one lock: reading and writing
/// stay sequential while processing overlaps. At most `window` items are
/// in flight, which bounds memory whatever the input size. The first error
/// (from `next`, `emit`, `stop()`, or `shouldStop`) ends the run and is rethrown.
// @unchecked: every var is read and written under `lock`.
final class OrderedPipeline<Item, Result>: @unchecked Sendable {
    private let lock = Condition()
    private let next: () throws(BatchError) -> Item?
    private let emit: (Result) throws(BatchError) -> Void
    private let window: Int

    private var taken = 0
    private var emitted = 0
    private var finished = false
    private var failure: BatchError?
    private var done: [Int: Result] = [:]

    /// Asked, under the lock, before each item is taken: an error ends the
    /// run there (a cancelled batch). It must not block.
    var shouldStop: (() -> BatchError?)?

    init(window: Int, next: @escaping () throws(BatchError) -> Item?, emit: @escaping (Result) throws(BatchError) -> Void) {
        self.window = max(1, window)
        self.next = next
        self.emit = emit
    }

    /// Runs to the end of the items. `makeWorker` is called once per thread
    /// and returns that thread's processing function.
    func run(jobs: Int, makeWorker: @escaping @Sendable () -> (Item) -> Result) throws(BatchError) {
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
        while true {
            lock.lock()
            while failure == nil, !finished, taken - emitted >= window {
                lock.wait()
            }
            if failure == nil, !finished, let stop = shouldStop?() {
                failure = stop
                lock.broadcast()
            }
            if failure != nil || finished {
                lock.unlock()
                return
            }
            let sequence = taken
            let item: Item?
            do {
                item = try next()
            } catch {
                failure = error
                lock.broadcast()
                lock.unlock()
                return
            }
            guard let item else {
                finished = true
                lock.broadcast()
                lock.unlock()
                return
            }
            taken += 1
            lock.unlock()

            let result = process(item)

            lock.lock()
            done[sequence] = result
            while failure == nil, let ready = done.removeValue(forKey: emitted) {
                do {
                    try emit(ready)
                } catch {
                    failure = error
                }
                emitted += 1
            }
            lock.broadcast()
            lock.unlock()
        }
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
