import Foundation
import Testing

/// deploy/: the manifests validate offline against the Kubernetes API schemas and agree with each
/// other, the alert rules pass promtool's checks and their unit tests, the dashboard's queries
/// run against a real Prometheus, and the image builds and runs.
@Suite("Deployment: manifests, alert rules, dashboard and image", .serialized)
struct DeploymentTests {
    static let deploy = Paths.repository + "/deploy"

    @Test("every manifest of built-in kinds validates strictly against the Kubernetes 1.37 API schemas")
    func manifestsValidate() throws {
        let manifests = try Manifest.all()
        let builtIn = manifests.filter { !Manifest.operatorKinds.contains($0.kind) }
        #expect(Set(builtIn.map(\.kind)) == ["Namespace", "ServiceAccount", "DaemonSet", "Service"])
        let result = try RunningProcess(
            "/usr/bin/env", ["kubernetes-validate", "--strict", "--kubernetes-version", "1.37.0"] + builtIn.map(\.path)
        ).finish()
        #expect(result.status == 0, "\(result.standardOutput)\(result.standardError)")
        #expect(
            result.standardOutput.components(separatedBy: " passed for resource ").count - 1 == builtIn.count, "\(result.standardOutput)")
    }

    @Test("a manifest with a misspelt field fails validation (the check above can fail)")
    func validationCatchesMistakes() throws {
        let scratch = try ScratchDirectory()
        let text = try String(contentsOfFile: Self.deploy + "/kubernetes/daemonset.yaml", encoding: .utf8)
        let broken = scratch.path + "/daemonset.yaml"
        try text.replacingOccurrences(of: "readOnlyRootFilesystem", with: "readOnlyRootFileSystem")
            .write(toFile: broken, atomically: true, encoding: .utf8)
        let result = try RunningProcess("/usr/bin/env", ["kubernetes-validate", "--strict", broken]).finish()
        #expect(result.status != 0)
        #expect((result.standardOutput + result.standardError).contains("readOnlyRootFileSystem"))
    }

    static let crds = Paths.repository + "/Tests/IntegrationTests/Fixtures/crds"

    /// validate-crd.py: `manifests` against the vendored Prometheus Operator CRDs.
    static func validateAgainstCRDs(_ manifests: [String]) throws -> Finished {
        let schemas = try FileManager.default.contentsOfDirectory(atPath: crds).filter { $0.hasSuffix(".yaml") }.sorted()
        return try RunningProcess(
            "/usr/bin/python3", [crds + "/validate-crd.py"] + schemas.map { crds + "/" + $0 } + ["--"] + manifests
        ).finish()
    }

    @Test("the ServiceMonitor and PrometheusRule validate strictly against the Prometheus Operator v0.93.0 CRDs' schemas")
    func operatorManifestsValidate() throws {
        let custom = try Manifest.all().filter { Manifest.operatorKinds.contains($0.kind) }
        #expect(Set(custom.map(\.kind)) == Manifest.operatorKinds)
        let result = try Self.validateAgainstCRDs(custom.map(\.path))
        #expect(result.status == 0, "\(result.standardOutput)\(result.standardError)")
        #expect(result.standardOutput.components(separatedBy: ": valid ").count - 1 == custom.count, "\(result.standardOutput)")
    }

    @Test("an Operator manifest with a misspelt field fails that validation, naming the field")
    func crdValidationCatchesMistakes() throws {
        let scratch = try ScratchDirectory()
        for (file, field, misspelt) in [("servicemonitor", "targetLabel:", "targetLable:"), ("prometheusrule", " for: 1m", " fro: 1m")] {
            let text = try String(contentsOfFile: Self.deploy + "/kubernetes/\(file).yaml", encoding: .utf8)
            #expect(text.contains(field))
            let broken = scratch.path + "/\(file).yaml"
            try text.replacingOccurrences(of: field, with: misspelt).write(toFile: broken, atomically: true, encoding: .utf8)
            let result = try Self.validateAgainstCRDs([broken])
            #expect(result.status != 0)
            let name = misspelt.trimmingCharacters(in: .whitespaces).split(separator: ":")[0]
            #expect(result.standardOutput.contains("'\(name)' was unexpected"), "\(result.standardOutput)\(result.standardError)")
        }
    }

    @Test("the Service, ServiceMonitor and probes select the DaemonSet's pods and its metrics port")
    func manifestsAgree() throws {
        let daemonSet = try Manifest.daemonSet()
        let labels = daemonSet.podLabels
        let service = try Manifest.named("Service")
        let selector = service.json["spec"]["selector"] as? [String: String] ?? [:]
        #expect(!selector.isEmpty && selector.allSatisfy { labels[$0.key] == $0.value })
        #expect(daemonSet.ports["metrics"] == 9435)
        let servicePorts = service.json["spec"]["ports"] as? [[String: Any]] ?? []
        #expect(servicePorts.contains { $0["name"] as? String == "metrics" && $0["targetPort"] as? String == "metrics" })
        let monitor = try Manifest.named("ServiceMonitor")
        let matched = monitor.json["spec"]["selector"]["matchLabels"] as? [String: String] ?? [:]
        let serviceLabels = service.json["metadata"]["labels"] as? [String: String] ?? [:]
        #expect(!matched.isEmpty && matched.allSatisfy { serviceLabels[$0.key] == $0.value })
        // job="readtrace", which the rules and the dashboard select, comes from this label.
        let jobLabel = monitor.json["spec"]["jobLabel"] as? String
        #expect(jobLabel.flatMap { serviceLabels[$0] } == "readtrace")
        for probe in ["readinessProbe", "livenessProbe"] {
            let get = daemonSet.container[probe]["httpGet"] as? [String: Any]
            #expect(get?["path"] as? String == "/healthz" && get?["port"] as? String == "metrics", "\(probe)")
        }
        #expect(daemonSet.image == "localhost/readtrace:\(try Manifest.version())")
    }

    @Test("the alert rules pass promtool check and every alert's unit tests, firing and not firing")
    func alertRules() throws {
        let check = try RunningProcess("/usr/bin/promtool", ["check", "rules", Self.deploy + "/prometheus/readtrace-rules.yml"]).finish()
        #expect(check.status == 0, "\(check.standardOutput)\(check.standardError)")
        #expect(check.standardOutput.contains("SUCCESS: 5 rules found"), "\(check.standardOutput)")
        let unit = try RunningProcess("/usr/bin/promtool", ["test", "rules", Self.deploy + "/prometheus/readtrace-rules.test.yml"]).finish()
        #expect(unit.status == 0, "\(unit.standardOutput)\(unit.standardError)")
        // Every alert has a test where it fires and one where it does not.
        let tests = try String(contentsOfFile: Self.deploy + "/prometheus/readtrace-rules.test.yml", encoding: .utf8)
        for alert in try Manifest.alertNames() {
            let blocks = tests.components(separatedBy: "alertname: \(alert)\n").dropFirst()
            #expect(blocks.contains { $0.hasPrefix("        exp_alerts: []") }, "\(alert) never tested not firing")
            #expect(blocks.contains { $0.hasPrefix("        exp_alerts:\n") }, "\(alert) never tested firing")
        }
    }

    @Test("the plain scrape configuration, with the rules file, passes promtool check config")
    func scrapeConfig() throws {
        let scratch = try ScratchDirectory()
        // As the README has it: the job under scrape_configs, the rules file under rule_files.
        let config = scratch.path + "/prometheus.yml"
        let scrape = try String(contentsOfFile: Self.deploy + "/prometheus/scrape-config.yml", encoding: .utf8)
        try "rule_files: [\(Self.deploy)/prometheus/readtrace-rules.yml]\n\(scrape)".write(
            toFile: config, atomically: true, encoding: .utf8)
        let check = try RunningProcess("/usr/bin/promtool", ["check", "config", config]).finish()
        if check.status != 0 {
            // Debian builds promtool without Kubernetes discovery (its client libraries are not
            // packaged): then that block must be its only complaint, and the rest is checked with
            // the block replaced by a static target.
            let complaints = (check.standardOutput + check.standardError).split(separator: "\n").filter { $0.contains("line ") }
            #expect(
                complaints.count == 1 && complaints[0].contains("field kubernetes_sd_configs not found"),
                "\(check.standardOutput)\(check.standardError)")
            let rewrite = """
                import sys, yaml
                config = yaml.safe_load(open(sys.argv[1]))
                for job in config["scrape_configs"]:
                    job.pop("kubernetes_sd_configs")
                    job["static_configs"] = [{"targets": ["127.0.0.1:9435"]}]
                yaml.safe_dump(config, open(sys.argv[1], "w"))
                """
            #expect(try RunningProcess("/usr/bin/python3", ["-c", rewrite, config]).finish().status == 0)
        }
        let valid = try RunningProcess("/usr/bin/promtool", ["check", "config", config]).finish()
        #expect(valid.status == 0, "\(valid.standardOutput)\(valid.standardError)")
        #expect(valid.standardOutput.contains("SUCCESS: 5 rules found"), "\(valid.standardOutput)")
        // The check can fail: a relabelling action promtool does not know.
        let text = try String(contentsOfFile: config, encoding: .utf8)
        try text.replacingOccurrences(of: "action: keep", with: "action: kepe").write(toFile: config, atomically: true, encoding: .utf8)
        let broken = try RunningProcess("/usr/bin/promtool", ["check", "config", config]).finish()
        #expect(broken.status != 0 && (broken.standardOutput + broken.standardError).contains("kepe"))
    }

    @Test(
        "the dashboard has the panels the deployment asks for: throughput per pod, loads in progress beside device util, slow loads as a table, agent health"
    )
    func dashboardPanels() throws {
        let panels = try DashboardQueries.panels()
        func panel(_ title: String, _ type: String, querying metrics: [String]) -> DashboardQueries.Panel? {
            let found = panels.first { $0.title.hasPrefix(title) }
            #expect(found?.type == type, "\(title)")
            for metric in metrics { #expect(found?.queries.contains { $0.contains(metric) } == true, "\(title): \(metric)") }
            return found
        }
        let throughput = panel("Load throughput per pod", "timeseries", querying: ["rate(readtrace_read_bytes_total"])
        #expect(throughput?.queries.first?.contains("by (namespace, pod)") == true)
        let loads = panel("Loads in progress", "timeseries", querying: ["readtrace_loads_in_progress"])
        let util = panel("Device utilisation", "timeseries", querying: ["readtrace_device_util_ratio"])
        #expect(loads != nil && loads?.row == util?.row, "device util beside loads in progress")
        _ = panel("Slow loads", "table", querying: ["readtrace_file_load_duration_seconds_bucket"])
        _ = panel(
            "Agent health", "timeseries",
            querying: [#"up{job="readtrace""#, "readtrace_lost_events_total", "readtrace_skipped_program_runs_total"])
    }

    @Test("the PrometheusRule is the rules file, regenerated by make deploy-rules")
    func prometheusRuleIsGenerated() throws {
        let committed = try String(contentsOfFile: Self.deploy + "/kubernetes/prometheusrule.yaml", encoding: .utf8)
        let scratch = try ScratchDirectory()
        let regenerated = scratch.path + "/prometheusrule.yaml"
        let make = try RunningProcess(
            "/usr/bin/make", ["-C", Paths.repository, "--no-print-directory", "deploy-rules", "RULE_CRD=\(regenerated)"]
        ).finish()
        #expect(make.status == 0, "\(make.standardError)")
        #expect(try String(contentsOfFile: regenerated, encoding: .utf8) == committed, "run make deploy-rules and commit it")
        let spec = try Manifest.named("PrometheusRule").json["spec"] as? [String: Any]
        #expect(
            NSDictionary(dictionary: spec ?? [:]).isEqual(
                to: try Manifest.yaml(Self.deploy + "/prometheus/readtrace-rules.yml") as? [String: Any] ?? [:]))
    }

    @Test("make image builds the image, whose static binary runs --version in it and carries the DaemonSet's capabilities")
    func image() throws {
        let image = try ContainerImage.shared.get()
        #expect(image.name == (try Manifest.daemonSet()).image)
        let version = try RunningProcess(
            "/usr/bin/buildah", ["run", "--isolation", "chroot", image.container, "--", "/usr/bin/readtrace", "--version"]
        ).finish()
        #expect(version.status == 0, "\(version.standardError)")
        #expect(version.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == (try Manifest.version()))
        // Nothing but the binary: no shell, no libraries.
        #expect(image.files == ["usr/bin/readtrace"], "\(image.files)")
        let caps = try RunningProcess("/usr/sbin/getcap", [image.binary]).finish()
        let declared = try Manifest.daemonSet().capabilities.map { "cap_" + $0 }
        let granted = caps.standardOutput.split(separator: " ").last.map { String($0).trimmingCharacters(in: .whitespacesAndNewlines) }
        #expect(granted.map { Set($0.dropLast(2).split(separator: ",").map(String.init)) } == Set(declared), "\(caps.standardOutput)")
        #expect(granted?.hasSuffix("=p") == true, "permitted only: \(caps.standardOutput)")
    }
}

/// The image `make image` builds, mounted: its binary is what the least-privilege tests run.
final class ContainerImage: Sendable {
    static let shared = Result { try ContainerImage() }
    let name: String
    let container: String
    let root: String
    /// The image's regular files, read before anything ran in it.
    let files: [String]
    var binary: String { root + "/usr/bin/readtrace" }

    private init() throws {
        let make = try RunningProcess("/usr/bin/make", ["-C", Paths.repository, "--no-print-directory", "image"]).finish(timeout: 1200)
        guard make.status == 0 else { throw ReadTraceTestError("make image failed: \(make.standardError.suffix(2000))") }
        let version = try Manifest.version()
        name = "localhost/readtrace:\(version)"
        container = try Self.buildah(["from", "-q", name])
        root = try Self.buildah(["mount", container])
        let enumerator = FileManager.default.enumerator(atPath: root)
        var files: [String] = []
        while let path = enumerator?.nextObject() as? String {
            if (enumerator?.fileAttributes?[.type] as? FileAttributeType) == .typeRegular { files.append(path) }
        }
        self.files = files
    }

    deinit { _ = try? Self.buildah(["rm", container]) }

    @discardableResult
    static func buildah(_ arguments: [String]) throws -> String {
        let result = try RunningProcess("/usr/bin/buildah", arguments).finish(timeout: 120)
        guard result.status == 0 else { throw ReadTraceTestError("buildah \(arguments.joined(separator: " ")): \(result.standardError)") }
        return result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// One object of deploy/kubernetes, read through PyYAML (installed with kubernetes-validate).
struct Manifest {
    static let operatorKinds: Set<String> = ["ServiceMonitor", "PrometheusRule"]
    let path: String
    let json: [String: Any]
    var kind: String { json["kind"] as? String ?? "" }

    static func yaml(_ path: String) throws -> Any {
        let result = try RunningProcess(
            "/usr/bin/python3",
            ["-c", "import json, sys, yaml; json.dump(yaml.safe_load(open(sys.argv[1])), sys.stdout)", path]
        ).finish()
        guard result.status == 0 else { throw ReadTraceTestError("\(path): \(result.standardError)") }
        return try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8))
    }

    static func all() throws -> [Manifest] {
        let directory = DeploymentTests.deploy + "/kubernetes"
        return try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".yaml") }.sorted().map {
            let path = directory + "/" + $0
            return Manifest(path: path, json: try yaml(path) as? [String: Any] ?? [:])
        }
    }

    static func named(_ kind: String) throws -> Manifest {
        guard let manifest = try all().first(where: { $0.kind == kind }) else {
            throw ReadTraceTestError("no \(kind) in deploy/kubernetes")
        }
        return manifest
    }

    static func daemonSet() throws -> DaemonSetSpec { DaemonSetSpec(json: try named("DaemonSet").json) }

    static func alertNames() throws -> [String] {
        let rules = try yaml(DeploymentTests.deploy + "/prometheus/readtrace-rules.yml") as? [String: Any]
        let groups = rules?["groups"] as? [[String: Any]] ?? []
        return groups.flatMap { ($0["rules"] as? [[String: Any]] ?? []).compactMap { $0["alert"] as? String } }
    }

    /// readtrace's version, as the image tag carries it.
    static func version() throws -> String {
        let source = try String(
            contentsOfFile: Paths.repository + "/Sources/ReadTraceCore/Model/ReadTraceVersion.swift", encoding: .utf8)
        return source.components(separatedBy: "current = \"").dropFirst().first?.components(separatedBy: "\"").first ?? ""
    }
}

/// What the DaemonSet declares about the agent's container.
struct DaemonSetSpec {
    let json: [String: Any]
    var pod: [String: Any] { json["spec"]["template"]["spec"] as? [String: Any] ?? [:] }
    var podLabels: [String: String] { json["spec"]["template"]["metadata"]["labels"] as? [String: String] ?? [:] }
    var container: [String: Any] { (pod["containers"] as? [[String: Any]])?.first ?? [:] }
    var image: String { container["image"] as? String ?? "" }
    var arguments: [String] { container["args"] as? [String] ?? [] }
    var ports: [String: Int] {
        Dictionary(
            uniqueKeysWithValues: (container["ports"] as? [[String: Any]] ?? []).compactMap { port in
                (port["name"] as? String).flatMap { name in (port["containerPort"] as? Int).map { (name, $0) } }
            })
    }
    /// The added capabilities in libcap's spelling (bpf, perfmon, dac_read_search).
    var capabilities: [String] {
        let added = container["securityContext"]["capabilities"]["add"] as? [String] ?? []
        return added.map { $0.lowercased() }
    }
    var user: Int? { pod["securityContext"]["runAsUser"] as? Int }
    var readOnlyRoot: Bool { container["securityContext"]["readOnlyRootFilesystem"] as? Bool ?? false }
    var hostPID: Bool { pod["hostPID"] as? Bool ?? false }
    /// Every volume mount: its path, its volume's host path (nil for other volumes), read-only or not.
    var mounts: [(path: String, hostPath: String?, readOnly: Bool)] {
        let volumes = pod["volumes"] as? [[String: Any]] ?? []
        return (container["volumeMounts"] as? [[String: Any]] ?? []).map { mount in
            let volume = volumes.first { $0["name"] as? String == mount["name"] as? String }
            return (mount["mountPath"] as? String ?? "", volume?["hostPath"]["path"] as? String, mount["readOnly"] as? Bool ?? false)
        }
    }
}

extension Optional where Wrapped == Any {
    /// JSON lookup through optional dictionaries.
    subscript(key: String) -> Any? { (self as? [String: Any])?[key] }
}

/// A test step that failed, with what it printed.
struct ReadTraceTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The Grafana dashboard's panels and queries, with Grafana's variables given values a query can
/// run with.
enum DashboardQueries {
    struct Panel {
        let title: String
        let type: String
        /// The panel's top edge on the grid: panels beside each other share it.
        let row: Int
        let queries: [String]
    }

    static func panels() throws -> [Panel] {
        let data = try Data(contentsOf: URL(fileURLWithPath: DeploymentTests.deploy + "/grafana/readtrace-dashboard.json"))
        let dashboard = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        return (dashboard?["panels"] as? [[String: Any]] ?? []).map { panel in
            Panel(
                title: panel["title"] as? String ?? "", type: panel["type"] as? String ?? "",
                row: (panel["gridPos"] as? [String: Any])?["y"] as? Int ?? -1,
                queries: (panel["targets"] as? [[String: Any]] ?? []).compactMap { $0["expr"] as? String }.map {
                    $0.replacingOccurrences(of: "$__rate_interval", with: "1m")
                        .replacingOccurrences(of: "$__range", with: "1h")
                        .replacingOccurrences(of: "$instance", with: ".*")
                })
        }
    }

    static func all() throws -> [String] { try panels().flatMap(\.queries) }
}
