package dev.backbone.server.audit;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import dev.backbone.server.error.BackboneException;
import dev.backbone.server.error.ProblemType;
import dev.backbone.server.log.ParallelTasks;
import dev.backbone.server.log.PartitionLog;
import dev.backbone.server.log.TopicPartition;
import dev.backbone.server.topic.Topic;
import dev.backbone.server.topic.TopicConfig;
import dev.backbone.server.topic.TopicListener;
import dev.backbone.server.topic.TopicRegistry;

/**
 * The audit chains of every partition of every topic with {@code audit.chain=true}: attached to a partition's
 * log when the topic is opened or created, closed when it is deleted or the broker stops.
 *
 * <p>Rolled chain files are fsynced on one background thread, so an append that rolls a segment never waits
 * for it.
 *
 * <p>Thread safety: thread safe; the registry's listener calls and lookups from requests may run at once.
 */
public final class AuditChains implements TopicListener, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(AuditChains.class.getName());

    private final TopicRegistry registry;
    private final Map<TopicPartition, PartitionChain> chains = new ConcurrentHashMap<>();
    private final Map<TopicPartition, String> failures = new ConcurrentHashMap<>();
    private final ExecutorService syncExecutor = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "backbone-audit-sync");
        thread.setDaemon(true);
        return thread;
    });

    /** Attaches chains to the audited topics that exist now and to those created later. */
    public AuditChains(TopicRegistry registry) {
        this.registry = registry;
        registry.addListener(this);
    }

    @Override
    public void topicCreated(Topic topic) {
        if (!topic.config().auditChain()) {
            return;
        }
        for (PartitionLog log : topic.partitions()) {
            TopicPartition tp = log.topicPartition();
            chains.computeIfAbsent(tp, key -> {
                try {
                    PartitionChain chain = PartitionChain.attach(log, syncExecutor);
                    failures.remove(tp);
                    return chain;
                } catch (IOException | RuntimeException e) {
                    // The topic still works; its chain endpoints answer 503 until a restart opens the chain.
                    LOG.log(Level.ERROR, "could not open the audit chain of " + tp, e);
                    failures.put(tp, e.toString());
                    return null;
                }
            });
        }
    }

    @Override
    public void topicDeleted(String name) {
        for (TopicPartition tp : List.copyOf(chains.keySet())) {
            if (tp.topic().equals(name)) {
                closeQuietly(chains.remove(tp));
            }
        }
        failures.keySet().removeIf(tp -> tp.topic().equals(name));
    }

    /**
     * The chain of one partition.
     *
     * @throws dev.backbone.server.topic.UnknownTopicException     when there is no such topic
     * @throws dev.backbone.server.topic.UnknownPartitionException when the topic has no such partition
     * @throws BackboneException {@link ProblemType#AUDIT_CHAIN_DISABLED} when the topic keeps no chain;
     *                           {@link ProblemType#UNAVAILABLE} when its chain could not be opened
     */
    public PartitionChain chain(String topicName, int partition) {
        Topic topic = registry.require(topicName);
        TopicPartition tp = topic.partition(partition).topicPartition();
        if (!topic.config().auditChain()) {
            throw new BackboneException(ProblemType.AUDIT_CHAIN_DISABLED, "topic '" + topicName
                    + "' keeps no audit chain; create it with config " + TopicConfig.AUDIT_CHAIN + "=true",
                    Map.of("topic", topicName, "partition", partition));
        }
        PartitionChain chain = chains.get(tp);
        if (chain == null) {
            throw new BackboneException(ProblemType.UNAVAILABLE, "the audit chain of " + tp
                    + " could not be opened: " + failures.getOrDefault(tp, "it is not open yet"),
                    Map.of("topic", topicName, "partition", partition));
        }
        return chain;
    }

    /** Closes every chain (fsyncing the active chain files) and waits for rolled files to be fsynced. */
    @Override
    public void close() {
        registry.removeListener(this);
        // Each close fsyncs its active chain file: many at once keep the disk busy instead of waiting in turn.
        ParallelTasks.runAll("backbone-audit-close", List.copyOf(chains.keySet()), tp -> {
            closeQuietly(chains.remove(tp));
            return null;
        });
        syncExecutor.shutdown();
        try {
            if (!syncExecutor.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.log(Level.WARNING, "rolled audit chain files were still being fsynced after 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(PartitionChain chain) {
        if (chain == null) {
            return;
        }
        try {
            chain.close();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not close an audit chain cleanly; it is recovered on the next start", e);
        }
    }
}
