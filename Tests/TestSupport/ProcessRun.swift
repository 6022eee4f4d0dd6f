import Foundation

extension TestOrigin {
    /// ``run(_:_:in:)`` for async callers: the same result, awaited without blocking a thread (``ProcessExit``).
    public static func run(_ exe: URL, _ args: [String], in cwd: URL?) async throws -> RunResult {
        let output = try RunOutput()
        defer { output.remove() }
        let p = try launch(exe, args, in: cwd, stdout: output.out, stderr: output.err)
        let ended = await ProcessExit.wait(for: p)
        return output.result(status: ended.status)
    }
}

/// Standard output and error of one run, in temporary files: a pipe would need a reader while the process
/// runs (a thread blocked in `read`), a file is read once the process has ended.
struct RunOutput {
    let folder: URL
    let out: FileHandle
    let err: FileHandle

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("tlsmatrix-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for name in ["stdout", "stderr"] {
            _ = FileManager.default.createFile(atPath: folder.appendingPathComponent(name).path, contents: nil)
        }
        out = try FileHandle(forWritingTo: folder.appendingPathComponent("stdout"))
        err = try FileHandle(forWritingTo: folder.appendingPathComponent("stderr"))
    }

    func result(status: Int32) -> TestOrigin.RunResult {
        func text(_ name: String) -> String {
            String(decoding: (try? Data(contentsOf: folder.appendingPathComponent(name))) ?? Data(), as: UTF8.self)
        }
        return TestOrigin.RunResult(status: status, stdout: text("stdout"), stderr: text("stderr"))
    }

    func remove() {
        try? out.close()
        try? err.close()
        try? FileManager.default.removeItem(at: folder)
    }
}
