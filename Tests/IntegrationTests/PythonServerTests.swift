import Foundation
import Testing

/// A Python server's start, as a node sees it: several processes import hundreds of small
/// .py and .pyc files and a few shared libraries, then load large model files at once.
enum PythonServerWorkload {
    static let modelFiles = [
        ("model-00001-of-00002.safetensors", 48 << 20), ("model-00002-of-00002.safetensors", 48 << 20),
        ("embeddings.pt", 32 << 20),
    ]
    static let libraries = [("libtorch_cpu.so", 8 << 20), ("libc10.so", 3 << 20), ("_C.cpython-311-x86_64-linux-gnu.so", 5 << 20)]

    /// The server: three importers read every small file and a library each; then, together,
    /// three loaders read a library and a model file each, with its pages dropped first.
    static let script = """
        import os, subprocess, sys, time
        root, role = sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "server"
        def read(path, chunk, drop=True):
            fd = os.open(path, os.O_RDONLY)
            if drop: os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            while os.read(fd, chunk): pass
            os.close(fd)
        names = sorted(os.listdir(root))
        if role == "server":
            os.sync()
            importers = [subprocess.Popen([sys.executable, __file__, root, "import", str(i)]) for i in range(3)]
            for p in importers: p.wait()
            start = time.time() + 0.3
            loaders = [subprocess.Popen([sys.executable, __file__, root, "load", str(i), str(start)]) for i in range(3)]
            sys.exit(max(p.wait() for p in loaders))
        index = int(sys.argv[3])
        libraries = [n for n in names if n.endswith(".so")]
        if role == "import":
            for name in names:
                if name.startswith("lib-"): read(os.path.join(root, name), 65536, drop=index == 0)
            read(os.path.join(root, libraries[index]), 1 << 20)
        else:
            time.sleep(max(0, float(sys.argv[4]) - time.time()))
            read(os.path.join(root, libraries[(index + 1) % len(libraries)]), 1 << 20, drop=False)
            read(os.path.join(root, \(modelFiles.map(\.0))[index]), 1 << 20)
        """

    /// Writes the files: 240 small .py and .pyc files, the libraries, the model files.
    static func stage(on filesystem: LoopFilesystem) throws {
        for index in 0..<120 {
            _ = try filesystem.file("lib-module\(index).py", size: 2048 + index * 80)
            _ = try filesystem.file("lib-module\(index).cpython-311.pyc", size: index == 0 ? 157 << 10 : 4096 + index * 300)
        }
        // Large files filled at once (the harness's varied content takes a while at this size).
        for (name, size) in libraries + modelFiles {
            try Data(repeating: UInt8(size >> 20), count: size).write(to: URL(fileURLWithPath: filesystem.mountPoint + "/" + name))
        }
    }
}

@Suite("A Python server's start", .serialized, .enabled(if: BPFAvailability.shouldRun, BPFAvailability.skipComment))
struct PythonServerTests {
    @Test("the storm names only the model files, claims no slowdown without a reference, and the summary keeps to --top")
    func pythonServer() throws {
        let scratch = try ScratchDirectory()
        let filesystem = try LoopFilesystem(sizeMiB: 320, in: scratch, directIO: true)
        try PythonServerWorkload.stage(on: filesystem)
        let script = scratch.path + "/server.py"
        try PythonServerWorkload.script.write(toFile: script, atomically: true, encoding: .utf8)
        let dumpPath = scratch.path + "/server.json"
        let html = scratch.path + "/server.html"
        let run = try RunningProcess(
            Paths.readtrace,
            [
                "--interval", "100ms", "--top", "10", "--json", dumpPath, "--html", html,
                "--", "/usr/bin/python3", script, filesystem.mountPoint,
            ]
        ).finish(timeout: 120)
        try #require(run.status == 0, "\(run.standardError)")
        let dump = try Dump(path: dumpPath)
        let modelNames = PythonServerWorkload.modelFiles.map(\.0)
        #expect(modelNames.allSatisfy { name in dump.reads(ofPathEndingWith: name).contains { $0.int("read_bytes") ?? 0 > 0 } })

        // The storm: only model files, and no slowdown without a reference.
        let storm = run.standardOutput.prose(from: "Storm summary")
        #expect(storm.contains("loads overlapped"), "\(run.standardOutput)")
        #expect(modelNames.filter { storm.contains($0) }.count >= 2, "\(storm)")
        #expect(!storm.contains(".pyc") && !storm.contains(".py ") && !storm.contains(".so") && !storm.contains("lib-module"), "\(storm)")
        let referenced = storm.contains("loaded alone earlier in the run read") || storm.contains("With one load alone,")
        #expect(storm.contains("slower") == referenced, "a slowdown only against a reference: \(storm)")
        #expect(storm.contains("No slowdown is claimed") == !referenced, "\(storm)")

        // The summary's table: ten rows, then the rest summed.
        let lines = run.standardOutput.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let header = try #require(lines.firstIndex { $0.hasPrefix("    PID COMM") }, "\(run.standardOutput)")
        let rest = try #require(lines[header...].firstIndex { $0.hasPrefix("… ") }, "\(lines[header...])")
        #expect(rest - header - 1 == 10, "\(lines[header...rest])")
        let more = try #require(lines[rest].firstMatch(of: /… ([0-9]+) more rows:/).flatMap { Int($0.1) })
        #expect(more + 10 == dump.reads.count, "\(lines[rest]) of \(dump.reads.count) entries")
        let timelineRows = lines.filter { $0.hasPrefix("python3 ") }
        #expect(
            timelineRows.count == 3 && timelineRows.allSatisfy { row in modelNames.contains { row.contains($0.prefix(12)) } },
            "the timeline draws the model loads only: \(timelineRows)")

        // `report` at 100 columns with --top 5.
        let report = try RunningProcess(Paths.readtrace, ["report", dumpPath, "--width", "100", "--top", "5"]).finish()
        #expect(report.status == 0, "\(report.standardError)")
        let reportLines = report.standardOutput.split(separator: "\n").map(String.init)
        #expect(reportLines.allSatisfy { $0.count <= 100 }, "\(reportLines.filter { $0.count > 100 })")
        #expect(reportLines.contains { $0.hasPrefix("… \(dump.reads.count - 5) more files: ") }, "\(report.standardOutput)")

        try HeadlessChromium.check(html, loads: min(dump.countedLoads, 10))
    }
}

/// Checks a report page in headless Chromium with JavaScript off, as a mail or a wiki shows it.
enum HeadlessChromium {
    static func check(_ html: String, loads: Int) throws {
        let scratch = try ScratchDirectory()
        // Content settings in a profile of its own: JavaScript blocked (the --blink-settings switch
        // stops Chromium's own headless dump and screenshot from working), and no lock shared with
        // other Chromium instances on the machine.
        try FileManager.default.createDirectory(atPath: scratch.path + "/profile/Default", withIntermediateDirectories: true)
        try #"{"profile":{"default_content_setting_values":{"javascript":2}}}"#
            .write(toFile: scratch.path + "/profile/Default/Preferences", atomically: true, encoding: .utf8)
        func chromium(_ arguments: [String]) throws -> Finished {
            try RunningProcess(
                "/usr/bin/chromium",
                ["--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=" + scratch.path + "/profile"]
                    + arguments
            ).finish(timeout: 60)
        }
        let canary = scratch.path + "/canary.html"
        try "<p id=\"canary\">no script</p><script>document.getElementById('canary').textContent = 'script ran'</script>"
            .write(toFile: canary, atomically: true, encoding: .utf8)
        #expect(try chromium(["--dump-dom", "file://" + canary]).standardOutput.contains("no script"), "JavaScript is off")

        let dom = try chromium(["--dump-dom", "file://" + html])
        #expect(dom.status == 0 && dom.standardOutput.contains("<svg"), "\(dom.standardError)")
        #expect(dom.standardOutput.components(separatedBy: "class=\"load-bar\"").count - 1 == loads, "one bar per load")
        #expect(dom.standardOutput.contains("time since tracing began (s)") && dom.standardOutput.contains("peak: "))

        let screenshot = scratch.path + "/page.png"
        let shot = try chromium(["--screenshot=" + screenshot, "--window-size=1280,900", "file://" + html])
        #expect(shot.status == 0 && FileManager.default.fileExists(atPath: screenshot), "\(shot.standardError)")
        // Decoded with zlib (no imaging library needed): distinct colours and the share of non-white pixels.
        let decode = """
            import struct, sys, zlib
            data = open(sys.argv[1], 'rb').read()
            chunks, at = {}, 8
            while at < len(data):
                length, kind = struct.unpack('>I4s', data[at:at + 8])
                chunks.setdefault(kind, []).append(data[at + 8:at + 8 + length]); at += 12 + length
            width, height, depth, colour = struct.unpack('>IIBB', chunks[b'IHDR'][0][:10])
            channels = {2: 3, 6: 4}[colour]; stride = width * channels
            raw = zlib.decompress(b''.join(chunks[b'IDAT'])); rows, previous = [], bytearray(stride)
            for y in range(height):
                kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
                for x in range(stride):
                    a = line[x - channels] if x >= channels else 0; b = previous[x]; c = previous[x - channels] if x >= channels else 0
                    p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    line[x] = (line[x] + [0, a, b, (a + b) // 2, a if pa <= pb and pa <= pc else b if pb <= pc else c][kind]) & 255
                rows.append(line); previous = line
            pixels = [tuple(row[x:x + 3]) for row in rows for x in range(0, stride, channels)]
            print(len(set(pixels)), sum(p != (255, 255, 255) for p in pixels) / len(pixels))
            """
        let measured = try RunningProcess("/usr/bin/python3", ["-c", decode, screenshot]).finish(timeout: 120)
        let figures = measured.standardOutput.split(separator: " ").compactMap {
            Double($0.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        #expect(
            figures.count == 2 && figures[0] > 20 && figures[1] > 0.05,
            "colours and non-white share: \(measured.standardOutput) \(measured.standardError)")
    }
}

extension Dump {
    /// Reads entries of files whose path ends with `suffix`.
    func reads(ofPathEndingWith suffix: String) -> [[String: Any]] {
        let ids = Set(files.filter { ($0["path"] as? String)?.hasSuffix(suffix) == true }.compactMap { $0["file_id"] as? Int })
        return reads.filter { ids.contains($0["file_id"] as? Int ?? -1) }
    }

    /// Entries the default load rule counts: files of 16 MiB or more, or named like model files
    /// (not Python's site-packages/*.pth), that were read.
    var countedLoads: Int {
        let models = ["engine", "plan", "onnx", "safetensors", "bin", "pt", "pth", "gguf", "ckpt", "h5", "tflite", "trt"]
        let counted = Set(
            files.filter { file in
                let path = file["path"] as? String ?? ""
                let components = path.split(separator: "/").map(String.init)
                let name = components.last ?? path
                let suffix = name.contains(".") ? String(name.split(separator: ".").last ?? "").lowercased() : ""
                let pythonPath =
                    suffix == "pth" && components.dropLast().last.map { ["site-packages", "dist-packages"].contains($0) } == true
                return (file["size_bytes"] as? Int ?? 0) >= 16 << 20 || models.contains(suffix) && !pythonPath
            }.compactMap { $0["file_id"] as? Int })
        return reads.filter {
            counted.contains($0["file_id"] as? Int ?? -1) && ($0.int("read_bytes") ?? 0) + ($0.int("mmap_fault_bytes") ?? 0) > 0
        }.count
    }
}
