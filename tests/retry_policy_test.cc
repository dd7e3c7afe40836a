#include "net/retry_policy.h"

#include <gtest/gtest.h>

namespace okta_bulk {
namespace {

using std::chrono::milliseconds;

Attempt Http(int status, std::string_view code = "") {
  Attempt a;
  a.http_status = status;
  a.error_code = code;
  return a;
}

Attempt Transport(TransportError e) {
  Attempt a;
  a.transport = e;
  return a;
}

const RetryOptions kOptions{.max_attempts = 5, .backoff_base = milliseconds(300),
                            .backoff_cap = milliseconds(20'000)};

TEST(RetryPolicyTest, SuccessIsNotRetried) {
  for (int status : {200, 201, 204, 304}) {
    auto d = DecideRetry(Http(status), 1, kOptions, 0.5);
    EXPECT_EQ(d.verdict, RetryVerdict::kSuccess) << status;
    EXPECT_EQ(d.pace, RetryPace::kNone);
  }
}

TEST(RetryPolicyTest, ServerErrorsThatCanPassAreRetriedWithBackoff) {
  for (int status : {408, 500, 502, 503, 504}) {
    auto d = DecideRetry(Http(status), 1, kOptions, 0.5);
    EXPECT_EQ(d.verdict, RetryVerdict::kRetry) << status;
    EXPECT_EQ(d.pace, RetryPace::kBackoff);
    EXPECT_TRUE(d.counts_as_attempt);
  }
}

TEST(RetryPolicyTest, EveryTransportErrorIsRetried) {
  for (auto e : {TransportError::kConnectFailed, TransportError::kReset,
                 TransportError::kClosedBeforeResponse, TransportError::kTimeout,
                 TransportError::kTls}) {
    auto d = DecideRetry(Transport(e), 2, kOptions, 0.25);
    EXPECT_EQ(d.verdict, RetryVerdict::kRetry);
    EXPECT_EQ(d.pace, RetryPace::kBackoff);
    EXPECT_FALSE(d.reason.empty());
  }
}

TEST(RetryPolicyTest, ClientErrorsEndTheRowAtOnce) {
  for (int status : {400, 403, 404, 405, 409, 411, 413, 501, 505}) {
    auto d = DecideRetry(Http(status, "E0000001"), 1, kOptions, 0.5);
    EXPECT_EQ(d.verdict, RetryVerdict::kFail) << status;
  }
}

TEST(RetryPolicyTest, NotFoundRightAfterCreateIsRetriedBriefly) {
  Attempt a = Http(404, "E0000007");
  a.not_found_may_be_transient = true;
  EXPECT_EQ(DecideRetry(a, 1, kOptions, 0.5).verdict, RetryVerdict::kRetry);
  EXPECT_EQ(DecideRetry(a, 5, kOptions, 0.5).verdict, RetryVerdict::kFail);
}

TEST(RetryPolicyTest, BadTokenAbortsTheWholeRun) {
  EXPECT_EQ(DecideRetry(Http(401, "E0000011"), 1, kOptions, 0.5).verdict,
            RetryVerdict::kAbortRun);
  EXPECT_EQ(DecideRetry(Http(401), 1, kOptions, 0.5).verdict, RetryVerdict::kAbortRun);
  EXPECT_EQ(DecideRetry(Http(403, "E0000005"), 1, kOptions, 0.5).verdict,
            RetryVerdict::kAbortRun);
}

TEST(RetryPolicyTest, PermissionAndFeatureErrorsFailOnlyTheRow) {
  EXPECT_EQ(DecideRetry(Http(403, "E0000006"), 1, kOptions, 0.5).verdict, RetryVerdict::kFail);
  EXPECT_EQ(DecideRetry(Http(403, "E0000038"), 1, kOptions, 0.5).verdict, RetryVerdict::kFail);
  EXPECT_EQ(DecideRetry(Http(401, "E0000015"), 1, kOptions, 0.5).verdict, RetryVerdict::kFail);
}

TEST(RetryPolicyTest, BucketRateLimitIsLeftToTheGovernorAndNeverCountsAsAnAttempt) {
  auto d = DecideRetry(Http(429, "E0000047"), 5, kOptions, 0.5);  // even at the last attempt
  EXPECT_EQ(d.verdict, RetryVerdict::kRetry);
  EXPECT_EQ(d.pace, RetryPace::kGovernor);
  EXPECT_FALSE(d.counts_as_attempt);
  EXPECT_EQ(d.delay, milliseconds(0));
}

TEST(RetryPolicyTest, ConcurrencyLimitGetsAShortPauseAndNeverCountsAsAnAttempt) {
  Attempt a = Http(429);
  a.concurrency_limited = true;
  auto d = DecideRetry(a, 9, kOptions, 0.5);
  EXPECT_EQ(d.verdict, RetryVerdict::kRetry);
  EXPECT_EQ(d.pace, RetryPace::kConcurrencyPause);
  EXPECT_FALSE(d.counts_as_attempt);
}

TEST(RetryPolicyTest, AttemptsRunOutAtMaxAttempts) {
  EXPECT_EQ(DecideRetry(Http(503), 4, kOptions, 0.5).verdict, RetryVerdict::kRetry);
  auto d = DecideRetry(Http(503), 5, kOptions, 0.5);
  EXPECT_EQ(d.verdict, RetryVerdict::kFail);
  EXPECT_EQ(d.reason, "http 503");
  RetryOptions once = kOptions;
  once.max_attempts = 1;
  EXPECT_EQ(DecideRetry(Transport(TransportError::kReset), 1, once, 0.5).verdict,
            RetryVerdict::kFail);
}

TEST(RetryPolicyTest, BackoffIsExponentialWithFullJitterAndCapped) {
  RetryOptions o{.max_attempts = 100, .backoff_base = milliseconds(300),
                 .backoff_cap = milliseconds(20'000)};
  // The ceiling doubles per attempt: 300, 600, 1200, ...; the random value scales it.
  EXPECT_EQ(DecideRetry(Http(500), 1, o, 0.999999).delay, milliseconds(299));
  EXPECT_EQ(DecideRetry(Http(500), 2, o, 0.5).delay, milliseconds(300));
  EXPECT_EQ(DecideRetry(Http(500), 3, o, 0.5).delay, milliseconds(600));
  EXPECT_EQ(DecideRetry(Http(500), 1, o, 0.0).delay, milliseconds(0));
  // Capped, however many attempts.
  EXPECT_EQ(DecideRetry(Http(500), 8, o, 0.5).delay, milliseconds(10'000));
  EXPECT_EQ(DecideRetry(Http(500), 80, o, 0.5).delay, milliseconds(10'000));
  EXPECT_LE(DecideRetry(Http(500), 99, o, 0.999999).delay, milliseconds(20'000));
}

TEST(RetryPolicyTest, OutOfRangeInputsStayBounded) {
  RetryOptions o{.max_attempts = 1000, .backoff_base = milliseconds(-5),
                 .backoff_cap = milliseconds(100)};
  EXPECT_EQ(DecideRetry(Http(500), 1, o, 7.0).delay, milliseconds(0));
  EXPECT_EQ(DecideRetry(Http(500), -3, kOptions, -1.0).delay, milliseconds(0));
  EXPECT_EQ(DecideRetry(Http(0), 1, kOptions, 0.5).verdict, RetryVerdict::kFail);
  EXPECT_EQ(DecideRetry(Http(999), 1, kOptions, 0.5).verdict, RetryVerdict::kFail);
}

}  // namespace
}  // namespace okta_bulk
