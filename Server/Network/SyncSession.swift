import ArticleSyncShared
import Logging
import NIOCore
import NIOSSL

/// The protocol, for one connection, as straight-line code: `hello` first, then any number of
/// requests, each answered in order. Every failure ends this connection only.
struct SyncSession {
    let configuration: ServerConfiguration
    let store: any ChangeLogStore
    let storeIdentity: StoreIdentity
    let notifier: ChangeNotifier
    let registry: ConnectionRegistry
    let logger: Logger

    /// What `hello` established.
    struct Peer {
        var clientID: String
        var token: String
        var grant: AccessGrant
    }

    /// Why the session ends early: sent to the peer as an `error` message, then the connection closes.
    struct Refusal: Error {
        var id: UInt64?
        var code: ProtocolErrorCode
        var message: String
    }

    func run(_ connection: SyncServer.Connection) async {
        var logger = self.logger
        let address = connection.channel.remoteAddress.map { "\($0.ipAddress ?? "?"):\($0.port ?? 0)" } ?? "?"
        logger[metadataKey: "peer"] = "\(address)"
        do {
            try await connection.executeThenClose { inbound, outbound in
                var peer: Peer?
                var registryKey: Int?
                var subscription: Int?
                var limiter = RequestRateLimiter(requestsPerSecond: configuration.maximumRequestsPerSecond)
                // JSON until this side's welcome is written; then what the welcome named.
                var codec = MessageCodec()
                await withDiscardingTaskGroup { group in
                    do {
                        for try await frame in inbound {
                            guard limiter.admit() else {
                                throw Refusal(id: nil, code: .limitExceeded,
                                              message: "more than \(configuration.maximumRequestsPerSecond) requests per second on one connection; slow down")
                            }
                            let message: ClientMessage
                            do throws(MessageDecodingError) {
                                message = try codec.decodeClientMessage(frame)
                            } catch {
                                throw Refusal(id: nil, code: .badMessage, message: "\(error.reason); the connection is closed")
                            }
                            let reply: ServerMessage
                            do {
                                reply = try await handle(message, peer: &peer, logger: &logger, subscription: subscription,
                                                         encoding: codec.encoding) { [codec] collectionID in
                                    // Subscribe before the head is read for the answer, so no change falls between.
                                    guard subscription == nil else { return }
                                    let (token, heads) = notifier.subscribe(collectionID: collectionID)
                                    subscription = token
                                    if let registryKey { registry.markSubscribed(registryKey) }
                                    group.addTask {
                                        for await head in heads {
                                            guard let notice = try? codec.encode(ServerMessage.notify(id: nil, headSeq: head)) else { continue }
                                            try? await outbound.write(notice)
                                        }
                                    }
                                }
                            } catch {
                                throw explained(error, answering: message, logger: logger)
                            }
                            if registryKey == nil, let peer {
                                registryKey = registry.open(clientID: peer.clientID, collection: peer.grant.collection, address: address)
                            }
                            try await outbound.write(try codec.encode(reply))
                            if case .welcome(_, _, _, _, _, _, let agreed, _, _) = reply { codec.encoding = agreed }
                        }
                    } catch let refusal as Refusal {
                        logger.notice("refused", metadata: ["code": "\(refusal.code.rawValue)", "reason": "\(refusal.message)"])
                        if let message = try? codec.encode(ServerMessage.error(id: refusal.id, code: refusal.code, message: refusal.message)) {
                            try? await outbound.write(message)
                        }
                    } catch let error as FrameError {
                        logger.notice("bad frame", metadata: ["error": "\(error)"])
                        if case .tooLarge = error,
                           let message = try? codec.encode(ServerMessage.error(id: nil, code: .frameTooLarge, message: "\(error); the connection is closed")) {
                            try? await outbound.write(message)
                        }
                    } catch let error as NIOSSLError {
                        logger.debug("TLS failed", metadata: ["error": "\(error)"])
                    } catch {
                        logger.debug("connection ended", metadata: ["error": "\(error)"])
                    }
                    // Ending the subscription ends its forwarding task.
                    if let subscription { notifier.unsubscribe(subscription) }
                }
                if let registryKey { registry.close(registryKey) }
                if let peer { logger.info("closed", metadata: ["client": "\(peer.clientID)", "collection": "\(peer.grant.collection)"]) }
            }
        } catch {
            logger.debug("connection ended", metadata: ["error": "\(error)"])
        }
    }

    /// What a request's failure becomes. A refusal stays one; a failure of the server's own (its
    /// store: a full disk, a damaged file) becomes an `internal_error` refusal that says what
    /// failed, and is logged as an error. Before, the connection just closed, logged at debug level
    /// only: the client said "I/O on closed channel" and the operator saw nothing.
    func explained(_ error: any Error, answering message: ClientMessage, logger: Logger) -> any Error {
        // A session cancelled by shutdown may see its store access fail as interrupted: not an error.
        guard !(error is Refusal), !(error is CancellationError), !Task.isCancelled else { return error }
        logger.error("request failed", metadata: ["request": "\(message.type)", "error": "\(error)"])
        let what = store.describeFailure(error).map { "the server failed to answer \(message.type): \($0)" }
            ?? "the server failed to answer \(message.type)"
        return Refusal(id: message.id, code: .internalError,
                       message: "\(what); try again later, and tell the server's operator if it goes on (its log says more)")
    }

    /// Whether the change log holds the change a client names in `hello`. When it does not, the log
    /// lost changes a client saw: the operator is told, since only replicas can send them back.
    func holds(_ change: SeenChange, collectionID: Int64, logger: Logger) async throws -> Bool {
        let held = try await store.holds(change, collectionID: collectionID)
        if !held {
            logger.warning("""
                the client has seen a change this change log does not hold (was the log put back from an older copy of its files?); \
                the client downloads the collection again and sends back what it holds that the log lacks
                """, metadata: ["seq": "\(change.seq)", "article": "\(change.articleID)", "version": "\(change.version)"])
        }
        return held
    }

    /// Answers a connection the server cannot take with one `error` and closes it.
    func refuse(_ connection: SyncServer.Connection, reason: String) async {
        let codec = MessageCodec()  // the first frame is hello, so the answer is JSON
        try? await connection.executeThenClose { inbound, outbound in
            // Answer the first request: by then the TLS handshake is done and the error can be read.
            // A peer that sends nothing is dropped by the idle and handshake timeouts.
            for try await _ in inbound { break }
            try await outbound.write(try codec.encode(ServerMessage.error(id: nil, code: .limitExceeded, message: reason)))
        }
    }

    /// Answers one request. `subscribe` is called (with the collection) when the peer subscribes.
    /// `encoding` is what the answer will be written in.
    func handle(_ message: ClientMessage, peer: inout Peer?, logger: inout Logger, subscription: Int?, encoding: WireEncoding,
                subscribe: (Int64) -> Void) async throws -> ServerMessage {
        if case .hello(let id, let version, let clientID, let token, let collection, let offered, let lastSeen) = message {
            guard peer == nil else { throw Refusal(id: id, code: .badMessage, message: "hello was already sent on this connection") }
            guard version == articleSyncProtocolVersion else {
                throw Refusal(id: id, code: .unsupportedVersion,
                              message: "the client speaks protocol version \(version) but this server speaks version \(articleSyncProtocolVersion); update the older side")
            }
            guard !clientID.isEmpty, clientID.utf8.count <= 100 else {
                throw Refusal(id: id, code: .badMessage, message: "the client id must be 1 to 100 bytes")
            }
            let grant = try await authorize(token: token, collection: collection, requestID: id)
            peer = Peer(clientID: clientID, token: token, grant: grant)
            logger[metadataKey: "client"] = "\(clientID)"
            logger.info("opened", metadata: ["collection": "\(collection)", "access": "\(grant.access.rawValue)"])
            var lastSeenHeld: Bool?
            if let lastSeen { lastSeenHeld = try await holds(lastSeen, collectionID: grant.collectionID, logger: logger) }
            return .welcome(id: id, protocolVersion: articleSyncProtocolVersion, serverID: storeIdentity.serverID,
                            epoch: storeIdentity.epoch, headSeq: try await store.headSeq(collectionID: grant.collectionID),
                            access: grant.access.rawValue, encoding: MessageCodec.choose(from: offered),
                            pushLimits: PushLimits(mutations: configuration.maximumMutationsPerPush, frameBytes: configuration.maximumFrameLength),
                            lastSeenHeld: lastSeenHeld)
        }
        guard let current = peer else {
            throw Refusal(id: message.id, code: .helloRequired, message: "send hello (protocol version, client id, token, collection) first")
        }
        // Checked on every request, so a revoked token stops working on open connections too.
        let grant = try await authorize(token: current.token, collection: current.grant.collection, requestID: message.id)
        switch message {
        case .hello:
            throw Refusal(id: message.id, code: .badMessage, message: "hello was already sent on this connection")
        case .ping(let id):
            return .pong(id: id)
        case .pull(let id, let cursor, let limit, let skip):
            let batch = try await store.pull(collectionID: grant.collectionID, after: max(0, cursor),
                                             limit: min(max(1, limit), configuration.maximumArticlesPerPull),
                                             byteBudget: Self.pullByteBudget(encoding), skip: skip)
            return .changes(id: id, articles: batch.articles, cursor: batch.cursor, more: batch.more)
        case .push(let id, let mutations):
            guard grant.access.canWrite else {
                throw Refusal(id: id, code: .forbidden, message: "this token can only read collection \"\(grant.collection)\"; ask for a write token to push")
            }
            guard mutations.count <= configuration.maximumMutationsPerPush else {
                throw Refusal(id: id, code: .limitExceeded,
                              message: "a push may carry at most \(configuration.maximumMutationsPerPush) mutations, this one has \(mutations.count); send smaller batches")
            }
            let results = try await store.push(collectionID: grant.collectionID, clientID: current.clientID,
                                               mutations: mutations, articleSizeLimit: configuration.articleSizeLimit)
            if let head = results.filter({ $0.status == .applied }).compactMap(\.seq).max() {
                notifier.publish(collectionID: grant.collectionID, headSeq: head, except: subscription)
            }
            return .pushResult(id: id, results: results)
        case .checksum(let id):
            let checksum = try await store.checksum(collectionID: grant.collectionID)
            return .checksum(id: id, checksum: checksum.checksum, count: checksum.count, headSeq: checksum.headSeq)
        case .manifest(let id):
            return .manifest(id: id, entries: try await store.manifest(collectionID: grant.collectionID))
        case .history(let id, let articleID, let before, let limit):
            let history = try await store.history(collectionID: grant.collectionID, articleID: articleID, before: before,
                                                  limit: min(max(1, limit), configuration.maximumArticlesPerPull),
                                                  byteBudget: Self.pullByteBudget(encoding))
            return .history(id: id, versions: history.versions, more: history.more)
        case .subscribe(let id):
            subscribe(grant.collectionID)
            return .notify(id: id, headSeq: try await store.headSeq(collectionID: grant.collectionID))
        }
    }

    /// Article bytes per `changes` answer: half the frame size every client accepts in binary, an
    /// eighth in JSON, whose escapes can blow text up several times. One article always fits.
    static func pullByteBudget(_ encoding: WireEncoding) -> Int {
        switch encoding {
        case .binary, .binaryStored: FrameDecoder.defaultMaximumFrameLength / 2
        case .json: FrameDecoder.defaultMaximumFrameLength / 8
        }
    }

    func authorize(token: String, collection: String, requestID: UInt64) async throws -> AccessGrant {
        do {
            return try await store.authorize(token: token, collection: collection)
        } catch let error as AccessError {
            let code: ProtocolErrorCode = if case .unknownCollection = error { .unknownCollection } else { .unauthorized }
            throw Refusal(id: requestID, code: code, message: error.description)
        }
    }
}
