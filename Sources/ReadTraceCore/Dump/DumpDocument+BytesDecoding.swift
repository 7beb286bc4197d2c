// The dump's entries read straight from its text (`JSONBytesDecodable`). Each reads its members
// as the synthesized init(from:) does: a required member missing or null is refused, an
// optional one missing or null is nil.

extension DumpDocument.Read: JSONBytesDecodable {
    private static let names = JSONMemberNames<CodingKeys>()

    init(bytesAt start: Int, in text: JSONText) throws(JSONText.Refusal) {
        var pid: Int32?
        var fileID: Int?
        var readCalls: UInt64?
        var readBytes: UInt64?
        var errorCalls: UInt64?
        var cacheMissBytes: UInt64?
        var mmapFaultBytes: UInt64?
        var mappedBytes: UInt64?
        var prefetchBytes: UInt64?
        var blockReadBytes: UInt64?
        var blockReadIOs: UInt64?
        var blockLatency: DumpDocument.Latency?
        var blockService: DumpDocument.Latency?
        var latency: DumpDocument.Latency?
        var firstRead: Double?
        var lastRead: Double?
        var load: Double?
        var span: Double?
        var throughput: Double?
        var inRead: Double?
        var deviceWait: Double?
        var timeline: DumpDocument.TimelineSeries?
        try Self.names.forEachMember(in: text, at: start) { key, value throws(JSONText.Refusal) in
            switch key {
            case .pid: pid = try text.whole(at: value)
            case .fileID: fileID = try text.whole(at: value)
            case .readCalls: readCalls = try text.whole(at: value)
            case .readBytes: readBytes = try text.whole(at: value)
            case .errorCalls: errorCalls = try text.whole(at: value)
            case .cacheMissBytes: cacheMissBytes = try text.whole(at: value)
            case .mmapFaultBytes: mmapFaultBytes = try text.whole(at: value)
            case .mappedBytes: mappedBytes = try text.orNull(at: value) { index throws(JSONText.Refusal) in try text.whole(at: index) }
            case .prefetchBytes: prefetchBytes = try text.orNull(at: value) { index throws(JSONText.Refusal) in try text.whole(at: index) }
            case .blockReadBytes: blockReadBytes = try text.whole(at: value)
            case .blockReadIOs: blockReadIOs = try text.whole(at: value)
            case .blockLatencyMicroseconds: blockLatency = try DumpDocument.Latency(bytesAt: value, in: text)
            case .blockServiceMicroseconds: blockService = try DumpDocument.Latency(bytesAt: value, in: text)
            case .firstReadSeconds: firstRead = try text.double(at: value)
            case .lastReadSeconds: lastRead = try text.double(at: value)
            case .loadSeconds: load = try text.orNull(at: value, text.double)
            case .spanSeconds: span = try text.double(at: value)
            case .throughputMiBPerSecond: throughput = try text.double(at: value)
            case .inReadFraction: inRead = try text.orNull(at: value, text.double)
            case .deviceWaitFraction: deviceWait = try text.orNull(at: value, text.double)
            case .latencyMicroseconds:
                latency = try text.orNull(at: value) { index throws(JSONText.Refusal) in try DumpDocument.Latency(bytesAt: index, in: text)
                }
            case .timeline: timeline = try DumpDocument.TimelineSeries(bytesAt: value, in: text)
            }
        }
        guard let pid, let fileID, let readCalls, let readBytes, let errorCalls, let cacheMissBytes, let mmapFaultBytes,
            let blockReadBytes, let blockReadIOs, let blockLatency, let blockService, let firstRead, let lastRead, let span,
            let throughput, let timeline
        else { throw JSONText.Refusal() }
        self.init(
            pid: pid, fileID: fileID, readCalls: readCalls, readBytes: readBytes, errorCalls: errorCalls, cacheMissBytes: cacheMissBytes,
            mmapFaultBytes: mmapFaultBytes, mappedBytes: mappedBytes, prefetchBytes: prefetchBytes, blockReadBytes: blockReadBytes,
            blockReadIOs: blockReadIOs, blockLatencyMicroseconds: blockLatency, blockServiceMicroseconds: blockService,
            firstReadSeconds: firstRead, lastReadSeconds: lastRead, loadSeconds: load, spanSeconds: span,
            throughputMiBPerSecond: throughput, inReadFraction: inRead, deviceWaitFraction: deviceWait, latencyMicroseconds: latency,
            timeline: timeline)
    }
}

extension DumpDocument.Latency: JSONBytesDecodable {
    private static let names = JSONMemberNames<CodingKeys>()

    init(bytesAt start: Int, in text: JSONText) throws(JSONText.Refusal) {
        var p50: Double?
        var p90: Double?
        var p99: Double?
        var max: Double?
        var total: Double?
        try Self.names.forEachMember(in: text, at: start) { key, value throws(JSONText.Refusal) in
            let number = try text.double(at: value)
            switch key {
            case .p50: p50 = number
            case .p90: p90 = number
            case .p99: p99 = number
            case .max: max = number
            case .total: total = number
            }
        }
        guard let p50, let p90, let p99, let max, let total else { throw JSONText.Refusal() }
        self.init(p50: p50, p90: p90, p99: p99, max: max, total: total)
    }
}

extension DumpDocument.TimelineSeries: JSONBytesDecodable {
    private static let names = JSONMemberNames<CodingKeys>()

    init(bytesAt start: Int, in text: JSONText) throws(JSONText.Refusal) {
        var bucketSeconds: Double?
        var readBytes: BucketCounts?
        var blockReadBytes: BucketCounts?
        try Self.names.forEachMember(in: text, at: start) { key, value throws(JSONText.Refusal) in
            switch key {
            case .bucketSeconds: bucketSeconds = try text.double(at: value)
            case .readBytes: readBytes = try BucketCounts(bytesAt: value, in: text)
            case .blockReadBytes: blockReadBytes = try BucketCounts(bytesAt: value, in: text)
            }
        }
        guard let bucketSeconds, let readBytes, let blockReadBytes else { throw JSONText.Refusal() }
        self.init(bucketSeconds: bucketSeconds, readBytes: readBytes, blockReadBytes: blockReadBytes)
    }
}

extension DumpDocument.File: JSONBytesDecodable {
    private static let names = JSONMemberNames<CodingKeys>()

    init(bytesAt start: Int, in text: JSONText) throws(JSONText.Refusal) {
        var fileID: Int?
        var path: String?
        var dev: String?
        var pathBase64: String?
        var deviceName: String?
        var diskName: String?
        var lowerDev: String?
        var host: String?
        var fsType: String?
        var inode: UInt64?
        var sizeBytes: UInt64?
        var lowerInode: UInt64?
        var cachedAtStartBytes: UInt64?
        var deleted: Bool?
        var pathTruncated: Bool?
        try Self.names.forEachMember(in: text, at: start) { key, value throws(JSONText.Refusal) in
            switch key {
            case .fileID: fileID = try text.whole(at: value)
            case .path: path = try text.plainString(at: value)
            case .pathBase64: pathBase64 = try text.orNull(at: value, text.plainString)
            case .dev: dev = try text.plainString(at: value)
            case .inode: inode = try text.whole(at: value)
            case .sizeBytes: sizeBytes = try text.whole(at: value)
            case .deleted: deleted = try text.bool(at: value)
            case .pathTruncated: pathTruncated = try text.orNull(at: value, text.bool)
            case .deviceName: deviceName = try text.orNull(at: value, text.plainString)
            case .diskName: diskName = try text.orNull(at: value, text.plainString)
            case .lowerDev: lowerDev = try text.orNull(at: value, text.plainString)
            case .lowerInode: lowerInode = try text.orNull(at: value) { index throws(JSONText.Refusal) in try text.whole(at: index) }
            case .host: host = try text.orNull(at: value, text.plainString)
            case .fsType: fsType = try text.orNull(at: value, text.plainString)
            case .cachedAtStartBytes:
                cachedAtStartBytes = try text.orNull(at: value) { index throws(JSONText.Refusal) in try text.whole(at: index) }
            }
        }
        guard let fileID, let path, let dev, let inode, let sizeBytes, let deleted else { throw JSONText.Refusal() }
        self.init(
            fileID: fileID, path: path, pathBase64: pathBase64, dev: dev, inode: inode, sizeBytes: sizeBytes, deleted: deleted,
            pathTruncated: pathTruncated, deviceName: deviceName, diskName: diskName, lowerDev: lowerDev, lowerInode: lowerInode,
            host: host, fsType: fsType, cachedAtStartBytes: cachedAtStartBytes)
    }
}

extension DumpDocument.Process: JSONBytesDecodable {
    private static let names = JSONMemberNames<CodingKeys>()

    init(bytesAt start: Int, in text: JSONText) throws(JSONText.Refusal) {
        var pid: Int32?
        var parentPid: Int32?
        var comm: String?
        var cmdline: String?
        var cgroup: String?
        var containerID: String?
        var podUID: String?
        var host: String?
        var containerRuntime: ContainerRuntime?
        var fuseServes: [String]?
        try Self.names.forEachMember(in: text, at: start) { key, value throws(JSONText.Refusal) in
            switch key {
            case .pid: pid = try text.whole(at: value)
            case .parentPid: parentPid = try text.whole(at: value)
            case .comm: comm = try text.plainString(at: value)
            case .cmdline: cmdline = try text.orNull(at: value, text.plainString)
            case .cgroup: cgroup = try text.orNull(at: value, text.plainString)
            case .containerID: containerID = try text.orNull(at: value, text.plainString)
            case .podUID: podUID = try text.orNull(at: value, text.plainString)
            case .host: host = try text.orNull(at: value, text.plainString)
            case .containerRuntime:
                containerRuntime = try text.orNull(at: value) { index throws(JSONText.Refusal) in
                    guard let runtime = ContainerRuntime(rawValue: try text.plainString(at: index)) else { throw JSONText.Refusal() }
                    return runtime
                }
            case .fuseServes:
                fuseServes = try text.orNull(at: value) { index throws(JSONText.Refusal) in
                    var devices: [String] = []
                    try text.forEachElement(at: index) { element throws(JSONText.Refusal) in
                        devices.append(try text.plainString(at: element))
                    }
                    return devices
                }
            }
        }
        guard let pid, let parentPid, let comm else { throw JSONText.Refusal() }
        self.init(
            pid: pid, parentPid: parentPid, comm: comm, cmdline: cmdline, cgroup: cgroup, containerID: containerID, podUID: podUID,
            containerRuntime: containerRuntime, host: host, fuseServes: fuseServes)
    }
}
