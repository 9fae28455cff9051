import StratifyCore
public extension SourceFile {
    /// The source location of the character at byte `utf8Offset` of a
    /// scalar's value (the decoded string, as `node.scalar` holds it).
    ///
    /// Used to point inside a scalar, such as at the exact column of an
    /// unknown name in a `when:` expression. The mapping is exact for every
    /// scalar style: plain and quoted scalars with line folding, `''` in
    /// single quotes, escapes in double quotes (`\"`, `\n` and `\u00e9` map to
    /// their backslash), and literal and folded block scalars (a line break
    /// that folds into a space maps to the break). An offset at or past the
    /// end maps to just after the value. When the node is not a scalar of this
    /// file, or its source cannot be re-read exactly, the result is
    /// `node.location`.
    func location(in node: YAMLNode, utf8Offset: Int) -> SourceLocation {
        guard let map = ScalarSourceMap(source: bytes, node: node) else { return node.location }
        let offset = map.sourceOffset(forValueOffset: utf8Offset)
        return location(from: node.location, advancingTo: offset)
    }
}
