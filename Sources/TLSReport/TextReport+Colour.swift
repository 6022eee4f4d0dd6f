import TLSAudit

extension TextReport {
    /// The report, coloured for a terminal when `colour` is true.
    public static func render(_ analysis: ScanAnalysis, colour: Bool) -> String {
        colour ? colourize(render(analysis)) : render(analysis)
    }

    /// Adds ANSI colour to a rendered report for a terminal: verdicts, ratings and failure marks.
    /// Applied after layout, so column alignment is unchanged; callers use it only on a TTY.
    public static func colourize(_ text: String) -> String {
        let red = "\u{1B}[31m", green = "\u{1B}[32m", yellow = "\u{1B}[33m", bold = "\u{1B}[1m", reset = "\u{1B}[0m"
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            var line = String(line)
            for (word, colour) in [(": NOT COMPATIBLE", red), (": COMPATIBLE", green), (": UNDECIDED", yellow),
                                   ("INSECURE", red), ("NOT TRUSTED", red), ("VIOLATED", red), ("UNDECIDED", yellow)] {
                line = line.replacing(word, with: colour + bold + word + reset)
            }
            if line.hasSuffix(" weak") {
                line = String(line.dropLast(4)) + yellow + "weak" + reset
            }
            line = line.replacing("✗", with: red + "✗" + reset)
            return line
        }
        return lines.joined(separator: "\n")
    }
}
