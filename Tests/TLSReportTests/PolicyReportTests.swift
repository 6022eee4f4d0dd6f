import Foundation
import TLSAudit
import TLSCatalog
import TLSModel
import TLSReport
import Testing

/// The catalog commands' renderers: their JSON is written like the scan report's (one configuration: sorted
/// keys, two-space indentation, absent values as `null`), their tables as before.
struct PolicyReportTests {
    @Test func policyJSONIsWrittenLikeTheScanReport() throws {
        let policy = try #require(Catalog.shared.policies.first { $0.groups == nil && $0.serverPreference == nil })
        let text = PolicyReport.show(policy, json: true)
        #expect(text == ReportCoding.encode(PolicyReport.PolicyDocument(policy), pretty: true))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["groups"] is NSNull && object["serverPreference"] is NSNull, "absent values are null, not left out")
        #expect(object["id"] as? String == policy.id)
        let keys = text.split(separator: "\n").filter { $0.hasPrefix("  \"") }.map { $0.split(separator: "\"")[1] }
        #expect(keys == keys.sorted(), "keys sorted: \(keys)")
    }

    @Test func conflictsAndRetrievedAreShownInTextJSONAndList() throws {
        let conflict = Policy.Conflict(
            field: "suites", item: "TLS_CHACHA20_POLY1305_SHA256 (0x1303)",
            a: .init(source: "Source A", says: "listed"),
            b: .init(source: "Source B", says: "not listed"))
        let policy = Policy(
            id: "p", name: "P", family: "test", versions: [.tls13], suites: [0x1301, 0x1303],
            sources: ["Source A", "Source B"], retrieved: "read 2026-11-30", conflicts: [conflict])
        let text = PolicyReport.show(policy, json: false)
        #expect(text.contains("[sources conflict: 1]"))
        #expect(
            text.contains(
                "Conflicts between sources (1; both recorded, neither chosen):\n"
                    + "  ! suites: TLS_CHACHA20_POLY1305_SHA256 (0x1303)\n"
                    + "      LISTED per Source A\n      NOT LISTED per Source B"))
        #expect(text.hasSuffix("Retrieved: read 2026-11-30"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(PolicyReport.show(policy, json: true).utf8)) as? [String: Any])
        #expect(json["retrieved"] as? String == "read 2026-11-30")
        let conflicts = try #require(json["conflicts"] as? [[String: Any]])
        #expect(conflicts.count == 1 && conflicts[0]["field"] as? String == "suites")
        #expect((conflicts[0]["b"] as? [String: String]) == ["source": "Source B", "says": "not listed"])
        #expect(
            try JSONDecoder().decode(Policy.self, from: JSONEncoder().encode(policy)) == policy,
            "conflicts and retrieved round-trip")
        #expect(PolicyReport.list([policy], json: false).contains("sources conflict (1)"))

        let plain = Policy(id: "q", name: "Q", family: "test", versions: [.tls13], suites: [0x1301])
        #expect(!PolicyReport.show(plain, json: false).contains("Conflicts"))
        let plainJSON = try #require(
            try JSONSerialization.jsonObject(with: Data(PolicyReport.show(plain, json: true).utf8)) as? [String: Any])
        #expect((plainJSON["conflicts"] as? [Any])?.isEmpty == true && plainJSON["retrieved"] is NSNull)
        let clients = try #require(
            try JSONSerialization.jsonObject(with: Data(ClientReport.list(Catalog.shared.clients, json: true).utf8)) as? [[String: Any]])
        #expect(clients.allSatisfy { $0["conflicts"] == nil }, "client rows have no conflicts field")
    }

    @Test func checkOfAClientThatCannotConnectNamesTheFailure() throws {
        let policy = try #require(Catalog.shared.policy(id: "ELBSecurityPolicy-TLS13-1-3-2021-06"))  // TLS 1.3 only
        let client = try #require(Catalog.shared.client(id: "java-8"))  // TLS 1.0 to 1.2
        let check = PolicyCheck.check(client: client, policy: policy, originProtocols: [.tls12])
        #expect(!check.connected)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(PolicyReport.check(check, json: true).utf8)) as? [String: Any])
        #expect(json["compatible"] as? Bool == false && json["protocol"] is NSNull)
        #expect((json["failure"] as? [String: Any])?["id"] as? String == "no-common-protocol")
        #expect(json["causes"] == nil && json["originProtocols"] == nil, "CloudFront's fields only for cloudfront-origin")
        #expect(PolicyReport.check(check, json: false).contains("Result:   NOT compatible (the client could not connect)"))
    }

    @Test func listingsAreTablesWithTheirOwnSecondColumn() {
        #expect(PolicyReport.list(Catalog.shared.policies, json: false).hasPrefix("ID"))
        #expect(PolicyReport.list(Catalog.shared.policies, json: false).split(separator: "\n").first?.contains("FAMILY") == true)
        #expect(ClientReport.list(Catalog.shared.clients, json: false).split(separator: "\n").first?.contains("NAME") == true)
        #expect(TextTable.render(header: ["A", "B"], rows: [["long cell", "x"]]) == "A          B\nlong cell  x")
    }
}
