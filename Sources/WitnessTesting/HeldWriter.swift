import Foundation
import GRDB
import WitnessStore

/// Holds a database's SQLite writer in a transaction of its own until `release` is called, so
/// the writes submitted meanwhile must queue: the test decides what waits, not the scheduler.
package final class HeldWriter: Sendable {
    private let entered = DispatchSemaphore(value: 0)
    private let gate = DispatchSemaphore(value: 0)

    package init(_ database: WitnessDatabase) {
        let (entered, gate) = (self.entered, self.gate)
        Thread.detachNewThread {
            try? database.writer.writeWithoutTransaction { _ in
                entered.signal()
                gate.wait()
            }
        }
        entered.wait()
    }

    package func release() { gate.signal() }
}
