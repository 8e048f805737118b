/// Gauges read from the database at scrape time, written as Prometheus text directly.
///
/// The collector registry keeps one object per label set and copies a family's whole dictionary
/// to add one: a first scrape of 40,000 Merkle logs (3 series each) took 350 s of CPU there,
/// behind an unauthenticated GET. State read fresh at every scrape needs no registry: this is one
/// pass, O(series), and nothing is kept between scrapes (a removed peer or witness disappears).
struct StateGauges {
    private var families: [(name: String, lines: [String])] = []
    private var index: [String: Int] = [:]

    /// Sets the unlabelled series of gauge `name`.
    mutating func set(_ name: String, _ value: Double) { set(name, [], value) }

    /// Sets one series of gauge `name`.
    mutating func set(_ name: String, _ labels: [(String, String)], _ value: Double) {
        let series = labels.isEmpty ? name : name + "{" + labels.map { "\($0.0)=\"\(Self.escape($0.1))\"" }.joined(separator: ",") + "}"
        let line = series + " " + NodeConfig.number(value)
        if let at = index[name] {
            families[at].lines.append(line)
        } else {
            index[name] = families.count
            families.append((name, [line]))
        }
    }

    /// The exposition: each family's `# TYPE` line, then its series.
    var text: String {
        var out = ""
        for family in families {
            out += "# TYPE \(family.name) gauge\n"
            for line in family.lines { out += line + "\n" }
        }
        return out
    }

    /// SPEC: Prometheus text format — label values escape backslash, double quote and line feed.
    static func escape(_ value: String) -> String {
        var out = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
