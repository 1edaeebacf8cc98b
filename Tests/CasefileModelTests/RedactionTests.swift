import CasefileModel
import Testing

@Suite("Redaction")
struct RedactionTests {
    @Test func aURLShowsSchemeAndHostOnly() {
        #expect(Redaction.shownURL("https://hooks.slack.com/services/T000/B000/XXXXXXXX") == "https://hooks.slack.com/…")
        #expect(Redaction.shownURL("https://user:pw@example.org:8443/x?token=abc") == "https://example.org:8443/…")
        #expect(Redaction.shownURL("https://example.org") == "https://example.org")
        #expect(Redaction.shownURL("not a url with a token") == "(a URL)")
    }

    @Test func anEchoOfTheURLOrItsPartsIsScrubbed() {
        let url = "https://hooks.example.org/services/T0KEN5ECRET?sig=Q%2Fabcdef12&x=1"
        let secrets = Redaction.secretParts(of: url) + ["Bearer H3aderValue"]
        let body = """
            cannot handle POST /services/T0KEN5ECRET?sig=Q%2Fabcdef12&x=1 for \(url);
            token T0KEN5ECRET, signature Q/abcdef12, auth Bearer H3aderValue
            """
        let scrubbed = Redaction.scrub(body, secrets: secrets)
        for secret in ["T0KEN5ECRET", "Q%2Fabcdef12", "Q/abcdef12", "H3aderValue"] {
            #expect(!scrubbed.contains(secret), "\(secret) in \(scrubbed)")
        }
        #expect(scrubbed.contains("cannot handle POST"))
        // Parts under 6 characters are left: "x=1" stays readable.
        #expect(Redaction.scrub("HTTP 500 x=1", secrets: secrets) == "HTTP 500 x=1")
    }
}
