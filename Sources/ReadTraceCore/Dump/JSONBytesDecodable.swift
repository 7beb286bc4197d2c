/// A type `JSONBytesDecoder` reads straight from the text, without a decoding container per
/// member: the dump's entries, 100,000 and more in a large dump, where the containers took most
/// of `report`'s time. Reads exactly what `init(from:)` reads, or refuses (an escaped string, a
/// member it does not know or given twice, a value of another type), and `JSONBytesDecoder`
/// reads that value through `init(from:)`.
protocol JSONBytesDecodable: Decodable {
    init(bytesAt start: Int, in text: JSONText) throws(JSONText.Refusal)
}
