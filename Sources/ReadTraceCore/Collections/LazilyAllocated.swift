/// A value that starts out empty.
protocol EmptyInitializable {
    init()
}

/// An empty value that moves to the heap when first changed, shared between copies until one
/// of them changes it. For the parts of a record that most records never use: an unused part
/// costs one pointer instead of its whole size.
struct LazilyAllocated<Value: EmptyInitializable & Sendable & Equatable>: Sendable, Equatable {
    private final class Storage: @unchecked Sendable {  // changed only while uniquely referenced
        var value: Value

        init(_ value: Value) { self.value = value }
    }

    private var storage: Storage?

    init() {}

    var value: Value {
        get { storage?.value ?? Value() }
        _modify {
            if storage == nil {
                storage = Storage(Value())
            } else if !isKnownUniquelyReferenced(&storage!) {
                storage = Storage(storage!.value)
            }
            yield &storage!.value
        }
    }

    static func == (lhs: Self, rhs: Self) -> Bool { lhs.value == rhs.value }
}
