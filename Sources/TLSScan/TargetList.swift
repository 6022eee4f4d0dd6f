/// One line of a targets list: where to connect, and optionally what to send as SNI and expect as Host header.
public struct TargetSpec: Sendable, Hashable, CustomStringConvertible {
    public var target: Target
    /// SNI for this target (overrides `--sni`).
    public var serverName: String?
    /// The Host header CloudFront would forward (overrides `--host-header`).
    public var hostHeader: String?
    /// Where the target came from, for error messages: "file:line" or "argument N".
    public var origin: String

    public init(target: Target, serverName: String? = nil, hostHeader: String? = nil, origin: String = "") {
        self.target = target
        self.serverName = serverName
        self.hostHeader = hostHeader
        self.origin = origin
    }

    public var description: String { target.description }
}

/// Parses target lists: `TARGET [sni=NAME] [host=HEADER]` per line, `#` comments, blank lines ignored.
public enum TargetList {
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// Parses the text of a targets file; `source` names it in errors ("targets.txt:12: …").
    /// Duplicate targets (same host, port, SNI and Host header) are kept once.
    public static func parse(_ text: String, source: String, defaultPort: Int = 443) throws(ParseError) -> [TargetSpec] {
        guard !text.utf8.contains(0) else { throw ParseError(description: "\(source): contains NUL bytes; not a text file") }
        var specs: [TargetSpec] = []
        var number = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            guard let first = fields.first else { continue }
            let spec = try parseLine(first: String(first), options: fields.dropFirst().map(String.init),
                                     where: "\(source):\(number)", defaultPort: defaultPort)
            specs.append(spec)
        }
        guard !specs.isEmpty else { throw ParseError(description: "\(source): no targets (only blank lines or comments)") }
        return unique(specs)
    }

    /// The specs without repeats (same host, port, SNI and Host header), first occurrence kept.
    public static func unique(_ specs: [TargetSpec]) -> [TargetSpec] {
        var seen = Set<TargetSpec>()
        return specs.filter { spec in
            var key = spec
            key.origin = ""
            return seen.insert(key).inserted
        }
    }

    /// One target as written on the command line or a file line.
    public static func parseLine(first: String, options: [String] = [], where location: String,
                                 defaultPort: Int = 443) throws(ParseError) -> TargetSpec {
        let target: Target
        do {
            target = try Target.parse(first, defaultPort: defaultPort)
        } catch {
            throw ParseError(description: "\(location): \(error.description)")
        }
        var spec = TargetSpec(target: target, origin: location)
        for option in options {
            let parts = option.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[1].isEmpty else {
                throw ParseError(description: "\(location): '\(option)' is not sni=NAME or host=HEADER")
            }
            let value = String(parts[1])
            switch parts[0].lowercased() {
            case "sni":
                do { try Target.validateHostName(value) } catch {
                    throw ParseError(description: "\(location): invalid sni: \(error.description)")
                }
                spec.serverName = value.hasSuffix(".") ? String(value.dropLast()) : value
            case "host", "host-header":
                let name = value.split(separator: ":", maxSplits: 1).first.map(String.init) ?? value
                do { try Target.validateHostName(name) } catch {
                    throw ParseError(description: "\(location): invalid host header: \(error.description)")
                }
                spec.hostHeader = value
            default:
                throw ParseError(description: "\(location): unknown option '\(parts[0])' (use sni=NAME or host=HEADER)")
            }
        }
        return spec
    }
}

/// Part I of N of a target list: a deterministic split, so N machines (or jobs) scan disjoint parts
/// of the same list and `tlsmatrix merge` joins their JSON Lines.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    /// 1-based.
    public let index: Int
    public let count: Int

    public init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// Parses `I/N` with 1 ≤ I ≤ N ≤ 10000.
    public static func parse(_ text: String) throws(TargetList.ParseError) -> Shard {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
            throw TargetList.ParseError(description: "--shard '\(text)' is not I/N (e.g. 2/8)")
        }
        guard (1...10_000).contains(count), (1...count).contains(index) else {
            throw TargetList.ParseError(description: "--shard '\(text)': need 1 ≤ I ≤ N ≤ 10000")
        }
        return Shard(index: index, count: count)
    }

    /// The targets of this shard: every N-th target of the list, starting at the I-th.
    /// Depends only on the list's order, so every shard of the same list agrees.
    public func select<T>(_ items: [T]) -> [T] {
        items.enumerated().filter { $0.offset % count == index - 1 }.map(\.element)
    }

    public var description: String { "\(index)/\(count)" }
}
