package dev.backbone.bench.starter;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * When each event of a latency run was published, acknowledged and handled, written one line per event, so that the
 * slow events of a run can be placed in time: during the JVM's warm-up, at a GC pause (the JVM's uptime at the
 * start lines the trace up with GC and safepoint logs), in bursts or spread out.
 *
 * <p>Each slot is written by one thread (the pacer, the thread completing the publish, the listener) and read
 * after the run, once every event has arrived or the wait for them has ended.
 */
final class EventTrace {

    private final long startNanos = System.nanoTime();

    private final long startUptimeMillis = ManagementFactory.getRuntimeMXBean().getUptime();

    private final long[] sent;

    private final long[] acknowledged;

    private final long[] handled;

    /** A trace with room for events numbered 1 to {@code events}. */
    EventTrace(int events) {
        sent = new long[events + 1];
        acknowledged = new long[events + 1];
        handled = new long[events + 1];
    }

    void sent(long id, long nanos) {
        put(sent, id, nanos);
    }

    void acknowledged(long id, long nanos) {
        put(acknowledged, id, nanos);
    }

    void handled(long id, long nanos) {
        put(handled, id, nanos);
    }

    private static void put(long[] times, long id, long nanos) {
        if (id > 0 && id < times.length) {
            times[(int) id] = nanos;
        }
    }

    /** Writes the events up to {@code last}: times in microseconds from the start of the run, 0 for never. */
    void write(Path file, long last) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("# started at JVM uptime " + startUptimeMillis + " ms");
        lines.add("id\tsent_us\tack_us\thandled_us");
        for (int id = 1; id <= Math.min(last, sent.length - 1); id++) {
            lines.add(id + "\t" + micros(sent[id]) + "\t" + micros(acknowledged[id]) + "\t" + micros(handled[id]));
        }
        Files.write(file, lines);
    }

    private long micros(long nanos) {
        return nanos == 0 ? 0 : (nanos - startNanos) / 1_000;
    }
}
