import StratifyCore
extension SourceFile {
    /// The location of byte `offset`, found by walking forward from a known
    /// location rather than from the start of the file. Falls back to a scan
    /// from the start when `offset` lies before `known`.
    func location(from known: SourceLocation, advancingTo offset: Int) -> SourceLocation {
        let target = min(max(offset, 0), bytes.count)
        guard known.offset >= 0, known.offset <= target else { return location(ofOffset: target) }
        var line = known.line
        var column = known.column
        var index = known.offset
        while index < target {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
            index += 1
        }
        return SourceLocation(line: line, column: column, offset: target)
    }
}
