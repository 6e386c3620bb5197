package dev.backbone.server.replication;

import dev.backbone.server.log.PartitionLog;
import dev.backbone.server.log.TopicPartition;
import dev.backbone.server.topic.Topic;
import dev.backbone.server.topic.TopicExistsException;
import dev.backbone.server.topic.TopicListener;
import dev.backbone.server.topic.TopicNames;
import dev.backbone.server.topic.TopicRegistry;
import dev.backbone.server.topic.TopicReplication;
import dev.backbone.server.topic.UnknownTopicException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The topics of a cluster: proposes topic changes to the metadata group, and applies the committed ones to this
 * broker's registry, starting and stopping the groups of the partitions this broker replicates. The broker's own
 * topics ({@code __} names: API keys, idempotency keys) stay local to each broker, except those named as replicated
 * (the consumer group offsets): every broker creates them alike from its configuration, without the metadata
 * group, and their partitions are Raft groups like any other's.
 *
 * <p>Thread safety: thread-safe. Proposals block the calling thread (never an event loop) up to the request
 * timeout; applies run on the metadata group's apply thread; partition groups are started and stopped on one
 * thread of their own, since starting a group from inside another group's apply could wait on Ratis itself.
 */
public final class ClusterTopics implements TopicReplication, TopicChangeApplier, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ClusterTopics.class.getName());

    private final ReplicationNode node;
    private final Clock clock;
    private final Set<String> replicatedInternalTopics;
    private final ExecutorService groupChanges = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "backbone-raft-groups");
        thread.setDaemon(true);
        return thread;
    });
    private volatile TopicRegistry registry;

    public ClusterTopics(ReplicationNode node, Clock clock) {
        this(node, clock, Set.of());
    }

    /** @param replicatedInternalTopics the broker's own topics whose partitions are replicated nonetheless */
    public ClusterTopics(ReplicationNode node, Clock clock, Set<String> replicatedInternalTopics) {
        this.node = node;
        this.clock = clock;
        this.replicatedInternalTopics = Set.copyOf(replicatedInternalTopics);
    }

    /** Starts the Raft server once the registry, whose topics it applies changes to, is open. */
    public void start(TopicRegistry registry) throws IOException {
        this.registry = registry;
        node.start(new MetadataStateMachine(this, node.raftDirectory().resolve("metadata-applied")),
                tp -> registry.find(tp.topic()).map(t -> localOf(t.partition(tp.partition()))));
        for (String name : registry.names(false)) {
            startGroups(registry.require(name));
        }
        registry.addListener(new TopicListener() {
            @Override
            public void topicCreated(Topic topic) {
                if (TopicNames.isInternal(topic.name()) && replicates(topic.name())) {
                    startGroups(topic);
                }
            }

            @Override
            public void topicDeleted(String name) {
                // The broker's own topics are never deleted; the others' groups stop when the deletion is applied.
            }
        });
    }

    private static PartitionLog localOf(PartitionLog log) {
        return log instanceof ReplicatedPartitionLog replicated ? replicated.local() : log;
    }

    @Override
    public boolean replicates(String topic) {
        return !TopicNames.isInternal(topic) || replicatedInternalTopics.contains(topic);
    }

    @Override
    public PartitionLog wrap(PartitionLog local) {
        node.register(local.topicPartition());
        return new ReplicatedPartitionLog(local, node, clock);
    }

    @Override
    public void create(String name, int partitions, Map<String, String> overrides) {
        boolean changed = propose(new TopicChange(TopicChange.Kind.CREATE, name, partitions, overrides));
        awaitApplied(name, () -> registry.find(name).isPresent());
        if (!changed) {
            throw new TopicExistsException(name);
        }
    }

    @Override
    public void alterConfig(String name, Map<String, String> overrides) {
        boolean changed = propose(new TopicChange(TopicChange.Kind.CONFIG, name, 0, overrides));
        awaitApplied(name, () -> registry.find(name).map(t -> t.config().overrides().equals(overrides))
                .orElse(true));
        if (!changed) {
            throw new UnknownTopicException(name);
        }
    }

    @Override
    public void delete(String name) {
        boolean changed = propose(new TopicChange(TopicChange.Kind.DELETE, name, 0, Map.of()));
        awaitApplied(name, () -> registry.find(name).isEmpty());
        if (!changed) {
            throw new UnknownTopicException(name);
        }
    }

    /** @return whether the committed change changed anything */
    private boolean propose(TopicChange change) {
        try {
            ByteBuffer reply = node.submit(RaftGroupIds.METADATA, node.peers().all(), "the metadata",
                    change.encode()).join();
            return reply.get(reply.position()) == MetadataStateMachine.CHANGED;
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
        }
    }

    /** The leader replied once it applied the change; this broker applies it a moment later. */
    private void awaitApplied(String name, BooleanSupplier applied) {
        long deadline = System.nanoTime() + node.requestTimeout().toNanos();
        while (!applied.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new NoLeaderException("the metadata (applying the change of topic '" + name + "' here)",
                        node.requestTimeout(), null);
            }
            LockSupport.parkNanos(5_000_000);
        }
    }

    @Override
    public boolean apply(TopicChange change) {
        TopicRegistry topics = registry;
        return switch (change.kind()) {
            case CREATE -> {
                boolean created = topics.applyCreate(change.name(), change.partitions(), change.overrides());
                if (created) {
                    startGroups(topics.require(change.name()));
                }
                yield created;
            }
            case CONFIG -> {
                boolean known = topics.find(change.name()).isPresent();
                topics.applyConfig(change.name(), change.overrides());
                yield known;
            }
            case DELETE -> {
                int partitions = topics.find(change.name()).map(Topic::partitionCount).orElse(0);
                boolean deleted = topics.applyDelete(change.name());
                for (int p = 0; p < partitions; p++) {
                    stopGroup(new TopicPartition(change.name(), p));
                }
                yield deleted;
            }
        };
    }

    private void startGroups(Topic topic) {
        for (PartitionLog partition : topic.partitions()) {
            TopicPartition tp = partition.topicPartition();
            if (node.isReplica(tp)) {
                groupChanges.execute(() -> {
                    try {
                        node.addPartitionGroup(tp);
                    } catch (IOException | RuntimeException e) {
                        LOG.log(Level.ERROR, "could not start the Raft group of " + tp, e);
                    }
                });
            }
        }
    }

    private void stopGroup(TopicPartition tp) {
        groupChanges.execute(() -> {
            try {
                node.removePartitionGroup(tp);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "could not stop the Raft group of " + tp, e);
            }
        });
    }

    @Override
    public List<TopicChange> snapshot() {
        List<TopicChange> topics = new ArrayList<>();
        for (String name : registry.names(false)) {
            registry.find(name).ifPresent(t -> topics.add(new TopicChange(TopicChange.Kind.CREATE, name,
                    t.partitionCount(), t.config().overrides())));
        }
        return topics;
    }

    @Override
    public void restore(List<TopicChange> topics) {
        Set<String> wanted = new HashSet<>();
        for (TopicChange topic : topics) {
            wanted.add(topic.name());
            if (registry.find(topic.name()).isPresent()) {
                apply(new TopicChange(TopicChange.Kind.CONFIG, topic.name(), 0, topic.overrides()));
            } else {
                apply(topic);
            }
        }
        for (String name : registry.names(false)) {
            if (!wanted.contains(name)) {
                apply(new TopicChange(TopicChange.Kind.DELETE, name, 0, Map.of()));
            }
        }
    }

    @Override
    public void close() {
        groupChanges.shutdownNow();
    }
}
