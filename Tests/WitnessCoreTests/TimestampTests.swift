import Testing
import WitnessCore

@Suite("Timestamp (chronicle-protocol §1.2)")
struct TimestampTests {
    /// Epochs cross-checked with Python `calendar.timegm`.
    static let known: [(Int64, String)] = [
        (0, "1970-01-01T00:00:00"),
        (-1, "1969-12-31T23:59:59"),
        (946_684_799, "1999-12-31T23:59:59"),
        (951_827_696, "2000-02-29T12:34:56"),
        (1_704_067_205, "2024-01-01T00:00:05"),
        (1_709_251_199, "2024-02-29T23:59:59"),
        (1_795_575_976, "2026-11-25T03:06:16"),
        (2_147_483_647, "2038-01-19T03:14:07"),
        (2_147_483_648, "2038-01-19T03:14:08"),
        (4_107_542_400, "2100-03-01T00:00:00"),
        (4_233_686_400, "2104-02-29T00:00:00"),
        (253_402_300_799, "9999-12-31T23:59:59"),
    ]

    @Test("formats ATOM (+00:00) and RFC 3339 (Z)")
    func formatting() {
        for (seconds, text) in Self.known {
            let t = Timestamp(seconds: seconds)
            #expect(t.atom == text + "+00:00")
            #expect(t.rfc3339 == text + "Z")
            #expect(t.description == text + "Z")
        }
    }

    @Test("ATOM strings are 25 ASCII bytes")
    func atomLength() {
        for (seconds, _) in Self.known where seconds >= 0 {
            #expect(Timestamp(seconds: seconds).atom.utf8.count == 25)
        }
    }

    @Test("parse inverts formatting")
    func roundTrip() {
        for (seconds, _) in Self.known {
            let t = Timestamp(seconds: seconds)
            #expect(Timestamp.parse(t.atom) == t)
            #expect(Timestamp.parse(t.rfc3339) == t)
        }
        var generator = SplitMix(seed: 7)
        for _ in 0..<500 {
            let t = Timestamp(seconds: Int64(generator.next() % 8_000_000_000))
            #expect(Timestamp.parse(t.atom) == t)
        }
    }

    @Test("parses the recorded server time and its equivalent spellings")
    func parseForms() {
        let expected = Timestamp(seconds: 1_795_575_976)
        for text in [
            "2026-11-25T03:06:16+00:00",
            "2026-11-25T03:06:16Z",
            "2026-11-25t03:06:16z",
            "2026-11-25 03:06:16Z",
            "2026-11-25T03:06:16",
            "2026-11-25T05:06:16+02:00",
            "2026-11-25T05:06:16+0200",
            "2026-11-24T22:06:16-05:00",
            "2026-11-25T08:36:16+05:30",
            "2026-11-25T03:06:16.999999Z",
            "2026-11-25T03:06:16.5+00:00",
            "2026-11-25T03:06:16,25Z",
        ] {
            #expect(Timestamp.parse(text) == expected, "\(text)")
        }
        #expect(Timestamp.parse("2026-11-25T03:06Z") == Timestamp(seconds: 1_795_575_960))
    }

    @Test("date-only means midnight UTC")
    func dateOnly() {
        #expect(Timestamp.parse("2026-11-25") == Timestamp(seconds: 1_795_564_800))
        #expect(Timestamp.parse("1970-01-01") == Timestamp(seconds: 0))
        #expect(Timestamp.parse("2024-02-29") == Timestamp(seconds: 1_709_164_800))
    }

    @Test("offsets cross midnight and year boundaries")
    func offsetsAcrossDays() {
        #expect(Timestamp.parse("2024-01-01T00:30:00+01:00")?.atom == "2023-12-31T23:30:00+00:00")
        #expect(Timestamp.parse("2023-12-31T23:30:00-01:00")?.atom == "2024-01-01T00:30:00+00:00")
    }

    @Test("rejects impossible dates and garbage", arguments: [
        "", "garbage", "now", "2024-02-30", "2023-02-29", "1900-02-29", "2100-02-29", "2024-04-31", "2024-13-01",
        "2024-00-10", "2024-01-00", "2024-01-32", "24-01-01", "2024-1-01", "2024/01/01", "2024-01-01T",
        "2024-01-01T24:00:00Z", "2024-01-01T12:60:00Z", "2024-01-01T12:00:61Z", "2024-01-01T12Z",
        "2024-01-01T12:00:00+15:00", "2024-01-01T12:00:00+00:60", "2024-01-01T12:00:00+0", "2024-01-01T12:00:00.Z",
        "2024-01-01T12:00:00Zjunk", "2024-01-01T12:00:00+00:00 ", " 2024-01-01", "2024-01-01X12:00:00",
        "2026-11-25T03:06:16 UTC",
    ])
    func rejects(text: String) {
        #expect(Timestamp.parse(text) == nil)
    }

    @Test("leap days are accepted where they exist")
    func leapDays() {
        #expect(Timestamp.parse("2000-02-29T00:00:00Z") != nil)
        #expect(Timestamp.parse("2024-02-29T00:00:00Z") != nil)
        #expect(Timestamp.parse("2104-02-29T00:00:00Z")?.seconds == 4_233_686_400)
    }

    @Test("ordering and arithmetic")
    func ordering() {
        let a = Timestamp(seconds: 100)
        #expect(a < a.adding(seconds: 1))
        #expect(a.adding(seconds: -100) == Timestamp(seconds: 0))
        #expect([Timestamp(seconds: 3), Timestamp(seconds: -2), a].sorted().map(\.seconds) == [-2, 3, 100])
    }
}
