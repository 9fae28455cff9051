/// Finds the scored records of a batch that repeat an earlier record's
/// identifier, in place of the batch's own check (``IdentifierTable``).
///
/// The monitoring commands hold every patient of a side in a table keyed by
/// identifier anyway: looking each identifier up there finds its repeats
/// for free, where the batch's check would hash every identifier a second
/// time and probe a second table (an eighth of `track`'s time, measured).
/// Given one, the batch keeps only each scored record's number and line;
/// the warnings it writes are the same, in the same place among the
/// rejected records.
///
/// It is the consumer of the batch's output (the ``ByteSink`` the records
/// go to), called on the writer's thread: `chunkBegins`, then the chunk's
/// records handed on in order, then `chunkEnds`.
public protocol RepeatedIdentifierFinder: AnyObject {
    /// Before a chunk's records are handed on: the number in the batch of
    /// each of its scored records, in order.
    func chunkBegins(records: ScoredRecordNumbers)
    /// After: the chunk's scored records that repeat an earlier record's
    /// identifier, in order.
    func chunkEnds() -> [RepeatedIdentifier]
}

/// The numbers in the batch (from 1) of one chunk's scored records.
public struct ScoredRecordNumbers: Sendable {
    /// Records of the batch before the chunk.
    let base: Int
    /// Each scored record's number within the chunk (from 1).
    let numbers: [Int32]

    public init(base: Int, numbers: [Int32]) {
        self.base = base
        self.numbers = numbers
    }

    public var count: Int { numbers.count }

    /// The number in the batch of the chunk's `index`th scored record (from 0).
    public subscript(index: Int) -> Int { base + Int(numbers[index]) }
}

/// A scored record whose identifier an earlier record of the batch had.
public struct RepeatedIdentifier: Sendable, Equatable {
    /// Its index among its chunk's scored records.
    public var scored: Int
    /// The number in the batch of the earlier record.
    public var first: Int
    public var identifier: String

    public init(scored: Int, first: Int, identifier: String) {
        self.scored = scored
        self.first = first
        self.identifier = identifier
    }
}
