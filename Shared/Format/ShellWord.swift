/// A word (a path, mostly) as it must be typed in a POSIX shell, for the commands messages suggest:
/// "run `articlesync edit 3f2a --file my articles/3f2a.txt`" could not be pasted as it was.
public enum ShellWord {
    /// `word` as it is when no shell treats any of its characters specially, else in single quotes
    /// (a quote inside written as '\'').
    public static func quoted(_ word: String) -> String {
        guard word.isEmpty || !word.unicodeScalars.allSatisfy(isPlain) else { return word }
        return "'" + word.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
    }

    /// Letters and digits of any script, and punctuation no shell expands or splits on. (`~` only
    /// expands at the start of a word, but a path beginning with one is rare enough to quote.)
    static func isPlain(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isAlphabetic || scalar.properties.numericType != nil || "-_./:@%+,=".unicodeScalars.contains(scalar)
    }
}
