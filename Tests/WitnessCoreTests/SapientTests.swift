import Testing
import WitnessCore
import WitnessTesting

@Suite("Sapient body signatures on recorded traffic (chronicle-protocol §5)")
struct SapientTests {
    @Test("every response marked response_signature_valid verifies under its server's key, and no other")
    func recordedResponseSignatures() throws {
        let keys = ["a": try Fixtures.serverPublicKey("a"), "b": try Fixtures.serverPublicKey("b")]
        let manifest = try Fixtures.manifest()
        #expect(manifest.count == 94 + 23)
        var valid = 0
        var invalid: [String] = []
        for entry in manifest {
            let response = try Fixtures.exchange(entry.server, entry.name).response
            let key = try #require(keys[entry.server])
            let otherKey = try #require(keys[entry.server == "a" ? "b" : "a"])
            let values = response.values(of: Sapient.signatureHeader)
            let label = "\(entry.server)/\(entry.name)"
            if entry.responseSignatureValid {
                #expect(values.count == 1, "\(label): one signature header")
                #expect(values.first?.count == 88, "\(label)")
                #expect(Sapient.verify(response.body, headerValues: values, key: key), "\(label)")
                #expect(!Sapient.verify(response.body, headerValues: values, key: otherKey), "\(label) under the other key")
                var altered = response.body
                altered[altered.count / 2] ^= 0x20
                #expect(!Sapient.verify(altered, headerValues: values, key: key), "\(label) altered body")
                valid += 1
            } else {
                #expect(!Sapient.verify(response.body, headerValues: values, key: key), "\(label)")
                invalid.append(label)
            }
        }
        #expect(valid == 114)
        #expect(invalid.sorted() == ["a/admin-register", "a/admin-revoke", "a/err-not-found-route"])
    }

    @Test("the unsigned framework responses carry no signature header at all")
    func unsignedResponses() throws {
        for name in ["admin-register", "admin-revoke", "err-not-found-route"] {
            let response = try Fixtures.exchange("a", name).response
            #expect(response.values(of: Sapient.signatureHeader).isEmpty, "\(name)")
            #expect(!response.bodyLooksLikeJSON, "\(name)")
        }
    }

    @Test("the signature header is looked up case-insensitively")
    func headerCase() throws {
        let response = try Fixtures.exchange("a", "lasthash").response
        #expect(response.values(of: "body-signature-ed25519") == response.values(of: "BODY-SIGNATURE-ED25519"))
        #expect(response.values(of: "body-signature-ed25519").count == 1)
        // On the wire the name is spelled exactly as libgossamer expects it.
        #expect(response.headers.contains { $0.name == "Body-Signature-Ed25519" })
    }

    @Test("verify accepts if any header value verifies, refuses garbage and empty lists")
    func anyValue() throws {
        let key = try Fixtures.serverPublicKey("a")
        let response = try Fixtures.exchange("a", "index").response
        let good = try #require(response.values(of: Sapient.signatureHeader).first)
        let garbage = ["", "not base64!", String(good.dropFirst(4)), ChainTamperingTests.changeCharacter(good, at: 3)]
        #expect(Sapient.verify(response.body, headerValues: garbage + [good], key: key))
        #expect(Sapient.verify(response.body, headerValues: [good] + garbage, key: key))
        #expect(!Sapient.verify(response.body, headerValues: garbage, key: key))
        #expect(!Sapient.verify(response.body, headerValues: [], key: key))
        // Padding is optional on input.
        #expect(Sapient.verify(response.body, headerValues: [String(good.dropLast(2))], key: key))
    }

    @Test("publish request signatures are reproduced exactly by signing the body with the client key")
    func requestSignaturesAreDeterministic() throws {
        let client = try Fixtures.clientKey("client1-on-a")
        let secret = try client.secretKey
        var checked = 0
        for name in try Fixtures.exchangeNames("a") where name.hasPrefix("publish-") {
            let request = try Fixtures.exchange("a", name).request
            #expect(request.startLine == "POST /chronicle/publish HTTP/1.1")
            #expect(request.values(of: Sapient.clientHeader) == [client.clientID], "\(name)")
            let header = try #require(request.values(of: Sapient.signatureHeader).first)
            #expect(Sapient.sign(request.body, with: secret) == header, "\(name)")
            #expect(Sapient.verify(request.body, headerValues: [header], key: secret.publicKey), "\(name)")
            checked += 1
        }
        #expect(checked == 53)
    }

    @Test("b's publishes are signed by client-on-b")
    func bPublishes() throws {
        let client = try Fixtures.clientKey("client-on-b")
        let secret = try client.secretKey
        for name in ["b-publish-1", "b-publish-2"] {
            let request = try Fixtures.exchange("b", name).request
            #expect(request.values(of: Sapient.clientHeader) == [client.clientID])
            #expect(request.values(of: Sapient.signatureHeader) == [Sapient.sign(request.body, with: secret)])
        }
    }

    @Test("the bad-signature publish really carries a signature that does not verify")
    func badSignatureRequest() throws {
        let client = try Fixtures.clientKey("client1-on-a")
        let (request, response) = try Fixtures.exchange("a", "err-publish-bad-signature")
        let values = request.values(of: Sapient.signatureHeader)
        #expect(!values.isEmpty)
        #expect(!Sapient.verify(request.body, headerValues: values, key: try client.publicKey))
        #expect(response.statusCode == 403)
        #expect(try JSONParser.parse(response.body)["message"] == "No valid signature given for this HTTP request")
    }

    @Test("sign produces 88-character padded base64url")
    func signFormat() {
        let key = Ed25519SecretKey(seed: SpecVectors.clientSeed)
        let value = Sapient.sign(utf8("body"), with: key)
        #expect(value.count == 88)
        #expect(value.hasSuffix("=="))
        #expect(Sapient.signatureHeader == "Body-Signature-Ed25519")
        #expect(Sapient.clientHeader == "Chronicle-Client-Key-ID")
    }
}

@Suite("Recorded HTTP fixtures parse as on the wire")
struct RecordedHTTPTests {
    @Test("start lines, status codes and body lengths agree with the manifests")
    func manifestAgreement() throws {
        for entry in try Fixtures.manifest() {
            let (request, response) = try Fixtures.exchange(entry.server, entry.name)
            let label = "\(entry.server)/\(entry.name)"
            #expect(request.startLine == entry.requestLine, "\(label)")
            #expect(request.statusCode == nil, "\(label)")
            #expect(response.statusCode == entry.status, "\(label)")
            #expect(response.body.count == entry.responseBodyBytes, "\(label)")
            #expect(request.body.count == entry.requestBodyBytes, "\(label)")
        }
    }

    @Test("signed error responses keep both Content-Type headers, in order")
    func duplicateHeaders() throws {
        let response = try Fixtures.exchange("a", "err-publish-bad-signature").response
        #expect(response.startLine == "HTTP/1.1 403 Forbidden")
        #expect(response.values(of: "content-type") == ["text/html; charset=UTF-8", "application/json"])
        #expect(response.headers.map(\.name) == [
            "Host", "Date", "Connection", "X-Powered-By", "Content-Type", "Content-Type", "Body-Signature-Ed25519",
        ])
        #expect(response.value(of: "HOST") == "127.0.0.1:18081")
        #expect(response.body.first == UInt8(ascii: "{") && response.body.last == UInt8(ascii: "}"))
    }

    @Test("header names keep their wire case")
    func headerCase() throws {
        let response = try Fixtures.exchange("a", "err-not-found-route").response
        #expect(response.headers.contains { $0.name == "Content-type" })
        #expect(!response.headers.contains { $0.name == "Content-Type" })
        #expect(response.values(of: "CONTENT-TYPE") == ["text/html;charset=UTF-8"])
    }

    @Test("the body is everything after the first CRLFCRLF, CRLF bytes inside it kept")
    func bodyBoundaries() throws {
        let request = try Fixtures.exchange("a", "publish-07").request
        let raw = try Fixtures.bytes("a/publish-07.request.http")
        #expect(request.body.contains(0x0D))
        #expect(Array(raw.suffix(request.body.count)) == request.body)
        let parsed = try RecordedHTTP(parsing: utf8("GET / HTTP/1.1\r\nA: 1\r\na:  2 \r\n\r\nx\r\n\r\ny"))
        #expect(parsed.startLine == "GET / HTTP/1.1")
        #expect(parsed.headers.map(\.name) == ["A", "a"])
        #expect(parsed.values(of: "A") == ["1", "2"])
        #expect(parsed.body == utf8("x\r\n\r\ny"))
        #expect(throws: (any Error).self) { try RecordedHTTP(parsing: utf8("GET / HTTP/1.1\r\n")) }
    }

    @Test("key files and manifest entries load")
    func keysAndManifest() throws {
        #expect(try Fixtures.serverPublicKey("a").base64url == "59vFsy_QOi6YU_vAzIbZBa3ZStNQljaPtkonnVLgYsU=")
        #expect(try Fixtures.serverPublicKey("b").base64url == "YybjKnzR__JFF8yAa0_btHP2IdwunmuJx4aGZ-VTz5k=")
        let first = try #require(try Fixtures.manifest("a").first)
        #expect(first.name == "empty-export" && first.server == "a" && first.status == 200)
        #expect(first.requestLine == "GET /chronicle/export HTTP/1.1")
        #expect(try Fixtures.manifest("b").allSatisfy { $0.server == "b" })
        #expect(throws: (any Error).self) { try Fixtures.bytes("no/such/file") }
    }
}
