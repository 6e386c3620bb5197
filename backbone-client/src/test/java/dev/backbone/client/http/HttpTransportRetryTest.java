package dev.backbone.client.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.timeout.ReadTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Which failures are sent again, by the request's kind; the real round trips are in backbone-test. */
class HttpTransportRetryTest {

    private static final RequestSpec SAFE = RequestSpec.get("/v1/topics");
    private static final RequestSpec IF_NOT_SENT = SAFE.withRetry(RequestSpec.Retry.IF_NOT_SENT);
    private static final RequestSpec NEVER = SAFE.withRetry(RequestSpec.Retry.NEVER);

    @Test
    void aRefusedConnectionIsRetriedForEveryRequestButAHealthCheck() {
        ConnectException refused = new ConnectException("Connection refused");
        assertThat(HttpTransport.isRetryable(SAFE, refused)).isTrue();
        assertThat(HttpTransport.isRetryable(IF_NOT_SENT, new IOException("wrapped", refused))).isTrue();
        assertThat(HttpTransport.isRetryable(NEVER, refused)).isFalse();
    }

    @Test
    void aFailureAfterSendingIsRetriedOnlyWhenSafe() {
        IOException cut = new IOException("Connection prematurely closed BEFORE response");
        assertThat(HttpTransport.isRetryable(SAFE, cut)).isTrue();
        assertThat(HttpTransport.isRetryable(IF_NOT_SENT, cut)).isFalse();
        assertThat(HttpTransport.isRetryable(SAFE, ReadTimeoutException.INSTANCE)).isTrue();
        assertThat(HttpTransport.isRetryable(IF_NOT_SENT, ReadTimeoutException.INSTANCE)).isFalse();
    }

    @Test
    void onlyTransientProblemsAreRetried() {
        assertThat(HttpTransport.isRetryable(SAFE, problem("unavailable", 503))).isTrue();
        assertThat(HttpTransport.isRetryable(SAFE, problem("internal-error", 500))).isTrue();
        assertThat(HttpTransport.isRetryable(SAFE, problem("about:blank", 502))).isTrue();
        assertThat(HttpTransport.isRetryable(SAFE, problem("about:blank", 429))).isTrue();
        assertThat(HttpTransport.isRetryable(SAFE, problem("durability-unknown", 500)))
                .as("the records may be stored; a retry could store them twice").isFalse();
        assertThat(HttpTransport.isRetryable(SAFE, problem("version-conflict", 409))).isFalse();
        assertThat(HttpTransport.isRetryable(SAFE, problem("insufficient-storage", 507))).isFalse();
        assertThat(HttpTransport.isRetryable(IF_NOT_SENT, problem("unavailable", 503))).isFalse();
    }

    @Test
    void backoffGrowsByTheMultiplierUpToTheCap() {
        RetrySettings retry = new RetrySettings(6, Duration.ofMillis(100), Duration.ofMillis(700), 2.0);
        assertThat(retry.backoff(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(retry.backoff(2)).isEqualTo(Duration.ofMillis(200));
        assertThat(retry.backoff(3)).isEqualTo(Duration.ofMillis(400));
        assertThat(retry.backoff(4)).isEqualTo(Duration.ofMillis(700));
        assertThat(RequestSpec.get("/v1/topics/a?x=1").withRetry(RequestSpec.Retry.SAFE).describe())
                .isEqualTo("GET /v1/topics/a");
        assertThat(new RequestSpec(HttpMethod.POST, "/p", null, null, null, Duration.ZERO, RequestSpec.Retry.SAFE,
                null).describe()).isEqualTo("POST /p");
    }

    @Test
    void keysAndNamesAreEncodedAsOnePathSegment() {
        assertThat(PathSegments.encode("order 7/\u00fc?#%")).isEqualTo("order%207%2F%C3%BC%3F%23%25");
        assertThat(PathSegments.encode("a-b.c_d~")).isEqualTo("a-b.c_d~");
    }

    private static BackboneProblemException problem(String slug, int status) {
        URI type = URI.create(slug.contains(":") ? slug : Problem.TYPE_PREFIX + slug);
        return ProblemMapper.toException(status, null, ("{\"type\":\"" + type + "\",\"status\":" + status + "}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
