import Foundation
import Testing

/// The live view as a person sees it: readtrace in a real terminal (tmux), driven by keys.
@Suite(
    "Live view keys in a terminal", .serialized,
    .enabled(if: BPFAvailability.shouldRun, BPFAvailability.skipComment))
struct LiveKeysTests {
    /// A tmux server of the test's own, so no one else's sessions are touched.
    final class Terminal {
        let socket = "readtrace-test-\(UUID().uuidString.prefix(8))"

        init(columns: Int, rows: Int, command: String) throws {
            try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux"), "the key tests need tmux (apt-get install tmux)")
            try #require(tmux(["new-session", "-d", "-s", "t", "-x", "\(columns)", "-y", "\(rows)", command]).status == 0)
        }

        deinit { _ = try? tmux(["kill-server"]) }

        /// Runs a tmux client and waits for it. Spawned and reaped here, not through Foundation's
        /// Process, which never sees the first client exit (it forks the tmux server).
        @discardableResult
        func tmux(_ arguments: [String]) throws -> Finished {
            let output = "/var/tmp/readtrace-test-tmux-\(UUID().uuidString.prefix(8))"
            defer { unlink(output) }
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
            var attributes = posix_spawnattr_t()
            posix_spawnattr_init(&attributes)
            defer { posix_spawnattr_destroy(&attributes) }
            // The test runner's threads block signals; the shell in the pane must not inherit that.
            var empty = sigset_t()
            sigemptyset(&empty)
            posix_spawnattr_setsigmask(&attributes, &empty)
            posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
            let argv = (["/usr/bin/tmux", "-L", socket] + arguments).map { strdup($0) } + [nil]
            defer { for argument in argv { free(argument) } }
            var pid: pid_t = 0
            try #require(posix_spawn(&pid, "/usr/bin/tmux", &actions, &attributes, argv, environ) == 0)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
            return Finished(status: (status >> 8) & 0xff, standardOutput: text, standardError: "")
        }

        func press(_ key: String) throws { try tmux(["send-keys", "-t", "t", key]) }

        var screen: String { (try? tmux(["capture-pane", "-p", "-t", "t"]).standardOutput) ?? "" }

        /// Waits until the screen shows `text`; the screen as it was last seen.
        func wait(for text: String, seconds: Double = 20) -> (found: Bool, screen: String) {
            wait(seconds: seconds) { $0.contains(text) }
        }

        func wait(seconds: Double = 20, until condition: (String) -> Bool) -> (found: Bool, screen: String) {
            let deadline = Date().addingTimeInterval(seconds)
            var last = ""
            while Date() < deadline {
                last = screen
                if condition(last) { return (true, last) }
                usleep(100_000)
            }
            return (false, last)
        }
    }

    @Test("? shows the help over every column, Escape goes back, q ends the run like Ctrl-C: summary, dump, terminal restored")
    func keys() throws {
        let scratch = try ScratchDirectory()
        let file = try scratch.file("keys.engine", size: 8 << 20)
        let name = "rt-keys"
        let dump = scratch.path + "/keys.json"
        // The shell stays after readtrace, so its status and the terminal's settings can be read.
        let terminal = try Terminal(columns: 100, rows: 30, command: "/bin/sh")
        try terminal.tmux([
            "send-keys", "-t", "t", "\(Paths.readtrace) --comm \(name) --interval 200ms --json \(dump); echo status $?", "Enter",
        ])
        let live = terminal.wait(for: "readtrace  elapsed")
        try #require(live.found, "no live view: \(live.screen)")
        // Large reads for a few seconds: few enough events that a debug build keeps up.
        let reader = try RunningProcess(Paths.workload, ["--file", file, "--chunk", "\(1 << 20)", "--repeat", "1000", "--name", name])
        defer { kill(reader.pid, SIGKILL) }
        let row = terminal.wait(for: " \(name) ")
        #expect(row.found, "the reader's row: \(row.screen)")
        #expect(row.screen.contains("▼BYTES") && row.screen.contains("? help s sort p pause q quit"), "\(row.screen)")

        try terminal.press("?")
        let help = terminal.wait(for: "Columns (sorted by bytes):")
        #expect(help.found, "\(help.screen)")
        for title in ["S", "PID", "COMM", "BYTES", "MiB/s", "DISK", "TOTAL", "DONE", "ETA", "FILE"] {
            #expect(help.screen.contains("\n  \(title) "), "\(title) is explained: \(help.screen)")
        }
        try terminal.press("Escape")
        #expect(terminal.wait(for: " FILE").found, "the table again")

        try terminal.press("t")
        #expect(terminal.wait(for: "▼TOTAL").found, "t sorts by TOTAL")

        try terminal.press("q")
        // "status $?" on the command line; "status 0" once the shell has run it.
        let ended = terminal.wait(seconds: 30) { screen in (0...255).contains { screen.contains("status \($0)\n") } }
        #expect(ended.found && ended.screen.contains("status 0\n"), "q ends the run, status 0: \(ended.screen)")
        #expect(ended.screen.contains("readtrace summary:"), "the summary follows: \(ended.screen)")
        #expect(FileManager.default.fileExists(atPath: dump), "the dump is written")
        // The marker is split on the command line, so only the command's output matches it.
        let modes = "clear; for f in $(stty -a); do case $f in echo|-echo|icanon|-icanon) echo \"mode $f\";; esac; done; echo stty\"\"-done"
        try terminal.tmux(["send-keys", "-t", "t", modes, "Enter"])
        let settings = terminal.wait(for: "stty-done")
        #expect(
            settings.screen.contains("mode echo\n") && settings.screen.contains("mode icanon\n"),
            "echo and line mode are back: \(settings.screen)")
        _ = try Dump(path: dump)
    }
}
