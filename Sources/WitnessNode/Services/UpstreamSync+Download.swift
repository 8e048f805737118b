import Foundation
import Logging
import WitnessClient
import WitnessCore
import WitnessStore

extension UpstreamSync {
    /// Fetches and verifies everything after the stored head, page by page, committing each
    /// verified page before fetching the next (a long first sync survives a restart).
    ///
    /// Returns the last page fetched (its body names the new head). Stops cleanly, everything
    /// verified so far committed, when the poll's budget is spent or the upstream's quota is reached.
    func download(_ start: UpstreamRecord, spending: inout PollSpending, logger: Logger) async throws -> SignedFetch? {
        var tip = start.tip
        var size = start.size
        // SPEC: chronicle-protocol §6.3 — `/export` from genesis, else `/since/<urlencoded hash>`.
        var path: String? = size == 0 ? "/export" : "/since/" + Self.pathEncode(Base64URL.encode(start.tip.currhash))
        var walk = Pagination.Walk()
        var lastPage: SignedFetch?
        var stored = start.storedBytes
        // The next page, fetched (and parsed) while this one is verified and committed (issue 13,
        // item 5). Only one page ahead: memory stays at two pages; a page is fetched only after
        // the same loop and budget checks as before, and is dropped unread if this one fails.
        var ahead: (path: String, task: Task<SignedFetch, any Error>)?
        defer { ahead?.task.cancel() }
        while let current = path {
            let page: SignedFetch
            if let prefetched = ahead, prefetched.path == current {
                ahead = nil
                page = try await prefetched.task.value
            } else {
                do { try walk.enter(current) } catch { throw UpstreamError.outbound(.malformedResponse(url: start.url + current, reason: error.description)) }
                if let reason = spending.exhausted(now: clock.now()) {
                    throw UpstreamError.budgetExhausted(origin: start.origin, size: size, reason: reason)
                }
                page = try await fetch(start, current)
            }
            spending.charge(page.signedBody.body.count)
            // Start the next page now if it may be fetched at all; otherwise the loop's checks
            // below refuse it, with the size verified by then.
            if page.status == 200, let rows = page.json["results"]?.arrayValue,
               let next = try? Pagination.next(after: page.json, rows: rows.count),
               spending.exhausted(now: clock.now()) == nil, (try? walk.enter(next)) != nil {
                let sync = self
                ahead = (next, Task { try await sync.fetch(start, next) })
            }
            if page.isNoRecordFound, current.hasPrefix("/since/") {
                // The upstream no longer knows a head it served us.
                try await proveRollback(start, noRecord: page, logger: logger)
            }
            try page.requireOK()
            guard let rows = page.json["results"]?.arrayValue else {
                throw UpstreamError.outbound(.malformedResponse(url: page.url, reason: "no \"results\" list"))
            }
            let parsed = PageVerdict.parse(rows, after: size)
            // SPEC: issue 9 — a body larger than its entries can take is padding, refused before anything is stored.
            if let excess = ResponseAllowance.padding(bodyBytes: page.signedBody.body.count, entries: parsed.entries) {
                throw UpstreamError.outbound(.malformedResponse(url: page.url, reason: "the page is \(excess) bytes larger than its \(parsed.entries.count) "
                    + "entries can take (padding); refused"))
            }
            // The signatures need no chain state: check them on every core, then the chain in order.
            let signatures = await Self.signaturesValid(parsed.entries)
            guard let verdict = PageVerdict.judge(parsed, after: tip, signatures: signatures) else {
                throw StoreError.corruptTip(size: size)
            }
            let verified = verdict.verified
            if !verified.isEmpty {
                // The verified prefix is kept even when a later entry of the page is bad.
                let verifiedPage = VerifiedPage(path: current, response: page.signedBody, entries: verified, tipAfter: verdict.tip)
                let cost = verifiedPage.storedBytes
                guard stored.saturatingAdd(cost) <= maxStoredBytes else {
                    throw UpstreamError.storageQuota(origin: start.origin, stored: stored, limit: maxStoredBytes)
                }
                try await database.commitVerifiedPage(upstream: start.id, fromSize: size, verifiedPage, at: clock.now())
                stored = stored.saturatingAdd(cost)
                tip = verdict.tip
                size = tip.size
            }
            if let failure = verdict.failure { throw UpstreamError.chain(origin: start.origin, failure) }
            lastPage = page
            // A lying `total` (negative, or overflowing with our size) fails the poll; it never traps.
            let target = try Self.syncTarget(total: page.json["total"], after: current.hasPrefix("/since/") ? start.size : 0, url: page.url)
            // SPEC: chronicle-protocol §4.13 — follow `next` while the server paginates.
            do { path = try Pagination.next(after: page.json, rows: rows.count) } catch {
                throw UpstreamError.outbound(.malformedResponse(url: page.url, reason: error.description))
            }
            // Progress is recorded only while more pages follow: a sync that ends with this page is
            // cosigned in this poll, which clears the target again (and each write is an fsync).
            if path != nil {
                logger.info("syncing", metadata: ["size": "\(size)", "target": "\(target.map(String.init) ?? "unknown")"])
                try await database.recordSyncTarget(upstream: start.id, target)
            }
        }
        return lastPage
    }

    /// Each entry's signature validity, computed in as many chunks as there are cores.
    static func signaturesValid(_ entries: [ChronicleEntry]) async -> [Bool] {
        let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)
        guard entries.count >= 64, cores > 1 else { return entries.map(\.hasValidSignature) }
        let chunk = (entries.count + cores - 1) / cores
        return await withTaskGroup(of: (Int, [Bool]).self) { group in
            for start in stride(from: 0, to: entries.count, by: chunk) {
                let slice = Array(entries[start..<min(start + chunk, entries.count)])
                group.addTask { (start, slice.map(\.hasValidSignature)) }
            }
            var result = [Bool](repeating: false, count: entries.count)
            for await (start, part) in group { result.replaceSubrange(start..<(start + part.count), with: part) }
            return result
        }
    }

    /// Percent-encodes a base64url hash for a path segment (`=` as `%3D`, as PHP's urlencode).
    static func pathEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    /// The size the upstream claims to be syncing to: its `total` (plus `size`, for a `/since`).
    ///
    /// The upstream chooses `total`: a negative one, or one whose sum with our size overflows,
    /// is a malformed response, never an arithmetic trap that would stop the whole node.
    /// A `total` that is not an integer is ignored, as before: it only feeds the status page.
    static func syncTarget(total value: JSONValue?, after size: Int, url: String) throws(UpstreamError) -> Int? {
        guard let total = value?.intValue else { return nil }
        guard total >= 0 else { throw .outbound(.malformedResponse(url: url, reason: "\"total\" \(total) is negative")) }
        let (target, overflow) = size.addingReportingOverflow(total)
        guard !overflow else { throw .outbound(.malformedResponse(url: url, reason: "\"total\" \(total) is impossibly large")) }
        return target
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
