extension DumpDocument {
    /// A `--mark` as given (or as a preset named it).
    public struct Marker: Codable, Sendable, Equatable {
        public var name: String
        public var definition: String
    }

    /// One call of a marked function (or one hit of a marked probe point, duration 0).
    public struct Mark: Codable, Sendable, Equatable {
        public var name: String
        public var pid: Int32
        public var tid: Int32
        /// From the start of tracing.
        public var startSeconds: Double
        public var durationSeconds: Double
        /// The argument `:bytes=argN` names; null without one.
        public var bytes: UInt64?
        /// In a merged dump: the label of the host the process ran on.
        public var host: String? = nil

        enum CodingKeys: String, CodingKey {
            case name, pid, tid, bytes, host
            case startSeconds = "start_s"
            case durationSeconds = "duration_s"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(pid, forKey: .pid)
            try container.encode(tid, forKey: .tid)
            try container.encode(startSeconds, forKey: .startSeconds)
            try container.encode(durationSeconds, forKey: .durationSeconds)
            try container.encode(bytes, forKey: .bytes)
            try container.encodeIfPresent(host, forKey: .host)
        }
    }

    /// Where a process's time went, on its wall clock from its first traced call to its last
    /// (`window_s`): in read calls (any thread), else in a marked phase (the first marker
    /// listed wins where phases overlap), else in neither. The three parts add up to the window.
    public struct PhaseBreakdown: Codable, Sendable, Equatable {
        public struct Phase: Codable, Sendable, Equatable {
            public var name: String
            public var seconds: Double
        }

        public var pid: Int32
        public var windowStartSeconds: Double
        public var windowSeconds: Double
        public var readSeconds: Double
        /// The part of `read_s` with a device request of this process in flight.
        public var deviceWaitSeconds: Double
        public var phases: [Phase]
        public var neitherSeconds: Double
        /// In a merged dump: the label of the host the process ran on.
        public var host: String? = nil

        enum CodingKeys: String, CodingKey {
            case pid, phases, host
            case windowStartSeconds = "window_start_s"
            case windowSeconds = "window_s"
            case readSeconds = "read_s"
            case deviceWaitSeconds = "device_wait_s"
            case neitherSeconds = "neither_s"
        }
    }
}
