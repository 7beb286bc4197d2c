import Foundation
import Testing

/// The test that justifies the DaemonSet: the agent from the built image runs as the manifest
/// declares it (its uid, exactly its capabilities as the bounding set with the image's file
/// capabilities, a read-only root, the declared host paths read-only and one writable dump
/// directory), traces exactly and feeds a real Prometheus; taking away any one declared
/// capability makes it fail naming it.
@Suite(
    "Least privilege: the agent as the DaemonSet runs it", .serialized,
    .enabled(if: BPFAvailability.shouldRun, BPFAvailability.skipComment))
struct DaemonSetPrivilegeTests {
    @Test(
        "as declared, the agent attaches, counts a pod's reader exactly, answers /metrics, and Prometheus runs every dashboard query"
    )
    func runsAsDeclared() throws {
        let image = try ContainerImage.shared.get()
        let spec = try Manifest.daemonSet()
        #expect(spec.user == 65534 && spec.readOnlyRoot)
        let scratch = try ScratchDirectory()
        let podsLog = scratch.path + "/pods"
        let pod = try LoggedPod(namespace: "inference", name: "loader-0", podsLog: podsLog)
        let size = 3 << 20
        let model = try scratch.file("model.safetensors", size: size)
        let sandbox = try DeclaredSandbox(spec: spec, podsLog: podsLog)
        let agent = try RunningAgent(
            ["--comm", "rt-deploy", "--comm", "rt-holder"], binary: image.binary,
            launcher: sandbox.launcher(capabilities: spec.capabilities, user: spec.user ?? 65534),
            declared: spec.arguments)
        #expect(try agent.get("/healthz").status == 200)
        #expect(agent.running.standardError.contains("msg=attached"))
        // Without hostPID it has a pid namespace of its own (NSpid lists its pid in each).
        let status = try String(contentsOfFile: "/proc/\(agent.pid)/status", encoding: .utf8)
        let namespaces = status.split(separator: "\n").first { $0.hasPrefix("NSpid:") }?.split(separator: "\t").count ?? 0
        #expect(namespaces - 1 == (spec.hostPID ? 1 : 2), "\(status)")

        let reader = try RunningProcess(Paths.workload, ["--file", model, "--chunk", "65536", "--name", "rt-deploy", "--wait-stdin"])
        try pod.cgroup.move(reader.pid)
        reader.sendLine()
        #expect(reader.finish().status == 0)
        let labels = [#"pod="loader-0""#, #"namespace="inference""#, #"comm="rt-deploy""#, #"file="\#(model)""#]
        var exposition = ""
        let counted = reader.wait(upTo: 10) {
            exposition = (try? agent.get("/metrics").body) ?? ""
            return HTTP.sample(exposition, "readtrace_read_bytes_total", containing: labels) == Double(size)
        }
        #expect(counted, "\(exposition.split(separator: "\n").filter { $0.contains("read_bytes_total") })")

        // It finds the host's pids in the host's /proc: a reader that has read a third of the file
        // and waits keeps its load in progress past a sweep (every 10 s) that would end it were the
        // reader taken for gone, and the load ends at the next sweep once it is.
        let hold = "import sys; open('/proc/self/comm', 'w').write('rt-holder'); open(sys.argv[1], 'rb').read(1 << 20); sys.stdin.read()"
        let holder = try RunningProcess("/usr/bin/python3", ["-c", hold, model])
        let holding = [#"comm="rt-holder""#, #"file="\#(model)""#]
        let started = holder.wait(upTo: 10) {
            HTTP.sample((try? agent.get("/metrics").body) ?? "", "readtrace_loads_in_progress", containing: holding) == 1
        }
        #expect(started, "\((try? agent.get("/metrics").body) ?? "")")
        sleep(11)
        #expect(HTTP.sample(try agent.get("/metrics").body, "readtrace_loads_in_progress", containing: holding) == 1)
        kill(holder.pid, SIGTERM)
        _ = holder.finish()
        let ended = agent.running.wait(upTo: 15) {
            (HTTP.sample((try? agent.get("/metrics").body) ?? "", "readtrace_loads_in_progress", containing: holding) ?? 0) == 0
        }
        #expect(ended)

        let prometheus = try PrometheusServer(scraping: agent.port, in: scratch)
        let bytes = try prometheus.waitForValue("sum(readtrace_read_bytes_total{pod=\"loader-0\",namespace=\"inference\"})")
        #expect(bytes == Double(size))
        let queries = try DashboardQueries.all()
        #expect(queries.count >= 10)
        for query in queries {
            let answer = try prometheus.query(query)
            #expect(answer.status == 200 && answer.body.contains(#""status":"success""#), "\(query): \(answer.body)")
        }
        // The throughput panel shows the pod, once two scrapes give its rate.
        let throughput = try #require(queries.first { $0.contains("rate(readtrace_read_bytes_total") })
        var panel = ""
        for _ in 0..<40 where !panel.contains(#""pod":"loader-0""#) {
            panel = try prometheus.query(throughput).body
            usleep(250_000)
        }
        #expect(panel.contains(#""pod":"loader-0""#), "\(panel)")

        let stopped = agent.stop()
        #expect(stopped.status == 0, "\(stopped.standardError)")
        #expect(try attachedReadtracePrograms() == 0)
    }

    @Test("without any one declared capability, the agent exits naming it")
    func eachCapabilityIsNeeded() throws {
        let image = try ContainerImage.shared.get()
        let spec = try Manifest.daemonSet()
        let scratch = try ScratchDirectory()
        let sandbox = try DeclaredSandbox(spec: spec, podsLog: scratch.path)
        #expect(!spec.capabilities.isEmpty)
        for dropped in spec.capabilities {
            let kept = spec.capabilities.filter { $0 != dropped }
            let arguments = spec.arguments.map { $0.hasPrefix("--listen=") ? "--listen=127.0.0.1:0" : $0 }
            let command = sandbox.launcher(capabilities: kept, user: spec.user ?? 65534) + [image.binary] + arguments
            let finished = try RunningProcess(command[0], Array(command.dropFirst())).finish(timeout: 30)
            #expect(finished.status != 0)
            let lines = finished.standardError.split(separator: "\n")
            #expect(
                lines.contains { $0.contains("CAP_\(dropped.uppercased()) is missing") },
                "without \(dropped): \(finished.standardError)")
            #expect(try attachedReadtracePrograms() == 0)
        }
    }
}

/// A private mount namespace shaped like the DaemonSet's container: the declared host paths
/// bound read-only where the container mounts them, the pod-log directory from `podsLog`, a tmpfs
/// on the dump directory, without hostPID a pid namespace of its own with its own /proc, then
/// the root remounted read-only; the agent is exec'd through setpriv as the declared user with
/// only the given capabilities in its bounding set (the image's file capabilities do the rest).
final class DeclaredSandbox {
    private let script: String
    private let hostPID: Bool
    private let created: [String]

    init(spec: DaemonSetSpec, podsLog: String) throws {
        hostPID = spec.hostPID
        var steps = ["set -e", "mount --make-rprivate /"]
        var created: [String] = []
        for mount in spec.mounts {
            try Self.createMountPoint(mount.path, recordingIn: &created)
            switch (mount.path, mount.hostPath, mount.readOnly) {
            case ("/var/log/pods", _, _): steps.append("mount --bind -o ro '\(podsLog)' /var/log/pods")
            case (let path, let host?, true): steps.append("mount --rbind '\(host)' '\(path)' && mount -o remount,bind,ro '\(path)'")
            case (let path, _, _): steps.append("mount -t tmpfs -o size=64m,mode=0777 tmpfs '\(path)'")
            }
        }
        // After the binds, which take the host's /proc from where it still is.
        if !hostPID { steps.append("mount -t proc -o nosuid,nodev,noexec proc /proc") }
        steps += ["mount -o remount,bind,ro /", #"exec "$@""#]
        script = steps.joined(separator: "\n")
        self.created = created
    }

    deinit { for path in created.reversed() { rmdir(path) } }

    /// Creates the missing directories of `path`, to be removed again.
    private static func createMountPoint(_ path: String, recordingIn created: inout [String]) throws {
        var partial = ""
        for component in path.split(separator: "/") {
            partial += "/" + component
            if !FileManager.default.fileExists(atPath: partial) {
                try FileManager.default.createDirectory(atPath: partial, withIntermediateDirectories: false)
                created.append(partial)
            }
        }
    }

    /// The command that starts a program in the sandbox: append the program and its arguments.
    func launcher(capabilities: [String], user: Int) -> [String] {
        let bounding = (["-all"] + capabilities.map { "+" + $0 }).joined(separator: ",")
        let pidNamespace = hostPID ? [] : ["--pid", "--fork", "--kill-child"]
        return ["/usr/bin/unshare", "--mount", "--propagation", "private"] + pidNamespace + [
            "/bin/sh", "-c", script, "sandbox",
            "/usr/bin/setpriv", "--reuid=\(user)", "--regid=\(user)", "--clear-groups", "--bounding-set=\(bounding)",
        ]
    }
}
