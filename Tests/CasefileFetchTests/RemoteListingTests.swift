import Testing

@testable import CasefileFetch

/// Reading FTP and SFTP long listings (what libcurl returns for a folder URL).
@Suite struct RemoteListingTests {
    @Test func unixListingsKeepRegularFilesOnly() throws {
        let text = """
            total 24\r
            drwxr-xr-x    2 ofsted   staff        4096 May  9 10:00 archive\r
            -rw-r--r--    1 ofsted   staff     1234567 May  9 10:00 redbridge 2019.pdf\r
            -rw-r--r--    1 ofsted   staff         120 Jan  3  2024 leeds.txt\r
            lrwxrwxrwx    1 ofsted   staff          12 Jan  3  2024 latest.pdf -> leeds.txt\r
            -rw-------    1 ofsted   staff         120 Jan  3  2024 .hidden\r

            """
        #expect(try RemoteFolder.parse(text) == ["redbridge 2019.pdf", "leeds.txt", ".hidden"])
    }

    @Test func dosListingsToo() throws {
        let text = "05-09-25  10:00AM       <DIR>          archive\r\n05-09-25  10:01AM              1234 essex report.pdf\r\n"
        #expect(try RemoteFolder.parse(text) == ["essex report.pdf"])
    }

    @Test func anUnreadableLineIsAnError() {
        #expect(throws: RemoteFolder.ListingError.self) { try RemoteFolder.parse("what is this\n") }
    }

    @Test func namesArePercentEncodedInURLs() {
        #expect(RemoteFolder.percentEncoded("redbridge 2019#1.pdf") == "redbridge%202019%231.pdf")
    }
}
