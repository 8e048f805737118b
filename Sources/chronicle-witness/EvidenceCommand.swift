import ArgumentParser
import Foundation
import WitnessCore
import WitnessNode
import WitnessStore

struct EvidenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evidence",
        abstract: "List, show and verify split-view evidence.",
        subcommands: [List.self, Show.self, Verify.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One evidence per line: id, kind, origin, detected at.")
        @OptionGroup var directory: DirectoryOptions
        @Option(help: "Only evidence about this origin.") var origin: String?

        func run() throws {
            let database = try DataDirectory(path: directory.dir).openDatabase()
            for record in try database.evidenceList(origin: origin) {
                print([record.id, record.kind, record.origin, record.detectedAt.rfc3339].joined(separator: "\t"))
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print one evidence object (the JSON alone), by id or unique id prefix.")
        @OptionGroup var directory: DirectoryOptions
        @Argument(help: "The evidence id.") var id: String

        func run() throws {
            let database = try DataDirectory(path: directory.dir).openDatabase()
            guard let record = try database.evidence(id: id) else { throw CLIFailure("no evidence with id \(id)") }
            FileHandle.standardOutput.write(Data(record.body + [0x0A]))
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify an evidence file offline with the keys it names; exit 0 only when it proves its kind.")
        @Argument(help: "The evidence JSON file ('-' for standard input).") var file: String

        func run() throws {
            let data: Data
            if file == "-" {
                data = FileHandle.standardInput.readDataToEndOfFile()
            } else {
                guard let read = FileManager.default.contents(atPath: file) else { throw CLIFailure("cannot read \(file)") }
                data = read
            }
            let evidence: Evidence
            do { evidence = try Evidence(bytes: Array(data)) } catch { throw CLIFailure("not evidence: \(error)") }
            switch EvidenceVerifier.verify(evidence) {
            case .proven(let kind, let summary) where kind == evidence.kind:
                print("proven: \(kind.rawValue) by \(evidence.origin) (key \(evidence.upstreamKey)): \(summary)")
                if EvidenceVerifier.isReporterAttested(evidence) {
                    // witness-protocol §6.1: say what it rests on.
                    let basis = kind == .rollback
                        ? "it rests on a signed \"No record found\", which names no hash"
                        : "it rests on a body being a /lasthash answer, which its signed bytes do not show"
                    print("note: not self-contained: \(basis). It is the word of its reporter, who signed it "
                        + "(witness-protocol §6.1); nodes keep it only from a trusted reporter and never stop cosigning for it")
                }
            case .proven(let kind, _):
                throw CLIFailure("not proven: the evidence claims \(evidence.kind.rawValue) but proves \(kind.rawValue)")
            case .notProven(let reason):
                throw CLIFailure("not proven: \(reason)")
            }
        }
    }
}
