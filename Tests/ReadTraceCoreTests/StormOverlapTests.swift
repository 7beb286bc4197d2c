import PropertyBased
import Testing

@testable import ReadTraceCore

@Suite("Storm overlaps")
struct StormOverlapTests {
    @Test("which loads overlap another: the same as comparing every pair")
    func againstEveryPair() async {
        // Few distinct times, so that spans touch, coincide and are empty.
        let span = zip(Gen.int(in: 0...8), Gen.int(in: 0...4)).map { start, length in Double(start)...Double(start + length) }
        await propertyCheck(count: 300, input: span.array(of: 0...12)) { spans in
            let expected = spans.indices.map { index in
                spans.indices.contains { other in
                    other != index && spans[other].lowerBound < spans[index].upperBound
                        && spans[index].lowerBound < spans[other].upperBound
                }
            }
            #expect(StormSummary.overlapping(spans) == expected, "\(spans)")
        }
    }
}
