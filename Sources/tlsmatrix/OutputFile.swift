import ArgumentParser
import Foundation
#if canImport(Glibc)
    import Glibc
#endif

/// Writes reports atomically so a failed run never leaves half a file; a device or a pipe given as
/// `--output` (`/dev/null`, `/dev/stdout`, a FIFO) is written to directly, never replaced.
enum OutputFile {
    static func checkWritable(_ path: String) throws {
        let url = URL(fileURLWithPath: path)
        var info = stat()
        if stat(path, &info) == 0 {
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                throw ValidationError("--output '\(path)' is a directory")
            case S_IFREG:
                break
            default:
                // a device or a pipe: written in place, so only it must be writable
                guard access(path, W_OK) == 0 else { throw ValidationError("cannot write '\(path)': not writable") }
                return
            }
        }
        var isDirectory: ObjCBool = false
        let parent = url.deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: parent, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("cannot write '\(path)': folder '\(parent)' does not exist")
        }
        guard FileManager.default.isWritableFile(atPath: parent) else {
            throw ValidationError("cannot write '\(path)': folder '\(parent)' is not writable")
        }
    }

    /// Writes `text` to a temporary file beside `path` and renames it over `path` (a symbolic link at
    /// `path` is replaced, never followed); to a device or pipe, writes in place.
    static func write(_ text: String, to path: String) throws(OutputError) {
        let shown = "'\(path)'"
        var info = stat()
        if stat(path, &info) == 0, info.st_mode & S_IFMT != S_IFREG, info.st_mode & S_IFMT != S_IFDIR {
            let fd = open(path, O_WRONLY | O_CLOEXEC)
            guard fd >= 0 else { throw OutputError(destination: shown, code: errno) }
            defer { close(fd) }
            try Output(fd: fd, name: shown).write(text)
            return
        }
        let url = URL(fileURLWithPath: path)
        var template = Array((url.deletingLastPathComponent().path + "/." + url.lastPathComponent + ".tlsmatrix-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw OutputError(destination: shown, code: errno) }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        let temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        do throws(OutputError) {
            _ = fchmod(fd, 0o666 & ~mode_t(creationMask))
            try Output(fd: fd, name: shown).write(text)
            // a full disk or a failing device can first show at close on some file systems
            guard close(fd) == 0 else { throw OutputError(destination: shown, code: errno) }
            guard rename(temporary, path) == 0 else { throw OutputError(destination: shown, code: errno) }
        } catch {
            unlink(temporary)
            throw error
        }
    }

    /// The process's umask, read once (setting it back at once).
    static let creationMask: mode_t = {
        let mask = umask(0o022)
        umask(mask)
        return mask
    }()
}

/// File names made from data: a host name in a saved report, an SNI or Host header from a targets file.
enum FileName {
    /// The longest component kept readable; longer ones are cut and marked with a hash.
    static let limit = 64

    /// One path component that stays inside its folder: only ASCII letters, digits, `-`, `_` and `.`
    /// (anything else, `/` and `:` included, becomes `_`), no run of two dots, no leading dot, at most
    /// ``limit`` characters. When anything but `:` had to change, 8 hex digits of the original's FNV-1a
    /// hash are appended, so different names never share a file.
    static func component(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            let keep =
                scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "-_.".unicodeScalars.contains(scalar))
            out.unicodeScalars.append(keep ? scalar : "_")
        }
        while out.contains("..") { out = out.replacing("..", with: "_") }
        if out.hasPrefix(".") { out = "_" + out.dropFirst() }
        if out.isEmpty { out = "_" }
        let canonical = text.replacingOccurrences(of: ":", with: "_")
        if out.count > limit { out = String(out.prefix(limit - 9)) }
        if out != canonical { out += "-" + hash(text) }
        return out
    }

    /// 32-bit FNV-1a of the UTF-8 bytes, as 8 hex digits (stable across runs, unlike `hashValue`).
    static func hash(_ text: String) -> String {
        var value: UInt32 = 0x811C_9DC5
        for byte in text.utf8 {
            value ^= UInt32(byte)
            value = value &* 0x0100_0193
        }
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }
}

/// File name stems given out in one output folder: names that still meet after being made file names get `_2`,
/// `_3`, … so no report overwrites another.
struct FileStems {
    private var taken = Set<String>()

    /// `base`, or the first `base_N` not given out yet; remembered.
    mutating func claim(_ base: String) -> String {
        var stem = base
        var number = 1
        while !taken.insert(stem).inserted {
            number += 1
            stem = "\(base)_\(number)"
        }
        return stem
    }
}
