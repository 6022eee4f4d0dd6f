// libFuzzer entry point for TLSWire. Not part of the SwiftPM package: scripts/fuzz compiles it with
// `swiftc -sanitize=fuzzer,address` against TLSCatalog, TLSWire and TLSWireFuzzing built as modules in .build/fuzz.
// The decoders, feeding patterns and invariants live in Fuzz/TLSWireFuzzing/DecoderExercise.swift, shared with
// Tests/TLSWireTests/FuzzRegressionTests.swift.
import Foundation
import TLSWireFuzzing

@_cdecl("LLVMFuzzerTestOneInput")
public func tlswireFuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let violations = DecoderExercise.run(bytes)
    if !violations.isEmpty {
        // A trap makes libFuzzer save the input as a crash, like any other bug.
        fatalError("TLSWire invariant broken: " + violations.joined(separator: "; "))
    }
    return 0
}

/// With TLSWIRE_FUZZ_WRITE_SEEDS=DIR and TLSWIRE_FUZZ_FIXTURES=DIR set, writes the seed corpus
/// (the captured fixtures turned into inputs, plus DecoderExercise.handMadeSeeds) to DIR and exits.
@_cdecl("LLVMFuzzerInitialize")
public func tlswireFuzzInitialize(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>
) -> CInt {
    let environment = ProcessInfo.processInfo.environment
    guard let out = environment["TLSWIRE_FUZZ_WRITE_SEEDS"] else { return 0 }
    let outDir = URL(fileURLWithPath: out, isDirectory: true)
    var seeds = DecoderExercise.handMadeSeeds.map { (name: "hand.\($0.name)", bytes: $0.bytes) }
    if let fixtures = environment["TLSWIRE_FUZZ_FIXTURES"] {
        let dir = URL(fileURLWithPath: fixtures, isDirectory: true)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: fixtures)) ?? []
        for file in names.sorted() {
            guard let data = try? Data(contentsOf: dir.appendingPathComponent(file)) else { continue }
            if file.hasSuffix(".server.bin") {
                seeds += DecoderExercise.seeds(serverFlight: [UInt8](data), name: String(file.dropLast(".server.bin".count)))
            } else if file.hasSuffix(".client.bin") {
                seeds += DecoderExercise.seeds(clientHello: [UInt8](data), name: String(file.dropLast(".client.bin".count)))
            }
        }
    }
    do {
        try FileManager.default.createDirectory(at: outDir, withIntermediateDirectories: true)
        for seed in seeds {
            try Data(seed.bytes).write(to: outDir.appendingPathComponent("seed-" + seed.name))
        }
    } catch {
        FileHandle.standardError.write(Data("tlswire-fuzz: cannot write seeds: \(error)\n".utf8))
        _exit(1)
    }
    FileHandle.standardOutput.write(Data("tlswire-fuzz: wrote \(seeds.count) seeds to \(out)\n".utf8))
    _exit(0)  // not exit(): LeakSanitizer's exit-time check would report this function's live locals

}
