package dev.backbone.bench.load;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waiting on futures with a bound and the original exception; stateless. */
final class Futures {

    /** No single wait in a run is longer: every run is bounded by records or by duration well below it. */
    private static final long MAX_WAIT_MINUTES = 60;

    private Futures() {
    }

    static <T> T await(Future<T> future) throws Exception {
        try {
            return future.get(MAX_WAIT_MINUTES, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new IllegalStateException("gave up after " + MAX_WAIT_MINUTES + " minutes", e);
        }
    }
}
