/// "Did you mean …?" for misspelled keys and names.
public enum Suggestions {
    /// The candidate closest to `word` by edit distance, when it is close
    /// enough to be a likely typo (at most a third of the word's length,
    /// and at least 1), or when one contains the other.
    public static func closest(to word: String, in candidates: some Sequence<String>) -> String? {
        let target = Array(word.lowercased().utf8)
        var best: (name: String, distance: Int)?
        var containing: String?
        // Ties go to the name first in byte order, so that the note does not
        // depend on the order of a dictionary's keys.
        func precedes(_ a: String, _ b: String?) -> Bool {
            b.map { a.utf8.lexicographicallyPrecedes($0.utf8) } ?? true
        }
        for candidate in candidates {
            let lowered = Array(candidate.lowercased().utf8)
            let distance = editDistance(target, lowered)
            if distance < (best?.distance ?? Int.max) || (distance == best?.distance && precedes(candidate, best?.name)) {
                best = (candidate, distance)
            }
            // Containment counts from 3 characters on; below that, everything contains everything.
            if min(target.count, lowered.count) >= 3, contains(lowered, target) || contains(target, lowered), precedes(candidate, containing) {
                containing = candidate
            }
        }
        let limit = max(1, target.count / 3)
        if let best, best.distance <= limit { return best.name }
        return containing
    }

    private static func contains(_ text: [UInt8], _ part: [UInt8]) -> Bool {
        guard part.count <= text.count else { return false }
        return (0...(text.count - part.count)).contains { text[$0..<($0 + part.count)].elementsEqual(part) }
    }

    /// A note for a diagnostic, or nil when nothing is close.
    public static func note(for word: String, in candidates: some Sequence<String>) -> String? {
        closest(to: word, in: candidates).map { "did you mean '\($0)'?" }
    }

    static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
