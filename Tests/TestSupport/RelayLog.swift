import Foundation

/// The `--log` file of `scripts/origins/relay.py` (`Relay.start(..., log:)`): one JSON line per ended
/// connection, `{"index": k, "fate": "forwarded"|"reset"|"stalled"|"throttled"|"held", "start": t0, "end": t1}`
/// with the relay's `time.monotonic()` seconds. Tests assert `rounds` (sequential rounds of connections)
/// instead of wall time.
public struct RelayLog: Sendable, Equatable {
    public struct Connection: Sendable, Equatable, Codable {
        /// Accept order, from 0.
        public let index: Int
        public let fate: String
        public let start: Double
        public let end: Double

        public init(index: Int, fate: String, start: Double, end: Double) {
            self.index = index
            self.fate = fate
            self.start = start
            self.end = end
        }
    }

    public enum ReadError: Error, CustomStringConvertible {
        case badLine(path: String, number: Int, text: String, reason: String)

        public var description: String {
            switch self {
            case let .badLine(path, number, text, reason):
                return "\(path):\(number): not a relay log entry (\(reason)): \(text.prefix(200))"
            }
        }
    }

    /// The connections in the order of the file's lines (the order they ended in).
    public let connections: [Connection]

    public init(connections: [Connection]) {
        self.connections = connections
    }

    /// Reads the log (blank lines are skipped; any other line that is not an entry throws).
    public static func read(_ path: String) throws -> RelayLog {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let decoder = JSONDecoder()
        var connections: [Connection] = []
        for (offset, line) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let text = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if text.isEmpty { continue }
            do {
                connections.append(try decoder.decode(Connection.self, from: Data(text.utf8)))
            } catch {
                throw ReadError.badLine(path: path, number: offset + 1, text: text, reason: String(describing: error))
            }
        }
        return RelayLog(connections: connections)
    }

    /// How many connections ended with this fate (`"forwarded"`, `"reset"`, `"stalled"`, `"throttled"`, `"held"`).
    public func count(of fate: String) -> Int {
        connections.reduce(0) { $0 + ($1.fate == fate ? 1 : 0) }
    }

    /// The longest chain of connections each of which started after (or when) the previous one ended,
    /// as `relay.py --summarize` computes it: 0 for an empty log.
    public var rounds: Int { Self.rounds(of: connections.map { (start: $0.start, end: $0.end) }) }

    /// depth(c) = 1 + max depth of the connections d with d.end <= c.start; the answer is the largest depth.
    /// Connections are taken in (start, end, position) order and d counts for c only when it comes first,
    /// so zero-length connections at one instant chain in log order (the same rule as relay.py's `rounds`).
    public static func rounds(of spans: [(start: Double, end: Double)]) -> Int {
        let items = spans.enumerated().map { (start: $0.element.start, end: $0.element.end, position: $0.offset) }
        let byStart = items.sorted { ($0.start, $0.end, $0.position) < ($1.start, $1.end, $1.position) }
        let byEnd = items.sorted { ($0.end, $0.start, $0.position) < ($1.end, $1.start, $1.position) }
        var depth = [Int?](repeating: nil, count: items.count)
        var bestEnded = 0
        var taken = 0
        var deepest = 0
        for item in byStart {
            while taken < byEnd.count, byEnd[taken].end <= item.start, let ended = depth[byEnd[taken].position] {
                bestEnded = max(bestEnded, ended)
                taken += 1
            }
            depth[item.position] = bestEnded + 1
            deepest = max(deepest, bestEnded + 1)
        }
        return deepest
    }
}
