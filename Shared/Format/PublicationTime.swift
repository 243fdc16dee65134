import Foundation

/// A publication time as people write it, in an article file's closing tag and in `set --published`:
/// an ISO 8601 date and time to the second, `2020-09-30T08:00:00Z`, with `Z` or an offset (`+07:00`,
/// `+0700`) and optionally a fraction of a second, which is dropped (times are kept to the second).
/// Dates are in the proleptic Gregorian calendar, as ISO 8601 has them, years 0001 to 9999 in UTC
/// (`Article.publishedAtRange`).
///
/// Read field by field rather than with Foundation's ISO 8601 parser, which changed what was typed
/// without a word: 2021-02-29 became 2021-03-01, 24:00 and 23:59:60 the next day, `2020-9-3T8:0:0Z`
/// was taken, text after the offset was ignored, and a year past 9999 was clamped to 9999 when stored.
/// Its writer also shows times before 15 October 1582 in the Julian calendar (the first second of
/// year 1 came out as 0001-01-03), so `print` and `parse` did not agree there.
public enum PublicationTime {
    /// The time `text` names, or why it names none.
    public static func parse(_ text: String) throws(PublicationTimeError) -> Date {
        var reader = DigitReader(bytes: Array(text.utf8))
        guard let year = reader.number(4), reader.take("-"), let month = reader.number(2), reader.take("-"),
              let day = reader.number(2), reader.take("T"), let hour = reader.number(2), reader.take(":"),
              let minute = reader.number(2), reader.take(":"), let second = reader.number(2)
        else { throw PublicationTimeError(text: text, problem: .notISO8601) }
        if reader.take(".") {
            guard reader.digits() > 0 else { throw PublicationTimeError(text: text, problem: .notISO8601) }
        }
        var offset = 0
        if !reader.take("Z") {
            let sign: Int
            if reader.take("+") { sign = 1 } else if reader.take("-") { sign = -1 } else { throw PublicationTimeError(text: text, problem: .notISO8601) }
            guard let hours = reader.number(2) else { throw PublicationTimeError(text: text, problem: .notISO8601) }
            _ = reader.take(":")
            guard let minutes = reader.number(2) else { throw PublicationTimeError(text: text, problem: .notISO8601) }
            guard hours <= 23, minutes <= 59 else { throw PublicationTimeError(text: text, problem: .noSuchOffset) }
            offset = sign * (hours * 3600 + minutes * 60)
        }
        guard reader.atEnd else { throw PublicationTimeError(text: text, problem: .notISO8601) }

        guard year >= 1 else { throw PublicationTimeError(text: text, problem: .outsideYears) }
        guard (1...12).contains(month) else { throw PublicationTimeError(text: text, problem: .noSuchMonth(month)) }
        let monthLength = daysIn(month: month, year: year)
        guard (1...monthLength).contains(day) else {
            throw PublicationTimeError(text: text, problem: .noSuchDay(month: month, year: year, days: monthLength))
        }
        guard hour <= 23 else { throw PublicationTimeError(text: text, problem: .noSuchHour) }
        guard minute <= 59, second <= 59 else { throw PublicationTimeError(text: text, problem: .noSuchMinuteOrSecond) }

        let seconds = Int64(daysSince1970(year: year, month: month, day: day)) * 86_400
            + Int64(hour * 3600 + minute * 60 + second) - Int64(offset)
        guard Article.publishedAtRange.contains(seconds) else { throw PublicationTimeError(text: text, problem: .outsideYears) }
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// `seconds` since 1970 in the form `parse` reads, in UTC: `2020-09-30T08:00:00Z`.
    public static func format(seconds: Int64) -> String {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let time = Int(seconds - days * 86_400)
        let (year, month, day) = civilDate(daysSince1970: Int(days))
        func padded(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(padded(year, 4))-\(padded(month, 2))-\(padded(day, 2))T\(padded(time / 3600, 2)):\(padded(time / 60 % 60, 2)):\(padded(time % 60, 2))Z"
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's `days_from_civil`):
    /// counted in 400-year eras of 146,097 days, each year starting on 1 March so that the leap day
    /// falls at its end.
    static func daysSince1970(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * ((month + 9) % 12) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The inverse of `daysSince1970` (Hinnant's `civil_from_days`).
    static func civilDate(daysSince1970 days: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

/// Why a text names no publication time; `description` says what to write instead.
public struct PublicationTimeError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Problem: Sendable, Equatable {
        case notISO8601
        case noSuchMonth(Int)
        case noSuchDay(month: Int, year: Int, days: Int)
        case noSuchHour
        case noSuchMinuteOrSecond
        case noSuchOffset
        case outsideYears
    }

    public var text: String
    public var problem: Problem

    public init(text: String, problem: Problem) {
        self.text = text
        self.problem = problem
    }

    static let monthNames = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                             "November", "December"]

    public var description: String {
        let quoted = "\"\(text)\""
        switch problem {
        case .notISO8601:
            return "\(quoted) is not an ISO 8601 time like 2020-09-30T08:00:00Z (date, T, time to the second, then Z or an offset like +07:00)"
        case .noSuchMonth(let month):
            return "\(quoted) is not a date: there is no month \(month)"
        case .noSuchDay(let month, let year, let days):
            return "\(quoted) is not a date: \(Self.monthNames[month - 1]) \(year) has \(days) days"
        case .noSuchHour:
            return "\(quoted) is not a time: hours run from 00 to 23 (midnight at the end of a day is 00:00:00 of the next)"
        case .noSuchMinuteOrSecond:
            return "\(quoted) is not a time: minutes and seconds run from 00 to 59 (a leap second cannot be kept)"
        case .noSuchOffset:
            return "\(quoted) has no such offset from UTC: its hours run from 00 to 23 and its minutes from 00 to 59"
        case .outsideYears:
            return "\(quoted) is outside the years 0001 to 9999 (in UTC) that an article's time can hold"
        }
    }
}

/// Reads fixed-width decimal fields and separators from the start of a byte string.
private struct DigitReader {
    let bytes: [UInt8]
    var position = 0

    var atEnd: Bool { position == bytes.count }

    /// Exactly `width` ASCII digits as a number, or nil (and nothing read).
    mutating func number(_ width: Int) -> Int? {
        guard position + width <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[position..<position + width] {
            guard (0x30...0x39).contains(byte) else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        position += width
        return value
    }

    /// Skips any run of ASCII digits and says how many there were.
    mutating func digits() -> Int {
        let start = position
        while position < bytes.count, (0x30...0x39).contains(bytes[position]) { position += 1 }
        return position - start
    }

    /// Reads `separator` if it is next.
    mutating func take(_ separator: Unicode.Scalar) -> Bool {
        guard position < bytes.count, bytes[position] == UInt8(separator.value) else { return false }
        position += 1
        return true
    }
}
