#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Testing
import WitnessTesting

/// Integration tests of the built `chronicle-witness` binary, spawned as a real process.
///
/// Serialized: the machine may have few cores, every test spawns several processes, and the
/// helpers poll; running one test at a time keeps each one's deadlines far from reach.
@Suite("chronicle-witness binary", .serialized)
enum CLIIntegration {}

/// A failure of the test harness itself (binary missing, process hung, unexpected output).
struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Where things are.
enum Locations {
    /// The package root: the first ancestor of this file holding `Package.swift`.
    static let packageRoot: URL = {
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while dir.path != "/" {
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) { return dir }
            dir = dir.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }()

    /// `CHRONICLE_WITNESS_BIN`, else `.build/debug/chronicle-witness` under the package root.
    static func binary() throws -> URL {
        let candidate: URL
        if let env = ProcessInfo.processInfo.environment["CHRONICLE_WITNESS_BIN"], !env.isEmpty {
            candidate = URL(fileURLWithPath: env)
        } else {
            candidate = packageRoot.appendingPathComponent(".build/debug/chronicle-witness")
        }
        guard FileManager.default.isExecutableFile(atPath: candidate.path) else {
            throw HarnessError("""
                chronicle-witness binary not found or not executable at \(candidate.path); \
                run `swift build` first or set CHRONICLE_WITNESS_BIN to the built binary
                """)
        }
        return candidate
    }

    /// `Tests/Fixtures/chronicle-real` of this package, else the shared copy next to the package.
    static let fixtures: URL = {
        let local = packageRoot.appendingPathComponent("Tests/Fixtures/chronicle-real")
        if FileManager.default.fileExists(atPath: local.path) { return local }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared/fixtures/chronicle-real")
    }()
}

/// The environment for a child: ours without any `CHRONICLE_WITNESS_*` setting, plus `extra`.
func childEnvironment(_ extra: [String: String]) -> [String: String] {
    var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("CHRONICLE_WITNESS_") }
    env.merge(extra) { _, new in new }
    return env
}

/// Starts the binary with stdout and stderr going to files (no pipe can fill up and block the child).
func launch(_ arguments: [String], logsIn dir: TemporaryDirectory, environment: [String: String] = [:]) throws
    -> (process: Process, stdout: URL, stderr: URL) {
    let id = UUID().uuidString.prefix(8)
    let out = dir.url.appendingPathComponent("log-\(id).out")
    let err = dir.url.appendingPathComponent("log-\(id).err")
    guard FileManager.default.createFile(atPath: out.path, contents: nil),
          FileManager.default.createFile(atPath: err.path, contents: nil) else {
        throw HarnessError("cannot create log files in \(dir.url.path)")
    }
    let outHandle = try FileHandle(forWritingTo: out)
    let errHandle = try FileHandle(forWritingTo: err)
    defer { try? outHandle.close(); try? errHandle.close() }
    let process = Process()
    process.executableURL = try Locations.binary()
    process.arguments = arguments
    process.environment = childEnvironment(environment)
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = outHandle
    process.standardError = errHandle
    try process.run()
    return (process, out, err)
}

/// Polls until `process` has exited; SIGKILLs it and throws when `timeout` passes first.
func waitForExit(_ process: Process, timeout: Duration, what: String) async throws {
    let deadline = ContinuousClock.now + timeout
    while process.isRunning {
        if ContinuousClock.now >= deadline {
            kill(process.processIdentifier, SIGKILL)
            throw HarnessError("\(what) did not exit within \(timeout); killed")
        }
        try await Task.sleep(for: .milliseconds(10))
    }
}

/// What a finished command did.
struct CommandResult: CustomStringConvertible {
    var status: Int32
    var reason: Process.TerminationReason
    var stdout: String
    var stderr: String
    var succeeded: Bool { reason == .exit && status == 0 }
    /// The text after `prefix` on the first stdout line starting with it.
    func value(after prefix: String) -> String? {
        stdout.split(separator: "\n").first { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
    }
    var description: String { "exit \(status) (\(reason == .exit ? "exit" : "signal"))\nstdout: \(stdout)\nstderr: \(stderr)" }
}

/// Runs `chronicle-witness ARGS` to completion.
func runCLI(_ arguments: [String], logsIn dir: TemporaryDirectory, environment: [String: String] = [:],
            timeout: Duration = .seconds(120)) async throws -> CommandResult {
    let (process, out, err) = try launch(arguments, logsIn: dir, environment: environment)
    try await waitForExit(process, timeout: timeout, what: "chronicle-witness \(arguments.joined(separator: " "))")
    return CommandResult(status: process.terminationStatus, reason: process.terminationReason,
                         stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
                         stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
}

/// A running `chronicle-witness serve` on 127.0.0.1 with a port picked by the kernel.
final class ServerProcess {
    let process: Process
    let stdoutURL: URL
    let stderrURL: URL
    /// `http://127.0.0.1:PORT/chronicle`.
    let baseURL: String
    let port: UInt16

    private init(process: Process, stdoutURL: URL, stderrURL: URL, baseURL: String, port: UInt16) {
        self.process = process
        self.stdoutURL = stdoutURL
        self.stderrURL = stderrURL
        self.baseURL = baseURL
        self.port = port
    }

    var stdout: String { (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }

    /// Starts `serve --dir DIR --listen 127.0.0.1:0` and waits for its `listening on` line.
    static func start(dataDir: String, logsIn dir: TemporaryDirectory, environment: [String: String] = [:],
                      listen: String = "127.0.0.1:0", extraArguments: [String] = [],
                      timeout: Duration = .seconds(60)) async throws -> ServerProcess {
        let (process, out, err) = try launch(["serve", "--dir", dataDir, "--listen", listen] + extraArguments,
                                             logsIn: dir, environment: environment)
        let deadline = ContinuousClock.now + timeout
        let prefix = "listening on "
        while true {
            let text = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) {
                let url = String(line.dropFirst(prefix.count))
                guard url.hasPrefix("http://127.0.0.1:"), url.hasSuffix("/chronicle"),
                      let port = UInt16(url.dropFirst("http://127.0.0.1:".count).dropLast("/chronicle".count)), port != 0 else {
                    kill(process.processIdentifier, SIGKILL)
                    throw HarnessError("serve printed an unexpected line: \(line)")
                }
                return ServerProcess(process: process, stdoutURL: out, stderrURL: err, baseURL: url, port: port)
            }
            if !process.isRunning {
                let stderr = (try? String(contentsOf: err, encoding: .utf8)) ?? ""
                throw HarnessError("serve exited with \(process.terminationStatus) before listening; stderr: \(stderr)")
            }
            if ContinuousClock.now >= deadline {
                kill(process.processIdentifier, SIGKILL)
                throw HarnessError("serve printed no `listening on` line within \(timeout); stderr: \((try? String(contentsOf: err, encoding: .utf8)) ?? "")")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Sends `signal` to the server.
    func send(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// Waits (polling, with a deadline) for the server to exit.
    func waitForExit(timeout: Duration = .seconds(60)) async throws {
        try await IntegrationTests.waitForExit(process, timeout: timeout, what: "serve")
    }

    /// For `defer`: stops a server that is still running (SIGTERM, then SIGKILL past a deadline) and reaps it.
    func stopIfRunning() {
        guard process.isRunning else { return }
        send(SIGTERM)
        let deadline = ContinuousClock.now + .seconds(30)
        while process.isRunning, ContinuousClock.now < deadline { usleep(10_000) }
        if process.isRunning {
            send(SIGKILL)
            let killDeadline = ContinuousClock.now + .seconds(30)
            while process.isRunning, ContinuousClock.now < killDeadline { usleep(10_000) }
        }
    }
}
