import Foundation
import WitnessCore

/// wrk driving `POST /chronicle/publish` from a separate process, so the node's CPU per publish is
/// measured alone (in-process clients share the process and the two cores). Every request is
/// signed beforehand and used once (a repeat would be a refused replay); wrk's Lua script hands
/// each thread its own share of them.
enum PublishLoad {
    struct Result {
        var requests: Int
        var errors: Int
        var requestsPerSecond: Double
        var latency: Percentiles
    }

    /// A wrk script in which each thread takes every `threads`-th line of a request file (its
    /// path and the thread count are the script's arguments) and sends each line once, as the
    /// request the Lua expression `request` makes of `line`.
    static func script(request: String) -> String {
        #"""
        local counter, threads = 0, 0
        local requests = {}
        function setup(thread)
          thread:set("id", threads)
          threads = threads + 1
        end
        function init(args)
          local path, nthreads, i = args[1], tonumber(args[2]), 0
          for line in io.lines(path) do
            if i % nthreads == id then
              requests[#requests + 1] = \#(request)
            end
            i = i + 1
          end
        end
        function request()
          counter = counter + 1
          return requests[counter] or requests[#requests]
        end
        """#
    }

    /// Publish lines are `clientid signature body`.
    static let script = script(request: #"""
        (function()
                local client, signature, body = line:match("^(%S+) (%S+) (.*)$")
                return wrk.format("POST", nil, {
                  ["Chronicle-Client-Key-ID"] = client, ["Body-Signature-Ed25519"] = signature,
                  ["Content-Type"] = "application/json" }, body)
              end)()
        """#)

    /// Writes `count` signed publish requests spread over `clients` and returns the file's path.
    static func writeRequests(to path: String, count: Int, clients: [(id: String, key: Ed25519SecretKey)], bodyBytes: Int) throws {
        var out = ""
        out.reserveCapacity(count * (bodyBytes + 160))
        for n in 0..<count {
            let (id, key) = clients[n % clients.count]
            let body = PublishBench.publishBody(client: n % clients.count, sequence: n, bytes: bodyBytes)
            out += id + " " + Sapient.sign(Array(body.utf8), with: key) + " " + body + "\n"
        }
        try Data(out.utf8).write(to: URL(fileURLWithPath: path))
    }

    /// Runs wrk with `connections` connections for `seconds` against `url`.
    static func run(_ wrk: String, url: String, connections: Int, seconds: Int, requestFile: String, directory: String) throws -> Result {
        let scriptPath = directory + "/publish-\(UUID().uuidString).lua"
        try Data(script.utf8).write(to: URL(fileURLWithPath: scriptPath))
        defer { try? FileManager.default.removeItem(atPath: scriptPath) }
        let threads = min(2, connections)
        let output = try ReadAPIBench.wrkReport(wrk, ["-t\(threads)", "-c\(connections)", "-d\(seconds)s", "--latency", "-s", scriptPath,
                                                      url, "--", requestFile, String(threads)])
        let load = try ReadAPIBench.parseWrk(output)
        var p50 = 0.0, max = 0.0
        for raw in output.split(separator: "\n") {
            let fields = raw.split(separator: " ", omittingEmptySubsequences: true)
            if fields.first == "50%", fields.count >= 2 { p50 = (ReadAPIBench.milliseconds(String(fields[1])) ?? 0) / 1000 }
            // "    Latency   812.00us  201.00us   9.02ms   91.00%": avg, stdev, max.
            if fields.first == "Latency", fields.count >= 4 { max = (ReadAPIBench.milliseconds(String(fields[3])) ?? 0) / 1000 }
        }
        return Result(requests: load.requests, errors: load.errors, requestsPerSecond: load.requestsPerSecond,
                      latency: Percentiles(p50: p50, p99: load.p99Milliseconds / 1000, max: max))
    }
}
