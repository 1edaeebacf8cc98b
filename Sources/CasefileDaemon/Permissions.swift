import CasefileControl
import CasefileModel
import Foundation
import Hummingbird
import Logging
import NIOCore

#if canImport(Glibc)
    import Glibc
#endif

/// The peer on the other end of the control socket, from SO_PEERCRED.
public struct PeerCredentials: Sendable, Hashable, CustomStringConvertible {
    public var pid: Int32
    public var uid: UInt32
    public var gid: UInt32

    public var description: String { "uid \(uid) pid \(pid)" }
}

/// Mirrors `struct ucred` (pid_t, uid_t, gid_t: 12 bytes). The Glibc module
/// is built without _GNU_SOURCE, so the C struct is not imported.
private struct UCred: Sendable {
    var pid: Int32 = 0
    var uid: UInt32 = 0
    var gid: UInt32 = 0
}

extension PeerCredentials {
    /// Who is on the other end of `channel`: read from the socket (nil when
    /// it cannot be read: such a peer may only read).
    static func of(_ channel: any Channel) async -> PeerCredentials? {
        guard let provider = channel as? any SocketOptionProvider else { return nil }
        let future: EventLoopFuture<UCred> = provider.unsafeGetSocketOption(
            level: .socket, name: NIOBSDSocket.Option(rawValue: SO_PEERCRED))
        do {
            let c = try await future.get()
            return PeerCredentials(pid: c.pid, uid: c.uid, gid: c.gid)
        } catch {
            return nil
        }
    }
}

extension ControlContext {
    /// Who is asking: read from the connection's socket, never from the request.
    func peerCredentials() async -> PeerCredentials? {
        await PeerCredentials.of(channel)
    }
}

/// Who may act. Reading is for anyone who can open the socket (its mode and
/// group decide); acting (sync, reload, pause, resume, retry, reparse) is for
/// root, the daemon's own user, and members of `admin_group`.
public struct AccessPolicy: Sendable {
    public var daemonUID: UInt32
    public var adminGroup: String?

    public init(daemonUID: UInt32 = getuid(), adminGroup: String?) {
        self.daemonUID = daemonUID
        self.adminGroup = adminGroup
    }

    /// nil when the peer may act, else the reason it may not.
    public func refusal(for peer: PeerCredentials) -> String? {
        if peer.uid == 0 || peer.uid == daemonUID { return nil }
        if let group = adminGroup, Self.isMember(uid: peer.uid, gid: peer.gid, of: group) { return nil }
        var who = "uid \(peer.uid)"
        if let name = Self.userName(peer.uid) { who += " (\(name))" }
        let groupPart = adminGroup.map { ", nor in the admin group '\($0)'" } ?? " (no admin_group is configured)"
        return "\(who) is not root, nor casefiled's own user\(groupPart)"
    }

    static func userName(_ uid: UInt32) -> String? {
        var pwd = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getpwuid_r(uid, &pwd, &buffer, buffer.count, &result) == 0, result != nil, let name = pwd.pw_name else { return nil }
        return String(cString: name)
    }

    /// Primary group, or a supplementary member listed in the group database.
    static func isMember(uid: UInt32, gid: UInt32, of groupName: String) -> Bool {
        var grp = Glibc.group()
        var result: UnsafeMutablePointer<Glibc.group>?
        var buffer = [CChar](repeating: 0, count: 16384)
        guard getgrnam_r(groupName, &grp, &buffer, buffer.count, &result) == 0, result != nil else { return false }
        if grp.gr_gid == gid { return true }
        guard let name = userName(uid), var member = grp.gr_mem else { return false }
        while let m = member.pointee {
            if String(cString: m) == name { return true }
            member += 1
        }
        return false
    }
}

/// What a route needs.
enum Permission: String, Sendable {
    case read
    case act
}

/// Checks the peer before an acting route runs, and logs every acting
/// request. The policy follows reloads (`admin_group`).
struct PermissionCheck: Sendable {
    private let current: Locked<AccessPolicy>
    let logger: Logger

    init(policy: AccessPolicy, logger: Logger) {
        self.current = Locked(policy)
        self.logger = logger
    }

    var policy: AccessPolicy { current.value }

    /// A reload's `admin_group`.
    func update(adminGroup: String?) {
        current.value.adminGroup = adminGroup
    }

    /// Whether `peer` may act (for the connection limits: a peer who may act
    /// gets one of the connections kept for acting).
    func mayAct(_ peer: PeerCredentials?) -> Bool {
        guard let peer else { return false }
        return policy.refusal(for: peer) == nil
    }

    func require(_ permission: Permission, _ action: String, context: ControlContext) async throws {
        guard permission == .act else { return }
        guard let peer = await context.peerCredentials() else {
            throw APIError(
                status: .forbidden, code: "forbidden",
                message: "\(action) needs the 'act' permission, and the peer's credentials cannot be read")
        }
        if let why = policy.refusal(for: peer) {
            logger.warning("refused \(action) for \(peer): \(why)")
            throw APIError(status: .forbidden, code: "forbidden", message: "\(action) needs the 'act' permission: \(why)")
        }
        logger.notice("\(action) requested by \(peer)", metadata: ["uid": "\(peer.uid)", "pid": "\(peer.pid)"])
    }
}
