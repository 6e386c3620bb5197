package dev.backbone.server.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backbone.server.metrics.QuotaMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Quotas on a clock the test moves: admission, refusal, fetch debt and delay, and the long-run rate. */
class QuotasTest {

    private static final long SECOND = 1_000_000_000L;

    private final AtomicLong clock = new AtomicLong(1_000 * SECOND);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private Quotas quotas(QuotaLimits defaults, Map<String, QuotaLimits> principals, Duration maxFetchDelay) {
        return new Quotas(new Quotas.Settings(defaults, principals, Duration.ofSeconds(1), maxFetchDelay),
                new QuotaMetrics(registry), clock::get);
    }

    @Test
    void aProduceIsAdmittedWhileTheDebtIsWithinTheBurstThenRefusedUntilPaidFor() {
        Quotas quotas = quotas(new QuotaLimits(1000, 0, 0), Map.of(), Duration.ofSeconds(5));
        quotas.admitProduce("alice", 3000);
        QuotaExceededException refused = catchQuota(() -> quotas.admitProduce("alice", 1));
        assertThat(refused.retryAfterSeconds()).isEqualTo(2);
        assertThat(refused.properties()).containsEntry("quota", "produce-bytes").containsEntry("retryAfterMs", 2000L);
        assertThat(refused.headers()).containsEntry("Retry-After", "2");

        clock.addAndGet(2 * SECOND);
        quotas.admitProduce("alice", 500);
        assertThat(registry.get(QuotaMetrics.THROTTLED).tag("principal", "alice").counter().count()).isEqualTo(1);
        assertThat(registry.get(QuotaMetrics.USAGE).tag("principal", "alice").counter().count()).isEqualTo(3500);
    }

    @Test
    void principalsHaveTheirOwnBucketsAndNamedOnesTheirOwnLimits() {
        Quotas quotas = quotas(new QuotaLimits(1000, 0, 0), Map.of("batch-job", QuotaLimits.UNLIMITED),
                Duration.ofSeconds(5));
        quotas.admitProduce("alice", 5000);
        quotas.admitProduce("bob", 5000);
        for (int i = 0; i < 100; i++) {
            quotas.admitProduce("batch-job", 1 << 20);
        }
        assertThatThrownBy(() -> quotas.admitProduce("alice", 1)).isInstanceOf(QuotaExceededException.class);
        assertThat(quotas.enabled()).isTrue();
        assertThat(quotas(QuotaLimits.UNLIMITED, Map.of(), Duration.ZERO).enabled()).isFalse();
    }

    @Test
    void fetchDebtDelaysTheNextReadAndALongerDebtIsRefused() {
        Quotas quotas = quotas(new QuotaLimits(0, 1000, 0), Map.of(), Duration.ofMillis(500));
        assertThat(quotas.fetchDelayNanos("alice")).isZero();
        quotas.chargeFetch("alice", 1300);
        assertThat(quotas.fetchDelayNanos("alice")).isEqualTo(300_000_000L);
        quotas.chargeFetch("alice", 1000);
        QuotaExceededException refused = catchQuota(() -> quotas.fetchDelayNanos("alice"));
        assertThat(refused.properties()).containsEntry("quota", "fetch-bytes");
        clock.addAndGet(SECOND);
        assertThat(quotas.fetchDelayNanos("alice")).isEqualTo(300_000_000L);
        clock.addAndGet(SECOND);
        assertThat(quotas.fetchDelayNanos("alice")).isZero();
    }

    @Test
    void aBodyOfUnknownLengthChargedAsItArrivesRefusesTheNextProduce() {
        Quotas quotas = quotas(new QuotaLimits(1000, 0, 0), Map.of(), Duration.ZERO);
        quotas.chargeProduce("alice", 1500);
        quotas.chargeProduce("alice", 1500);
        assertThat(catchQuota(() -> quotas.admitProduce("alice", 1)).retryAfterSeconds()).isEqualTo(2);
    }

    @Test
    void overALongRunAdmittedUnitsNeverExceedRatePlusBurstPlusOneRequest() {
        long seed = System.nanoTime();
        System.out.println("QuotasTest seed " + seed);
        Random random = new Random(seed);
        long rate = 1 + random.nextInt(100_000);
        Quotas quotas = quotas(new QuotaLimits(rate, 0, 0), Map.of(), Duration.ZERO);
        long start = clock.get();
        long admitted = 0;
        long largest = 0;
        for (int i = 0; i < 100_000; i++) {
            clock.addAndGet(random.nextInt(2_000_000));
            long units = 1 + random.nextInt((int) Math.min(Integer.MAX_VALUE, rate / 10 + 1));
            try {
                quotas.admitProduce("p", units);
                admitted += units;
                largest = Math.max(largest, units);
            } catch (QuotaExceededException e) {
                assertThat(e.retryAfterSeconds()).isPositive();
            }
        }
        double seconds = (clock.get() - start) / (double) SECOND;
        assertThat((double) admitted).as("seed " + seed).isLessThanOrEqualTo(rate * (seconds + 1) + largest);
        assertThat((double) admitted).as("seed " + seed + ": the quota is used, not just refused")
                .isGreaterThan(rate * seconds * 0.5);
    }

    @Test
    void aBucketRefusesBadRates() {
        assertThatThrownBy(() -> new TokenBucket(0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new QuotaLimits(-1, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static QuotaExceededException catchQuota(Runnable call) {
        try {
            call.run();
        } catch (QuotaExceededException e) {
            return e;
        }
        throw new AssertionError("no quota-exceeded");
    }
}
