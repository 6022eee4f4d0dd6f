import Foundation
import TestSupport
import Testing

/// Server-controlled text never steers a terminal: a real origin serves a certificate whose CN, O and a
/// SAN carry ESC, CR, BEL, an erase-line sequence, OSC 52 (clipboard), C1 CSI, DEL and U+202E
/// (scripts/controlcert); the real binary scans it, and every human format shows those characters
/// escaped (`\x1B`, `\u{202E}`), never raw.
@Suite(.serialized) struct TerminalEscapesTests {
    /// Scalars that must never reach a human report raw (an independent list, not the renderer's):
    /// C0 controls but the line feed, DEL, C1 controls, bidi controls, line and paragraph separators.
    static func forbidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A: false
        case 0x00...0x1F, 0x7F...0x9F, 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0x2028, 0x2029: true
        default: false
        }
    }

    /// No byte 0x1B, 0x07, 0x0D or 0x9B and no forbidden scalar; `crlf`: CSV's CRLF record ends are allowed.
    static func expectInert(_ data: Data, _ what: String, crlf: Bool = false, sourceLocation: SourceLocation = #_sourceLocation) {
        var text = String(decoding: data, as: UTF8.self)
        #expect(Data(text.utf8) == data, "\(what) is not valid UTF-8", sourceLocation: sourceLocation)
        if crlf { text = text.replacingOccurrences(of: "\r\n", with: "\n") }
        let bytes = Array(text.utf8)
        for bad: UInt8 in [0x1B, 0x07, 0x0D, 0x9B] {
            #expect(!bytes.contains(bad), "\(what) holds the byte 0x\(String(bad, radix: 16))", sourceLocation: sourceLocation)
        }
        let raw = text.unicodeScalars.filter(forbidden).map { String($0.value, radix: 16) }
        #expect(raw.isEmpty, "\(what) holds raw U+\(raw)", sourceLocation: sourceLocation)
    }

    func temp(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("tlsmatrix-escapes-\(UUID().uuidString)-\(name)")
    }

    @Test func terminalEscapesInCertificateNamesAreShownEscapedInEveryHumanFormat() async throws {
        let root = try TestOrigin.repoRoot()
        let pki = temp("pki")
        defer { try? FileManager.default.removeItem(at: pki) }
        let made = try await TestOrigin.run(root.appendingPathComponent("scripts/controlcert"), [pki.path], in: root)
        try #require(made.status == 0, "scripts/controlcert: \(made.stderr)")
        let origin = try await TestOrigin.start("openssl-modern", dir: pki.path)
        defer { origin.stop() }
        let target = "127.0.0.1:\(origin.port)"
        // --host-header makes the audit quote the SANs (with the hostile one) in a finding and a CloudFront cause.
        let common = [
            "--sni", "localhost", "--host-header", "evil.example.com", "--ca-file", pki.path + "/root.crt",
            "--no-http-check", "--no-groups",
        ]

        // 1. The text report on standard output.
        let text = try await CLI.run(["scan", target] + common)
        #expect(text.status == 0 || text.status == 1, "\(text.stderr)")
        #expect(text.stdout.contains("Certificates"), "\(text.stdout)")
        Self.expectInert(Data(text.stdout.utf8), "text report")
        Self.expectInert(Data(text.stderr.utf8), "standard error")
        // the escaped forms are what the reader sees, on the certificate line and in the finding
        // (the subject is written RFC 4514 style, which escapes `;` as `\;`)
        #expect(text.stdout.contains(#"CN=x\x0D\x1B[2K COMPATIBLE \x1B]52\;c\;aGk=\x07\u{202E}evil\x9B31m"#), "\(text.stdout)")
        #expect(text.stdout.contains(#"O=org\u{202E}\x1B]52\;c\;aGk=\x07\x7F"#), "\(text.stdout)")
        #expect(text.stdout.contains(#"san\x1B[31m\x07\x0Dx.example"#), "\(text.stdout)")
        let verdict = text.stdout.split(separator: "\n").first { $0.hasPrefix("CloudFront → origin") }
        #expect(verdict?.hasSuffix("NOT COMPATIBLE") == true, "the forged verdict must not win: \(verdict ?? "none")")

        // 2. Every file format.
        let folder = temp("reports")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let files = try await CLI.run(
            ["scan", target] + common + ["--format", "text,json,markdown,html,csv,junit", "--output", folder.path])
        #expect(files.status == 0 || files.status == 1, "\(files.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        for ext in ["txt", "md", "html", "csv", "junit.xml"] {
            let name = try #require(names.first { $0.hasSuffix("." + ext) }, "no .\(ext) in \(names)")
            let data = try Data(contentsOf: folder.appendingPathComponent(name))
            Self.expectInert(data, name, crlf: ext == "csv")
            let shown = String(decoding: data, as: UTF8.self)
            if ext != "csv" {  // CSV holds no certificate names
                #expect(
                    shown.contains(#"san\x1B[31m\x07\x0Dx.example"#) || shown.contains(#"san\\x1B\[31m\\x07\\x0Dx.example"#),
                    "\(name) does not show the escaped SAN")
            }
            if ext != "csv" && ext != "junit.xml" {  // JUnit quotes only the SANs, in the finding
                #expect(shown.contains(#"\u{202E}evil"#), "\(name) does not show the escaped CN")
            }
        }

        // 3. A saved report whose host and a finding were edited to carry the same sequences: `report`
        //    renders them (CSV's host column included) escaped.
        let jsonName = try #require(names.first { $0.hasSuffix(".json") })
        var saved = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent(jsonName))) as? [String: Any])
        var savedTarget = try #require(saved["target"] as? [String: Any])
        let hostile = "evil\u{1B}]52;c;aGk=\u{07}\r\u{1B}[2K\u{202E}\u{9B}31m.example"
        savedTarget["host"] = hostile
        saved["target"] = savedTarget
        saved["findings"] = [
            [
                "id": "engine-disagreement", "severity": "warning",
                "message": "openssl: alert \u{1B}[1A\r\u{2066}handshake_failure\u{07}",
            ]
        ]
        let edited = temp("edited.json")
        defer { try? FileManager.default.removeItem(at: edited) }
        try JSONSerialization.data(withJSONObject: saved).write(to: edited)
        let offline = temp("offline")
        try FileManager.default.createDirectory(at: offline, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: offline) }
        let report = try await CLI.run([
            "report", edited.path, "--ca-file", pki.path + "/root.crt",
            "--format", "text,markdown,html,csv,junit", "--output", offline.path,
        ])
        #expect(report.status == 0 || report.status == 1, "\(report.stderr)")
        let offlineNames = try FileManager.default.contentsOfDirectory(atPath: offline.path)
        #expect(offlineNames.count == 5, "\(offlineNames)")
        for name in offlineNames {
            let data = try Data(contentsOf: offline.appendingPathComponent(name))
            Self.expectInert(data, "report " + name, crlf: name.hasSuffix(".csv"))
            let shown = String(decoding: data, as: UTF8.self)
            #expect(
                shown.contains(#"evil\x1B]52;c;aGk=\x07\x0D\x1B[2K\u{202E}\x9B31m.example"#)
                    || shown.contains(#"evil\\x1B\]52;c;aGk=\\x07\\x0D\\x1B\[2K\\u{202E}\\x9B31m.example"#),  // Markdown escapes \ [ ]
                "\(name) does not show the escaped host")
            if !name.hasSuffix(".csv") {
                #expect(shown.contains("u{2066}handshake"), "\(name) does not show the escaped finding")
            }
        }
        let stdoutReport = try await CLI.run(["report", edited.path, "--ca-file", pki.path + "/root.crt"])
        Self.expectInert(Data((stdoutReport.stdout + stdoutReport.stderr).utf8), "report on standard output")
        #expect(stdoutReport.stdout.contains(#"\x1B[1A\x0D\u{2066}handshake_failure\x07"#), "\(stdoutReport.stdout)")

        // 4. On a terminal the text report is coloured: the tool's own SGR sequences are the only escapes.
        let command = (["env", "-u", "NO_COLOR", try CLI.binary(), "scan", target] + common).joined(separator: " ")
        let tty = try await TestOrigin.run(URL(fileURLWithPath: "/usr/bin/script"), ["-qec", command, "/dev/null"], in: nil)
        let screen = tty.stdout.replacingOccurrences(of: "\r\n", with: "\n")
        #expect(screen.contains(": \u{1B}[31m\u{1B}[1mNOT COMPATIBLE\u{1B}[0m"), "colour is gone: \(screen)")
        #expect(screen.contains(#"san\x1B[31m\x07\x0Dx.example"#))
        let sgr = try Regex(#"\x1B\[[0-9;]*m"#)
        let rest = screen.replacing(sgr, with: "")
        #expect(!rest.unicodeScalars.contains { Self.forbidden($0) }, "escapes other than colour reached the terminal")

        // 5. The fleet table and `merge --format text`, from JSON Lines whose summary was edited to carry them.
        let list = temp("fleet.txt")
        let lines = temp("fleet.jsonl")
        defer { [list, lines].forEach { try? FileManager.default.removeItem(at: $0) } }
        try "\(target) sni=localhost host=evil.example.com\n\(target)\n".write(to: list, atomically: true, encoding: .utf8)
        let fleetText = try await CLI.run(["scan", "--targets-file", list.path, "--format", "text"] + common.suffix(4))
        #expect(fleetText.stdout.contains("TARGET"), "\(fleetText.stdout)")
        Self.expectInert(Data(fleetText.stdout.utf8), "fleet text and table")
        #expect(fleetText.stdout.contains(#"\x1B"#))
        let fleet = try await CLI.run(
            ["scan", "--targets-file", list.path, "--format", "jsonl", "--output", lines.path] + common.suffix(4))
        #expect(fleet.status == 0 || fleet.status == 1, "\(fleet.stderr)")
        var jsonLines = try String(contentsOf: lines, encoding: .utf8).split(separator: "\n").map(String.init)
        var summary = try #require(try JSONSerialization.jsonObject(with: Data(jsonLines.removeLast().utf8)) as? [String: Any])
        var body = try #require(summary["summary"] as? [String: Any])
        var rows = try #require(body["results"] as? [[String: Any]])
        rows[0]["target"] = hostile
        rows[0]["grade"] = "A\u{1B}[2K\r"
        body["results"] = rows
        body["pending"] = ["pending\u{202E}\u{1B}]52;c;aGk=\u{07}"]
        summary["summary"] = body
        jsonLines.append(String(decoding: try JSONSerialization.data(withJSONObject: summary), as: UTF8.self))
        try (jsonLines.joined(separator: "\n") + "\n").write(to: lines, atomically: true, encoding: .utf8)
        let merged = try await CLI.run(["merge", lines.path, "--format", "text"])
        #expect(merged.stdout.contains("TARGET"), "\(merged.stdout) \(merged.stderr)")
        Self.expectInert(Data((merged.stdout + merged.stderr).utf8), "merge --format text")
        #expect(merged.stdout.contains(#"evil\x1B]52;c;aGk=\x07\x0D\x1B[2K\u{202E}\x9B31m.example"#), "\(merged.stdout)")
        #expect(merged.stdout.contains(#"pending\u{202E}\x1B]52;c;aGk=\x07"#), "\(merged.stdout)")
    }

    /// The hostile origin whose certificate names carry terminal controls (HostileOrigin `.controlCN`; the engines'
    /// side: TLSScanTests/HostileOriginTests): the real binary scans it to the end and its text report shows the
    /// names, the libraries' errors included, with every control escaped.
    @Test func controlCNOriginReachesNoReportRaw() async throws {
        let origin = try await HostileOrigin.start(.controlCN)
        defer { origin.stop() }
        let run = try await CLI.run(["scan", "127.0.0.1:\(origin.port)", "--timeout", "2", "--no-http-check", "--no-groups"])
        #expect([0, 1, 3].contains(run.status), "\(run.status) \(run.stderr)")
        #expect(run.stdout.contains(#"CN=x\x0D\x1B[2K COMPATIBLE \x1B]52\;c\;aGk=\x07\u{202E}evil\x9B31m"#), "\(run.stdout)")
        #expect(run.stdout.contains("engine-disagreement"), "the libraries' errors are part of the report: \(run.stdout)")
        let bytes = Array((run.stdout + run.stderr).utf8)
        for bad: UInt8 in [0x1B, 0x07, 0x0D, 0x9B] { #expect(!bytes.contains(bad), "raw 0x\(String(bad, radix: 16))") }
        #expect(!run.stdout.unicodeScalars.contains { $0.value == 0x202E || (0x80...0x9F).contains($0.value) })
    }
}
