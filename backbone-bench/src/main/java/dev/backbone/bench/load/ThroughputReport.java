package dev.backbone.bench.load;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * What a throughput run moved. Megabytes are 10^6 bytes, the unit {@code dd} prints, so the two compare
 * directly.
 *
 * @param records      records produced or consumed
 * @param payloadBytes record bytes as they travel (batches, or the JSON bodies) on the wire
 * @param requests     HTTP requests made
 * @param elapsedNanos wall-clock time from the first request to the last answer
 */
public record ThroughputReport(String label, long records, long payloadBytes, long requests, long elapsedNanos) {

    public ThroughputReport {
        if (records < 0 || payloadBytes < 0 || requests < 0 || elapsedNanos <= 0) {
            throw new IllegalArgumentException("counts must be >= 0 and elapsed > 0: records=" + records
                    + " bytes=" + payloadBytes + " requests=" + requests + " elapsedNanos=" + elapsedNanos);
        }
    }

    public double seconds() {
        return elapsedNanos / (double) TimeUnit.SECONDS.toNanos(1);
    }

    public double recordsPerSecond() {
        return records / seconds();
    }

    public double megabytesPerSecond() {
        return payloadBytes / 1e6 / seconds();
    }

    public String format() {
        return String.format(Locale.ROOT,
                "%s: %,d records, %,d bytes, %,d requests in %.2f s = %,.0f records/s, %.1f MB/s",
                label, records, payloadBytes, requests, seconds(), recordsPerSecond(), megabytesPerSecond());
    }
}
