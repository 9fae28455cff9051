/// Builds the fixed text of the JSON trace, once per program, as
/// fragments of one byte arena: the bytes a writer copies between the
/// values of a record.
///
/// Text is joined as far as the record allows: text that follows a
/// fragment (or a set of variants, of which a record writes one) is added
/// to it until a value of the record comes (`hole()`); text after a value
/// waits and opens the next fragment, or is copied into each of the next
/// variants. So the writer copies one fragment between two values, however
/// many keys, ids and sentences lie between them. A builder is used in the
/// writer's order, one call per thing the writer writes.
struct TraceJSONFragments {
    /// Fragment bytes, by id.
    private(set) var pieces: [[UInt8]] = []
    /// True for the fragments a record may write more than once (names).
    private(set) var repeatable: [Bool] = []
    /// The fragments that text goes to.
    private var open: [Int] = []
    /// Text after a value, for the next fragment.
    private var pending: [UInt8] = []
    /// Places where a record writes something of its own.
    private(set) var holes = 0

    /// Adds text to the fragments being built, or keeps it for the next.
    mutating func text(_ bytes: [UInt8]) {
        if open.isEmpty {
            pending += bytes
        } else {
            for id in open { pieces[id] += bytes }
        }
    }

    mutating func text(_ string: String) {
        text(Array(string.utf8))
    }

    /// A value of the record comes next: text that follows starts anew.
    mutating func hole() {
        precondition(pending.isEmpty, "text with no fragment to hold it")
        open = []
        holes += 1
    }

    /// Fragments of which the writer copies one, each the pending text and
    /// its own; text added next goes to all of them. Ids are consecutive.
    mutating func variants(_ texts: [[UInt8]]) -> [Int] {
        let ids = texts.map { text -> Int in
            pieces.append(pending + text)
            repeatable.append(false)
            return pieces.count - 1
        }
        pending = []
        open = ids
        return ids
    }

    mutating func variants(_ texts: [String]) -> [Int] {
        variants(texts.map { Array($0.utf8) })
    }

    /// A fragment the writer copies next; text added next goes to it.
    mutating func start() -> Int {
        variants([[UInt8]()])[0]
    }

    /// A fragment outside the sequence: a name (`repeatable`) or the text
    /// of a part of a condition.
    mutating func standalone(_ bytes: [UInt8], repeatable: Bool) -> Int {
        pieces.append(bytes)
        self.repeatable.append(repeatable)
        return pieces.count - 1
    }

    /// Makes text added next go to these fragments (the ends of an object
    /// that can close in several ways).
    mutating func open(_ ids: [Int]) {
        precondition(pending.isEmpty, "text with no fragment to hold it")
        open = ids
    }

    /// The bytes of the fragments a record writes at most once.
    var onceBytes: Int {
        zip(pieces, repeatable).reduce(0) { $0 + ($1.1 ? 0 : $1.0.count) }
    }

    var longestRepeatable: Int {
        zip(pieces, repeatable).reduce(0) { $1.1 ? max($0, $1.0.count) : $0 }
    }

    /// The arena (padded, so that a copy may read 16 bytes past a
    /// fragment's end) and each fragment's place in it.
    func finish() -> (arena: [UInt8], fragments: [TraceJSONLayout.Fragment]) {
        precondition(pending.isEmpty, "text with no fragment to hold it")
        var arena: [UInt8] = []
        var fragments: [TraceJSONLayout.Fragment] = []
        for piece in pieces {
            fragments.append(TraceJSONLayout.Fragment(start: Int32(arena.count), count: Int32(piece.count)))
            arena += piece
        }
        arena += [UInt8](repeating: 0, count: 32)
        return (arena, fragments)
    }
}
