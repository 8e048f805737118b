/// Arithmetic on values that come from outside (request paths, peers, upstreams, config):
/// saturating instead of trapping, so a hostile number can never stop the process (issue 9).
extension FixedWidthInteger where Self: SignedInteger {
    /// `self + other`, clamped to `min...max`.
    public func saturatingAdd(_ other: Self) -> Self {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }

    /// `self * other`, clamped to `min...max`.
    public func saturatingMultiply(_ other: Self) -> Self {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        return overflow ? ((self < 0) == (other < 0) ? .max : .min) : product
    }
}
