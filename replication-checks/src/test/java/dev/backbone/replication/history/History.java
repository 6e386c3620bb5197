package dev.backbone.replication.history;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the clients of a test did and saw, with invoke and complete times, and the faults injected meanwhile: the
 * input of {@link AnomalyChecker}. Times are nanoseconds since the history began ({@link #now()}).
 *
 * <p>Thread safety: thread-safe; many clients record into one history.
 */
public final class History {

    private final long startNanos = System.nanoTime();
    private final List<Send> sends = new ArrayList<>();
    private final List<Poll> polls = new ArrayList<>();
    private final List<String> faults = new ArrayList<>();
    private long healedNanos = -1;

    /** Nanoseconds since the history began. */
    public long now() {
        return System.nanoTime() - startNanos;
    }

    public synchronized void add(Send send) {
        sends.add(send);
    }

    public synchronized void add(Poll poll) {
        polls.add(poll);
    }

    /** Records a fault (or its end) at the current time, for the post-mortem. */
    public synchronized void fault(String description) {
        faults.add(String.format("%10.3f s %s", now() / 1e9, description));
    }

    /** Marks the moment every fault was healed: from here every acknowledged record must be readable in 30 s. */
    public synchronized void markHealed() {
        healedNanos = now();
        fault("healed");
    }

    /** Sets the heal time explicitly (hand-made histories). */
    public synchronized void markHealed(long nanos) {
        healedNanos = nanos;
    }

    /** When the faults were healed, or -1 if never marked. */
    public synchronized long healedNanos() {
        return healedNanos;
    }

    public synchronized List<Send> sends() {
        return List.copyOf(sends);
    }

    public synchronized List<Poll> polls() {
        return List.copyOf(polls);
    }

    public synchronized List<String> faults() {
        return List.copyOf(faults);
    }

    /** Writes every fault, send and poll as one line each, for the post-mortem of a failed run. */
    public synchronized void writeTo(Path file) {
        List<String> lines = new ArrayList<>(faults);
        sends.forEach(s -> lines.add(s.toString()));
        polls.forEach(p -> lines.add(p.toString()));
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, lines);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the history to " + file, e);
        }
    }
}
