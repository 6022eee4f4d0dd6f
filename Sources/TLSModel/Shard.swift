import TLSCatalog

/// Part I of N of a target list: a deterministic split, so N machines (or jobs) scan disjoint parts
/// of the same list and `tlsmatrix merge` joins their JSON Lines.
public struct Shard: Sendable, Hashable, Codable, CustomStringConvertible {
    /// 1-based.
    public let index: Int
    public let count: Int

    public init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// Parses `I/N` with 1 ≤ I ≤ N ≤ 10000; throws ``TLSMatrixError/Code/invalidShard``.
    public static func parse(_ text: String) throws(TLSMatrixError) -> Shard {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
            throw TLSMatrixError(.invalidShard, "--shard '\(text)' is not I/N (e.g. 2/8)")
        }
        guard (1...10_000).contains(count), (1...count).contains(index) else {
            throw TLSMatrixError(.invalidShard, "--shard '\(text)': need 1 ≤ I ≤ N ≤ 10000")
        }
        return Shard(index: index, count: count)
    }

    /// The targets of this shard: every N-th target of the list, starting at the I-th.
    /// Depends only on the list's order, so every shard of the same list agrees.
    public func select<T>(_ items: [T]) -> [T] {
        items.enumerated().filter { $0.offset % count == index - 1 }.map(\.element)
    }

    public var description: String { "\(index)/\(count)" }

    /// JSON: the `I/N` text, as summaries have always written it.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            self = try Shard.parse(text)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.reason))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
