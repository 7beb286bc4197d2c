/// A dictionary whose entries sit in dense arrays in the order they were inserted, found
/// through an open-addressing index of 32-bit positions. A `Dictionary` keeps a key and a
/// value in every bucket and leaves a quarter to five eighths of its buckets empty, so with
/// large values (per-file statistics, 100,000 of them) most of its memory holds nothing.
/// Entries are never removed one at a time; a table is emptied by replacing it.
public struct InsertionOrderedTable<Key: Hashable, Value> {
    public private(set) var keys = ChunkedArray<Key>()
    public private(set) var values = ChunkedArray<Value>()
    /// For each slot, the position of an entry + 1, or 0 when empty. Its count is 0 or a power of two.
    private var slots: [Int32] = []

    public init() {}

    /// The position of `key`'s entry in `keys` and `values`.
    public func position(of key: Key) -> Int? {
        guard !slots.isEmpty else { return nil }
        let mask = slots.count - 1
        var slot = key.hashValue & mask
        while slots[slot] != 0 {
            let position = Int(slots[slot]) - 1
            if keys[position] == key { return position }
            slot = (slot + 1) & mask
        }
        return nil
    }

    public subscript(key: Key) -> Value? {
        position(of: key).map { values[$0] }
    }

    /// The value for `key`, changed in place; a missing key is inserted with `defaultValue`.
    public subscript(key: Key, default defaultValue: @autoclosure () -> Value) -> Value {
        get { self[key] ?? defaultValue() }
        _modify {
            let position = position(of: key) ?? append(key, defaultValue())
            yield &values[position]
        }
    }

    /// Sets the value for `key`; returns the value it replaced, nil for a new key.
    @discardableResult
    public mutating func updateValue(_ value: Value, forKey key: Key) -> Value? {
        guard let position = position(of: key) else {
            append(key, value)
            return nil
        }
        defer { values[position] = value }
        return values[position]
    }

    @discardableResult
    private mutating func append(_ key: Key, _ value: Value) -> Int {
        // At most three quarters of the slots in use keeps probe sequences short.
        if (keys.count + 1) * 4 > slots.count * 3 {
            slots = [Int32](repeating: 0, count: Swift.max(16, slots.count * 2))
            for position in keys.indices { occupyFreeSlot(for: keys[position], position: position) }
        }
        precondition(keys.count < Int32.max, "InsertionOrderedTable holds fewer than 2^31 entries")
        keys.append(key)
        values.append(value)
        occupyFreeSlot(for: key, position: keys.count - 1)
        return keys.count - 1
    }

    private mutating func occupyFreeSlot(for key: Key, position: Int) {
        let mask = slots.count - 1
        var slot = key.hashValue & mask
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(position + 1)
    }
}

extension InsertionOrderedTable: RandomAccessCollection {
    public var startIndex: Int { 0 }
    public var endIndex: Int { keys.count }

    public subscript(position: Int) -> (key: Key, value: Value) {
        (keys[position], values[position])
    }
}

extension InsertionOrderedTable: Sendable where Key: Sendable, Value: Sendable {}
