package dev.backbone.bench.engine;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Bytes and records moved, reported by JMH next to the primary score as rates ("bytes" in ops/s is
 * bytes per second). Per thread, as JMH requires of auxiliary counters.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class ByteCounter {

    public long bytes;
    public long records;

    @Setup(Level.Iteration)
    public void reset() {
        bytes = 0;
        records = 0;
    }
}
