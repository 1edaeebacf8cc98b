import Foundation

/// Made-up reports for tests that need more than one inspection of one
/// authority: the Redbridge fixture with its dates and grades rewritten.
/// They are synthetic — not what Ofsted published — and live only in tests.
public enum SyntheticReports {
    public struct Grades: Sendable {
        public var leadership: String
        public var helpAndProtection: String
        public var childrenInCare: String
        public var overall: String

        public init(leadership: String, helpAndProtection: String, childrenInCare: String, overall: String) {
            self.leadership = leadership
            self.helpAndProtection = helpAndProtection
            self.childrenInCare = childrenInCare
            self.overall = overall
        }
    }

    /// The fixture as published: 29 April – 3 May 2019, O/O/G/O.
    public static func redbridge2019() throws -> String {
        try TestPaths.fixtureText("redbridge-2019-ilacs.txt")
    }

    /// The fixture with other dates ("7 March 2022 to 18 March 2022") and grades
    /// ("Good", "Requires improvement to be good", …), table and headings alike.
    public static func redbridgeVariant(dates: String, grades: Grades) throws -> String {
        var text = try redbridge2019()
        func replace(_ a: String, _ b: String) throws {
            guard text.contains(a) else { throw HarnessError("fixture no longer contains: \(a)") }
            text = text.replacingOccurrences(of: a, with: b)
        }
        try replace("Inspection dates: 29 April 2019 to 3 May 2019", "Inspection dates: \(dates)")
        try replace(
            "The impact of leaders on social work practice with children and families\tOutstanding",
            "The impact of leaders on social work practice with children and families\t\(grades.leadership)")
        try replace(
            "The experiences and progress of children who need help and protection\tOutstanding",
            "The experiences and progress of children who need help and protection\t\(grades.helpAndProtection)")
        try replace(
            "The experiences and progress of children in care and care leavers\tGood",
            "The experiences and progress of children in care and care leavers\t\(grades.childrenInCare)")
        try replace("Overall effectiveness\tOutstanding", "Overall effectiveness\t\(grades.overall)")
        try replace(
            "The experiences and progress of children who need help and protection are: Outstanding",
            "The experiences and progress of children who need help and protection are: \(grades.helpAndProtection)")
        try replace(
            "The experiences and progress of children in care and care leavers are: Good",
            "The experiences and progress of children in care and care leavers are: \(grades.childrenInCare)")
        try replace(
            "The impact of leaders on social work practice with children and families is: Outstanding",
            "The impact of leaders on social work practice with children and families is: \(grades.leadership)")
        try replace(
            "Children's services in Redbridge are outstanding.", "Children's services in Redbridge are \(grades.overall.lowercased()).")
        return text
    }
}
