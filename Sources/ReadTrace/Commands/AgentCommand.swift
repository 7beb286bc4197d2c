import ArgumentParser
import Logging
import ReadTraceCore

/// `readtrace agent`: always on, Prometheus metrics, and a flight recorder of the recent past.
struct AgentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "readtrace agent",
        abstract: "Trace all the time: Prometheus metrics, and dumps of any recent window on request or when a load is slow.",
        discussion: """
            Serves GET /metrics (Prometheus text format), /healthz (200 once the probes are attached, 503 before and \
            after a kernel failure), /dump?last=10m or /dump?from=RFC3339&to=RFC3339 (a schema-v1 dump of that window, \
            for readtrace report) and / (an index). Logs one logfmt line per event on standard error. SIGUSR1 writes \
            a dump of the whole retained window into --dump-dir; SIGTERM and SIGINT stop it, every probe detached.

            Series are labelled namespace, pod, pod_uid, container_id, comm and file; file is the path only for files \
            matching --path (by default model files: *.engine *.plan *.onnx *.safetensors *.bin *.pt *.pth *.gguf \
            *.ckpt *.h5 *.tflite *.trt), else "other". Pod names and namespaces come from /var/log/pods.

            Examples:
              sudo readtrace agent
              sudo readtrace agent --cgroup /kubepods.slice --dump-dir /var/lib/readtrace \\
                --dump-when-load-slower-than 100MiB/s
              curl -s 'http://127.0.0.1:9435/dump?last=10m' > storm.json
              readtrace report storm.json
            """)

    @OptionGroup(title: "Filters")
    var filters: FilterOptions

    @OptionGroup(title: "Agent")
    var agent: AgentOptions

    @OptionGroup(title: "Loads")
    var load: LoadOptions

    @OptionGroup(title: "Kernel")
    var kernel: KernelOptions

    func run() throws {
        var options = TraceOptions()
        filters.apply(to: &options)
        kernel.apply(to: &options)
        options.loadedShare = load.share
        let logger = Logger(label: "readtrace") { _ in LogfmtLogHandler() }
        let status = try AgentSession(options: options, settings: agent.settings, logger: logger).run()
        if status != 0 { throw ExitCode(status) }
    }
}
