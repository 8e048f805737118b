/// Arithmetic on values that come from outside (request paths, peers, upstreams, config):
/// saturating instead of trapping, so a hostile number can never stop the process (issue 9).
extension Int {
    /// `self + other`, clamped to `Int.min...Int.max`.
    public func saturatingAdd(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }

    /// `self * other`, clamped to `Int.min...Int.max`.
    public func saturatingMultiply(_ other: Int) -> Int {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        return overflow ? ((self < 0) == (other < 0) ? .max : .min) : product
    }
}

extension Int64 {
    /// `self * other`, clamped to `Int64.min...Int64.max`.
    public func saturatingMultiply64(_ other: Int64) -> Int64 {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        return overflow ? ((self < 0) == (other < 0) ? .max : .min) : product
    }
}
