/// A client command that cannot be carried out. `message` says what was wrong and what to do;
/// `exitCode` is what the CLI exits with (1 for errors, 3 for unresolved conflicts).
public struct ReplicaError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var exitCode: Int32

    public init(_ message: String, exitCode: Int32 = 1) {
        self.message = message
        self.exitCode = exitCode
    }

    public var description: String { message }
}
