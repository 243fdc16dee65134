import NIOCore

/// `binary-v1` shape of the messages: a type tag (client messages 1–8, server messages 0x81–0x89),
/// the request id where the JSON form has one, then the fields in the order docs/PROTOCOL.md lists.
/// A message that has a `binary-v1` form.
protocol BinaryWritable {
    func write(to writer: inout BinaryWireWriter)
}

extension ClientMessage: BinaryWritable {
    func write(to writer: inout BinaryWireWriter) {
        switch self {
        case .hello(let id, let version, let clientID, let token, let collection, let encodings, let lastSeen):
            writer.tag(1)
            writer.unsigned(id)
            writer.int(version)
            writer.string(clientID)
            writer.string(token)
            writer.string(collection)
            writer.array(encodings) { $0.string($1.rawValue) }
            writer.optional(lastSeen) { writer, seen in
                writer.int(seen.seq)
                writer.string(seen.articleID)
                writer.int(seen.version)
                writer.string(seen.contentHash)
                writer.string(seen.mutationID)
            }
        case .pull(let id, let cursor, let limit, let skip):
            writer.tag(2)
            writer.unsigned(id)
            writer.int(cursor)
            writer.int(limit)
            writer.array(skip) { writer, range in
                writer.int(range.lowerBound)
                writer.int(range.upperBound)
            }
        case .push(let id, let mutations):
            writer.tag(3)
            writer.unsigned(id)
            writer.array(mutations) { writer, mutation in
                writer.string(mutation.mutationID)
                writer.int(mutation.baseVersion)
                writer.article(mutation.article)
            }
        case .checksum(let id): writer.tag(4); writer.unsigned(id)
        case .manifest(let id): writer.tag(5); writer.unsigned(id)
        case .subscribe(let id): writer.tag(6); writer.unsigned(id)
        case .ping(let id): writer.tag(7); writer.unsigned(id)
        case .history(let id, let articleID, let before, let limit):
            writer.tag(8)
            writer.unsigned(id)
            writer.string(articleID)
            writer.optional(before) { $0.int($1) }
            writer.int(limit)
        }
    }

    init(reading reader: inout BinaryWireReader) throws(MessageDecodingError) {
        let tag = try reader.tag()
        let id = try reader.unsigned()
        switch tag {
        case 1:
            self = .hello(id: id, protocolVersion: Int(try reader.int()), clientID: try reader.string(), token: try reader.string(),
                          collection: try reader.string(),
                          encodings: try reader.array { reader throws(MessageDecodingError) in try reader.string() }.compactMap(WireEncoding.init(rawValue:)),
                          lastSeen: try reader.optional { reader throws(MessageDecodingError) in
                              SeenChange(seq: try reader.int(), articleID: try reader.string(), version: try reader.int(),
                                         contentHash: try reader.string(), mutationID: try reader.string())
                          })
        case 2:
            let cursor = try reader.int()
            let limit = try reader.int()
            let skip = try reader.array { reader throws(MessageDecodingError) -> ClosedRange<Int64> in
                let lower = try reader.int()
                let upper = try reader.int()
                guard lower <= upper else { throw MessageDecodingError(reason: "a skip range runs backwards (\(lower)...\(upper))") }
                return lower...upper
            }
            self = .pull(id: id, cursor: cursor, limit: Int(truncatingIfNeeded: limit), skip: skip)
        case 3:
            self = .push(id: id, mutations: try reader.array { reader throws(MessageDecodingError) in
                Mutation(mutationID: try reader.string(), baseVersion: try reader.int(), article: try reader.article())
            })
        case 4: self = .checksum(id: id)
        case 5: self = .manifest(id: id)
        case 6: self = .subscribe(id: id)
        case 7: self = .ping(id: id)
        case 8:
            self = .history(id: id, articleID: try reader.string(), before: try reader.optional { reader throws(MessageDecodingError) in try reader.int() },
                            limit: Int(truncatingIfNeeded: try reader.int()))
        default: throw MessageDecodingError(reason: "unknown message type \(tag)")
        }
        try reader.expectEnd()
    }
}

extension ServerMessage: BinaryWritable {
    func write(to writer: inout BinaryWireWriter) {
        switch self {
        case .welcome(let id, let version, let serverID, let epoch, let headSeq, let access, let encoding, let pushLimits, let lastSeenHeld):
            writer.tag(0x81)
            writer.unsigned(id)
            writer.int(version)
            writer.string(serverID)
            writer.string(epoch)
            writer.int(headSeq)
            writer.string(access)
            writer.string(encoding.rawValue)
            writer.bool(pushLimits != nil)
            if let pushLimits {
                writer.int(pushLimits.mutations)
                writer.int(pushLimits.frameBytes)
            }
            writer.optional(lastSeenHeld) { $0.bool($1) }
        case .changes(let id, let articles, let cursor, let more):
            writer.tag(0x82)
            writer.unsigned(id)
            writer.array(articles) { $0.changedArticle($1) }
            writer.int(cursor)
            writer.bool(more)
        case .pushResult(let id, let results):
            writer.tag(0x83)
            writer.unsigned(id)
            writer.array(results) { writer, result in
                writer.string(result.mutationID)
                writer.tag(result.status.wireTag)
                writer.optional(result.version) { $0.int($1) }
                writer.optional(result.seq) { $0.int($1) }
                writer.optional(result.article) { $0.changedArticle($1) }
                writer.optional(result.reason) { $0.string($1) }
            }
        case .checksum(let id, let checksum, let count, let headSeq):
            writer.tag(0x84)
            writer.unsigned(id)
            writer.string(checksum)
            writer.int(count)
            writer.int(headSeq)
        case .manifest(let id, let entries):
            writer.tag(0x85)
            writer.unsigned(id)
            writer.array(entries) { writer, entry in
                writer.string(entry.id)
                writer.string(entry.contentHash)
            }
        case .notify(let id, let headSeq):
            writer.tag(0x86)
            writer.optional(id) { $0.unsigned($1) }
            writer.int(headSeq)
        case .error(let id, let code, let message):
            writer.tag(0x87)
            writer.optional(id) { $0.unsigned($1) }
            writer.string(code.rawValue)
            writer.string(message)
        case .pong(let id):
            writer.tag(0x88)
            writer.unsigned(id)
        case .history(let id, let versions, let more):
            writer.tag(0x89)
            writer.unsigned(id)
            writer.array(versions) { writer, version in
                writer.changedArticle(version.change)
                writer.string(version.acceptedAt)
            }
            writer.bool(more)
        }
    }

    init(reading reader: inout BinaryWireReader) throws(MessageDecodingError) {
        let tag = try reader.tag()
        switch tag {
        case 0x81:
            let id = try reader.unsigned()
            let version = Int(try reader.int())
            let serverID = try reader.string()
            let epoch = try reader.string()
            let headSeq = try reader.int()
            let access = try reader.string()
            let encodingName = try reader.string()
            guard let encoding = WireEncoding(rawValue: encodingName) else {
                throw MessageDecodingError(reason: "welcome names the unknown encoding \"\(encodingName)\"")
            }
            let pushLimits = try reader.bool() ? PushLimits(mutations: Int(try reader.int()), frameBytes: Int(try reader.int())) : nil
            let lastSeenHeld = try reader.optional { reader throws(MessageDecodingError) in try reader.bool() }
            self = .welcome(id: id, protocolVersion: version, serverID: serverID, epoch: epoch, headSeq: headSeq, access: access, encoding: encoding,
                            pushLimits: pushLimits, lastSeenHeld: lastSeenHeld)
        case 0x82:
            self = .changes(id: try reader.unsigned(), articles: try reader.array { reader throws(MessageDecodingError) in try reader.changedArticle() },
                            cursor: try reader.int(), more: try reader.bool())
        case 0x83:
            self = .pushResult(id: try reader.unsigned(), results: try reader.array { reader throws(MessageDecodingError) in
                let mutationID = try reader.string()
                let statusTag = try reader.tag()
                guard let status = MutationResult.Status(wireTag: statusTag) else {
                    throw MessageDecodingError(reason: "unknown push result status \(statusTag)")
                }
                return MutationResult(
                    mutationID: mutationID, status: status,
                    version: try reader.optional { reader throws(MessageDecodingError) in try reader.int() },
                    seq: try reader.optional { reader throws(MessageDecodingError) in try reader.int() },
                    article: try reader.optional { reader throws(MessageDecodingError) in try reader.changedArticle() },
                    reason: try reader.optional { reader throws(MessageDecodingError) in try reader.string() })
            })
        case 0x84:
            self = .checksum(id: try reader.unsigned(), checksum: try reader.string(), count: Int(try reader.int()), headSeq: try reader.int())
        case 0x85:
            self = .manifest(id: try reader.unsigned(), entries: try reader.array { reader throws(MessageDecodingError) in
                ManifestEntry(id: try reader.string(), contentHash: try reader.string())
            })
        case 0x86:
            self = .notify(id: try reader.optional { reader throws(MessageDecodingError) in try reader.unsigned() }, headSeq: try reader.int())
        case 0x87:
            let id = try reader.optional { reader throws(MessageDecodingError) in try reader.unsigned() }
            // A newer server may send a code this build does not know; keep the message, not the code.
            let code = ProtocolErrorCode(rawValue: try reader.string()) ?? .internalError
            self = .error(id: id, code: code, message: try reader.string())
        case 0x88:
            self = .pong(id: try reader.unsigned())
        case 0x89:
            self = .history(id: try reader.unsigned(), versions: try reader.array { reader throws(MessageDecodingError) in
                ArticleVersion(change: try reader.changedArticle(), acceptedAt: try reader.string())
            }, more: try reader.bool())
        default:
            throw MessageDecodingError(reason: "unknown message type \(tag)")
        }
        try reader.expectEnd()
    }
}

extension BinaryWireWriter {
    mutating func changedArticle(_ change: ChangedArticle) {
        if articlesInStorageForm {
            switch change.content {
            case .stored(let form): bytes(form.bytes)
            case .article(let article): bytes(article.storageBytes)
            }
        } else {
            article(change.article)
        }
        string(change.mutationID)
        string(change.clientID)
    }
}

extension BinaryWireReader {
    mutating func changedArticle() throws(MessageDecodingError) -> ChangedArticle {
        if articlesInStorageForm {
            let raw = try bytes()
            let form: CheckedStorageForm
            do throws(StorageDecodingError) {
                form = try CheckedStorageForm(checking: raw)
            } catch {
                throw MessageDecodingError(reason: "an article's storage form is not canonical: \(error.reason)")
            }
            return ChangedArticle(stored: form, mutationID: try string(), clientID: try string())
        }
        return ChangedArticle(article: try article(), mutationID: try string(), clientID: try string())
    }
}

extension MutationResult.Status {
    var wireTag: UInt8 {
        switch self {
        case .applied: 0
        case .duplicate: 1
        case .conflict: 2
        case .rejected: 3
        }
    }

    init?(wireTag: UInt8) {
        switch wireTag {
        case 0: self = .applied
        case 1: self = .duplicate
        case 2: self = .conflict
        case 3: self = .rejected
        default: return nil
        }
    }
}
