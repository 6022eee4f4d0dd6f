import Foundation

extension TestOrigin {
    /// ``run(_:_:in:)`` for async callers: the same result, awaited without blocking a thread. Standard output
    /// and error go to temporary files (a pipe would need a blocking read), read once the process has ended
    /// (``ProcessExit``).
    public static func run(_ exe: URL, _ args: [String], in cwd: URL?) async throws -> RunResult {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tlsmatrix-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let outURL = folder.appendingPathComponent("stdout")
        let errURL = folder.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        defer {
            try? out.close()
            try? err.close()
        }
        let p = try launch(exe, args, in: cwd, stdout: out, stderr: err)
        let ended = await ProcessExit.wait(for: p)
        return RunResult(status: ended.status,
                         stdout: String(decoding: (try? Data(contentsOf: outURL)) ?? Data(), as: UTF8.self),
                         stderr: String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self))
    }
}
