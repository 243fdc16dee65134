import ArticleSyncShared
import Testing

/// Paths in the commands messages suggest, quoted only where a shell would split or expand them.
@Suite struct ShellWordTests {
    @Test func plainWordsStayAndTheRestAreSingleQuoted() {
        for plain in ["/tmp/r/.articlesync/unsaved/3f2a.txt", "ekspor-2026_11.28/a+b@c:d,e=f%", "berita/Ñandú/文章.txt", "3f2a"] {
            #expect(ShellWord.quoted(plain) == plain)
        }
        #expect(ShellWord.quoted("my articles/3f2a.txt") == "'my articles/3f2a.txt'")
        #expect(ShellWord.quoted("") == "''")
        #expect(ShellWord.quoted("it's") == #"'it'\''s'"#)
        for special in ["a$b", "a*b", "~/x", "a;b", "a`b`", "a\"b", "a\\b", "a\tb", "a\nb", "a(b)", "a&b", "a|b", "a<b", "a!b", "a#b", "a?b", "a[b]"] {
            #expect(ShellWord.quoted(special).hasPrefix("'"), "\(special)")
        }
    }
}
