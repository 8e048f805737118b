import Testing
import WitnessCore

/// The one pagination rule (issue 10, item 1): what `next` to follow, and when a walk loops.
@Suite("Pagination")
struct PaginationTests {
    static func page(_ members: [JSONMember]) -> JSONValue { .object(members) }

    @Test(arguments: [
        ("a paginated page with next", [JSONMember("paginated", true), JSONMember("next", .string("/export/2"))], 3, "/export/2"),
        ("next without its leading slash", [JSONMember("paginated", true), JSONMember("next", .string("export/2"))], 3, "/export/2"),
        ("an empty page ends the walk", [JSONMember("paginated", true), JSONMember("next", .string("/export/2"))], 0, nil),
        ("not paginated", [JSONMember("next", .string("/export/2"))], 3, nil),
        ("no next", [JSONMember("paginated", true)], 3, nil),
        ("a since page", [JSONMember("paginated", true), JSONMember("next", .string("/since/abc%3D/3"))], 1, "/since/abc%3D/3"),
    ] as [(String, [JSONMember], Int, String?)])
    func follows(_ what: String, _ members: [JSONMember], _ rows: Int, _ expected: String?) throws {
        #expect(try Pagination.next(after: Self.page(members), rows: rows) == expected, "\(what)")
    }

    @Test(arguments: ["http://127.0.0.1/x", "/../admin", "/export/2?x=1", "/export/2#f", "/" + String(repeating: "a", count: 300), "", "/ex port"])
    func refusesALinkOffTheChronicle(_ next: String) {
        #expect(throws: Pagination.Failure.implausibleNext) {
            try Pagination.next(after: Self.page([JSONMember("paginated", true), JSONMember("next", .string(next))]), rows: 1)
        }
    }

    @Test func aWalkThatComesBackIsALoop() throws {
        var walk = Pagination.Walk()
        try walk.enter("/export")
        try walk.enter("/export/2")
        #expect(throws: Pagination.Failure.loop("/export")) { try walk.enter("/export") }
        #expect(walk.pages == 2)
    }
}
