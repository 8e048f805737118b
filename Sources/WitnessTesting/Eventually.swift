/// Waits until `condition` holds, polling every 20 ms, for at most `timeout`; returns whether it
/// held. The one wait every suite uses: tests assert what happened, never how long it took.
package func eventually(timeout: Duration = .seconds(30), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}
