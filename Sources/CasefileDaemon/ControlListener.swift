import CasefileControl
import CasefileModel
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// Where the control socket comes from.
public enum ControlSocket: Sendable, Equatable {
    /// casefiled binds the path itself (and removes it when it stops).
    case path(String)
    /// systemd passed a listening socket (socket activation): casefiled
    /// neither binds nor unlinks it, so it outlives daemon restarts.
    case inherited(fd: Int32, path: String?)
}

/// Limits that keep one client from harming the others.
public struct ControlLimits: Sendable {
    /// Connections served at once; more are closed at once.
    public var maxConnections = 64
    /// Of those, the ones only a peer who may act can take: readers (a
    /// `changes --follow` each, say) cannot lock an administrator out.
    public var keptForActing = 8
    /// A connection that sends nothing for this long is closed.
    public var idleTimeout: TimeAmount = .seconds(30)
    /// One header line, and all of them.
    public var maxHeaderFieldSize = 8 * 1024
    public var maxHeaderListSize = 32 * 1024
    public var maxHeaderFieldCount = 100

    public init() {}
}

/// The control API's HTTP/1.1 server on a Unix socket, built from
/// HummingbirdCore's HTTP/1 channel and the router's responder on a NIO
/// server bootstrap of our own: Hummingbird's Application can only bind by
/// address, and socket activation hands us a descriptor.
public struct ControlListener: Service {
    let responder: RouterResponder<ControlContext>
    let socket: ControlSocket
    let limits: ControlLimits
    let permissions: PermissionCheck
    let logger: Logger
    /// Called once the socket accepts connections.
    let onReady: @Sendable () async -> Void

    init(
        responder: RouterResponder<ControlContext>, socket: ControlSocket, limits: ControlLimits,
        permissions: PermissionCheck, logger: Logger, onReady: @escaping @Sendable () async -> Void
    ) {
        self.responder = responder
        self.socket = socket
        self.limits = limits
        self.permissions = permissions
        self.logger = logger
        self.onReady = onReady
    }

    public func run() async throws {
        let responder = self.responder
        let logger = self.logger
        let http1 = HTTP1Channel(
            responder: { request, responseWriter, channel in
                let context = ControlContext(source: .init(channel: channel, logger: logger))
                let response: Response
                do {
                    response = try await responder.respond(to: request, context: context)
                } catch {
                    response = ControlRoutes.json(APIErrorBody(code: "internal", message: "\(error)"), status: .internalServerError)
                }
                try await responseWriter.write(response: response.head, body: response.body)
            },
            configuration: .init(
                additionalChannelHandlers: [CloseAfterDecodeError()],
                idleTimeout: limits.idleTimeout,
                httpDecoderConfiguration: .init(
                    maxHeaderFieldSize: limits.maxHeaderFieldSize, maxHeaderListSize: limits.maxHeaderListSize,
                    maxHeaderFieldCount: limits.maxHeaderFieldCount)))

        // Turned away politely: a client over the cap gets a 503 it can
        // read, not a connection closed without a word.
        let refusing = HTTP1Channel(
            responder: { _, responseWriter, _ in
                var response = ControlRoutes.json(
                    APIErrorBody(code: "busy", message: "the control socket has too many connections open; try again shortly"),
                    status: .serviceUnavailable)
                response.headers[.connection] = "close"
                try await responseWriter.write(response: response.head, body: response.body)
            },
            configuration: .init(idleTimeout: .seconds(2)))

        let bootstrap = ServerBootstrap(group: Self.loops)
            .serverChannelOption(ChannelOptions.backlog, value: 128)
        let server: NIOAsyncChannel<HTTP1Channel.Value, Never>
        switch socket {
        case .path(let path):
            server = try await bootstrap.bind(unixDomainSocketPath: path, cleanupExistingSocketFile: false) { channel in
                http1.setup(channel: channel, logger: logger)
            }
            // Readers are the socket's group; what a peer may do is checked per request.
            chmod(path, 0o660)
        case .inherited(let fd, _):
            server = try await bootstrap.bind(fd) { channel in
                http1.setup(channel: channel, logger: logger)
            }
        }
        await onReady()

        let active = Connections()
        let turnedAway = Connections()
        // Everything the socket does runs on its own threads (the event
        // loops'), never waiting for a thread of the Swift cooperative pool,
        // which parsing and store writes may keep busy.
        try await withTaskExecutorPreference(EventLoopTaskExecutor(group: Self.loops)) {
            try await withGracefulShutdownHandler {
                try await server.executeThenClose { inbound in
                    try await withThrowingDiscardingTaskGroup { group in
                        for try await child in inbound {
                            let peer = await PeerCredentials.of(child.channel)
                            let limit = permissions.mayAct(peer) ? limits.maxConnections : limits.maxConnections - limits.keptForActing
                            guard active.enter(child.channel, limit: limit) else {
                                logger.warning(
                                    "control socket: \(limit) connections open, answering 503 to a new one from \(peer.map { "\($0)" } ?? "an unknown peer")"
                                )
                                // At most a few answered at once, each for 2 s at most; beyond that, closed.
                                guard turnedAway.enter(child.channel, limit: 16) else {
                                    try? await child.channel.close()
                                    continue
                                }
                                child.channel.eventLoop.scheduleTask(in: .seconds(2)) { child.channel.close(promise: nil) }
                                group.addTask {
                                    await refusing.handle(value: child, logger: logger)
                                    turnedAway.leave(child.channel)
                                }
                                continue
                            }
                            group.addTask {
                                await http1.handle(value: child, logger: logger)
                                active.leave(child.channel)
                            }
                        }
                    }
                }
            } onGracefulShutdown: {
                // Stop accepting; give requests in flight a moment to finish, then
                // close what is left (an idle client must not hold up the stop).
                server.channel.close(promise: nil)
                ControlListener.stopping.value = true
                server.channel.eventLoop.scheduleTask(in: .seconds(2)) {
                    active.closeAll(); turnedAway.closeAll()
                }
            }
        }
        if case .path(let path) = socket { unlink(path) }
    }
}

extension ControlListener {
    /// The control socket's own threads: two, so one slow request does not
    /// hold up the next.
    static let loops = MultiThreadedEventLoopGroup(numberOfThreads: 2)

    /// Set when a graceful stop begins: endless answers (`changes/stream`)
    /// end, rather than hold up the stop until systemd's timeout.
    static let stopping = Locked(false)
}

/// Runs a task's jobs on an event loop group's threads (Swift's task
/// executor preference), so the control socket's handlers never queue
/// behind CPU-heavy work on the cooperative pool.
final class EventLoopTaskExecutor: TaskExecutor, @unchecked Sendable {
    let group: MultiThreadedEventLoopGroup

    init(group: MultiThreadedEventLoopGroup) { self.group = group }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        group.next().execute { job.runSynchronously(on: executor) }
    }
}

/// Closes a connection whose bytes are not HTTP the decoder can take (a
/// header over the limits, random bytes), half a second after the error, so
/// the 400 Hummingbird writes can leave first. Without it the connection
/// was half-closed only: a client still sending (a 10 MB header) blocked
/// until the idle timeout, 30 s later, and held a connection slot meanwhile.
final class CloseAfterDecodeError: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    typealias InboundIn = NIOAny

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let channel = context.channel
        context.eventLoop.scheduleTask(in: .milliseconds(500)) { channel.close(promise: nil) }
        context.fireErrorCaught(error)
    }
}

/// The open connections, to cap them and to close them at a stop.
final class Connections: @unchecked Sendable {
    private let lock = NSLock()
    private var open: [ObjectIdentifier: any Channel] = [:]

    func enter(_ channel: any Channel, limit: Int) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard open.count < limit else { return false }
        open[ObjectIdentifier(channel)] = channel
        return true
    }

    func leave(_ channel: any Channel) {
        lock.lock()
        open[ObjectIdentifier(channel)] = nil
        lock.unlock()
    }

    func closeAll() {
        lock.lock()
        let all = Array(open.values)
        lock.unlock()
        for channel in all { channel.close(promise: nil) }
    }
}
