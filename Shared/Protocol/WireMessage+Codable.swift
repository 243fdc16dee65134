/// JSON shape of the messages: one flat object with a `type` discriminator, e.g.
/// `{"type":"pull","id":7,"cursor":120,"limit":500}` (docs/PROTOCOL.md lists every field).
enum WireKey: String, CodingKey {
    case type, id, protocolVersion, clientID, token, collection, cursor, limit, mutations
    case serverID, epoch, headSeq, access, articles, more, results, checksum, count, code, message, entries
    case encodings, encoding, skip, maxPushMutations, maxFrameBytes, lastSeen, lastSeenHeld
    case articleID, before, versions
}

extension ClientMessage: Codable {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: WireKey.self)
        let type = try c.decode(String.self, forKey: .type)
        let id = try c.decode(UInt64.self, forKey: .id)
        switch type {
        case "hello":
            self = .hello(
                id: id,
                protocolVersion: try c.decode(Int.self, forKey: .protocolVersion),
                clientID: try c.decode(String.self, forKey: .clientID),
                token: try c.decode(String.self, forKey: .token),
                collection: try c.decode(String.self, forKey: .collection),
                // Encodings this build does not know are left out, not refused.
                encodings: (try c.decodeIfPresent([String].self, forKey: .encodings) ?? []).compactMap(WireEncoding.init(rawValue:)),
                lastSeen: try c.decodeIfPresent(SeenChange.self, forKey: .lastSeen)
            )
        case "pull":
            self = .pull(id: id, cursor: try c.decode(Int64.self, forKey: .cursor), limit: try c.decode(Int.self, forKey: .limit),
                         skip: try c.decodeIfPresent([ClosedRange<Int64>].self, forKey: .skip) ?? [])
        case "push":
            self = .push(id: id, mutations: try c.decode([Mutation].self, forKey: .mutations))
        case "checksum":
            self = .checksum(id: id)
        case "manifest":
            self = .manifest(id: id)
        case "subscribe":
            self = .subscribe(id: id)
        case "ping":
            self = .ping(id: id)
        case "history":
            self = .history(id: id, articleID: try c.decode(String.self, forKey: .articleID),
                            before: try c.decodeIfPresent(Int64.self, forKey: .before), limit: try c.decode(Int.self, forKey: .limit))
        default:
            throw DecodingError.dataCorruptedError(forKey: .type, in: c, debugDescription: "unknown message type \"\(type)\"")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: WireKey.self)
        try c.encode(id, forKey: .id)
        try c.encode(type, forKey: .type)
        switch self {
        case .hello(_, let version, let clientID, let token, let collection, let encodings, let lastSeen):
            try c.encode(version, forKey: .protocolVersion)
            try c.encode(clientID, forKey: .clientID)
            try c.encode(token, forKey: .token)
            try c.encode(collection, forKey: .collection)
            if !encodings.isEmpty { try c.encode(encodings.map(\.rawValue), forKey: .encodings) }
            try c.encodeIfPresent(lastSeen, forKey: .lastSeen)
        case .pull(_, let cursor, let limit, let skip):
            try c.encode(cursor, forKey: .cursor)
            try c.encode(limit, forKey: .limit)
            if !skip.isEmpty { try c.encode(skip, forKey: .skip) }
        case .push(_, let mutations):
            try c.encode(mutations, forKey: .mutations)
        case .history(_, let articleID, let before, let limit):
            try c.encode(articleID, forKey: .articleID)
            try c.encodeIfPresent(before, forKey: .before)
            try c.encode(limit, forKey: .limit)
        case .checksum, .manifest, .subscribe, .ping:
            break
        }
    }
}

extension ServerMessage: Codable {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: WireKey.self)
        let type = try c.decode(String.self, forKey: .type)
        switch type {
        case "welcome":
            self = .welcome(
                id: try c.decode(UInt64.self, forKey: .id),
                protocolVersion: try c.decode(Int.self, forKey: .protocolVersion),
                serverID: try c.decode(String.self, forKey: .serverID),
                epoch: try c.decode(String.self, forKey: .epoch),
                headSeq: try c.decode(Int64.self, forKey: .headSeq),
                access: try c.decode(String.self, forKey: .access),
                // Absent from servers that only speak JSON; a name this build does not know fails
                // the decoding, since nothing after it could be read.
                encoding: try c.decodeIfPresent(WireEncoding.self, forKey: .encoding) ?? .json,
                // Absent from older servers.
                pushLimits: try c.decodeIfPresent(Int.self, forKey: .maxPushMutations).flatMap { mutations in
                    try c.decodeIfPresent(Int.self, forKey: .maxFrameBytes).map { PushLimits(mutations: mutations, frameBytes: $0) }
                },
                lastSeenHeld: try c.decodeIfPresent(Bool.self, forKey: .lastSeenHeld)
            )
        case "changes":
            self = .changes(
                id: try c.decode(UInt64.self, forKey: .id),
                articles: try c.decode([ChangedArticle].self, forKey: .articles),
                cursor: try c.decode(Int64.self, forKey: .cursor),
                more: try c.decode(Bool.self, forKey: .more)
            )
        case "pushResult":
            self = .pushResult(id: try c.decode(UInt64.self, forKey: .id), results: try c.decode([MutationResult].self, forKey: .results))
        case "checksum":
            self = .checksum(
                id: try c.decode(UInt64.self, forKey: .id),
                checksum: try c.decode(String.self, forKey: .checksum),
                count: try c.decode(Int.self, forKey: .count),
                headSeq: try c.decode(Int64.self, forKey: .headSeq)
            )
        case "manifest":
            self = .manifest(id: try c.decode(UInt64.self, forKey: .id), entries: try c.decode([ManifestEntry].self, forKey: .entries))
        case "notify":
            self = .notify(id: try c.decodeIfPresent(UInt64.self, forKey: .id), headSeq: try c.decode(Int64.self, forKey: .headSeq))
        case "error":
            let rawCode = try c.decode(String.self, forKey: .code)
            self = .error(
                id: try c.decodeIfPresent(UInt64.self, forKey: .id),
                // A newer server may send a code this build does not know; keep the message, not the code.
                code: ProtocolErrorCode(rawValue: rawCode) ?? .internalError,
                message: try c.decode(String.self, forKey: .message)
            )
        case "pong":
            self = .pong(id: try c.decode(UInt64.self, forKey: .id))
        case "history":
            self = .history(id: try c.decode(UInt64.self, forKey: .id), versions: try c.decode([ArticleVersion].self, forKey: .versions),
                            more: try c.decode(Bool.self, forKey: .more))
        default:
            throw DecodingError.dataCorruptedError(forKey: .type, in: c, debugDescription: "unknown message type \"\(type)\"")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: WireKey.self)
        switch self {
        case .welcome(let id, let version, let serverID, let epoch, let headSeq, let access, let encoding, let pushLimits, let lastSeenHeld):
            try c.encode("welcome", forKey: .type)
            try c.encode(id, forKey: .id)
            try c.encode(version, forKey: .protocolVersion)
            try c.encode(serverID, forKey: .serverID)
            try c.encode(epoch, forKey: .epoch)
            try c.encode(headSeq, forKey: .headSeq)
            try c.encode(access, forKey: .access)
            if encoding != .json { try c.encode(encoding, forKey: .encoding) }
            if let pushLimits {
                try c.encode(pushLimits.mutations, forKey: .maxPushMutations)
                try c.encode(pushLimits.frameBytes, forKey: .maxFrameBytes)
            }
            try c.encodeIfPresent(lastSeenHeld, forKey: .lastSeenHeld)
        case .changes(let id, let articles, let cursor, let more):
            try c.encode("changes", forKey: .type)
            try c.encode(id, forKey: .id)
            try c.encode(articles, forKey: .articles)
            try c.encode(cursor, forKey: .cursor)
            try c.encode(more, forKey: .more)
        case .pushResult(let id, let results):
            try c.encode("pushResult", forKey: .type)
            try c.encode(id, forKey: .id)
            try c.encode(results, forKey: .results)
        case .checksum(let id, let checksum, let count, let headSeq):
            try c.encode("checksum", forKey: .type)
            try c.encode(id, forKey: .id)
            try c.encode(checksum, forKey: .checksum)
            try c.encode(count, forKey: .count)
            try c.encode(headSeq, forKey: .headSeq)
        case .manifest(let id, let entries):
            try c.encode("manifest", forKey: .type)
            try c.encode(id, forKey: .id)
            try c.encode(entries, forKey: .entries)
        case .notify(let id, let headSeq):
            try c.encode("notify", forKey: .type)
            try c.encodeIfPresent(id, forKey: .id)
            try c.encode(headSeq, forKey: .headSeq)
        case .error(let id, let code, let message):
            try c.encode("error", forKey: .type)
            try c.encodeIfPresent(id, forKey: .id)
            try c.encode(code.rawValue, forKey: .code)
            try c.encode(message, forKey: .message)
        case .pong(let id):
            try c.encode("pong", forKey: .type)
            try c.encode(id, forKey: .id)
        case .history(let id, let versions, let more):
            try c.encode("history", forKey: .type)
            try c.encode(id, forKey: .id)
            try c.encode(versions, forKey: .versions)
            try c.encode(more, forKey: .more)
        }
    }
}
