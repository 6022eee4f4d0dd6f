import Foundation
import Testing
import TLSWire
import TLSWireFuzzing

/// Replays fuzzer inputs through the same `DecoderExercise.run` the libFuzzer target calls (see docs/fuzzing.md):
/// every input libFuzzer once crashed on (Fixtures/fuzz-regressions) and the seed corpus scripts/fuzz starts from.
@Suite struct FuzzRegressionTests {
    static let regressionDirectory = Fixtures.directory.appendingPathComponent("fuzz-regressions")

    static func regressionFiles() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: regressionDirectory.path)) ?? []
        return names.filter { !$0.hasPrefix(".") && !$0.hasSuffix(".md") }.sorted()
    }

    /// The seed corpus exactly as `scripts/fuzz` writes it: fixtures turned into inputs, plus hand-made seeds.
    static func seedCorpus() throws -> [(name: String, bytes: [UInt8])] {
        var seeds = DecoderExercise.handMadeSeeds
        for name in Fixtures.serverScenarios {
            seeds += DecoderExercise.seeds(serverFlight: try Fixtures.bytes("\(name).server.bin"), name: name)
            seeds += DecoderExercise.seeds(clientHello: try Fixtures.bytes("\(name).client.bin"), name: name)
        }
        return seeds
    }

    @Test func regressionInputsHoldEveryInvariant() throws {
        let files = Self.regressionFiles()
        #expect(!files.isEmpty, "Fixtures/fuzz-regressions holds no inputs")
        for file in files {
            let bytes = [UInt8](try Data(contentsOf: Self.regressionDirectory.appendingPathComponent(file)))
            let violations = DecoderExercise.run(bytes)
            #expect(violations.isEmpty, "\(file): \(violations)")
        }
    }

    @Test func seedCorpusHoldsEveryInvariant() throws {
        let seeds = try Self.seedCorpus()
        // Every target has at least one seed, so this replays each decoder and feeding pattern.
        let targets = Set(seeds.compactMap { $0.bytes.first })
        #expect(targets == Set(DecoderExercise.Target.allCases.map(\.rawValue)))
        for seed in seeds {
            let violations = DecoderExercise.run(seed.bytes)
            #expect(violations.isEmpty, "\(seed.name): \(violations)")
        }
    }

    @Test func capturedFlightsDecodeThroughTheExercise() throws {
        // The fixture seeds are real flights, so the exercise's byte-by-byte and random-split oracles
        // compare complete parses, not two early errors.
        for name in Fixtures.serverScenarios {
            var parser = ServerFlightParser(depth: .keyExchange)
            #expect(try parser.feed(try Fixtures.bytes("\(name).server.bin")) == .complete, "\(name)")
        }
    }
}
