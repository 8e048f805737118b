import WitnessCore

/// The parsers under fuzz, chosen by the first input byte (modulo the count), and the property
/// each must keep. A broken property traps (`fatalError`), which libFuzzer reports as a crash and
/// saves the input; a parser that throws its typed error is fine.
enum FuzzTarget: UInt8, CaseIterable {
    case json, entry, checkpoint, note, gossip, evidence, vkey, attestation, encodings, addCheckpoint

    /// The target for an input, and the bytes it reads.
    static func split(_ input: [UInt8]) -> (FuzzTarget, ArraySlice<UInt8>)? {
        guard let first = input.first else { return nil }
        return (FuzzTarget(rawValue: first % UInt8(allCases.count))!, input.dropFirst())
    }

    /// Runs the target on `payload`, trapping on a broken property.
    func run(_ payload: ArraySlice<UInt8>) {
        let bytes = Array(payload)
        switch self {
        case .json: Self.json(bytes)
        case .entry: Self.entry(bytes)
        case .checkpoint: Self.checkpoint(bytes)
        case .note: Self.note(bytes)
        case .gossip: Self.gossip(bytes)
        case .evidence: Self.evidence(bytes)
        case .vkey: Self.vkey(bytes)
        case .attestation: Self.attestation(bytes)
        case .encodings: Self.encodings(bytes)
        case .addCheckpoint: Self.addCheckpoint(bytes)
        }
    }

    static func require(_ condition: Bool, _ what: @autoclosure () -> String) {
        if !condition { fatalError("property broken: \(what())") }
    }

    static func exactly(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }

    // MARK: - Targets

    static func json(_ bytes: [UInt8]) {
        let value: JSONValue
        do { value = try JSONParser.parse(bytes) } catch {
            require((0...bytes.count).contains(error.offset), "failure offset \(error.offset) outside \(bytes.count) bytes")
            return
        }
        let compact = PHPJSON.compact(value)
        guard let again = try? JSONParser.parse(compact) else { return require(false, "PHPJSON output does not parse") }
        require(PHPJSON.compact(again) == compact, "PHPJSON rendering is not a fixpoint")
        require(PHPJSON.pretty(again) == PHPJSON.pretty(value), "pretty rendering differs after a round trip")
    }

    static func entry(_ bytes: [UInt8]) {
        guard let json = try? JSONParser.parse(bytes), let entry = try? ChronicleEntry(json: json) else { return }
        for style in [entry.lookupStyle, entry.exportStyle] {
            guard let again = try? ChronicleEntry(json: JSONParser.parse(PHPJSON.pretty(style))) else { return require(false, "record does not re-read") }
            require(PHPJSON.compact(again.lookupStyle) == PHPJSON.compact(entry.lookupStyle), "record re-reads differently")
        }
    }

    static func checkpoint(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let checkpoint = try? Checkpoint(text: text) else { return }
        require(Array(checkpoint.text.utf8) == Array(text.utf8), "accepted a non-canonical checkpoint")
        require(checkpoint.origin.unicodeScalars.allSatisfy { $0.value >= 0x20 && !$0.properties.isWhitespace }, "origin with a blank or control")
    }

    static func note(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let note = try? SignedNote(parsing: text) else { return }
        require(Array(note.serialized.utf8) == Array(text.utf8), "note does not re-serialise to its bytes")
        require(note.lines.allSatisfy { SignedNote.isValidKeyName($0.name) }, "accepted an invalid key name")
        guard let cosigned = try? CosignedCheckpoint(parsing: text) else { return }
        require(cosigned.note.lines.count <= 16, "accepted more than 16 lines")
        let stage = FuzzStage.shared
        for vkey in stage.witnesses {
            guard let cosignature = try? cosigned.cosignature(by: vkey) else { continue }
            require(stage.signedPairs.contains(Array((cosigned.checkpoint.text + cosignature.line.text).utf8)),
                    "\(vkey.name) verifies over a text or line it never signed")
        }
    }

    static func gossip(_ bytes: [UInt8]) {
        let message: GossipMessage
        do { message = try GossipMessage(bytes: bytes) } catch {
            if case .tooLarge = error { require(bytes.count > GossipMessage.maxBodyBytes, "too large at \(bytes.count) bytes") }
            return
        }
        require(message.heads.count <= GossipMessage.maxHeads, "too many heads")
        require(message.heads.allSatisfy { $0.cosigned.note.lines.count <= GossipMessage.maxSignatureLines }, "too many lines")
        require(message.heads.allSatisfy { exactly($0.origin, $0.cosigned.checkpoint.origin) }, "head origin differs from its checkpoint's")
        guard let again = try? GossipMessage(bytes: message.bytes) else { return require(false, "own bytes do not re-parse") }
        require(again.bytes == message.bytes, "re-serialising is not a fixpoint")
    }

    static func evidence(_ bytes: [UInt8]) {
        guard let evidence = try? Evidence(bytes: bytes) else { return }
        guard let again = try? Evidence(bytes: evidence.canonicalBytes) else { return require(false, "canonical bytes do not re-read") }
        require(again.canonicalBytes == evidence.canonicalBytes && again.id == evidence.id, "canonical bytes re-read differently")
        let verdict = EvidenceVerifier.verify(evidence)
        require(EvidenceVerifier.verify(again) == verdict, "verdict changed on re-reading")
        guard case .proven(let kind, _) = verdict else { return }
        require(kind == evidence.kind, "proved \(kind) for a \(evidence.kind) claim")
        guard let key = Ed25519PublicKey(base64url: evidence.upstreamKey) else { return require(false, "proven under an invalid key") }
        let stage = FuzzStage.shared
        for body in evidence.items.compactMap(\.upstreamSigned) {
            require(body.verifies(under: key), "proven with a body upstream_key did not sign")
            if key == stage.upstream.publicKey { require(stage.signedBodies.contains(body.body), "proven with a body the stage never signed") }
        }
        // A Merkle log's fork (no upstream-signed body) under the stage's log key rests on texts it signed.
        if kind == .fork, evidence.items.allSatisfy({ $0.upstreamSigned == nil }), key == stage.logKey.publicKey {
            for text in evidence.items.compactMap(\.cosigned) {
                guard let note = try? SignedNote(parsing: text, maxLines: 64, lenientSignatures: true),
                      note.isSigned(byAnyOf: [stage.logKey]) else { continue }
                require(stage.logNotes.contains(note.text), "a log fork proven with a text the log never signed")
            }
        }
        if kind == .witnessEquivocation, let vkey = evidence.witness.flatMap(VerifierKey.init), stage.witnesses.contains(vkey) {
            for text in evidence.items.compactMap(\.cosigned) {
                guard let note = try? CosignedCheckpoint(parsing: text), let cosignature = try? note.cosignature(by: vkey) else { continue }
                require(stage.signedPairs.contains(Array((note.checkpoint.text + cosignature.line.text).utf8)), "equivocation with a forged line")
            }
        }
    }

    static func vkey(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let vkey = VerifierKey(text) else { return }
        require(Array(vkey.description.utf8) == Array(text.utf8), "accepted a non-canonical vkey")
        require(SignedNote.isValidKeyName(vkey.name), "accepted an invalid name")
    }

    /// A C2SP add-checkpoint body: what parses re-serialises to its bytes, the decision never
    /// traps whatever the held tree, and only the stage's log key signs what the stage signed.
    static func addCheckpoint(_ bytes: [UInt8]) {
        guard let request = try? AddCheckpointRequest(parsing: bytes) else { return }
        // Signature base64 is read as Go reads it (unused bits ignored); everything else is canonical.
        require((try? AddCheckpointRequest(parsing: request.body)) == request, "the body does not re-read as itself")
        require(request.body.count <= bytes.count, "re-serialised longer than read")
        require(request.proof.count <= RFC6962.maxProofHashes && request.proof.allSatisfy { $0.count == 32 }, "proof shape")
        let stage = FuzzStage.shared
        for held in [nil, (size: 0, root: RFC6962.emptyRoot), (size: request.oldSize, root: request.checkpoint.root),
                     (size: request.oldSize, root: [UInt8](repeating: 7, count: 32))] as [(size: Int, root: [UInt8])?] {
            let verdict = AddCheckpointVerdict.decide(held: held, request: request)
            if verdict == .cosign { require(request.oldSize <= request.checkpoint.size, "cosigned a smaller tree") }
        }
        if request.note.isSigned(byAnyOf: [stage.logKey]) {
            require(stage.logNotes.contains(request.note.text), "the stage log key verifies a text it never signed")
        }
    }

    static func attestation(_ bytes: [UInt8]) {
        guard let json = try? JSONParser.parse(bytes), let attestation = try? PositionAttestation(json: json) else { return }
        require(attestation.size >= 0 && attestation.verifiedSize >= attestation.size && attestation.root.count == 32, "inconsistent sizes")
        guard let again = try? PositionAttestation(json: JSONParser.parse(PHPJSON.pretty(attestation.json))) else {
            return require(false, "attestation does not re-read")
        }
        require(PHPJSON.compact(again.json) == PHPJSON.compact(attestation.json), "attestation re-reads differently")
    }

    static func encodings(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        if let decoded = Base64.decode(text) { require(Base64.encode(decoded) == text, "non-canonical base64 accepted") }
        if let decoded = Base64URL.decode(text) { require(Base64URL.decode(Base64URL.encode(decoded)) == decoded, "base64url round trip") }
        if let time = Timestamp.parse(text) {
            require(Timestamp.parse(time.rfc3339) == time && Timestamp.parse(time.atom) == time, "timestamp re-reads as another time")
        }
    }
}
