package dev.backbone.spring.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class BackoffPolicyTest {

    private final BackoffPolicy policy = new BackoffPolicy(4, Duration.ofMillis(100), 3.0, Duration.ofMillis(500));

    @Test
    void waitsGrowByTheMultiplierUpToTheMaximum() {
        assertThat(policy.backoffAfter(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(policy.backoffAfter(2)).isEqualTo(Duration.ofMillis(300));
        assertThat(policy.backoffAfter(3)).isEqualTo(Duration.ofMillis(500));
        assertThat(policy.backoffAfter(60)).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void retriesUntilMaxAttemptsFailed() {
        assertThat(policy.retriesAfter(3)).isTrue();
        assertThat(policy.retriesAfter(4)).isFalse();
        assertThat(new BackoffPolicy(1, Duration.ZERO, 1.0, Duration.ZERO).retriesAfter(1)).isFalse();
    }

    @Test
    void refusesSettingsThatMakeNoSense() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new BackoffPolicy(0, Duration.ZERO, 2.0, Duration.ZERO))
                .withMessageContaining("maxAttempts");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new BackoffPolicy(3, Duration.ZERO, 0.5, Duration.ZERO))
                .withMessageContaining("multiplier");
    }
}
