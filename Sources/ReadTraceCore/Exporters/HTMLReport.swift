/// A self-contained HTML report of a run (no network, no CDN): the load timeline as SVG with
/// hover details, each device's %util track, the per-file and per-process tables and the run's
/// metadata. The tables are plain HTML; the timeline is drawn in the browser from the dump,
/// which the page embeds whole.
public enum HTMLReport {
    public static func render(_ dump: DumpDocument, rule: LoadRule = LoadRule(), rowPolicy: RowPolicy = RowPolicy()) throws -> String {
        let json = String(decoding: try dump.encoded(), as: UTF8.self)
            .replacingAll("</", with: "<\\/")  // the JSON cannot close its script element
        let loads = dump.loads
        var html = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <title>readtrace: \(escape(dump.host.hostname)) \(escape(dump.startedAt))</title>
            <style>\(style)</style></head><body>
            <h1>readtrace report</h1>
            <p class="meta">\(escape(dump.host.hostname)), kernel \(escape(dump.host.kernel)), started \(escape(dump.startedAt)),
            \(TextFormat.fixed(dump.durationSeconds, decimals: 2)) s traced with \(escape(dump.hook.rawValue)) hooks,
            \(dump.eventsEmitted) events, <span class="\(dump.lostEvents > 0 ? "lost" : "")">\(dump.lostEvents) lost</span>.
            Filters: \(escape(filterText(dump.filters))).</p>
            <h2>Load timeline</h2>
            <p class="legend">One row per (process, file); shading is throughput per \(TextFormat.fixed(loads.first?.read.timeline.bucketSeconds ?? 0.1, decimals: 1)) s,
            the tick marks where the file counted as loaded (\(TextFormat.fixed(dump.loadedShare * 100, decimals: 0))% read). Hover for details.</p>
            <div id="timeline"></div>

            """
        let storms = StormSummary.paragraphs(dump, rule: rule)
        if !storms.isEmpty {
            html += "<h2>Storm summary</h2>\n" + storms.map { "<p class=\"storm\">\(escape($0))</p>" }.joined(separator: "\n") + "\n"
        }
        html += "<h2>Files</h2>\n" + table(
            headers: ["pid", "process", "pod / container", "file", "bytes", "cache misses", "disk reads", "load s", "MiB/s", "waiting on disk"],
            rows: loads.map { load in
                [String(load.read.pid), load.process?.comm ?? "?", group(of: load.process), load.file?.path ?? "?",
                 TextFormat.bytes(load.bytes), TextFormat.bytes(load.read.cacheMissBytes + load.read.mmapFaultBytes),
                 TextFormat.bytes(load.read.blockReadBytes), load.read.loadSeconds.map { TextFormat.fixed($0, decimals: 3) } ?? "-",
                 TextFormat.fixed(load.read.throughputMiBPerSecond, decimals: 1),
                 TextFormat.percent(load.read.deviceWaitFraction)]
            })
        html += "<h2>Processes</h2>\n" + table(
            headers: ["pid", "process", "command line", "pod", "container", "runtime", "cgroup"],
            rows: dump.processes.map { process in
                [String(process.pid), process.comm, process.cmdline ?? "", process.podUID ?? "", process.containerID ?? "",
                 process.containerRuntime?.rawValue ?? "", process.cgroup ?? ""]
            })
        html += "<h2>Devices</h2>\n" + table(
            headers: ["device", "disk", "read", "read IOs", "read await ms", "util %", "by traced processes", "filtered out", "unattributed"],
            rows: dump.devices.map { device in
                [device.name, device.disk, TextFormat.bytes(device.totals.readBytes), String(device.totals.readIOs),
                 TextFormat.fixed(device.totals.readAwaitMilliseconds, decimals: 2), TextFormat.fixed(device.totals.utilizationPercent, decimals: 1),
                 TextFormat.bytes(device.attributedBlockReadBytes), TextFormat.bytes(device.filteredBlockReadBytes),
                 TextFormat.bytes(device.unattributedBlockReadBytes)]
            })
        html += """
            <script type="application/json" id="readtrace-data">\(json)</script>
            <script>\(script)</script>
            </body></html>

            """
        return html
    }

    static func group(of process: DumpDocument.Process?) -> String {
        if let pod = process?.podUID { return "pod " + pod }
        if let container = process?.containerID { return "container " + container.prefix(12) }
        return ""
    }

    static func filterText(_ filters: DumpDocument.Filters) -> String {
        let parts = [("--comm", filters.comm), ("--pid", filters.pid.map(String.init)), ("--cgroup", filters.cgroup),
                     ("--pod", filters.pod), ("--container", filters.container), ("--path", filters.path)]
            .flatMap { flag, values in values.map { "\(flag) \($0)" } }
        return parts.isEmpty ? "none" : parts.joined(separator: " ")
    }

    static func table(headers: [String], rows: [[String]]) -> String {
        let head = "<tr>" + headers.map { "<th>\(escape($0))</th>" }.joined() + "</tr>"
        let body = rows.map { "<tr>" + $0.map { "<td>\(escape($0))</td>" }.joined() + "</tr>" }.joined(separator: "\n")
        return "<table>\n\(head)\n\(body)\n</table>\n"
    }

    static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    static let style = """
        body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; }
        h1 { font-size: 20px; } h2 { font-size: 16px; margin-top: 28px; }
        .meta, .legend { color: #555; } .lost { color: #b00; font-weight: bold; }
        table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
        th, td { border-bottom: 1px solid #ddd; padding: 3px 8px; text-align: left; }
        svg text { font: 12px system-ui, sans-serif; fill: #333; }
        .load-bar { fill: #eef2f7; stroke: #c8d0da; } .loaded-tick { stroke: #000; stroke-width: 2; }
        .storm { background: #fff6e0; padding: 8px; border-left: 3px solid #e0a000; }
        """

    /// Draws the timeline from the embedded dump: a row per load (a span bar, shaded buckets, a
    /// tick where it counted as loaded), then a %util track per device and an overlap count.
    static let script = """
        (function () {
          const dump = JSON.parse(document.getElementById('readtrace-data').textContent);
          const files = new Map(dump.files.map(f => [f.file_id, f]));
          const procs = new Map(dump.processes.map(p => [p.pid, p]));
          const loads = dump.reads.filter(r => r.read_bytes + r.mmap_fault_bytes > 0)
            .sort((a, b) => a.first_read_s - b.first_read_s || a.pid - b.pid || a.file_id - b.file_id);
          const label = 330, width = 1100, rowHeight = 22, axis = 24;
          const duration = Math.max(dump.duration_s, 0.001);
          const x = s => label + (width - label) * Math.min(Math.max(s / duration, 0), 1);
          const devices = dump.devices.filter(d => d.samples.length > 0);
          const rows = loads.length + devices.length + 1;
          const ns = 'http://www.w3.org/2000/svg';
          const svg = document.createElementNS(ns, 'svg');
          svg.setAttribute('width', width + 40); svg.setAttribute('height', axis + rows * rowHeight + 8);
          function add(parent, tag, attributes, text) {
            const element = document.createElementNS(ns, tag);
            for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value);
            if (text !== undefined) element.textContent = text;
            parent.appendChild(element);
            return element;
          }
          const mib = b => (b / 1048576).toFixed(1) + ' MiB';
          for (let i = 0; i <= 10; i++) {
            const s = duration * i / 10;
            add(svg, 'line', {x1: x(s), x2: x(s), y1: axis - 4, y2: axis + rows * rowHeight, stroke: '#eee'});
            add(svg, 'text', {x: x(s) - 10, y: 14}, s.toFixed(1) + 's');
          }
          let busiest = 1;
          for (const r of loads) for (const b of r.timeline.read_bytes) busiest = Math.max(busiest, b);
          loads.forEach((r, i) => {
            const f = files.get(r.file_id) || {path: 'file ' + r.file_id}, p = procs.get(r.pid) || {comm: '?'};
            const who = p.pod_uid ? ' pod ' + p.pod_uid.slice(0, 8) : p.container_id ? ' ctr ' + p.container_id.slice(0, 12) : '';
            const y = axis + i * rowHeight;
            const g = add(svg, 'g', {class: 'load', 'data-pid': r.pid, 'data-file': r.file_id});
            add(g, 'title', {}, `${p.comm} ${r.pid}${who}\\n${f.path}\\n${mib(r.read_bytes + r.mmap_fault_bytes)} in ${r.span_s.toFixed(3)} s (${r.throughput_mib_s.toFixed(1)} MiB/s)` +
              `\\nload ${r.load_s === null ? 'not finished' : r.load_s.toFixed(3) + ' s'}; cache misses ${mib(r.cache_miss_bytes + r.mmap_fault_bytes)}; disk ${mib(r.block_read_bytes)}` +
              (r.device_wait_fraction === null ? '' : `\\nwaiting on the device ${(100 * r.device_wait_fraction).toFixed(0)}% of the span`));
            add(g, 'text', {x: 4, y: y + 15}, `${p.comm} ${r.pid} ${f.path.split('/').pop()}${who}`.slice(0, 48));
            const end = r.load_s === null ? r.last_read_s : r.first_read_s + r.load_s;
            add(g, 'rect', {class: 'load-bar', x: x(r.first_read_s), y: y + 3, width: Math.max(1, x(r.last_read_s) - x(r.first_read_s)), height: rowHeight - 6});
            const bucket = r.timeline.bucket_s;
            r.timeline.read_bytes.forEach((b, k) => {
              if (b === 0) return;
              add(g, 'rect', {class: 'bucket', x: x(k * bucket), y: y + 3, width: Math.max(1, x((k + 1) * bucket) - x(k * bucket)),
                height: rowHeight - 6, fill: '#1f6feb', 'fill-opacity': (0.15 + 0.85 * b / busiest).toFixed(3)});
            });
            if (r.load_s !== null) add(g, 'line', {class: 'loaded-tick', x1: x(end), x2: x(end), y1: y + 1, y2: y + rowHeight - 1});
          });
          devices.forEach((d, j) => {
            const y = axis + (loads.length + j) * rowHeight;
            const g = add(svg, 'g', {class: 'device', 'data-device': d.name});
            add(g, 'text', {x: 4, y: y + 15}, d.name + ' %util');
            let start = 0;
            for (const s of d.samples) {
              const rect = add(g, 'rect', {x: x(start), y: y + 3, width: Math.max(1, x(s.t_s) - x(start)), height: rowHeight - 6,
                fill: '#d1242f', 'fill-opacity': (0.05 + 0.95 * s.util_pct / 100).toFixed(3)});
              add(rect, 'title', {}, `${d.name} ${start.toFixed(1)}-${s.t_s.toFixed(1)} s: ${s.util_pct.toFixed(1)}% util, ${s.read_mib_s.toFixed(1)} MiB/s read, await ${s.read_await_ms.toFixed(2)} ms`);
              start = s.t_s;
            }
          });
          const y = axis + (loads.length + devices.length) * rowHeight;
          add(svg, 'text', {x: 4, y: y + 15}, 'loads at once');
          // The count where it changes: at every start and end of a load.
          const moments = [...new Set(loads.flatMap(r => [r.first_read_s, r.last_read_s]))].sort((a, b) => a - b);
          let shown = -1, lastX = -100;
          for (const t of moments) {
            const active = loads.filter(r => r.first_read_s <= t && t < r.last_read_s).length;
            if (active !== shown && x(t) - lastX >= 14) {
              add(svg, 'text', {x: x(t), y: y + 15, class: 'overlap'}, String(active));
              shown = active;
              lastX = x(t);
            }
          }
          document.getElementById('timeline').appendChild(svg);
        })();
        """
}
