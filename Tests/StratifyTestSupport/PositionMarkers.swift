/// Position markers (`1️⃣`, `2️⃣`, …) inside a test's source text, as
/// swift-syntax's `assertParse` writes them: a test reads like the
/// diagnostics it expects, at the places it marks.
package enum PositionMarkers {
    /// The text without its markers, and the line and column (1-based, in
    /// Unicode scalars, as diagnostics count them) where each marker was.
    package static func strip(_ marked: String) -> (text: String, places: [String: (line: Int, column: Int)]) {
        var text = ""
        var places: [String: (line: Int, column: Int)] = [:]
        var line = 1
        var column = 1
        for character in marked {
            // A keycap: a digit, U+FE0F, U+20E3.
            if character.unicodeScalars.count == 3, character.unicodeScalars.last?.value == 0x20E3 {
                places[String(character)] = (line, column)
                continue
            }
            text.append(character)
            if character == "\n" {
                line += 1
                column = 1
            } else {
                column += character.unicodeScalars.count
            }
        }
        return (text, places)
    }
}
