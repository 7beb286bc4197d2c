/// Bytes a block device completed for a read request a traced process caused.
public struct BlockRecord: Sendable {
    public var pid: Int32
    /// The block device (or partition) that served the request.
    public var device: DeviceNumber
    /// The file the process was reading (or had mapped).
    public var file: FileID
    /// The file the data belongs to below a stacked filesystem (overlayfs), when it is another.
    public var lowerFile: FileID?
    public var bytes: UInt64
    /// False for a partial completion: the request has more to come.
    public var completesRequest: Bool
    public var endNanoseconds: UInt64
    /// From the request's creation to this completion.
    public var queuedNanoseconds: UInt64
    /// From the request's issue to the driver to this completion; nil when the issue was not seen.
    public var serviceNanoseconds: UInt64?

    public init(
        pid: Int32, device: DeviceNumber, file: FileID, lowerFile: FileID? = nil, bytes: UInt64,
        completesRequest: Bool = true, endNanoseconds: UInt64, queuedNanoseconds: UInt64,
        serviceNanoseconds: UInt64? = nil
    ) {
        self.pid = pid
        self.device = device
        self.file = file
        self.lowerFile = lowerFile
        self.bytes = bytes
        self.completesRequest = completesRequest
        self.endNanoseconds = endNanoseconds
        self.queuedNanoseconds = queuedNanoseconds
        self.serviceNanoseconds = serviceNanoseconds
    }
}
