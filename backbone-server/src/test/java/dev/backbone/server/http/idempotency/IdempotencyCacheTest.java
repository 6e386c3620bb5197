package dev.backbone.server.http.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

class IdempotencyCacheTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final IdempotencyCache cache = new IdempotencyCache(Duration.ofMinutes(10), 3, now::get);
    private final AtomicInteger runs = new AtomicInteger();

    @Test
    void aRetryGetsTheOriginalAnswerWithoutRunningAgain() {
        assertThat(run("t", "k1", "body", "first").block(TIMEOUT))
                .isEqualTo(new IdempotencyCache.Outcome<>("first", false));
        assertThat(run("t", "k1", "body", "second").block(TIMEOUT))
                .isEqualTo(new IdempotencyCache.Outcome<>("first", true));
        assertThat(runs).hasValue(1);
    }

    @Test
    void theSameKeyOnAnotherTopicIsAnotherRequest() {
        run("a", "k1", "body", "a").block(TIMEOUT);
        assertThat(run("b", "k1", "body", "b").block(TIMEOUT).value()).isEqualTo("b");
        assertThat(runs).hasValue(2);
    }

    @Test
    void aDifferentBodyUnderTheSameKeyIsRejected() {
        run("t", "k1", "body", "first").block(TIMEOUT);
        StepVerifier.create(run("t", "k1", "other body", "second"))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IdempotencyKeyReusedException.class)
                        .hasMessageContaining("'k1'"))
                .verify(TIMEOUT);
        assertThat(runs).hasValue(1);
    }

    @Test
    void aRetryWhileTheFirstIsInFlightWaitsForItsAnswer() {
        Sinks.One<String> slow = Sinks.one();
        Mono<IdempotencyCache.Outcome<String>> first = cache.execute("t", "k", digest("b"), () -> {
            runs.incrementAndGet();
            return slow.asMono();
        });
        Mono<IdempotencyCache.Outcome<String>> retry = cache.execute("t", "k", digest("b"), () -> {
            runs.incrementAndGet();
            return Mono.just("must not run");
        });

        StepVerifier.create(retry)
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(50))
                .then(() -> slow.tryEmitValue("done"))
                .expectNext(new IdempotencyCache.Outcome<>("done", true))
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(first.block(TIMEOUT).value()).isEqualTo("done");
        assertThat(runs).hasValue(1);
    }

    @Test
    void theFirstRequestCompletesEvenWhenItsClientGoesAway() {
        Sinks.One<String> slow = Sinks.one();
        cache.execute("t", "k", digest("b"), slow::asMono).subscribe().dispose();
        slow.tryEmitValue("stored");

        assertThat(run("t", "k", "b", "again").block(TIMEOUT))
                .isEqualTo(new IdempotencyCache.Outcome<>("stored", true));
    }

    @Test
    void aFailedRequestIsForgottenSoTheRetryRunsAgain() {
        StepVerifier.create(cache.execute("t", "k", digest("b"), () -> Mono.error(new IllegalStateException("disk"))))
                .expectErrorMessage("disk")
                .verify(TIMEOUT);
        assertThat(run("t", "k", "b", "ok").block(TIMEOUT)).isEqualTo(new IdempotencyCache.Outcome<>("ok", false));
    }

    @Test
    void anActionThatThrowsIsAFailureToo() {
        StepVerifier.create(cache.<String>execute("t", "k", digest("b"), () -> {
                    throw new IllegalArgumentException("bad");
                }))
                .expectErrorMessage("bad")
                .verify(TIMEOUT);
        assertThat(cache.size()).isZero();
    }

    @Test
    void keysExpireAfterTheWindow() {
        run("t", "k", "b", "first").block(TIMEOUT);
        now.addAndGet(Duration.ofMinutes(10).toNanos() - 1);
        assertThat(run("t", "k", "b", "second").block(TIMEOUT).replayed()).isTrue();
        now.addAndGet(1);
        assertThat(run("t", "k", "b", "third").block(TIMEOUT))
                .isEqualTo(new IdempotencyCache.Outcome<>("third", false));
    }

    @Test
    void theOldestKeyIsForgottenWhenFull() {
        for (int i = 0; i < 4; i++) {
            now.addAndGet(1);
            run("t", "k" + i, "b", "v" + i).block(TIMEOUT);
        }
        assertThat(cache.size()).isEqualTo(3);
        assertThat(run("t", "k3", "b", "x").block(TIMEOUT).replayed()).isTrue();
        assertThat(run("t", "k0", "b", "x").block(TIMEOUT).replayed()).isFalse();
    }

    @Test
    void aStreamClaimHasOneOwnerAndOthersGetItsOriginal() {
        IdempotencyCache.StreamClaim first = cache.claimStream("t", "s");
        IdempotencyCache.StreamClaim retry = cache.claimStream("t", "s");
        assertThat(first.owner()).isTrue();
        assertThat(retry.owner()).isFalse();

        StepVerifier.create(retry.original())
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(30))
                .then(() -> first.complete(new IdempotencyCache.StreamDigest(3, digest("abc"), true), "answer"))
                .assertNext(original -> {
                    assertThat(original.isStream()).isTrue();
                    assertThat(original.stream().length()).isEqualTo(3);
                    assertThat(original.answer()).isEqualTo("answer");
                })
                .expectComplete()
                .verify(TIMEOUT);
        StepVerifier.create(run("t", "s", "abc", "x"))
                .expectError(IdempotencyKeyReusedException.class)
                .verify(TIMEOUT);
    }

    @Test
    void anAbandonedStreamClaimFreesTheKey() {
        IdempotencyCache.StreamClaim first = cache.claimStream("t", "s");
        IdempotencyCache.StreamClaim waiting = cache.claimStream("t", "s");
        first.abandon(new IllegalStateException("disk"));
        StepVerifier.create(waiting.original()).expectErrorMessage("disk").verify(TIMEOUT);
        assertThat(cache.claimStream("t", "s").owner()).isTrue();
    }

    @Test
    void aStreamRetryOfAWholeBodyRequestSeesItIsNotAStream() {
        run("t", "k", "b", "json answer").block(TIMEOUT);
        IdempotencyCache.Original original = cache.claimStream("t", "k").original().block(TIMEOUT);
        assertThat(original.isStream()).isFalse();
    }

    @Test
    void keysAreVisibleAsciiUpTo255Characters() {
        assertThat(IdempotencyKeys.validate("\"8e03978e-40d5-43e8-bc93-6894a57f9324\""))
                .isEqualTo("8e03978e-40d5-43e8-bc93-6894a57f9324");
        assertThat(IdempotencyKeys.validate("a".repeat(255))).hasSize(255);
        assertThatThrownBy(() -> IdempotencyKeys.validate("")).isInstanceOf(InvalidIdempotencyKeyException.class);
        assertThatThrownBy(() -> IdempotencyKeys.validate("a".repeat(256)))
                .isInstanceOf(InvalidIdempotencyKeyException.class);
        assertThatThrownBy(() -> IdempotencyKeys.validate("a b")).isInstanceOf(InvalidIdempotencyKeyException.class)
                .hasMessageContaining("character 1");
    }

    @Test
    void theDigestSeparatesTargetFromBody() {
        byte[] a = RequestDigest.of("/v1/topics/t/records", "x".getBytes(StandardCharsets.UTF_8));
        byte[] b = RequestDigest.of("/v1/topics/t/recordsx", new byte[0]);
        assertThat(a).isNotEqualTo(b).hasSize(32);
        assertThat(RequestDigest.of("/v1/topics/t/records", "x".getBytes(StandardCharsets.UTF_8))).isEqualTo(a);
    }

    private Mono<IdempotencyCache.Outcome<String>> run(String topic, String key, String body, String answer) {
        return cache.execute(topic, key, digest(body), () -> {
            runs.incrementAndGet();
            return Mono.just(answer);
        });
    }

    private static byte[] digest(String body) {
        return RequestDigest.of("/v1/topics/t/records application/json", body.getBytes(StandardCharsets.UTF_8));
    }
}
