import Foundation
import Testing
import TestSupport

/// Issue 23: one `--format` parser for every command. The same names and aliases (`txt`, `md`, `ndjson`) are
/// accepted wherever the format is offered, case-insensitively; an unknown or unoffered one is exit 2 naming the
/// choices; a single-format option refuses a list.
@Suite(.serialized) struct FormatOptionTests {
    @Test func aliasesWorkEverywhere() async throws {
        let markdown = try await CLI.run(["policies", "matrix", "--family", "elb", "--client", "android-12", "--format", "MD"])
        #expect(markdown.status == 0, "\(markdown.stderr)")
        #expect(markdown.stdout.contains("|"))
        let listed = try await CLI.run(["policies", "list", "--family", "elb", "--format", "TXT"])
        #expect(listed.status == 0, "\(listed.stderr)")
        let json = try await CLI.run(["clients", "list", "--format", "json"])
        #expect(json.status == 0)
        #expect((try? JSONSerialization.jsonObject(with: Data(json.stdout.utf8))) != nil)
    }

    @Test func unknownOrUnofferedFormatsAreUsageErrors() async throws {
        for (arguments, choices) in [
            (["clients", "list", "--format", "xml"], "choose text or json"),
            (["clients", "list", "--format", "html"], "choose text or json"),
            (["policies", "show", "TLSv1.2_2021", "--format", "text,json"], "takes one format"),
            (["policies", "matrix", "--family", "elb", "--format", "junit"], "choose from text, json, csv, markdown, html"),
            (["distribution", "--offline", "--format", "csv", "x.json"], "choose from text, json, html, markdown, junit, sarif"),
            (["report", "--format", "pdf", "x.json"], "choose from text, json, jsonl, html, markdown, csv, junit, sarif"),
        ] {
            let run = try await CLI.run(arguments)
            #expect(run.status == 2, "\(arguments): \(run.status) \(run.stderr)")
            #expect(run.stderr.contains("unknown format") || run.stderr.contains("takes one format"), "\(arguments): \(run.stderr)")
            #expect(run.stderr.contains(choices), "\(arguments): \(run.stderr)")
        }
    }
}
