/// Parses the condition language by recursive descent.
///
/// Precedence, loosest first (all binary operators are left-associative):
///
/// | level | operators |
/// |---|---|
/// | 1 | `or` |
/// | 2 | `and` |
/// | 3 | `not` (prefix) |
/// | 4 | `==` `!=` `<` `<=` `>` `>=` (chainable: `5 <= x <= 9`), `in [..]`, `not in [..]` |
/// | 5 | `+` `-` |
/// | 6 | `*` `/` |
/// | 7 | `-` (prefix) |
/// | 8 | literals, names, `f(..)` calls, `( .. )` |
///
/// Nesting is limited to `maxDepth` levels so that no expression can
/// exhaust the stack, here or in any later pass over the tree.
public struct Parser {
    /// The deepest expression tree accepted; documented in Rules/README.md.
    public static let maxDepth = 64

    private let tokens: [Token]
    private var position = 0
    private var depth = 0

    private init(tokens: [Token]) {
        self.tokens = tokens
    }

    /// Parses a whole expression; anything after it is an error.
    public static func parse(_ text: String) throws(ExpressionError) -> Expr {
        let tokens = try Lexer.tokenize(text)
        var parser = Parser(tokens: tokens)
        if case .end = parser.current.kind {
            throw ExpressionError("the expression is empty", at: 0..<0)
        }
        let expr = try parser.parseOr()
        guard case .end = parser.current.kind else {
            throw parser.unexpected("an operator or the end of the expression")
        }
        return expr
    }

    // MARK: - Grammar

    private mutating func parseOr() throws(ExpressionError) -> Expr {
        try parseLogical(.or, keyword: .or) { (parser: inout Parser) throws(ExpressionError) in try parser.parseAnd() }
    }

    private mutating func parseAnd() throws(ExpressionError) -> Expr {
        try parseLogical(.and, keyword: .and) { (parser: inout Parser) throws(ExpressionError) in try parser.parseNot() }
    }

    private mutating func parseLogical(
        _ op: LogicalOperator,
        keyword: Token.Keyword,
        operand: (inout Parser) throws(ExpressionError) -> Expr
    ) throws(ExpressionError) -> Expr {
        let first = try operand(&self)
        var operands = [first]
        while case .keyword(keyword) = current.kind {
            advance()
            operands.append(try operand(&self))
        }
        if operands.count == 1 { return first }
        return try make(.logical(op, operands), first.range.lowerBound..<operands.last!.range.upperBound)
    }

    private mutating func parseNot() throws(ExpressionError) -> Expr {
        guard case .keyword(.not) = current.kind else { return try parseComparison() }
        let start = current.range.lowerBound
        advance()
        try enter()
        defer { depth -= 1 }
        let operand = try parseNot()
        return try make(.not(operand), start..<operand.range.upperBound)
    }

    private mutating func parseComparison() throws(ExpressionError) -> Expr {
        let first = try parseAdditive()
        if case .keyword(.in) = current.kind {
            advance()
            return try parseMembership(first, negated: false)
        }
        if case .keyword(.not) = current.kind, case .keyword(.in) = peek.kind {
            advance()
            advance()
            return try parseMembership(first, negated: true)
        }
        var links: [ComparisonLink] = []
        while let op = comparisonOperator(current) {
            let operatorRange = current.range
            advance()
            let right = try parseAdditive()
            links.append(ComparisonLink(op: op, right: right, operatorRange: operatorRange))
        }
        if links.isEmpty { return first }
        return try make(.comparison(first, links), first.range.lowerBound..<links.last!.right.range.upperBound)
    }

    private mutating func parseMembership(_ value: Expr, negated: Bool) throws(ExpressionError) -> Expr {
        guard case .symbol(.leftBracket) = current.kind else {
            throw unexpected("'[' to start the list of values")
        }
        try enter()
        defer { depth -= 1 }
        advance()
        var items: [Expr] = []
        if case .symbol(.rightBracket) = current.kind {
            throw ExpressionError("the list is empty", at: current.range)
        }
        while true {
            items.append(try parseAdditive())
            if case .symbol(.comma) = current.kind {
                advance()
                continue
            }
            guard case .symbol(.rightBracket) = current.kind else {
                throw unexpected("',' or ']'")
            }
            let end = current.range.upperBound
            advance()
            return try make(.membership(value, items, negated: negated), value.range.lowerBound..<end)
        }
    }

    private mutating func parseAdditive() throws(ExpressionError) -> Expr {
        var left = try parseMultiplicative()
        while case .symbol(let symbol) = current.kind, symbol == .plus || symbol == .minus {
            advance()
            let right = try parseMultiplicative()
            left = try make(.arithmetic(symbol == .plus ? .add : .subtract, left, right), left.range.lowerBound..<right.range.upperBound)
        }
        return left
    }

    private mutating func parseMultiplicative() throws(ExpressionError) -> Expr {
        var left = try parseUnary()
        while case .symbol(let symbol) = current.kind, symbol == .star || symbol == .slash {
            advance()
            let right = try parseUnary()
            left = try make(.arithmetic(symbol == .star ? .multiply : .divide, left, right), left.range.lowerBound..<right.range.upperBound)
        }
        return left
    }

    private mutating func parseUnary() throws(ExpressionError) -> Expr {
        guard case .symbol(.minus) = current.kind else { return try parsePrimary() }
        let start = current.range.lowerBound
        advance()
        try enter()
        defer { depth -= 1 }
        let operand = try parseUnary()
        if case .number(let value, let isInteger) = operand.kind {
            return try make(.number(-value, isInteger: isInteger), start..<operand.range.upperBound)
        }
        return try make(.negate(operand), start..<operand.range.upperBound)
    }

    private mutating func parsePrimary() throws(ExpressionError) -> Expr {
        let token = current
        switch token.kind {
        case .number(let value, let isInteger):
            advance()
            return try make(.number(value, isInteger: isInteger), token.range)
        case .string(let text):
            advance()
            return try make(.string(text), token.range)
        case .keyword(.true):
            advance()
            return try make(.boolean(true), token.range)
        case .keyword(.false):
            advance()
            return try make(.boolean(false), token.range)
        case .identifier(let name):
            advance()
            if case .symbol(.leftParen) = current.kind {
                return try parseCall(name, start: token.range.lowerBound)
            }
            return try make(.name(name), token.range)
        case .symbol(.leftParen):
            advance()
            try enter()
            defer { depth -= 1 }
            let inner = try parseOr()
            guard case .symbol(.rightParen) = current.kind else {
                throw unexpected("')' to close the '('")
            }
            let end = current.range.upperBound
            advance()
            // The range takes in the parentheses, so that the text of any node
            // around it (in messages and explanations) is balanced.
            return Expr(inner.kind, token.range.lowerBound..<end)
        default:
            throw unexpected("a value, a name or '('")
        }
    }

    private mutating func parseCall(_ name: String, start: Int) throws(ExpressionError) -> Expr {
        try enter()
        defer { depth -= 1 }
        advance()  // (
        var arguments: [Expr] = []
        if case .symbol(.rightParen) = current.kind {
            let end = current.range.upperBound
            advance()
            return try make(.call(name, arguments), start..<end)
        }
        while true {
            arguments.append(try parseOr())
            if case .symbol(.comma) = current.kind {
                advance()
                continue
            }
            guard case .symbol(.rightParen) = current.kind else {
                throw unexpected("',' or ')'")
            }
            let end = current.range.upperBound
            advance()
            return try make(.call(name, arguments), start..<end)
        }
    }

    // MARK: - Helpers

    private var current: Token { tokens[position] }

    private var peek: Token { tokens[min(position + 1, tokens.count - 1)] }

    private mutating func advance() {
        if position < tokens.count - 1 { position += 1 }
    }

    private mutating func enter() throws(ExpressionError) {
        depth += 1
        if depth > Self.maxDepth {
            throw ExpressionError("the expression is nested more than \(Self.maxDepth) levels deep", at: current.range)
        }
    }

    private func make(_ kind: Expr.Kind, _ range: Range<Int>) throws(ExpressionError) -> Expr {
        let expr = Expr(kind, range)
        if expr.depth > Self.maxDepth {
            throw ExpressionError("the expression is nested more than \(Self.maxDepth) levels deep", at: range)
        }
        return expr
    }

    private func comparisonOperator(_ token: Token) -> ComparisonOperator? {
        guard case .symbol(let symbol) = token.kind else { return nil }
        return switch symbol {
        case .equal: .equal
        case .notEqual: .notEqual
        case .less: .less
        case .lessEqual: .lessEqual
        case .greater: .greater
        case .greaterEqual: .greaterEqual
        default: nil
        }
    }

    private func unexpected(_ expected: String) -> ExpressionError {
        let token = current
        var notes: [String] = []
        if case .identifier(let name) = token.kind, ["AND", "OR", "NOT", "And", "Or", "Not", "IN"].contains(name) {
            notes.append("operators are lower case: '\(name.lowercased())'")
        }
        if case .identifier(let name) = token.kind, name == "is" {
            notes.append("to compare, write '==' (e.g. status == active)")
        }
        let range = token.kind == .end ? token.range.lowerBound..<token.range.lowerBound : token.range
        return ExpressionError("expected \(expected), found \(token.display)", at: range, notes: notes)
    }
}
