import CasefileFetch
import Foundation
import Testing

@Suite struct TransferRetryTests {
    @Test func retryDelaysGrowExponentiallyWithBoundedJitter() {
        #expect(TransferRetry.retryDelay(attempt: 1, base: 1, maximum: 60, random: 1) == 1)
        #expect(TransferRetry.retryDelay(attempt: 1, base: 1, maximum: 60, random: 0) == 0.5)
        #expect(TransferRetry.retryDelay(attempt: 2, base: 1, maximum: 60, random: 1) == 2)
        #expect(TransferRetry.retryDelay(attempt: 4, base: 1, maximum: 60, random: 1) == 8)
        #expect(TransferRetry.retryDelay(attempt: 10, base: 1, maximum: 60, random: 1) == 60)
        #expect(TransferRetry.retryDelay(attempt: 100, base: 1, maximum: 60, random: 0.5) == 45)
    }

    @Test func retryAfterInSecondsOrAsADate() {
        let now = Date(timeIntervalSince1970: 1_700_000_000)  // Tue, 14 Nov 2023 22:13:20 GMT
        #expect(TransferRetry.retryAfter("120", now: now) == 120)
        #expect(TransferRetry.retryAfter(" 0 ", now: now) == 0)
        #expect(TransferRetry.retryAfter("Tue, 14 Nov 2023 22:14:20 GMT", now: now) == 60)
        #expect(TransferRetry.retryAfter("Tuesday, 14-Nov-23 22:15:20 GMT", now: now) == 120)
        #expect(TransferRetry.retryAfter("Tue Nov 14 22:13:50 2023", now: now) == 30)
        #expect(TransferRetry.retryAfter("Mon, 13 Nov 2023 00:00:00 GMT", now: now) == 0, "a date in the past: now")
        #expect(TransferRetry.retryAfter("soon", now: now) == nil)
        #expect(TransferRetry.retryAfter("-5", now: now) == nil)
    }
}
