/// `--preset`: markers on the exported C entry points of common model loaders, so that a
/// load's phases show without knowing the loader's internals. README lists why each symbol.
public enum MarkPreset: String, CaseIterable, Sendable {
    case cuda, triton, tensorrt

    /// The libraries a preset marks (sonames for the loader's cache, or a directory of
    /// backends), with the markers on each.
    public var markers: [MarkSpec] {
        func function(_ library: String, _ symbol: String, bytes: Int? = nil) -> MarkSpec {
            MarkSpec(name: symbol, target: .function(library: library, symbol: symbol), bytesArgument: bytes)
        }
        return switch self {
        case .cuda:
            [
                // Driver API: host-to-device copies (size is the third argument), device
                // allocations (the second), and module (kernel image) loads.
                function("libcuda.so.1", "cuMemcpyHtoD_v2", bytes: 3),
                function("libcuda.so.1", "cuMemcpyHtoDAsync_v2", bytes: 3),
                function("libcuda.so.1", "cuMemAlloc_v2", bytes: 2),
                function("libcuda.so.1", "cuModuleLoadData"),
                // Runtime API: what PyTorch and most frameworks call; the count is the third argument.
                function("libcudart.so", "cudaMemcpy", bytes: 3),
                function("libcudart.so", "cudaMemcpyAsync", bytes: 3),
            ]
        case .triton:
            // Every Triton backend exports these; the server calls them once per model and per instance.
            [
                function(Self.tritonBackends, "TRITONBACKEND_ModelInitialize"),
                function(Self.tritonBackends, "TRITONBACKEND_ModelInstanceInitialize"),
            ]
        case .tensorrt:
            // The C entry points that create TensorRT's runtime, builder and refitter objects;
            // deserializeCudaEngine itself is a C++ virtual method with no exported C symbol.
            [
                function("libnvinfer.so", "createInferRuntime_INTERNAL"),
                function("libnvinfer.so", "createInferRefitter_INTERNAL"),
                function("libnvinfer.so", "createInferBuilder_INTERNAL"),
            ]
        }
    }

    /// Where Triton's container image keeps its backends, one directory each.
    public static let tritonBackends = "/opt/tritonserver/backends"
}
