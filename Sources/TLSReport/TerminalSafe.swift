/// Makes one line of text that a server (or a file) controls safe to show to a person.
///
/// Certificate subjects, issuers and SANs, alert descriptions, OpenSSL/GnuTLS error strings, finding
/// messages that quote them, and target names read from files all reach the human reports. A terminal
/// obeys the control characters in them: `\r` plus `ESC [2K` rewrites the verdict line, `ESC ] 52`
/// writes the clipboard, U+202E turns the rest of a line around. Every human renderer (text, the fleet
/// table, Markdown, HTML, CSV, JUnit) passes such strings through ``escape(_:)`` before its own
/// format-specific escaping; the text report's colours are added afterwards, so the tool's own escape
/// sequences are the only ones that reach a terminal.
package enum TerminalSafe {
    /// Shows every scalar a terminal or a bidi-aware viewer would act on as visible text: C0 controls
    /// (U+0000–U+001F, line feed and tab included: the text is one line), DEL, C1 controls
    /// (U+0080–U+009F) as `\xHH`; Unicode bidirectional controls (U+061C, U+200E, U+200F, U+202A–U+202E,
    /// U+2066–U+2069) and the line and paragraph separators (U+2028, U+2029) as `\u{HHHH}`.
    /// Everything else, a backslash included, is kept as it is.
    package static func escape(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar) else {
                out.unicodeScalars.append(scalar)
                continue
            }
            out += scalar.value < 0x100 ? "\\x" + hex(scalar.value, digits: 2) : "\\u{" + hex(scalar.value, digits: 4) + "}"
        }
        return out
    }

    /// True for the scalars ``escape(_:)`` rewrites.
    package static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0x2028, 0x2029: true
        default: false
        }
    }

    static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
