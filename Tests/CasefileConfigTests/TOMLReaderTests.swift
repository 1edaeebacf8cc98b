import Testing

@testable import CasefileConfig

/// Parses `text` or records the error as a test failure.
private func parse(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> TOMLTable? {
    do {
        return try TOMLParser.parse(text)
    } catch {
        Issue.record("unexpected TOML error \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// The error `text` gives, or nil if it parses.
private func failure(_ text: String) -> TOMLError? {
    do {
        _ = try TOMLParser.parse(text)
        return nil
    } catch {
        return error
    }
}

/// The value at a dotted path of bare keys; array elements by index (`a.0.b`).
private func at(_ table: TOMLTable?, _ path: String) -> TOMLValue? {
    guard let table else { return nil }
    var current = TOMLValue(storage: .table(table), position: table.position)
    for part in path.split(separator: ".") {
        if let i = Int(part), let items = current.array {
            guard i < items.count else { return nil }
            current = items[i]
        } else if let t = current.table, let e = t[String(part)] {
            current = e.value
        } else {
            return nil
        }
    }
    return current
}

@Suite("TOML reader: constructs")
struct TOMLConstructTests {
    @Test func commentsBlankLinesAndCRLF() {
        let t = parse("# top\r\n\r\n  a = 1 # trailing\r\n\t# indented\nb = 2")
        #expect(at(t, "a")?.integer == 1)
        #expect(at(t, "b")?.integer == 2)
        #expect(at(t, "b")?.line == 5)
        #expect(t?.keys == ["a", "b"])
    }

    @Test func spacingAndCommentsAroundHeadersAndPairs() {
        let t = parse("[a] # table\nx=1\ny\t=\t2   # pair\n[[b]]  # array\n  [ c . d ]\nz = \"#not a comment\"")
        #expect(at(t, "a.x")?.integer == 1)
        #expect(at(t, "a.y")?.integer == 2)
        #expect(at(t, "b")?.array?.count == 1)
        #expect(at(t, "c.d.z")?.string == "#not a comment")
    }

    @Test func nestingUpToTheLimit() {
        let ok = String(repeating: "[", count: TOMLParser.maxDepth) + String(repeating: "]", count: TOMLParser.maxDepth)
        #expect(at(parse("a = " + ok), "a")?.array?.count == 1)
        let deep = String(repeating: "[", count: 100_000)
        let e = failure("a = " + deep)
        #expect(e?.message == "arrays and inline tables are nested more than 64 deep")
        #expect(e?.position == TOMLPosition(line: 1, column: 5 + TOMLParser.maxDepth))
    }

    @Test func aLongLineIsReadInLinearTime() {
        // 100k values on one line: positions must not rescan the line.
        let items = Array(repeating: "1", count: 100_000).joined(separator: ",")
        let t = parse("a = [" + items + "]")
        #expect(at(t, "a")?.array?.count == 100_000)
        #expect(at(t, "a.99999")?.position.column == 6 + 2 * 99_999)
    }

    @Test func emptyDocument() {
        #expect(parse("")?.entries.isEmpty == true)
        #expect(parse("\n# only a comment\n")?.entries.isEmpty == true)
    }

    @Test func byteOrderMarkIsIgnored() {
        #expect(at(parse("\u{FEFF}a = 1"), "a")?.integer == 1)
    }

    @Test func tablesAndNestedTables() {
        let t = parse(
            """
            [daemon]
            x = 1
            [a.b.c]
            y = 2
            [a]
            z = 3
            [ a . "quoted key" ]
            w = 4
            """)
        #expect(at(t, "daemon.x")?.integer == 1)
        #expect(at(t, "a.b.c.y")?.integer == 2)
        #expect(at(t, "a.z")?.integer == 3)
        #expect(at(t, "a")?.table?["quoted key"]?.value.table?["w"]?.value.integer == 4)
        // A table's position is its header; [a] defined after [a.b.c] takes [a]'s line.
        #expect(at(t, "daemon")?.line == 1)
        #expect(at(t, "a.b.c")?.line == 3)
        #expect(at(t, "a")?.line == 5)
        #expect(t?["a"]?.keyPosition.line == 5)
    }

    @Test func arrayOfTables() {
        let t = parse(
            """
            [[source]]
            name = "one"

            [[source]]
            name = "two"
            [source.extra]
            k = true

            [[source.sub]]
            n = 1
            """)
        let sources = at(t, "source")?.array
        #expect(sources?.count == 2)
        #expect(at(t, "source.0.name")?.string == "one")
        #expect(at(t, "source.1.name")?.string == "two")
        // Sub-tables and nested arrays of tables go into the last element.
        #expect(at(t, "source.1.extra.k")?.boolean == true)
        #expect(at(t, "source.1.sub.0.n")?.integer == 1)
        #expect(sources?[0].line == 1)
        #expect(sources?[1].line == 4)
        #expect(at(t, "source")?.typeName == "an array of tables")
    }

    @Test func keysBareQuotedAndDotted() {
        let t = parse(
            #"""
            bare_key-1 = 1
            "quoted key" = 2
            'literal "key"' = 3
            "" = 4
            a.b . c = 5
            a . "d.e" = 6
            1234 = 7
            "\u00e9" = 8
            """#)
        #expect(at(t, "bare_key-1")?.integer == 1)
        #expect(t?["quoted key"]?.value.integer == 2)
        #expect(t?["literal \"key\""]?.value.integer == 3)
        #expect(t?[""]?.value.integer == 4)
        #expect(at(t, "a.b.c")?.integer == 5)
        #expect(at(t, "a")?.table?["d.e"]?.value.integer == 6)
        #expect(at(t, "1234")?.integer == 7)
        #expect(t?["é"]?.value.integer == 8)
        #expect(t?["a"]?.value.table?["b"]?.keyPosition == TOMLPosition(line: 5, column: 3))
    }

    @Test func basicStringsAndEscapes() {
        let t = parse(
            #"""
            s = "tab\there \"q\" back\\slash \b\f\n\r"
            u = "\u00E9\u20AC \U0001F600"
            raw = "C:\\path"
            empty = ""
            """#)
        #expect(at(t, "s")?.string == "tab\there \"q\" back\\slash \u{8}\u{C}\n\r")
        #expect(at(t, "u")?.string == "é€ 😀")
        #expect(at(t, "raw")?.string == "C:\\path")
        #expect(at(t, "empty")?.string == "")
    }

    @Test func literalStrings() {
        let t = parse(
            #"""
            regex = '/provider/44/\d+'
            quoted = 'say "hi"'
            win = 'C:\Users\x'
            """#)
        #expect(at(t, "regex")?.string == #"/provider/44/\d+"#)
        #expect(at(t, "quoted")?.string == #"say "hi""#)
        #expect(at(t, "win")?.string == #"C:\Users\x"#)
    }

    @Test func multiLineBasicStrings() {
        let t = parse(
            "a = \"\"\"\nRoses\nViolets\"\"\"\nb = \"\"\"one \\\n     two \\\n\n   three\"\"\"\nc = \"\"\"x\"\"y\"\"\"\"\"\nd = 1")
        // The newline right after the opening quotes is dropped.
        #expect(at(t, "a")?.string == "Roses\nViolets")
        // A line-ending backslash eats the newline and the blanks after it.
        #expect(at(t, "b")?.string == "one two three")
        // Two quotes inside, and two more right before the closing three.
        #expect(at(t, "c")?.string == "x\"\"y\"\"")
        // Lines after a multi-line string keep their numbers.
        #expect(at(t, "b")?.line == 4)
        #expect(at(t, "c")?.line == 8)
        #expect(at(t, "d")?.line == 9)
    }

    @Test func multiLineLiteralStrings() {
        let t = parse("re = '''\nI [dw]on't need \\d{2} apples'''\nq = ''''quoted'''' \nafter = true")
        #expect(at(t, "re")?.string == "I [dw]on't need \\d{2} apples")
        #expect(at(t, "q")?.string == "'quoted'")
        #expect(at(t, "after")?.line == 4)
    }

    @Test func integers() {
        let t = parse(
            """
            a = 42
            b = +17
            c = -5
            d = 0
            e = 1_000_000
            f = 0xDEAD_beef
            g = 0o755
            h = 0b1101
            i = -0
            max = 9223372036854775807
            """)
        #expect(at(t, "a")?.integer == 42)
        #expect(at(t, "b")?.integer == 17)
        #expect(at(t, "c")?.integer == -5)
        #expect(at(t, "d")?.integer == 0)
        #expect(at(t, "e")?.integer == 1_000_000)
        #expect(at(t, "f")?.integer == 0xDEAD_BEEF)
        #expect(at(t, "g")?.integer == 0o755)
        #expect(at(t, "h")?.integer == 13)
        #expect(at(t, "i")?.integer == 0)
        #expect(at(t, "max")?.integer == Int.max)
    }

    @Test func floats() {
        let t = parse(
            """
            a = 3.14
            b = -0.01
            c = 5e+22
            d = 6.626e-34
            e = 1E6
            f = 9_224_617.445_991
            g = inf
            h = -inf
            i = nan
            """)
        #expect(at(t, "a")?.float == 3.14)
        #expect(at(t, "b")?.float == -0.01)
        #expect(at(t, "c")?.float == 5e22)
        #expect(at(t, "d")?.float == 6.626e-34)
        #expect(at(t, "e")?.float == 1e6)
        #expect(at(t, "f")?.float == 9_224_617.445_991)
        #expect(at(t, "g")?.float == .infinity)
        #expect(at(t, "h")?.float == -.infinity)
        #expect(at(t, "i")?.float?.isNaN == true)
        #expect(at(t, "a")?.typeName == "a float")
    }

    @Test func booleans() {
        let t = parse("yes = true\nno = false")
        #expect(at(t, "yes")?.boolean == true)
        #expect(at(t, "no")?.boolean == false)
    }

    @Test func arrays() {
        let t = parse(
            """
            empty = []
            ints = [1, 2, 3]
            multi = [
              "a",   # a comment
              "b",

              "c",   # trailing comma next
            ]
            nested = [[1, 2], ["x"], []]
            mixed = [1, "two", 3.0, true, {k = 1}]
            after = 1
            """)
        #expect(at(t, "empty")?.array?.isEmpty == true)
        #expect(at(t, "ints")?.array?.compactMap(\.integer) == [1, 2, 3])
        #expect(at(t, "multi")?.array?.compactMap(\.string) == ["a", "b", "c"])
        #expect(at(t, "multi.0")?.line == 4)
        #expect(at(t, "multi.2")?.line == 7)
        #expect(at(t, "multi.2")?.position.column == 3)
        #expect(at(t, "nested.0")?.array?.compactMap(\.integer) == [1, 2])
        #expect(at(t, "nested.1.0")?.string == "x")
        #expect(at(t, "nested.2")?.array?.isEmpty == true)
        #expect(at(t, "mixed")?.array?.count == 5)
        #expect(at(t, "mixed.4.k")?.integer == 1)
        #expect(at(t, "after")?.line == 11)
    }

    @Test func inlineTables() {
        let t = parse(
            #"""
            point = { x = 1, y = 2 }
            empty = {}
            nested = { a = { b = "c" }, d.e = true }
            list = [{ name = "one" }, { name = "two" }]
            """#)
        #expect(at(t, "point.x")?.integer == 1)
        #expect(at(t, "point.y")?.integer == 2)
        #expect(at(t, "point.y")?.position == TOMLPosition(line: 1, column: 22))
        #expect(at(t, "empty")?.table?.entries.isEmpty == true)
        #expect(at(t, "nested.a.b")?.string == "c")
        #expect(at(t, "nested.d.e")?.boolean == true)
        #expect(at(t, "list.1.name")?.string == "two")
        #expect(at(t, "list")?.typeName == "an array of tables")
    }

    @Test func dottedKeysThenSubTableHeader() {
        // TOML 1.0: a [header] may define a sub-table of a table made by dotted keys.
        let t = parse(
            """
            [fruit]
            apple.color = "red"
            apple.taste.sweet = true
            [fruit.apple.texture]
            smooth = true
            """)
        #expect(at(t, "fruit.apple.color")?.string == "red")
        #expect(at(t, "fruit.apple.taste.sweet")?.boolean == true)
        #expect(at(t, "fruit.apple.texture.smooth")?.boolean == true)
    }

    @Test func valuePositionsCountCharactersNotBytes() {
        let t = parse("\"é€\" = \"x\"\n  k =   42")
        #expect(at(t, "k")?.position == TOMLPosition(line: 2, column: 9))
        #expect(t?["é€"]?.value.position == TOMLPosition(line: 1, column: 8))
    }

    @Test func entriesKeepFileOrder() {
        #expect(parse("z = 1\na = 2\nm = 3")?.keys == ["z", "a", "m"])
    }
}

@Suite("TOML reader: errors")
struct TOMLErrorTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var text: String
        var line: Int
        var column: Int
        var message: String
        var testDescription: String { message }
    }

    static let cases: [Case] = [
        Case(text: "a 1", line: 1, column: 3, message: "expected '=' after the key 'a', found '1'"),
        Case(text: "a =", line: 1, column: 4, message: "expected a value, found the end of the file"),
        Case(text: "a = \n", line: 1, column: 5, message: "expected a value, found the end of the line"),
        Case(text: "a = # no\n", line: 1, column: 5, message: "expected a value, found a comment"),
        Case(text: "= 1", line: 1, column: 1, message: "expected a key, found '='"),
        Case(text: "\n\n  a.b. = 1", line: 3, column: 8, message: "expected a key, found '='"),
        Case(text: "a = \"open", line: 1, column: 5, message: "unterminated string (no closing '\"')"),
        Case(
            text: "a = \"open\nb = 1", line: 1, column: 10,
            message: "unterminated string: a \"…\" string cannot span lines (use \"\"\"…\"\"\" for text on several lines)"),
        Case(
            text: "a = 'open\n", line: 1, column: 10,
            message: "unterminated string: a '…' string cannot span lines (use '''…''' for text on several lines)"),
        Case(text: "x = 1\na = \"\"\"\nnever closed", line: 2, column: 5, message: "unterminated multi-line string (no closing '\"\"\"')"),
        Case(text: "a = '''\nnever closed", line: 1, column: 5, message: "unterminated multi-line string (no closing \"'''\")"),
        Case(
            text: "a = \"bad \\q escape\"", line: 1, column: 10,
            message: "invalid escape sequence '\\q' (valid: \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX \\UXXXXXXXX)"),
        Case(text: "a = \"\\u12\"", line: 1, column: 6, message: "\\u needs exactly 4 hexadecimal digits"),
        Case(text: "a = \"\\uD800\"", line: 1, column: 6, message: "\\uD800 is not a Unicode scalar value"),
        Case(text: "a = \"\\U00110000\"", line: 1, column: 6, message: "\\U00110000 is not a Unicode scalar value"),
        Case(text: "a = \"bell\u{7}\"", line: 1, column: 10, message: "control character U+0007 must be escaped in a string"),
        Case(text: "# bell \u{7}\n", line: 1, column: 8, message: "control character U+0007 is not allowed in a comment"),
        Case(text: "a = 1\rb = 2", line: 1, column: 6, message: "a carriage return must be followed by a line feed"),
        Case(text: "a = 1\r", line: 1, column: 6, message: "a carriage return must be followed by a line feed"),
        Case(text: "a = 1 b = 2", line: 1, column: 7, message: "expected the end of the line after the value, found 'b'"),
        Case(text: "[t] x = 1", line: 1, column: 5, message: "expected the end of the line after the table header, found 'x'"),
        Case(text: "a = 012", line: 1, column: 5, message: "leading zeros are not allowed in '012'"),
        Case(text: "a = 1__000", line: 1, column: 5, message: "invalid number '1__000'"),
        Case(text: "a = _1", line: 1, column: 5, message: "expected a value, found '_1' (a string needs quotes: \"_1\")"),
        Case(text: "a = 1_", line: 1, column: 5, message: "invalid number '1_'"),
        Case(text: "a = 1.", line: 1, column: 5, message: "invalid number '1.'"),
        Case(text: "a = .5", line: 1, column: 5, message: "expected a value, found '.5' (a string needs quotes: \".5\")"),
        Case(text: "a = 9223372036854775808", line: 1, column: 5, message: "integer '9223372036854775808' is out of range"),
        Case(text: "a = 0xFFFFFFFFFFFFFFFFFF", line: 1, column: 5, message: "integer '0xFFFFFFFFFFFFFFFFFF' is out of range"),
        Case(text: "a = 1e999", line: 1, column: 5, message: "float '1e999' is out of range"),
        Case(text: "a = 0x", line: 1, column: 5, message: "invalid number '0x'"),
        Case(
            text: "d = 1979-05-27", line: 1, column: 5,
            message: "dates and times are not supported here; write '1979-05-27' as a quoted string if you meant text"),
        Case(
            text: "t = 07:32:00", line: 1, column: 5,
            message: "dates and times are not supported here; write '07:32:00' as a quoted string if you meant text"),
        Case(
            text: "d = 1979-05-27T07:32:00Z", line: 1, column: 5,
            message: "dates and times are not supported here; write '1979-05-27T07:32:00Z' as a quoted string if you meant text"),
        Case(
            text: "kind = directory", line: 1, column: 8,
            message: "expected a value, found 'directory' (a string needs quotes: \"directory\")"),
        Case(text: "a = True", line: 1, column: 5, message: "expected a value, found 'True' (a string needs quotes: \"True\")"),
        Case(text: "a = truex", line: 1, column: 5, message: "expected a value, found 'truex' (a string needs quotes: \"truex\")"),
        Case(text: "a = 1\nb = 2\na = 3", line: 3, column: 1, message: "duplicate key 'a' (first set at line 1)"),
        Case(text: "x.y = 1\nx.y = 2", line: 2, column: 3, message: "duplicate key 'x.y' (first set at line 1)"),
        Case(text: "\"a\" = 1\na = 2", line: 2, column: 1, message: "duplicate key 'a' (first set at line 1)"),
        Case(text: "[t]\n[u]\n[t]", line: 3, column: 1, message: "table [t] is defined twice (first at line 1)"),
        Case(text: "[a.b]\n[a]\n[a]", line: 3, column: 1, message: "table [a] is defined twice (first at line 2)"),
        Case(text: "[t]\nx = 1\n[t.x]", line: 3, column: 1, message: "cannot define [t.x]: 't.x' already holds an integer (line 2)"),
        Case(text: "a = 1\n[a.b]", line: 2, column: 1, message: "cannot use 'a' as a table: it already holds an integer (line 1)"),
        Case(text: "[a]\nb.c = 1\n[a.b]", line: 3, column: 1, message: "table [a.b] was already defined by dotted keys (line 2)"),
        Case(
            text: "[a.b]\nc = 1\n[a]\nb.d = 2", line: 4, column: 1,
            message: "cannot add to the table 'b' with a dotted key: it is defined at line 1"),
        Case(text: "[[s]]\n[s]", line: 2, column: 1, message: "cannot define [s]: 's' is already an array of tables (line 1)"),
        Case(text: "[s]\n[[s]]", line: 2, column: 1, message: "cannot define [[s]]: 's' is already a table (line 1)"),
        Case(text: "s = []\n[[s]]", line: 2, column: 1, message: "cannot define [[s]]: 's' already holds an array (line 1)"),
        Case(text: "t = {a = 1}\n[t]", line: 2, column: 1, message: "cannot define [t]: 't' already holds a table (line 1)"),
        Case(text: "t = {a = 1}\nt.b = 2", line: 2, column: 1, message: "cannot use 't' as a table: it already holds a table (line 1)"),
        Case(text: "t = {a = 1}\n[t.c]", line: 2, column: 1, message: "cannot use 't' as a table: it already holds a table (line 1)"),
        Case(
            text: "[[a.s]]\n[a]\ns.x = 1", line: 3, column: 1,
            message: "cannot add to 's' with a dotted key: it is an array of tables (line 1)"),
        Case(text: "t = {a = 1, a = 2}", line: 1, column: 13, message: "duplicate key 'a' (first set at line 1)"),
        Case(text: "t = {a = 1,}", line: 1, column: 12, message: "a trailing comma is not allowed in an inline table"),
        Case(
            text: "t = {a = 1 b = 2}", line: 1, column: 12, message: "expected ',' or '}' in the inline table opened at line 1, found 'b'"),
        Case(
            text: "t = {a = 1,\nb = 2}", line: 1, column: 12,
            message: "an inline table must be on one line; expected '}', found the end of the line (use a [table] for longer ones)"),
        Case(
            text: "t = {", line: 1, column: 6,
            message: "an inline table must be on one line; expected '}', found the end of the file (use a [table] for longer ones)"),
        Case(text: "a = [1, 2\nb = 3", line: 2, column: 1, message: "expected ',' or ']' in the array opened at line 1, found 'b'"),
        Case(text: "a = [1,\n2,\n", line: 1, column: 5, message: "unterminated array (no ']' before the end of the file)"),
        Case(text: "a = [1,,2]", line: 1, column: 8, message: "expected a value, found ','"),
        Case(text: "[t", line: 1, column: 3, message: "expected ']' to close the table header [t], found the end of the file"),
        Case(
            text: "[[t]", line: 1, column: 5, message: "expected ']]' to close the array-of-tables header [[t]], found the end of the file"),
        Case(text: "[[t] ]", line: 1, column: 5, message: "expected ']]' to close the array-of-tables header [[t]], found ' '"),
        Case(text: "[]", line: 1, column: 2, message: "expected a key, found ']'"),
        Case(text: "[a b]", line: 1, column: 4, message: "expected ']' to close the table header [a], found 'b'"),
        Case(text: "\"\"\"k\"\"\" = 1", line: 1, column: 1, message: "a key cannot be a multi-line string"),
        Case(text: "a = \"\"\"x\"\"\"\"\"\"", line: 1, column: 15, message: "too many quotes at the end of a multi-line string"),
        Case(text: "a = 1\né = 2", line: 2, column: 1, message: "expected a key, found 'é'"),
    ]

    @Test(arguments: cases)
    func syntaxError(_ c: Case) {
        let e = failure(c.text)
        #expect(e?.message == c.message, "input: \(c.text.debugDescription)")
        #expect(e?.position == TOMLPosition(line: c.line, column: c.column), "input: \(c.text.debugDescription)")
    }
}
