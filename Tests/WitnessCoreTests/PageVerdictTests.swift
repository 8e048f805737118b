import Testing
import WitnessCore

/// The one page verdict (issue 10, item 3): what a page of `/export` or `/since` proves, for the
/// poller and `verify-chain` alike.
@Suite("Page verdict")
struct PageVerdictTests {
    static let client = Ed25519SecretKey(seed: [UInt8](repeating: 0x42, count: 32))

    /// Five honest entries and the chain state after each prefix.
    static func chain() -> (entries: [ChronicleEntry], tips: [BlakechainTip]) {
        let chain = Blakechain()
        var entries: [ChronicleEntry] = []
        var tips = [chain.tip]
        for n in 1...5 {
            entries.append(chain.appendEntry(contents: #"{"n":\#(n)}"#, signedBy: client, created: "2026-12-02T00:00:0\(n)+00:00"))
            tips.append(chain.tip)
        }
        return (entries, tips)
    }

    /// A tampering applied to entry `index` (0-based) of the page.
    enum Tamper: String, CaseIterable, Sendable {
        case contents, prevhash, currhash, summaryhash, signature, notARecord
    }

    @Test func anHonestPageIsVerifiedWhole() throws {
        let (entries, tips) = Self.chain()
        let verdict = try #require(PageVerdict.judge(PageVerdict.parse(entries.map(\.exportStyle), after: 0), after: tips[0]))
        #expect(verdict.failure == nil)
        #expect(verdict.verified.map(\.position) == [1, 2, 3, 4, 5])
        #expect(verdict.tip == tips[5])
    }

    @Test func pagesContinueWhereTheLastEnded() throws {
        let (entries, tips) = Self.chain()
        let first = try #require(PageVerdict.judge(PageVerdict.parse(entries[0..<2].map(\.exportStyle), after: 0), after: tips[0]))
        let second = try #require(PageVerdict.judge(PageVerdict.parse(entries[2...].map(\.exportStyle), after: 2), after: first.tip))
        #expect(second.failure == nil && second.verified.map(\.position) == [3, 4, 5])
        #expect(second.tip == tips[5], "two pages end where one page does")
        // A page that does not continue the verified chain proves nothing.
        let skipped = try #require(PageVerdict.judge(PageVerdict.parse(entries[3...].map(\.exportStyle), after: 2), after: first.tip))
        #expect(skipped.verified.isEmpty && skipped.tip == tips[2])
        guard case .prevhashMismatch(3, _, _)? = skipped.failure else { Issue.record("\(String(describing: skipped.failure))"); return }
    }

    @Test(arguments: Tamper.allCases)
    func theVerifiedPrefixSurvivesATamperedEntry(_ tamper: Tamper) throws {
        let (entries, tips) = Self.chain()
        var rows = entries.map(\.exportStyle)
        var bad = entries[2]
        switch tamper {
        case .contents: bad.contents = #"{"n":"forged"}"#
        case .prevhash: bad.prevhash = entries[0].currhash
        case .currhash: bad.currhash = entries[3].currhash
        case .summaryhash: bad.summaryhash = entries[3].summaryhash
        case .signature: bad.signature = entries[3].signature
        case .notARecord: break
        }
        rows[2] = tamper == .notARecord ? .string("not a record") : bad.exportStyle
        let verdict = try #require(PageVerdict.judge(PageVerdict.parse(rows, after: 0), after: tips[0]))
        #expect(verdict.verified.map(\.position) == [1, 2], "\(tamper)")
        #expect(verdict.tip == tips[2], "the state is the verified prefix's, whatever the verifier absorbed")
        let failure = try #require(verdict.failure)
        switch (tamper, failure) {
        case (.contents, .badEntrySignature(3)), (.signature, .badEntrySignature(3)), (.prevhash, .prevhashMismatch(3, _, _)),
             (.currhash, .currhashMismatch(3, _, _)), (.summaryhash, .summaryhashMismatch(3, _, _)):
            break
        case (.notARecord, .malformedRecord(let reason)):
            #expect(reason.hasPrefix("entry 3: "), "\(reason)")
        default:
            Issue.record("\(tamper): \(failure)")
        }
    }

    @Test func signaturesCheckedElsewhereAreTrustedOnlyWhenValid() throws {
        let (entries, tips) = Self.chain()
        var rows = entries.map(\.exportStyle)
        var forged = entries[1]
        forged.contents = #"{"n":"forged"}"#
        rows[1] = forged.exportStyle
        let parsed = PageVerdict.parse(rows, after: 0)
        // A caller that found entry 2's signature invalid says false: it is checked here again and refused.
        let verdict = try #require(PageVerdict.judge(parsed, after: tips[0], signatures: [true, false, true, true, true]))
        guard case .badEntrySignature(2)? = verdict.failure else { Issue.record("\(String(describing: verdict.failure))"); return }
        // Fewer answers than entries: the rest are checked here.
        let short = try #require(PageVerdict.judge(PageVerdict.parse(entries.map(\.exportStyle), after: 0), after: tips[0], signatures: [true]))
        #expect(short.failure == nil && short.tip == tips[5])
    }

    @Test func aCorruptStartingStateGivesNoVerdict() {
        let (entries, _) = Self.chain()
        let corrupt = BlakechainTip(size: 2, currhash: [1, 2, 3], hashstate: [4, 5])
        #expect(PageVerdict.judge(PageVerdict.parse(entries.map(\.exportStyle), after: 2), after: corrupt) == nil)
    }
}
