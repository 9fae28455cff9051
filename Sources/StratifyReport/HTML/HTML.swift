/// Text made safe for HTML element content and attribute values.
package func htmlEscaped(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for character in text.unicodeScalars {
        switch character {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.unicodeScalars.append(character)
        }
    }
    return out
}

/// Builds an HTML document by appending: plain string building with one
/// escaping helper, so that what goes out is easy to see in the code.
package struct HTMLWriter {
    package private(set) var text = ""

    package init() {}

    /// Raw markup, written as it is (only literals and other writers' output).
    package mutating func raw(_ markup: String) {
        text += markup
    }

    /// Text content, escaped.
    package mutating func escaped(_ content: String) {
        text += htmlEscaped(content)
    }

    /// `<tag attributes>escaped content</tag>`.
    package mutating func element(_ tag: String, _ attributes: [(String, String)], _ content: String) {
        open(tag, attributes)
        escaped(content)
        close(tag)
    }

    /// `<tag>escaped content</tag>`.
    package mutating func element(_ tag: String, _ content: String) {
        element(tag, [], content)
    }

    package mutating func open(_ tag: String, _ attributes: [(String, String)] = []) {
        text += "<" + tag
        for (name, value) in attributes { text += " \(name)=\"\(htmlEscaped(value))\"" }
        text += ">"
    }

    package mutating func close(_ tag: String) {
        text += "</\(tag)>"
    }
}

/// The palette: a sequential ramp from light to dark (distinct in lightness,
/// so it reads in greyscale print and with every common colour-vision
/// deficiency: it follows ColorBrewer's "Blues" lightness steps), and the
/// text colour that stays readable on each step.
package enum Palette {
    package static let ramp = ["#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b"]
    package static let textOn = ["#000", "#000", "#000", "#fff", "#fff"]

    /// The ramp step of item `index` of `count` ordered items (a tier scale):
    /// the lowest light, the highest darkest; never the near-white step.
    package static func step(_ index: Int, of count: Int) -> Int {
        guard count > 1 else { return ramp.count - 1 }
        return 1 + Int((Double(index) * Double(ramp.count - 2) / Double(count - 1)).rounded())
    }
}
