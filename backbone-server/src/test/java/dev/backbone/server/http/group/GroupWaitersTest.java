package dev.backbone.server.http.group;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;

class GroupWaitersTest {

    private final GroupWaiters waiters = new GroupWaiters();

    @Test
    void aRebalanceWakesOnlyThatGroupsWaiters() throws Exception {
        CompletableFuture<Boolean> billing = waiters.await("billing", Duration.ofSeconds(30)).toFuture();
        CompletableFuture<Boolean> shipping = waiters.await("shipping", Duration.ofSeconds(30)).toFuture();
        assertThat(waiters.waiting()).isEqualTo(2);

        waiters.accept("billing");

        assertThat(billing.get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(shipping).isNotDone();
        assertThat(waiters.waiting()).isEqualTo(1);
        waiters.close();
        assertThat(shipping.get(5, TimeUnit.SECONDS)).isFalse();
        assertThat(waiters.waiting()).isZero();
    }

    @Test
    void theWaitEndsWithFalseAndLeavesNothingBehind() {
        Boolean woken = waiters.await("billing", Duration.ofMillis(50)).block(Duration.ofSeconds(5));

        assertThat(woken).isFalse();
        assertThat(waiters.waiting()).isZero();
    }

    @Test
    void aCancelledWaiterIsReleased() {
        Disposable subscription = waiters.await("billing", Duration.ofSeconds(30)).subscribe();
        assertThat(waiters.waiting()).isEqualTo(1);

        subscription.dispose();

        assertThat(waiters.waiting()).isZero();
    }

    @Test
    void afterCloseWaitsAnswerAtOnce() {
        waiters.close();

        assertThat(waiters.await("billing", Duration.ofSeconds(30)).block(Duration.ofSeconds(5))).isFalse();
        assertThat(waiters.await("billing", Duration.ZERO).block(Duration.ofSeconds(5))).isFalse();
    }
}
