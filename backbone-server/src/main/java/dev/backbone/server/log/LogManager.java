package dev.backbone.server.log;

import dev.backbone.server.log.io.DurableFiles;
import dev.backbone.server.log.io.OpenFileBudget;
import dev.backbone.server.log.io.StorageFiles;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The partition logs under one data directory: opens and recovers them, runs retention and checkpoints in the
 * background, owns the group-commit flusher, and marks a clean shutdown.
 *
 * <pre>
 *  data-dir/
 *    .lock                                   held while a LogManager has the directory
 *    .clean-shutdown                         present only between a clean close and the next start
 *    recovery-point-offset-checkpoint        per partition: all data below this offset is fsynced
 *    log-start-offset-checkpoint             per partition: the first offset still in the log
 *    orders-0/                               one directory per partition: &lt;topic&gt;-&lt;partition&gt;
 *      00000000000000000000.log  .index  .timeindex
 *      00000000000000052113.log  .index  .timeindex     (the active segment)
 *    orders-1/ ...
 *    payments-0.1a2b3c-delete/               a deleted partition, removed after the file delete delay
 * </pre>
 *
 * <p>Threads: one flusher thread (fsyncs for every partition, see {@link Flusher}) and one background thread for
 * retention, checkpoints and delayed file deletion. Thread safety: all methods may be called from any thread;
 * opening, deleting and checkpointing are serialized on one lock, appends and reads only touch their partition.
 */
public final class LogManager implements AutoCloseable {

    static final String RECOVERY_POINT_CHECKPOINT = "recovery-point-offset-checkpoint";
    static final String LOG_START_CHECKPOINT = "log-start-offset-checkpoint";
    static final String CLEAN_SHUTDOWN_MARKER = ".clean-shutdown";
    static final String LOCK_FILE = ".lock";
    static final String DELETE_SUFFIX = "-delete";

    private static final System.Logger LOG = System.getLogger(LogManager.class.getName());
    private static final Pattern PARTITION_DIRECTORY = Pattern.compile("(.+)-(\\d{1,9})");

    private final Path dataDir;
    private final LogManagerOptions options;
    private final StorageFiles files;
    private final DurableFiles durable;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final boolean cleanShutdown;
    private final CheckpointFile recoveryPointFile;
    private final CheckpointFile logStartFile;
    private final Map<TopicPartition, Long> recoveryPoints;
    private final Map<TopicPartition, Long> logStarts;
    private final Set<TopicPartition> onDisk = ConcurrentHashMap.newKeySet();
    private final Set<TopicPartition> openedOnce = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<TopicPartition, LocalPartitionLog> logs = new ConcurrentHashMap<>();
    private final Flusher flusher;
    private final ScheduledThreadPoolExecutor scheduler;
    private final OpenFileBudget openFiles;
    private final Object lifecycle = new Object();
    private boolean closed;

    public LogManager(Path dataDir, LogManagerOptions options) throws IOException {
        this.dataDir = Objects.requireNonNull(dataDir, "dataDir").toAbsolutePath();
        this.options = Objects.requireNonNull(options, "options");
        this.files = options.files();
        this.durable = new DurableFiles(files);
        durable.createDirectories(this.dataDir);
        this.lockChannel = files.open(this.dataDir.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock acquired;
        try {
            acquired = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            acquired = null;
        }
        if (acquired == null) {
            lockChannel.close();
            throw new IOException("data directory " + this.dataDir + " is in use by another log manager");
        }
        this.lock = acquired;
        Path marker = this.dataDir.resolve(CLEAN_SHUTDOWN_MARKER);
        this.recoveryPointFile = new CheckpointFile(durable, this.dataDir.resolve(RECOVERY_POINT_CHECKPOINT));
        this.logStartFile = new CheckpointFile(durable, this.dataDir.resolve(LOG_START_CHECKPOINT));
        try {
            this.cleanShutdown = files.exists(marker);
            this.recoveryPoints = new HashMap<>(recoveryPointFile.read());
            this.logStarts = new HashMap<>(logStartFile.read());
            scanDataDirectory();
            if (cleanShutdown) {
                // From now on a crash must lead to recovery: the marker goes before the first append.
                durable.delete(marker);
            }
        } catch (IOException | RuntimeException e) {
            // Give the directory back, or this JVM could never open it again.
            try {
                acquired.release();
                lockChannel.close();
            } catch (IOException closeFailure) {
                e.addSuppressed(closeFailure);
            }
            throw e;
        }
        LOG.log(System.Logger.Level.INFO, "Log manager on {0}: {1} partition(s) on disk, {2} shutdown", this.dataDir,
                onDisk.size(), cleanShutdown ? "clean" : "unclean (recovery scans after the recovery points)");
        this.flusher = new Flusher("backbone-log-flusher");
        this.scheduler = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "backbone-log-background");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        scheduler.setRemoveOnCancelPolicy(true);
        this.openFiles = new OpenFileBudget(options.resolvedMaxOpenSegmentFiles(), scheduler);
        long intervalMs = options.retentionCheckInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::backgroundTasks, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    private void scanDataDirectory() throws IOException {
        List<Path> candidates = new ArrayList<>();
        for (Path entry : files.list(dataDir)) {
            if (!files.isDirectory(entry)) {
                continue;
            }
            String name = entry.getFileName().toString();
            if (name.endsWith(DELETE_SUFFIX)) {
                deleteRecursively(files, entry);
                continue;
            }
            if (PARTITION_DIRECTORY.matcher(name).matches()) {
                candidates.add(entry);
            }
        }
        for (ParallelTasks.Outcome<Path, Boolean> listed : ParallelTasks.runAll("backbone-log-scan", candidates,
                this::holdsSegments)) {
            if (listed.failure() instanceof IOException e) {
                throw e;
            } else if (listed.failure() != null) {
                throw new IOException("listing " + listed.item() + " failed", listed.failure());
            }
            if (listed.value()) {
                Matcher matcher = PARTITION_DIRECTORY.matcher(listed.item().getFileName().toString());
                matcher.matches();
                onDisk.add(new TopicPartition(matcher.group(1), Integer.parseInt(matcher.group(2))));
            }
        }
    }

    /** A partition directory always holds a segment; this tells it apart from other directories named x-1. */
    private boolean holdsSegments(Path dir) throws IOException {
        for (Path file : files.list(dir)) {
            if (file.getFileName().toString().endsWith(SegmentFiles.LOG_SUFFIX)) {
                return true;
            }
        }
        return false;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Segment and key chain files open now (see {@link LogManagerOptions#maxOpenSegmentFiles}). */
    public int openSegmentFiles() {
        return openFiles.openCount();
    }

    /** The bound on open segment and key chain files in force. */
    public int maxOpenSegmentFiles() {
        return openFiles.maxOpen();
    }

    public LogManagerOptions options() {
        return options;
    }

    /** Whether the previous run ended with a clean close (so logs were opened without a recovery scan). */
    public boolean startedAfterCleanShutdown() {
        return cleanShutdown;
    }

    /**
     * The open log of {@code tp}, or a newly opened one: an existing directory is loaded (and recovered after a
     * crash), a missing one is created. An already open log is returned as it is, {@code config} then ignored.
     */
    public PartitionLog openOrCreate(TopicPartition tp, LogConfig config) throws IOException {
        Objects.requireNonNull(tp, "tp");
        Objects.requireNonNull(config, "config");
        checkDirectoryName(tp);
        synchronized (lifecycle) {
            ensureOpen();
            return openLocked(tp, config);
        }
    }

    /**
     * {@link #openOrCreate} for many partitions at once, on a few threads (see {@link ParallelTasks}): how a broker
     * with thousands of partitions starts in seconds. When one cannot be opened, those this call opened are closed
     * again and the first failure is thrown.
     *
     * @return the open log of every partition asked for
     */
    public Map<TopicPartition, PartitionLog> openAll(Map<TopicPartition, LogConfig> wanted) throws IOException {
        wanted.forEach((tp, config) -> {
            Objects.requireNonNull(config, "config");
            checkDirectoryName(tp);
        });
        synchronized (lifecycle) {
            ensureOpen();
            List<TopicPartition> toOpen = new ArrayList<>();
            for (TopicPartition tp : wanted.keySet()) {
                if (!logs.containsKey(tp)) {
                    toOpen.add(tp);
                }
            }
            // The threads run under this thread's hold of the lifecycle lock: nothing else opens, deletes or closes.
            List<ParallelTasks.Outcome<TopicPartition, LocalPartitionLog>> outcomes = ParallelTasks.runAll(
                    "backbone-log-open", toOpen, tp -> openLocked(tp, wanted.get(tp)));
            failIfAnyFailed(outcomes);
            Map<TopicPartition, PartitionLog> opened = new HashMap<>();
            for (TopicPartition tp : wanted.keySet()) {
                opened.put(tp, logs.get(tp));
            }
            return opened;
        }
    }

    private void failIfAnyFailed(List<ParallelTasks.Outcome<TopicPartition, LocalPartitionLog>> outcomes)
            throws IOException {
        Exception failure = null;
        for (ParallelTasks.Outcome<TopicPartition, LocalPartitionLog> outcome : outcomes) {
            if (outcome.failure() != null && failure == null) {
                failure = outcome.failure();
            }
        }
        if (failure == null) {
            return;
        }
        for (ParallelTasks.Outcome<TopicPartition, LocalPartitionLog> outcome : outcomes) {
            if (outcome.value() != null) {
                logs.remove(outcome.item());
                closeAfterFailure(outcome.value(), failure);
            }
        }
        if (failure instanceof IOException io) {
            throw io;
        }
        throw (RuntimeException) failure;
    }

    /** lifecycle held by this thread or by the thread that runs this on a pool. */
    private LocalPartitionLog openLocked(TopicPartition tp, LogConfig config) throws IOException {
        LocalPartitionLog existing = logs.get(tp);
        if (existing != null) {
            return existing;
        }
        Path dir = dataDir.resolve(tp.directoryName());
        boolean existed = files.isDirectory(dir);
        LocalPartitionLog log = null;
        try {
            log = LocalPartitionLog.open(files, openFiles, tp, dir, config,
                    recoveryPoints.getOrDefault(tp, 0L), cleanShutdown, logStarts.getOrDefault(tp, -1L),
                    options.clock(), flusher, scheduler, options.fileDeleteDelay());
            if (!existed) {
                durable.syncDirectory(dataDir);
            }
        } catch (IOException | RuntimeException e) {
            if (log != null) {
                closeAfterFailure(log, e);
            }
            if (!existed) {
                removeHalfCreated(dir, e);
            }
            throw e;
        }
        logs.put(tp, log);
        openedOnce.add(tp);
        return log;
    }

    private static void closeAfterFailure(LocalPartitionLog log, Exception failure) {
        try {
            log.close();
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /** A partition that failed while being created leaves no directory behind (it would be adopted at start). */
    private void removeHalfCreated(Path dir, Exception failure) {
        try {
            deleteRecursively(files, dir);
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    private static void checkDirectoryName(TopicPartition tp) {
        String topic = tp.topic();
        if (topic.isEmpty() || topic.equals(".") || topic.equals("..") || topic.indexOf('/') >= 0
                || topic.indexOf('\\') >= 0 || topic.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("topic name " + topic + " cannot name a directory");
        }
    }

    public Optional<PartitionLog> partition(TopicPartition tp) {
        return Optional.ofNullable(logs.get(tp));
    }

    public Collection<PartitionLog> partitions() {
        return List.copyOf(logs.values());
    }

    /** The partition directories found when this manager started (less those deleted since). */
    public Set<TopicPartition> existingOnDisk() {
        return Set.copyOf(onDisk);
    }

    /** Replaces the settings of an open log; they apply to the next append, roll and retention check. */
    public void updateConfig(TopicPartition tp, LogConfig config) {
        Objects.requireNonNull(config, "config");
        LocalPartitionLog log = logs.get(tp);
        if (log == null) {
            throw new IllegalArgumentException("no open log for " + tp);
        }
        log.updateConfig(config);
    }

    /**
     * Closes the log of {@code tp} and removes its directory: renamed at once (so it is gone for a restart) and
     * deleted after the file delete delay.
     */
    public void delete(TopicPartition tp) throws IOException {
        synchronized (lifecycle) {
            ensureOpen();
            LocalPartitionLog log = logs.remove(tp);
            if (log != null) {
                log.close();
            }
            recoveryPoints.remove(tp);
            logStarts.remove(tp);
            onDisk.remove(tp);
            Path dir = dataDir.resolve(tp.directoryName());
            if (files.isDirectory(dir)) {
                Path doomed = dataDir.resolve(tp.directoryName() + "." + Long.toHexString(System.nanoTime())
                        + DELETE_SUFFIX);
                files.moveAtomically(dir, doomed);
                durable.syncDirectory(dataDir);
                scheduler.schedule(() -> deleteQuietly(doomed), options.fileDeleteDelay().toMillis(),
                        TimeUnit.MILLISECONDS);
            }
            writeCheckpoints();
        }
    }

    /** Registers a listener of every fsync of every partition (for metrics). */
    public void addFlushListener(FlushListener listener) {
        flusher.addListener(Objects.requireNonNull(listener, "listener"));
    }

    public void removeFlushListener(FlushListener listener) {
        flusher.removeListener(listener);
    }

    /** Runs retention on every open log now (the background task does the same on its interval). */
    public int applyRetention() {
        int deleted = 0;
        long nowMs = options.clock().millis();
        for (LocalPartitionLog log : logs.values()) {
            try {
                deleted += log.applyRetention(nowMs);
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "retention of " + log.topicPartition() + " failed", e);
            }
        }
        return deleted;
    }

    /** Writes the recovery-point and log-start checkpoints now. */
    public void checkpoint() throws IOException {
        synchronized (lifecycle) {
            if (!closed) {
                writeCheckpoints();
            }
        }
    }

    private void backgroundTasks() {
        applyRetention();
        try {
            checkpoint();
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "writing checkpoints in " + dataDir + " failed", e);
        }
    }

    /** lifecycle held. Partitions not opened in this run keep the values read at start. */
    private void writeCheckpoints() throws IOException {
        for (LocalPartitionLog log : logs.values()) {
            recoveryPoints.put(log.topicPartition(), log.recoveryPoint());
            logStarts.put(log.topicPartition(), log.logStartOffset());
        }
        recoveryPointFile.write(recoveryPoints);
        logStartFile.write(logStarts);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("log manager on " + dataDir + " is closed");
        }
    }

    /**
     * Closes every log (flushing it), writes the checkpoints and, when all went well and every partition found at
     * start was opened (and so recovered) in this run, the clean-shutdown marker.
     */
    @Override
    public void close() throws IOException {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
        }
        // Outside the lock: a running background task may be waiting for it (and then sees closed).
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.log(System.Logger.Level.WARNING, "background task of " + dataDir + " did not finish in 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (lifecycle) {
            IOException problem = null;
            boolean clean = cleanShutdown || openedOnce.containsAll(onDisk);
            // Each close may fsync a few files: many at once keep the disk busy instead of waiting for it in turn.
            for (ParallelTasks.Outcome<LocalPartitionLog, Boolean> closed : ParallelTasks.runAll("backbone-log-close",
                    new ArrayList<>(logs.values()), log -> {
                        log.close();
                        return log.closedCleanly();
                    })) {
                if (closed.failure() instanceof IOException e) {
                    problem = first(problem, e);
                } else if (closed.failure() != null) {
                    problem = first(problem, new IOException("closing " + closed.item().topicPartition()
                            + " failed", closed.failure()));
                }
                clean &= closed.failure() == null && closed.value();
            }
            try {
                writeCheckpoints();
            } catch (IOException e) {
                problem = first(problem, e);
                clean = false;
            }
            flusher.close();
            if (clean && problem == null) {
                try {
                    files.createFile(dataDir.resolve(CLEAN_SHUTDOWN_MARKER));
                    durable.syncDirectory(dataDir);
                } catch (IOException e) {
                    problem = e;
                }
            }
            try {
                lock.release();
                lockChannel.close();
            } catch (IOException e) {
                problem = first(problem, e);
            }
            if (problem != null) {
                throw problem;
            }
        }
    }

    private static IOException first(IOException existing, IOException next) {
        if (existing == null) {
            return next;
        }
        existing.addSuppressed(next);
        return existing;
    }

    private void deleteQuietly(Path dir) {
        try {
            deleteRecursively(files, dir);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "could not remove deleted partition directory " + dir, e);
        }
    }

    /** Removes a directory tree; not durable by itself (a restart finishes what a power cut interrupts). */
    static void deleteRecursively(StorageFiles files, Path root) throws IOException {
        if (!files.exists(root)) {
            return;
        }
        if (files.isDirectory(root)) {
            for (Path entry : files.list(root)) {
                deleteRecursively(files, entry);
            }
        }
        files.deleteIfExists(root);
    }

    @Override
    public String toString() {
        return "LogManager[" + dataDir + ", " + logs.size() + " open logs]";
    }
}
