import Testing

@testable import ReadTraceCore

@Suite("Insertion-ordered table")
struct InsertionOrderedTableTests {
    @Test("finds what a dictionary finds, in the order keys were first inserted, across growth")
    func matchesDictionary() {
        var table = InsertionOrderedTable<Int, Int>()
        var dictionary: [Int: Int] = [:]
        var order: [Int] = []
        for step in 0..<5_000 {
            let key = (step * 7919) % 3_001  // revisits keys
            if dictionary[key] == nil { order.append(key) }
            table[key, default: 0] += step
            dictionary[key, default: 0] += step
        }
        #expect(table.count == dictionary.count)
        #expect(Array(table.keys) == order)
        #expect(table.allSatisfy { dictionary[$0.key] == $0.value })
        #expect(table[3_001] == nil && table[-1] == nil)
        #expect(table.position(of: order[10]) == 10)
    }

    @Test("updateValue replaces in place and returns the old value")
    func updateValue() {
        var table = InsertionOrderedTable<String, Int>()
        #expect(table.updateValue(1, forKey: "a") == nil)
        #expect(table.updateValue(2, forKey: "b") == nil)
        #expect(table.updateValue(3, forKey: "a") == 1)
        #expect(Array(table.keys) == ["a", "b"] && Array(table.values) == [3, 2])
        #expect(InsertionOrderedTable<String, Int>()["a"] == nil)
    }

    @Test("a chunked array holds, changes in place and iterates like an array, across chunks")
    func chunkedArray() {
        var chunked = ChunkedArray<Int>()
        var plain: [Int] = []
        for value in 0..<10_000 {
            chunked.append(value)
            plain.append(value)
        }
        for position in stride(from: 0, to: 10_000, by: 37) {
            chunked[position] += 1
            plain[position] += 1
        }
        #expect(chunked.count == 10_000 && Array(chunked) == plain)
        #expect(chunked[4_095] == plain[4_095] && chunked[4_096] == plain[4_096] && chunked[9_999] == 9_999)
    }
}
