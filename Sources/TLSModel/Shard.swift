import TLSCatalog

/// Part I of N of a target list: a deterministic split, so N machines (or jobs) scan disjoint parts
/// of the same list and `tlsmatrix merge` joins their JSON Lines.
package struct Shard: Sendable, Hashable, Codable, CustomStringConvertible {
    /// 1-based.
    package let index: Int
    package let count: Int

    package init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// Parses `I/N` with 1 ≤ I ≤ N ≤ 10000; throws ``TLSMatrixError/Code/invalidShard``.
    package static func parse(_ text: String) throws(TLSMatrixError) -> Shard {
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
    package func select<T>(_ items: [T]) -> [T] {
        items.enumerated().filter { $0.offset % count == index - 1 }.map(\.element)
    }

    /// The targets of this shard when every target with the same `key` (its host) must stay in one shard, so
    /// per-host politeness (`--concurrency`, `--delay`) holds across shards: the distinct keys, in order of
    /// first appearance, go to shards 1, 2, …, N, 1, … and each target follows its key.
    package func select<T>(_ items: [T], keptTogetherBy key: (T) -> String) -> [T] {
        var slot: [String: Int] = [:]
        return items.filter { item in
            let k = key(item)
            let position =
                slot[k]
                ?? {
                    let next = slot.count
                    slot[k] = next
                    return next
                }()
            return position % count == index - 1
        }
    }

    /// The environment variables an array job sets, in the order they are read by ``resolve(_:environment:)``.
    package enum Scheduler: String, Sendable, CaseIterable {
        /// Kubernetes Indexed Job: `JOB_COMPLETION_INDEX`, 0-based; the count is not exported.
        case kubernetes = "JOB_COMPLETION_INDEX"
        /// AWS Batch array job: `AWS_BATCH_JOB_ARRAY_INDEX`, 0-based; the array size is not exported.
        case awsBatch = "AWS_BATCH_JOB_ARRAY_INDEX"
        /// Slurm job array: `SLURM_ARRAY_TASK_ID` (from `SLURM_ARRAY_TASK_MIN`), with `SLURM_ARRAY_TASK_COUNT`.
        case slurm = "SLURM_ARRAY_TASK_ID"

        package var name: String {
            switch self {
            case .kubernetes: "Kubernetes Indexed Job"
            case .awsBatch: "AWS Batch array job"
            case .slurm: "Slurm job array"
            }
        }
    }

    /// `--shard`: `I/N`, or `auto` / `auto/N` to take the index (and, for Slurm, the count) from the scheduler
    /// running the process. `N` is required where the scheduler does not export the count (Kubernetes, AWS
    /// Batch) and must agree with it where it does. Throws ``TLSMatrixError/Code/invalidShard`` with the reason.
    package static func resolve(_ text: String, environment: [String: String]) throws(TLSMatrixError) -> Shard {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.first == "auto" else { return try parse(text) }
        guard parts.count <= 2 else { throw TLSMatrixError(.invalidShard, "--shard '\(text)' is not auto or auto/N") }
        var given: Int?
        if parts.count == 2 {
            guard let n = Int(parts[1]), (1...10_000).contains(n) else {
                throw TLSMatrixError(.invalidShard, "--shard '\(text)': N must be a number from 1 to 10000")
            }
            given = n
        }
        guard let scheduler = Scheduler.allCases.first(where: { environment[$0.rawValue] != nil }),
            let raw = environment[scheduler.rawValue]
        else {
            throw TLSMatrixError(
                .invalidShard,
                "--shard \(text): no array index in the environment (\(Scheduler.allCases.map(\.rawValue).joined(separator: ", "))); give --shard I/N"
            )
        }
        guard let value = Int(raw.trimmingWhitespace()), value >= 0 else {
            throw TLSMatrixError(.invalidShard, "--shard \(text): \(scheduler.rawValue)='\(raw)' is not an array index")
        }
        var zeroBased = value
        var exported: Int?
        if scheduler == .slurm {
            let minimum = environment["SLURM_ARRAY_TASK_MIN"].flatMap { Int($0.trimmingWhitespace()) } ?? 0
            zeroBased = value - minimum
            exported = environment["SLURM_ARRAY_TASK_COUNT"].flatMap { Int($0.trimmingWhitespace()) }
        }
        if let given, let exported, given != exported {
            throw TLSMatrixError(
                .invalidShard, "--shard \(text): the \(scheduler.name) has \(exported) tasks (SLURM_ARRAY_TASK_COUNT), not \(given)")
        }
        guard let count = given ?? exported else {
            throw TLSMatrixError(.invalidShard, "--shard \(text): a \(scheduler.name) does not export its size; give --shard auto/N")
        }
        guard (0..<count).contains(zeroBased) else {
            throw TLSMatrixError(.invalidShard, "--shard \(text): \(scheduler.rawValue)=\(raw) is outside 0..<\(count) (\(scheduler.name))")
        }
        return Shard(index: zeroBased + 1, count: count)
    }

    package var description: String { "\(index)/\(count)" }

    /// JSON: the `I/N` text, as summaries have always written it.
    package init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            self = try Shard.parse(text)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.reason))
        }
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
