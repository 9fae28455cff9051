/// RFC 4180 read one byte at a time, written to be obviously right rather
/// than fast: the reference that `CSVChunker` and `CSVRecordScanner` (word
/// path and byte loop) are checked against, so the quoting grammar they
/// each implement cannot drift apart unseen.
///
/// The dialect is the one the README documents: records end at LF or CR LF
/// (or a CR that ends the input); a CR anywhere else is data; blank lines
/// are no records; a field that starts with `"` is quoted, `""` in it is
/// one quote, and only `,` or a line end may follow its closing quote; a
/// `"` inside an unquoted field is data.
enum CSVReferenceParser {
    struct Record: Equatable {
        var line: Int
        var fields: [String]
    }

    /// The records before the first malformed one (an unterminated quote,
    /// or text after a closing quote), and that one's first line, if any.
    static func parse(_ input: [UInt8]) -> (records: [Record], malformedLine: Int?) {
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
        /// The length of the line end at `i` (LF, CR LF, or a CR that ends the input), or nil.
        func lineEnd(at i: Int) -> Int? {
            guard i < input.count else { return nil }
            if input[i] == lf { return 1 }
            if input[i] == cr && i + 1 == input.count { return 1 }
            if input[i] == cr && input[i + 1] == lf { return 2 }
            return nil
        }
        var records: [Record] = []
        var i = 0
        var line = 1
        while i < input.count {
            if let blank = lineEnd(at: i) {
                i += blank
                line += 1
                continue
            }
            let recordLine = line
            var fields: [String] = []
            while true {
                var field: [UInt8] = []
                if input[i...].first == quote {
                    i += 1
                    while true {
                        guard i < input.count else { return (records, recordLine) }  // never closed
                        if input[i] == quote && i + 1 < input.count && input[i + 1] == quote {
                            field.append(quote)
                            i += 2
                        } else if input[i] == quote {
                            i += 1
                            break
                        } else {
                            if input[i] == lf { line += 1 }
                            field.append(input[i])
                            i += 1
                        }
                    }
                    if i < input.count && input[i] != comma && lineEnd(at: i) == nil { return (records, recordLine) }
                } else {
                    while i < input.count && input[i] != comma && lineEnd(at: i) == nil {
                        field.append(input[i])
                        i += 1
                    }
                }
                fields.append(String(decoding: field, as: UTF8.self))
                guard i < input.count && input[i] == comma else { break }
                i += 1
            }
            if let end = lineEnd(at: i) {
                i += end
                line += 1
            }
            records.append(Record(line: recordLine, fields: fields))
        }
        return (records, nil)
    }
}
