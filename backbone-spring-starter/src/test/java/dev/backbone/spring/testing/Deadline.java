package dev.backbone.spring.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition until it holds or a deadline passes; never waits without bound. */
public final class Deadline {

    private Deadline() {
    }

    /**
     * Waits until the condition holds.
     *
     * @param timeout   the longest wait
     * @param what      what is awaited, for the failure message
     * @param condition the condition
     * @throws AssertionError when the time ran out
     */
    public static void await(Duration timeout, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }
}
