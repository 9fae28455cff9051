import StratifyCore
/// Builds the `YAMLNode` tree from libyaml events and enforces `YAMLLimits`.
///
/// The tree is built with an explicit stack of open collections, never by
/// recursion, so no input can overflow the call stack; and every limit is
/// checked on the event that would break it, so that parsing stops there
/// without reading the rest of the file.
struct TreeBuilder {
    private let source: SourceFile
    private let limits: YAMLLimits
    private var cursor: PositionCursor
    private var stack: [CollectionFrame] = []
    private var anchors: [String: AnchorState] = [:]
    private var nodeCount = 0
    private var aliasCount = 0
    private var firstDocument: SourceLocation?
    private var root: YAMLNode?

    init(source: SourceFile, limits: YAMLLimits) {
        self.source = source
        self.limits = limits
        self.cursor = PositionCursor(bytes: source.bytes, bomLength: source.bomLength)
    }

    /// Takes one event; returns the document's root once the stream has ended.
    mutating func consume(_ event: LibYAMLEvent) throws(DiagnosticError) -> YAMLNode? {
        switch event.kind {
        case .streamStart, .documentEnd:
            return nil
        case .documentStart:
            try startDocument(at: event.start)
            return nil
        case .streamEnd:
            return try finish()
        case .scalar(let value, let style, let anchor, let tag):
            try scalar(value, style: style, anchor: anchor, tag: tag, event: event)
            return nil
        case .sequenceStart(let anchor, let tag):
            try startCollection(isMapping: false, anchor: anchor, tag: tag, at: event.start)
            return nil
        case .mappingStart(let anchor, let tag):
            try startCollection(isMapping: true, anchor: anchor, tag: tag, at: event.start)
            return nil
        case .sequenceEnd, .mappingEnd:
            try endCollection(at: event.end)
            return nil
        case .alias(let name):
            try alias(name, at: event.start, end: event.end)
            return nil
        }
    }

    // MARK: - Documents

    private mutating func startDocument(at mark: LibYAMLMark) throws(DiagnosticError) {
        let location = cursor.location(ofCharacterIndex: mark.index)
        guard let first = firstDocument else {
            firstDocument = location
            return
        }
        throw error(
            "a rule file holds one YAML document; found a second at \(location)",
            at: location,
            length: 3,
            notes: ["the first document starts at line \(first.line)"]
        )
    }

    private func finish() throws(DiagnosticError) -> YAMLNode {
        // A lone `---` yields an empty plain scalar: as empty as no document.
        guard let root, !(root.tag == nil && root.isEmptyPlainScalar) else {
            throw error(YAMLLoader.emptyFileMessage, at: SourceLocation(line: 1, column: 1, offset: 0))
        }
        return root
    }

    // MARK: - Scalars

    private mutating func scalar(
        _ value: String,
        style: YAMLNode.ScalarStyle,
        anchor: String?,
        tag: String?,
        event: LibYAMLEvent
    ) throws(DiagnosticError) {
        let start = cursor.location(ofCharacterIndex: event.start.index)
        let end = cursor.location(ofCharacterIndex: event.end.index)
        // The event starts at the first property, if any; the node's location
        // is its first character, after the properties and an opening quote.
        var contentOffset = start.offset
        var tagRange: Range<Int>?
        if anchor != nil || tag != nil {
            let properties = NodeProperties(bytes: source.bytes, from: start.offset, limit: end.offset)
            contentOffset = properties.contentOffset
            tagRange = properties.tag
        }
        if style == .singleQuoted || style == .doubleQuoted, contentOffset < end.offset,
            source.bytes[contentOffset] == UInt8(ascii: style == .singleQuoted ? "'" : "\"")
        {
            contentOffset += 1
        }
        let location = source.location(from: start, advancingTo: min(contentOffset, end.offset))

        let shortTag = try checkTag(tag, on: .scalar, range: tagRange, nodeStart: start)
        let size = value.utf8.count
        if size > limits.maxScalarBytes {
            throw error("a scalar of \(size) bytes is over the limit of \(limits.maxScalarBytes) bytes", at: location)
        }
        try countNodes(1, at: location)

        let node = YAMLNode(kind: .scalar(value, style), location: location, end: end, tag: shortTag)
        if let anchor {
            anchors[anchor] = .complete(node: node, size: 1, height: 0)
        }
        try attach(node, size: 1, height: 0, reportedAt: location, length: Self.span(of: node))
    }

    // MARK: - Collections

    private mutating func startCollection(
        isMapping: Bool,
        anchor: String?,
        tag: String?,
        at mark: LibYAMLMark
    ) throws(DiagnosticError) {
        let start = cursor.location(ofCharacterIndex: mark.index)
        if let top = stack.last, top.isMapping, top.pendingKey == nil {
            throw error("mapping keys must be scalars", at: start)
        }
        // Refuse the first collection past the limit at once: libyaml's cost
        // grows with the square of flow nesting, so reading on is not an option.
        if stack.count >= limits.maxDepth {
            throw error("the rule file nests mappings and lists deeper than \(limits.maxDepth) levels", at: start)
        }
        var tagRange: Range<Int>?
        if tag != nil {
            tagRange = NodeProperties(bytes: source.bytes, from: start.offset, limit: source.bytes.count).tag
        }
        let shortTag = try checkTag(tag, on: isMapping ? .mapping : .sequence, range: tagRange, nodeStart: start)
        try countNodes(1, at: start)
        if let anchor {
            anchors[anchor] = .open
        }
        stack.append(CollectionFrame(isMapping: isMapping, start: start, tag: shortTag, anchor: anchor))
    }

    private mutating func endCollection(at mark: LibYAMLMark) throws(DiagnosticError) {
        // libyaml pairs start and end events, so the stack is never empty here.
        guard let frame = stack.popLast() else { return }
        let end = cursor.location(ofCharacterIndex: mark.index)
        let kind: YAMLNode.Kind = frame.isMapping ? .mapping(frame.pairs) : .sequence(frame.items)
        let node = YAMLNode(kind: kind, location: frame.start, end: end, tag: frame.tag)
        if let anchor = frame.anchor {
            anchors[anchor] = .complete(node: node, size: frame.size, height: frame.height)
        }
        try attach(node, size: frame.size, height: frame.height, reportedAt: frame.start, length: 1)
    }

    // MARK: - Aliases

    private mutating func alias(_ name: String, at mark: LibYAMLMark, end: LibYAMLMark) throws(DiagnosticError) {
        let location = cursor.location(ofCharacterIndex: mark.index)
        let length = max(1, end.index - mark.index)
        aliasCount += 1
        if aliasCount > limits.maxAliases {
            throw error("the rule file uses more than \(limits.maxAliases) aliases", at: location, length: length)
        }
        switch anchors[name] {
        case nil:
            throw error("undefined alias '*\(name)': no anchor '&\(name)' comes before it", at: location, length: length)
        case .open:
            throw error(
                "alias '*\(name)' refers to a node that contains it (a recursive alias)",
                at: location,
                length: length
            )
        case .complete(let node, let size, let height):
            if height > 0, stack.count + height > limits.maxDepth {
                throw error(
                    "alias '*\(name)' nests mappings and lists deeper than \(limits.maxDepth) levels",
                    at: location,
                    length: length
                )
            }
            try countNodes(size, at: location, length: length)
            // The copy keeps the anchored node's locations: its text is there.
            try attach(node, size: size, height: height, reportedAt: location, length: length)
        }
    }

    // MARK: - Shared steps

    private mutating func attach(
        _ node: YAMLNode,
        size: Int,
        height: Int,
        reportedAt location: SourceLocation,
        length: Int
    ) throws(DiagnosticError) {
        guard !stack.isEmpty else {
            root = node
            return
        }
        let top = stack.count - 1
        stack[top].size += size
        stack[top].height = max(stack[top].height, height + 1)
        guard stack[top].isMapping else {
            stack[top].items.append(node)
            return
        }
        if let key = stack[top].pendingKey {
            stack[top].pairs.append((key: key, value: node))
            stack[top].pendingKey = nil
            return
        }
        guard case .scalar(let text, _) = node.kind else {
            throw error("mapping keys must be scalars", at: location, length: length)
        }
        if let firstLine = stack[top].keyLines[text] {
            throw error(
                "duplicate key '\(Self.abbreviated(text))' (first defined on line \(firstLine))",
                at: location,
                length: length
            )
        }
        stack[top].keyLines[text] = location.line
        stack[top].pendingKey = node
    }

    private mutating func countNodes(_ count: Int, at location: SourceLocation, length: Int = 1) throws(DiagnosticError) {
        nodeCount += count
        if nodeCount > limits.maxNodes {
            throw error(
                "the rule file has more than \(limits.maxNodes) nodes once aliases are expanded",
                at: location,
                length: length
            )
        }
    }

    private func checkTag(
        _ tag: String?,
        on kind: CoreSchemaTag.NodeKind,
        range: Range<Int>?,
        nodeStart: SourceLocation
    ) throws(DiagnosticError) -> String? {
        guard let tag else { return nil }
        let verdict = CoreSchemaTag.check(tag, on: kind)
        if case .allowed(let short) = verdict { return short }
        var location = nodeStart
        var written = CoreSchemaTag.display(tag)
        if let range, range.lowerBound >= nodeStart.offset {
            location = source.location(from: nodeStart, advancingTo: range.lowerBound)
            written = String(decoding: source.bytes[range], as: UTF8.self)
        }
        let length = written.unicodeScalars.count
        switch verdict {
        case .wrongKind(let short):
            throw error("tag '\(short)' cannot be used on \(kind.description)", at: location, length: length)
        default:
            throw error(
                "tag '\(written)' is not allowed: a rule file may use only the YAML core schema tags (!!str, !!int, !!float, !!bool, !!null, !!map, !!seq) and the non-specific '!'",
                at: location,
                length: length
            )
        }
    }

    // MARK: - Diagnostics

    private func error(
        _ message: String,
        at location: SourceLocation?,
        length: Int = 1,
        notes: [String] = []
    ) -> DiagnosticError {
        DiagnosticError(.error(message, path: source.path, at: location, length: length, notes: notes))
    }

    /// The diagnostic for an error that libyaml reported.
    mutating func error(for failure: LibYAMLFailure) -> DiagnosticError {
        let location: SourceLocation
        switch failure.position {
        case .mark(let mark):
            location = cursor.location(ofCharacterIndex: mark.index)
        case .byteOffset(let offset):
            location = source.location(ofOffset: offset)
        }
        var message = failure.problem
        if let value = failure.value {
            message += " (found U+\(Self.hex(value)))"
        }
        var notes: [String] = []
        if let context = failure.context, let mark = failure.contextMark {
            let contextLocation = cursor.location(ofCharacterIndex: mark.index)
            notes.append("\(context) that starts at \(contextLocation)")
        }
        if location.offset < source.bytes.count, source.bytes[location.offset] == UInt8(ascii: "\t") {
            notes.append("YAML does not allow tabs for indentation; use spaces")
        }
        return error(message, at: location, notes: notes)
    }

    // MARK: - Helpers

    /// How many columns a key's caret should underline.
    private static func span(of node: YAMLNode) -> Int {
        guard node.location.line == node.end.line else { return 1 }
        var columns = node.end.column - node.location.column
        if case .scalar(_, let style) = node.kind, style == .singleQuoted || style == .doubleQuoted {
            columns -= 1
        }
        return max(1, columns)
    }

    private static func abbreviated(_ text: String) -> String {
        var shown = ""
        for (count, scalar) in text.unicodeScalars.enumerated() {
            if count == 60 {
                shown += "…"
                break
            }
            switch scalar {
            case "\n": shown += "\\n"
            case "\t": shown += "\\t"
            default: shown.unicodeScalars.append(scalar)
            }
        }
        return shown
    }

    private static func hex(_ value: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}

/// An open mapping or sequence on the builder's stack.
private struct CollectionFrame {
    var isMapping: Bool
    var start: SourceLocation
    var tag: String?
    var anchor: String?
    var items: [YAMLNode] = []
    var pairs: [(key: YAMLNode, value: YAMLNode)] = []
    /// A mapping's key that still waits for its value.
    var pendingKey: YAMLNode?
    /// The line of each key's first occurrence, to report duplicates.
    var keyLines: [String: Int] = [:]
    /// Nodes in this subtree so far, this one included.
    var size = 1
    /// Levels of collections in this subtree, this one included.
    var height = 1
}

/// What an anchor name refers to while the document is being read.
private enum AnchorState {
    /// The anchored collection has started but not ended yet.
    case open
    case complete(node: YAMLNode, size: Int, height: Int)
}

extension YAMLNode {
    fileprivate var isEmptyPlainScalar: Bool {
        if case .scalar("", .plain) = kind { return true }
        return false
    }
}
