import Foundation

/// A string that is equal to another exactly when their UTF-8 bytes are, which is how the merge
/// compares text (see `SymbolTable`).
struct UTF8Key: Hashable {
    var text: String

    static func == (left: UTF8Key, right: UTF8Key) -> Bool { left.text.hasSameUTF8(as: right.text) }

    /// String's own hash is consistent with byte equality: equal bytes are equivalent text, which
    /// String hashes alike. (Equivalent text with other bytes shares a hash but is not equal.)
    func hash(into hasher: inout Hasher) { hasher.combine(text) }
}

extension String {
    /// Byte equality with one `memcmp` where both strings can lend their UTF-8; `utf8.elementsEqual`
    /// walks byte by byte.
    func hasSameUTF8(as other: String) -> Bool {
        let compared = utf8.withContiguousStorageIfAvailable { leftBytes in
            other.utf8.withContiguousStorageIfAvailable { rightBytes -> Bool in
                guard leftBytes.count == rightBytes.count else { return false }
                guard let leftStart = leftBytes.baseAddress, let rightStart = rightBytes.baseAddress else { return true }
                return memcmp(leftStart, rightStart, leftBytes.count) == 0
            }
        }
        // Bridged or small strings may have no contiguous storage to lend.
        return (compared ?? nil) ?? utf8.elementsEqual(other.utf8)
    }
}
