package dev.backbone.bench.starter;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * CPU time this JVM used (all threads: application, I/O, JIT compilers, GC) between two points, per record: on a
 * shared machine, where throughput depends on the share of the cores a process gets, this is the figure that
 * compares two clients. Not thread-safe; one per measured phase.
 */
final class ProcessCpu {

    private final long startNanos = cpuNanos();

    /** A line for the report: CPU seconds since construction and microseconds per record. */
    String report(long records) {
        long used = cpuNanos() - startNanos;
        return String.format(Locale.ROOT, "client JVM CPU in the timed phase: %.2f s, %.1f us per record",
                used / 1e9, used / 1e3 / Math.max(1, records));
    }

    private static long cpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return 0;
    }
}
