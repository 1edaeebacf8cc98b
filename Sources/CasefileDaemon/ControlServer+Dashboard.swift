import CasefileControl
import CasefileDashboard
import CasefileModel
import CasefileParse
import Foundation
import Hummingbird
import NIOCore

/// The control API's dashboard, due windows and metrics (docs/API.md).
extension ControlRoutes {
    func registerDashboard(on v1: RouterGroup<ControlContext>) {
        v1.get("dashboard") { _, _ in
            let page = DashboardPage.renderBytes(try DashboardSnapshot.make(store: self.store))
            return Self.body(page, contentType: "text/html; charset=utf-8")
        }
        v1.get("due") { request, _ in try self.due(request) }
        v1.get("metrics") { _, _ in
            // Prometheus' text exposition format, version 0.0.4.
            Self.body(self.metrics.render(), contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
    }

    /// `GET /v1/due?within=MONTHS&region=NAME`: the authorities whose next
    /// ILACS window is open, past, or opens within MONTHS (default 6).
    func due(_ request: Request) throws -> Response {
        let q = request.uri.queryParameters
        var within = 6
        if let s = q["within"] {
            guard let v = Int(String(s)), (0...120).contains(v) else {
                throw APIError.badRequest("within must be a number of months, 0…120, got '\(s)'")
            }
            within = v
        }
        var region: String?
        if let s = q["region"].map(String.init) {
            let regions = Self.regions
            guard let known = regions.first(where: { $0.lowercased() == s.lowercased() }) else {
                throw APIError.badRequest("unknown region '\(s)' (one of: \(regions.joined(separator: ", ")))")
            }
            region = known
        }
        let data = try DashboardSnapshot.make(store: store)
        return Self.json(DueWindows.due(data, withinMonths: within, region: region))
    }

    /// The regions of the current authorities, in alphabetical order.
    static let regions: [String] = Array(Set(AuthorityDirectory.bundled.all.filter { !$0.former }.map(\.region))).sorted()

    static func body(_ bytes: [UInt8], contentType: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
