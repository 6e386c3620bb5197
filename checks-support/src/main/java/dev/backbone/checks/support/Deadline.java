package dev.backbone.checks.support;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Polls a condition until it holds or a deadline passes: every wait in the checks is bounded, and a timeout says
 * what was awaited and what was last seen.
 *
 * <p>Thread safety: stateless.
 */
public final class Deadline {

    private static final Duration POLL = Duration.ofMillis(100);

    private Deadline() {
    }

    /**
     * Calls {@code probe} until it returns a value, and returns that value; {@code probe} answers empty while the
     * awaited state is not there yet (an exception counts as not yet, and is reported if time runs out; an
     * {@link AssertionError} ends the wait at once).
     */
    public static <T> T await(String what, Duration timeout, Supplier<Optional<T>> probe) {
        long end = System.nanoTime() + timeout.toNanos();
        Throwable last = null;
        while (true) {
            try {
                Optional<T> value = probe.get();
                if (value.isPresent()) {
                    return value.get();
                }
            } catch (RuntimeException e) {
                last = e;
            }
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("Timed out after " + timeout + " waiting for " + what
                        + (last == null ? "" : "; last error: " + last), last);
            }
            sleep(POLL, "waiting for " + what);
        }
    }

    /** Sleeps, turning an interrupt into a test failure (the test is being torn down). */
    public static void sleep(Duration duration) {
        sleep(duration, "sleeping " + duration);
    }

    private static void sleep(Duration duration, String doing) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted " + doing, e);
        }
    }
}
