import Testing

@testable import ReadTraceCore

@Suite("Live view keys")
struct KeyCommandTests {
    static func commands(_ text: String) -> [KeyCommand] { KeyCommand.commands(in: Array(text.utf8)) }

    @Test("keys as top takes them: sort by letter or cycle, pause, help, quit; others ignored")
    func keys() {
        #expect(Self.commands("btrlif") == [.sort(.bytes), .sort(.total), .sort(.reads), .sort(.p99), .sort(.pid), .sort(.file)])
        #expect(Self.commands("s>S<") == [.nextSort, .nextSort, .previousSort, .previousSort])
        #expect(Self.commands("p ?hqxZ9") == [.togglePause, .togglePause, .toggleHelp, .toggleHelp, .quit])
    }

    @Test("arrows move the sort; a lone Escape closes the help; other sequences are skipped whole")
    func escapeSequences() {
        #expect(Self.commands("\u{1B}[C\u{1B}[D") == [.nextSort, .previousSort])
        #expect(Self.commands("\u{1B}") == [.closeHelp])
        #expect(Self.commands("\u{1B}[1;5Aq") == [.quit], "Ctrl-Up's parameters are not read as keys")
        #expect(Self.commands("\u{1B}[15~") == [], "F5")
    }

    @Test("commands change the view: the sort cycles through every key and wraps; help and pause toggle")
    func apply() {
        var view = LiveView(sort: .bytes, pathFilter: PathFilter([]), width: 80, height: 24)
        var seen: [SortKey] = []
        for _ in SortKey.allCases {
            view.apply(.nextSort)
            seen.append(view.sort)
        }
        #expect(seen == Array(SortKey.allCases.dropFirst()) + [.bytes])
        view.apply(.previousSort)
        #expect(view.sort == .file)
        view.apply(.sort(.p99))
        #expect(view.sort == .p99)
        view.apply(.toggleHelp)
        view.apply(.togglePause)
        #expect(view.showsHelp && view.isPaused)
        view.apply(.closeHelp)
        #expect(!view.showsHelp)
    }
}
