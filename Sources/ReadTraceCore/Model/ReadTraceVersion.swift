public enum ReadTraceVersion {
    public static let current = "0.1.0"
}
