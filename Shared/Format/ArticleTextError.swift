/// Why an article file could not be read, with the file and line to look at.
///
/// `description` reads like a compiler diagnostic (`seeds/x.txt:3: ...`) so editors and people can
/// jump straight to the spot.
public struct ArticleTextError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        case empty
        case invalidUTF8
        case binary
        case missingTitle
        case tooLarge(limit: Int)
        case badSourceTag(String)
        case invalidField(String)
    }

    public var file: String
    public var line: Int
    public var reason: Reason

    public init(file: String, line: Int, reason: Reason) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    public var description: String {
        let message: String
        switch reason {
        case .empty:
            message = "the file is empty; an article needs a category line, a title line and a body"
        case .invalidUTF8:
            message = "the file is not valid UTF-8; save it as UTF-8 text and try again"
        case .binary:
            message = "the file holds binary data (control characters); only plain text articles can be imported"
        case .missingTitle:
            message = "no title: the first non-empty line is the category, the next non-empty line must be the title"
        case .tooLarge(let limit):
            message = "the file is larger than the \(limit)-byte article limit; split it or shorten it"
        case .badSourceTag(let detail):
            message = "the closing {source} tag cannot be read: \(detail)"
        case .invalidField(let detail):
            message = detail
        }
        return "\(file):\(line): \(message)"
    }
}
