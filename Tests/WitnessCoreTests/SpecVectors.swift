import WitnessCore

/// Test vectors of chronicle-protocol §2.8, §4.0 and §4.3, copied verbatim from the spec.
enum SpecVectors {
    /// Client key seed `00 01 … 1f`.
    static let clientSeed: [UInt8] = Array(0...31)
    static let clientPublicKey = "A6EHv_POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg="
    static let clientSecretKey = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8DoQe_884Qvh1w3RjnS8CZZ-TWMJulDV8d3IZkElUxuA=="

    /// Server key seed `20 21 … 3f`.
    static let serverSeed: [UInt8] = Array(0x20...0x3F)
    static let serverPublicKey = "Kay64UG8yvCyLhqU000LxzYeUm0L_hLIl5S8kyKWbdc="
    static let serverSecretKey = "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8prLrhQbzK8LIuGpTTTQvHNh5SbQv-EsiXlLyTIpZt1w=="

    struct Row {
        var created: String
        var body: String
        var signature: String
        var currhash: String
        var summaryhash: String
    }

    static let rows: [Row] = [
        Row(created: "2024-01-01T00:00:00+00:00", body: #"{"hello":"world"}"#,
            signature: "Jp2WzRw3S1xdCzvlPylTAJrp5B6yVihmHNBnZ3H-Cl9RDYDrUXFh91zHi6dpoiaxj0MsOBRYN1X1s-xv7yhOCw==",
            currhash: "rFqgLh4ggh6kkEjvWmAcOwdoQ_TYpT8bPCrGM2UgsgM=",
            summaryhash: "anq8WnlSSSZsYZLZwYuJebVnrGiAHIV0NLYxTEeNt9Q="),
        Row(created: "2024-01-01T00:00:01+00:00", body: "second entry",
            signature: "nWRDMasiQpEKyddxUOMEJI2w6p0W1abgWVyU6j22zy7pE508djgliwfpJn-6e-kbH2PxDJSpr7977Ee2KvGWDw==",
            currhash: "LsatxkH1IEEKuZxU-SRLTI1F86R4GmLdb5aIH2VAhcs=",
            summaryhash: "B6w0Gbo37KcxBFtlcsm9vczP6jzkbhvILIBp4dp-kvU="),
        Row(created: "2024-01-01T00:00:02+00:00", body: "",
            signature: "nKU1eVMGVNXD33cInvRe2mE-L-32cOlr7axGOVBOWEXvS5XVeTB3Iz3RaBeyUy6cVSWHKnOkrXS3WTaangXBAg==",
            currhash: "9TOXcSlxbEsxD72FmRln_hQMGOVp0PX7pu_F9h7YSfo=",
            summaryhash: "3wCWpYY1iWvEsWGoUWxBDYEsSnwnz-3E7UbK6iq6BHQ="),
    ]

    /// The served records of the three rows (genesis prevhash `null`).
    static var entries: [ChronicleEntry] {
        rows.enumerated().map { i, row in
            ChronicleEntry(contents: row.body, prevhash: i == 0 ? nil : rows[i - 1].currhash,
                           currhash: row.currhash, summaryhash: row.summaryhash, created: row.created,
                           publickey: clientPublicKey, signature: row.signature)
        }
    }

    /// `hashstate` after row 3 (the spec wraps it at 64 characters).
    static let hashstateAfterRow3 = [
        "KMm98mfmCWo7p8qEha5nuyv4lP5y82488TYdXzr1T6XRguatf1IOUR9sPiuMaAWb",
        "a71B-6vZgx95IX4TGc3gWwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "rFqgLh4ggh6kkEjvWmAcOwdoQ_TYpT8bPCrGM2UgsgMuxq3GQfUgQQq5nFT5JEtM",
        "jUXzpHgaYt1vlogfZUCFy_Uzl3EpcWxLMQ-9hZkZZ_4UDBjladD1-6bvxfYe2En6",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "AAAAAAAAAAAAAAAAAAAAAGAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    ].joined()

    /// §4.3: the lookup response for the genesis record, `datetime` 2024-01-01T00:00:05+00:00 (602 bytes).
    static let lookupResponseBody = #"""
    {
        "version": "1.3.x",
        "datetime": "2024-01-01T00:00:05+00:00",
        "status": "OK",
        "results": [
            {
                "contents": "{\"hello\":\"world\"}",
                "prevhash": null,
                "currhash": "rFqgLh4ggh6kkEjvWmAcOwdoQ_TYpT8bPCrGM2UgsgM=",
                "summaryhash": "anq8WnlSSSZsYZLZwYuJebVnrGiAHIV0NLYxTEeNt9Q=",
                "created": "2024-01-01T00:00:00+00:00",
                "publickey": "A6EHv_POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=",
                "signature": "Jp2WzRw3S1xdCzvlPylTAJrp5B6yVihmHNBnZ3H-Cl9RDYDrUXFh91zHi6dpoiaxj0MsOBRYN1X1s-xv7yhOCw=="
            }
        ]
    }
    """#
    static let lookupResponseSignature = "f5IOIkNXR3frnumI1CutQ7PWjP0SpDIhBOTkNlOaNjHOLJUeyOoHf1pU_E9kAQW0XxXsoj1pBwkIxb-daYHwAA=="

    /// §4.0: the signed error shape.
    static let errorResponseBody = #"""
    {
        "version": "1.3.x",
        "datetime": "2024-01-01T00:00:05+00:00",
        "status": "ERROR",
        "message": "No record found matching this hash."
    }
    """#
    static let errorResponseSignature = "eHo7sEEYqnM9qWXL8x17q33n18NjWXxGY1Zso1Tz1UL3dta9wpMXhp2qQmco-_wlirFelzUfF-9JQpoxdZcTCw=="

    /// 2024-01-01T00:00:05Z.
    static let responseTime = Timestamp(seconds: 1_704_067_205)
}

/// Bytes of lowercase or uppercase hex text.
func hexBytes(_ text: String) -> [UInt8] {
    let chars = Array(text.utf8)
    precondition(chars.count % 2 == 0, "odd hex length")
    func nibble(_ c: UInt8) -> UInt8 {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: preconditionFailure("not hex")
        }
    }
    return stride(from: 0, to: chars.count, by: 2).map { nibble(chars[$0]) << 4 | nibble(chars[$0 + 1]) }
}

/// UTF-8 bytes of a string.
func utf8(_ text: String) -> [UInt8] { Array(text.utf8) }
