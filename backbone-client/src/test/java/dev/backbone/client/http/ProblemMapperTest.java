package dev.backbone.client.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProblemMapperTest {

    @Test
    void versionConflictCarriesBothVersions() {
        BackboneProblemException e = map(409, "{\"type\": \"https://backbone.dev/problems/version-conflict\","
                + " \"title\": \"Version conflict\", \"status\": 409, \"detail\": \"stream 'order-7' is at 6, not 5\","
                + " \"instance\": \"/v1/topics/orders/keys/order-7/records\", \"topic\": \"orders\","
                + " \"key\": \"order-7\", \"expectedVersion\": 5, \"currentVersion\": 6}");
        assertThat(e).isInstanceOfSatisfying(ConcurrencyConflictException.class, c -> {
            assertThat(c.expectedVersion()).isEqualTo(5);
            assertThat(c.currentVersion()).isEqualTo(6);
            assertThat(c.topic()).isEqualTo("orders");
            assertThat(c.key()).isEqualTo("order-7");
        });
        assertThat(e.slug()).isEqualTo("version-conflict");
        assertThat(e.title()).isEqualTo("Version conflict");
        assertThat(e.detail()).isEqualTo("stream 'order-7' is at 6, not 5");
        assertThat(e.instance()).isEqualTo("/v1/topics/orders/keys/order-7/records");
        assertThat(e.extensions()).containsEntry("expectedVersion", 5L).doesNotContainKey("type");
        assertThat(e.getMessage()).isEqualTo("409 version-conflict: stream 'order-7' is at 6, not 5");
    }

    @Test
    void aPreconditionFailureIsAConflictWithoutAnExpectedVersion() {
        BackboneProblemException e = map(412, problem("precondition-failed", 412, ", \"If-Match\": \"\\\"5\\\"\","
                + " \"currentVersion\": 0"));
        assertThat(e).isInstanceOfSatisfying(ConcurrencyConflictException.class, c -> {
            assertThat(c.expectedVersion()).isEqualTo(ExpectedVersion.ANY);
            assertThat(c.currentVersion()).isZero();
        });
        assertThat(e.extensions()).containsEntry("If-Match", "\"5\"");
    }

    @Test
    void everyTypedSlugBecomesItsException() {
        assertThat(map(416, problem("offset-out-of-range", 416, ", \"startOffset\": 3, \"endOffset\": 9")))
                .isInstanceOfSatisfying(OffsetOutOfRangeException.class, e -> {
                    assertThat(e.startOffset()).isEqualTo(3);
                    assertThat(e.endOffset()).isEqualTo(9);
                });
        assertThat(map(404, problem("unknown-member", 404, ", \"group\": \"g\", \"memberId\": \"m-1\"")))
                .isInstanceOfSatisfying(UnknownMemberException.class, e -> assertThat(e.memberId()).isEqualTo("m-1"));
        assertThat(map(409, problem("generation-fenced", 409, ", \"generation\": 4, \"currentGeneration\": 5")))
                .isInstanceOfSatisfying(GenerationFencedException.class,
                        e -> assertThat(e.currentGeneration()).isEqualTo(5));
        assertThat(map(409, problem("partition-not-owned", 409, ", \"topic\": \"t\", \"partition\": 2")))
                .isInstanceOfSatisfying(PartitionNotOwnedException.class, e -> assertThat(e.partition()).isEqualTo(2));
        assertThat(map(404, problem("unknown-topic", 404, ", \"topic\": \"t\"")))
                .isInstanceOf(UnknownTopicException.class);
        assertThat(map(404, problem("unknown-partition", 404, ", \"partitionCount\": 3")))
                .isInstanceOfSatisfying(UnknownPartitionException.class,
                        e -> assertThat(e.partitionCount()).isEqualTo(3));
        assertThat(map(404, problem("unknown-group", 404, ""))).isInstanceOf(UnknownGroupException.class);
        assertThat(map(409, problem("topic-exists", 409, ""))).isInstanceOf(TopicExistsException.class);
        assertThat(map(409, problem("out-of-order-sequence", 409, ", \"expectedSequence\": 3, \"sequence\": 9")))
                .isInstanceOfSatisfying(OutOfOrderSequenceException.class,
                        e -> assertThat(e.expectedSequence()).isEqualTo(3));
        assertThat(map(409, problem("producer-fenced", 409, ", \"currentEpoch\": 2")))
                .isInstanceOfSatisfying(ProducerFencedException.class, e -> assertThat(e.currentEpoch()).isEqualTo(2));
        assertThat(map(422, problem("idempotency-key-reused", 422, ", \"idempotencyKey\": \"k\"")))
                .isInstanceOfSatisfying(IdempotencyKeyReusedException.class,
                        e -> assertThat(e.idempotencyKey()).isEqualTo("k"));
        assertThat(map(409, problem("audit-chain-disabled", 409, ""))).isInstanceOf(AuditChainDisabledException.class);
        assertThat(map(403, problem("internal-topic", 403, ""))).isInstanceOf(AccessDeniedException.class);
        assertThat(map(400, problem("malformed-json", 400, ", \"position\": 14")))
                .isExactlyInstanceOf(BackboneProblemException.class)
                .satisfies(e -> assertThat(e.problem().longMember("position", -1)).isEqualTo(14));
    }

    @Test
    void statusesWithoutABrokerTypeAreTypedByStatus() {
        assertThat(map(401, "")).isInstanceOf(AuthenticationException.class);
        assertThat(map(403, "{\"type\": \"about:blank\", \"status\": 403}")).isInstanceOf(AccessDeniedException.class);
        HttpHeaders headers = new DefaultHttpHeaders().set("Retry-After", "7");
        assertThat(ProblemMapper.toException(429, headers, new byte[0]))
                .isInstanceOfSatisfying(QuotaExceededException.class,
                        e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(7)));
        assertThat(ProblemMapper.toException(429, new DefaultHttpHeaders(), new byte[0]))
                .isInstanceOfSatisfying(QuotaExceededException.class, e -> assertThat(e.retryAfter()).isNull());
    }

    @Test
    void aBodyThatIsNotAProblemKeepsItsStartAsDetail() {
        BackboneProblemException e = map(502, "<html><body>Bad Gateway</body></html>");
        assertThat(e).isExactlyInstanceOf(BackboneProblemException.class);
        assertThat(e.status()).isEqualTo(502);
        assertThat(e.slug()).isEqualTo("about:blank");
        assertThat(e.detail()).isEqualTo("HTTP 502: <html><body>Bad Gateway</body></html>");
        assertThat(map(500, "x".repeat(2000)).detail()).hasSize("HTTP 500: ".length() + 500 + 3);
        assertThat(map(503, "").detail()).isEqualTo("HTTP 503 without a problem body");
        assertThat(map(503, "{\"status\": \"DOWN\"}").slug()).isEqualTo("about:blank");
    }

    private static BackboneProblemException map(int status, String body) {
        return ProblemMapper.toException(status, null, body.getBytes(StandardCharsets.UTF_8));
    }

    private static String problem(String slug, int status, String members) {
        return "{\"type\": \"https://backbone.dev/problems/" + slug + "\", \"title\": \"t\", \"status\": " + status
                + ", \"detail\": \"d\", \"instance\": \"/v1/x\"" + members + "}";
    }
}
