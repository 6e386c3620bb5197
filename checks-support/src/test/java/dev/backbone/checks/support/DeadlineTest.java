package dev.backbone.checks.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DeadlineTest {

    @Test
    void returnsTheFirstValueTheProbeGives() {
        AtomicInteger calls = new AtomicInteger();

        String value = Deadline.await("the third call", Duration.ofSeconds(10),
                () -> calls.incrementAndGet() == 3 ? Optional.of("ready") : Optional.empty());

        assertThat(value).isEqualTo("ready");
        assertThat(calls).hasValue(3);
    }

    @Test
    void timesOutNamingWhatItAwaitedAndTheLastError() {
        assertThatThrownBy(() -> Deadline.await("a broker that never answers", Duration.ofMillis(300), () -> {
            throw new IllegalStateException("connection refused");
        })).isInstanceOf(AssertionError.class)
                .hasMessageContaining("a broker that never answers")
                .hasMessageContaining("connection refused")
                .hasCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void anAssertionErrorFromTheProbeEndsTheWaitAtOnce() {
        AtomicInteger calls = new AtomicInteger();

        assertThatThrownBy(() -> Deadline.await("a process that exited", Duration.ofSeconds(30), () -> {
            calls.incrementAndGet();
            throw new AssertionError("exited");
        })).isInstanceOf(AssertionError.class).hasMessage("exited");
        assertThat(calls).hasValue(1);
    }
}
