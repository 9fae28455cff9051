@testable import StratifyCore

import Testing

@Suite("FixedBuffer")
struct FixedBufferTests {
    /// Counts its live instances, so a test can see that a buffer's
    /// `deinit` deinitializes every element it holds.
    final class Tracked {
        nonisolated(unsafe) static var live = 0
        let tag: Int
        init(_ tag: Int) {
            self.tag = tag
            Tracked.live += 1
        }
        deinit { Tracked.live -= 1 }
    }

    // One test touches `Tracked.live`, so no other test can race with it.
    @Test func deinitReleasesEveryElement() {
        let before = Tracked.live
        do {
            let buffer = FixedBuffer((0..<5).map { Tracked($0) })
            #expect(Tracked.live == before + 5)
            #expect(buffer.count == 5)
            #expect(buffer[3].tag == 3)
            buffer[3] = Tracked(30)  // the replaced element is released at once
            #expect(Tracked.live == before + 5)
            #expect(buffer[3].tag == 30)
            var grown = FixedBuffer(copying: buffer, count: 7, padding: Tracked(-1))
            #expect(Tracked.live == before + 6)  // the padding is one shared instance
            #expect(grown.elements.map { $0.tag } == [0, 1, 2, 30, 4, -1, -1])
            grown = FixedBuffer(repeating: Tracked(9), count: 2)  // the old `grown` is freed here
            #expect(Tracked.live == before + 5 + 1)
            _ = grown
        }
        #expect(Tracked.live == before)
        do {
            let box = StateBox(Tracked(1))
            #expect(Tracked.live == before + 1)
            box.value = Tracked(2)
            #expect(Tracked.live == before + 1)
            #expect(box.value.tag == 2)
        }
        #expect(Tracked.live == before)
    }

    @Test func readsAndWritesInPlace() {
        let buffer = FixedBuffer(repeating: 0.5, count: 4)
        buffer[1] = 2
        buffer.baseAddress[2] = 3
        #expect(Array(buffer.elements) == [0.5, 2, 3, 0.5])
        buffer.fill(with: 7)
        #expect(Array(buffer.elements) == [7, 7, 7, 7])
        #expect(buffer.indices == 0..<4)
        let shrunk = FixedBuffer(copying: buffer, count: 2, padding: 0)
        #expect(Array(shrunk.elements) == [7, 7])
    }

    @Test func uninitializedBytesAreWrittenThenRead() {
        let bytes = FixedBuffer<UInt8>(uninitializedCount: 3)
        bytes.rawBytes.copyBytes(from: [1, 2, 3])
        #expect(Array(bytes.elements) == [1, 2, 3])
        #expect(bytes.rawBytes.count == 3)
    }

    @Test func emptyBufferHasAnAddress() {
        let empty = FixedBuffer<Int>([])
        #expect(empty.count == 0)
        #expect(empty.elements.isEmpty)
        _ = empty.baseAddress  // a real allocation: never nil, never dangling
    }

    @Test func stateBoxKeepsItsAddress() {
        struct Counter {
            var hits = 0
        }
        let box = StateBox(Counter())
        let address = box.pointer
        box.value.hits += 2
        box.pointer.pointee.hits += 1
        #expect(box.value.hits == 3)
        #expect(box.pointer == address)
    }

    #if DEBUG
    @Test func indexOutOfRangeTrapsInDebugBuilds() async {
        await #expect(processExitsWith: .failure) {
            let buffer = FixedBuffer(repeating: 1, count: 2)
            _ = buffer[2]
        }
        await #expect(processExitsWith: .failure) {
            let buffer = FixedBuffer(repeating: 1, count: 2)
            buffer[-1] = 0
        }
    }
    #endif
}
