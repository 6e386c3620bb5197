package dev.backbone.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

    @Test
    void dueTimesFollowTheScheduleWithoutDrift() {
        RateLimiter limiter = new RateLimiter(3, 1_000);

        assertThat(limiter.takeNext()).isEqualTo(1_000);
        assertThat(limiter.takeNext()).isEqualTo(1_000 + 333_333_333);
        assertThat(limiter.takeNext()).isEqualTo(1_000 + 666_666_667);
        // The thousandth second is exact: rounding errors do not add up.
        assertThat(limiter.dueNanos(3_000)).isEqualTo(1_000 + TimeUnit.SECONDS.toNanos(1_000));
        assertThat(limiter.nextOperation()).isEqualTo(3);
    }

    @Test
    void backlogCountsOperationsDueButNotTaken() {
        long start = 5_000_000;
        RateLimiter limiter = new RateLimiter(1_000, start);

        assertThat(limiter.backlog(start - 1)).isZero();
        assertThat(limiter.backlog(start)).isEqualTo(1);
        assertThat(limiter.backlog(start + TimeUnit.MILLISECONDS.toNanos(10))).isEqualTo(11);
        for (int i = 0; i < 11; i++) {
            limiter.takeNext();
        }
        assertThat(limiter.backlog(start + TimeUnit.MILLISECONDS.toNanos(10))).isZero();
        assertThat(limiter.backlog(start + TimeUnit.MILLISECONDS.toNanos(15))).isEqualTo(5);
    }

    @Test
    void awaitNextWaitsUntilDueAndNeverReturnsEarly() {
        long start = System.nanoTime();
        RateLimiter limiter = new RateLimiter(200, start);

        long last = 0;
        for (int i = 0; i < 10; i++) {
            long due = limiter.awaitNext();
            assertThat(System.nanoTime()).isGreaterThanOrEqualTo(due);
            last = due;
        }
        assertThat(last - start).isEqualTo(TimeUnit.MILLISECONDS.toNanos(45));
    }

    @Test
    void rejectsImpossibleRates() {
        assertThatThrownBy(() -> new RateLimiter(0, 0)).hasMessageContaining("positive");
        assertThatThrownBy(() -> new RateLimiter(Double.NaN, 0)).hasMessageContaining("positive");
        assertThatThrownBy(() -> new RateLimiter(Double.POSITIVE_INFINITY, 0)).hasMessageContaining("positive");
    }
}
