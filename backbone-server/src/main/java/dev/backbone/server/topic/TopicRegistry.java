package dev.backbone.server.topic;

import dev.backbone.server.log.LogConfig;
import dev.backbone.server.log.LogManager;
import dev.backbone.server.log.PartitionLog;
import dev.backbone.server.log.TopicPartition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The topics of this broker and the only door from the layers above into the engine's logs.
 *
 * <p>At start it loads {@link TopicStore}'s metadata, finishes interrupted deletions, adopts partition
 * directories that have no metadata (a data directory written by an older version, or metadata lost) with default
 * config and a WARN, and opens every partition, which runs the engine's recovery where needed.
 *
 * <p>Thread safety: lookups are lock-free reads of a concurrent map; creations and deletions are serialized by
 * one lock, since they do file I/O and must not interleave on the same name. Create and delete block: call them
 * off the event loop.
 */
public final class TopicRegistry {

    private static final System.Logger LOG = System.getLogger(TopicRegistry.class.getName());

    private final LogManager logManager;
    private final TopicRegistryOptions options;
    private final TopicStore store;
    private final TopicReplication replication;
    private final Map<String, Topic> topics = new ConcurrentHashMap<>();
    private final List<TopicListener> listeners = new CopyOnWriteArrayList<>();
    private final ReentrantLock changeLock = new ReentrantLock();

    /** Opens every known topic; blocks for as long as recovery takes. */
    public TopicRegistry(LogManager logManager, TopicRegistryOptions options) throws IOException {
        this(logManager, options, TopicReplication.NONE);
    }

    /** Opens every known topic, the partitions of replicated ones wrapped by {@code replication}. */
    public TopicRegistry(LogManager logManager, TopicRegistryOptions options, TopicReplication replication)
            throws IOException {
        this.logManager = logManager;
        this.options = options;
        this.replication = replication;
        this.store = new TopicStore(logManager.options().files(), logManager.dataDir());
        for (String name : store.pendingDeletions()) {
            LOG.log(Level.WARNING, "finishing the deletion of topic ''{0}'' interrupted by a stop", name);
            deletePartitionsOnDisk(name);
            store.finishDeleting(name);
        }
        Map<String, TopicStore.StoredTopic> stored = new TreeMap<>();
        for (TopicStore.StoredTopic topic : store.loadAll()) {
            stored.put(topic.name(), topic);
        }
        adoptOrphanPartitions(stored);
        openAtStart(stored.values());
    }

    /** Opens every partition of every topic at once: the engine spreads them over a few threads. */
    private void openAtStart(Collection<TopicStore.StoredTopic> stored) throws IOException {
        Map<String, TopicConfig> configs = new HashMap<>();
        Map<TopicPartition, LogConfig> wanted = new HashMap<>();
        for (TopicStore.StoredTopic topic : stored) {
            TopicConfig config = TopicConfig.parse(topic.config(), options.defaultLogConfig());
            configs.put(topic.name(), config);
            LogConfig logConfig = config.toLogConfig();
            for (int p = 0; p < topic.partitions(); p++) {
                wanted.put(new TopicPartition(topic.name(), p), logConfig);
            }
        }
        Map<TopicPartition, PartitionLog> opened = logManager.openAll(wanted);
        for (TopicStore.StoredTopic topic : stored) {
            List<PartitionLog> logs = new ArrayList<>(topic.partitions());
            for (int p = 0; p < topic.partitions(); p++) {
                PartitionLog local = opened.get(new TopicPartition(topic.name(), p));
                logs.add(replication.replicates(topic.name()) ? replication.wrap(local) : local);
            }
            topics.put(topic.name(), new Topic(topic.name(), configs.get(topic.name()), logs));
        }
    }

    public TopicRegistryOptions options() {
        return options;
    }

    /**
     * Creates a topic and opens its partitions; listeners hear of it before this returns.
     *
     * @throws TopicExistsException   when the name is taken
     * @throws InvalidTopicException  when the name breaks the rules or the partition count is out of range
     * @throws InvalidConfigException when a config key is unknown or a value bad
     * @throws UncheckedIOException   when the file system refuses; nothing of the topic is left behind
     */
    public TopicDescription create(String name, int partitions, Map<String, String> config) {
        TopicNames.validate(name);
        if (partitions < 1 || partitions > options.maxPartitions()) {
            throw new InvalidTopicException(name, "partitions must be between 1 and " + options.maxPartitions()
                    + ", was " + partitions);
        }
        TopicConfig topicConfig = TopicConfig.parse(config, options.defaultLogConfig());
        if (changedThroughCluster(name)) {
            if (topics.containsKey(name)) {
                throw new TopicExistsException(name);
            }
            // Not under the change lock: this broker's own apply of the committed creation takes it.
            replication.create(name, partitions, topicConfig.overrides());
            return describe(require(name));
        }
        return createLocally(name, partitions, topicConfig);
    }

    /**
     * Whether a change of the topic is proposed to the cluster and made on every broker once committed. The broker's
     * own topics never are, even the replicated ones (the consumer group offsets): every broker creates them alike
     * from its configuration, so a starting broker does not wait for a metadata leader to exist.
     */
    private boolean changedThroughCluster(String name) {
        return replication.replicates(name) && !TopicNames.isInternal(name);
    }

    /**
     * Creates a replicated topic whose creation was committed; for the replication layer. A name already taken
     * (the creation lost a race, or is applied again after a restart) changes nothing.
     *
     * @return whether the topic was created
     */
    public boolean applyCreate(String name, int partitions, Map<String, String> overrides) {
        changeLock.lock();
        try {
            if (topics.containsKey(name)) {
                return false;
            }
            createLocally(name, partitions, TopicConfig.parse(overrides, options.defaultLogConfig()));
            return true;
        } finally {
            changeLock.unlock();
        }
    }

    private TopicDescription createLocally(String name, int partitions, TopicConfig topicConfig) {
        changeLock.lock();
        try {
            if (topics.containsKey(name)) {
                throw new TopicExistsException(name);
            }
            Topic topic;
            try {
                store.write(new TopicStore.StoredTopic(name, partitions, topicConfig.overrides()));
                topic = open(name, partitions, topicConfig);
            } catch (IOException e) {
                rollBackCreate(name, partitions);
                throw new UncheckedIOException("could not create topic '" + name + "'", e);
            }
            topics.put(name, topic);
            listeners.forEach(l -> l.topicCreated(topic));
            LOG.log(Level.INFO, "created topic ''{0}'' with {1} partition(s), config {2}", name, partitions,
                    topicConfig.overrides());
            return describe(topic);
        } finally {
            changeLock.unlock();
        }
    }

    /**
     * The topic, created with {@code partitions} and {@code config} when missing; for the broker's own topics, which
     * {@link #getOrCreate} never creates. May block (creation does file I/O).
     *
     * @throws InvalidTopicException  when missing and the name or partition count is not legal
     * @throws InvalidConfigException when missing and {@code config} is bad
     */
    public Topic findOrCreate(String name, int partitions, Map<String, String> config) {
        changeLock.lock();
        try {
            Topic topic = topics.get(name);
            if (topic != null) {
                return topic;
            }
            create(name, partitions, config);
            return require(name);
        } finally {
            changeLock.unlock();
        }
    }

    /**
     * Changes a topic's config as a JSON merge patch changes an object: each key of {@code changes} takes its value,
     * or goes back to the broker default when the value is null; keys not named keep theirs. The metadata is written
     * before the partitions take the new settings (from their next append, roll and retention check), so a crash
     * in between leaves the change to the next start. {@code audit.chain} is fixed at creation: a chain that skipped
     * some batches would prove nothing.
     *
     * @throws UnknownTopicException  when there is no such topic
     * @throws InvalidConfigException when a key is unknown, a value bad, or {@code audit.chain} would change
     * @throws UncheckedIOException   when the metadata cannot be written; nothing changed
     */
    public TopicDescription alterConfig(String name, Map<String, String> changes) {
        Map<String, String> merged;
        changeLock.lock();
        try {
            Topic topic = require(name);
            merged = new TreeMap<>(topic.config().overrides());
            for (Map.Entry<String, String> change : changes.entrySet()) {
                // A key going back to its default never reaches parse(), which names unknown keys.
                TopicConfig.checkKnownKey(change.getKey(), change.getValue());
                if (change.getValue() == null) {
                    merged.remove(change.getKey());
                } else {
                    merged.put(change.getKey(), change.getValue());
                }
            }
            TopicConfig next = TopicConfig.parse(merged, options.defaultLogConfig());
            if (next.auditChain() != topic.config().auditChain()) {
                throw new InvalidConfigException(TopicConfig.AUDIT_CHAIN, Boolean.toString(next.auditChain()),
                        "is fixed when the topic is created (it is " + topic.config().auditChain()
                                + " for this one); create a new topic to change it");
            }
            if (!changedThroughCluster(name)) {
                return describe(alterLocally(topic, next));
            }
        } finally {
            changeLock.unlock();
        }
        replication.alterConfig(name, merged);
        return describe(require(name));
    }

    /**
     * Gives a replicated topic the config overrides whose change was committed; for the replication layer. A topic
     * deleted meanwhile is left alone.
     */
    public void applyConfig(String name, Map<String, String> overrides) {
        changeLock.lock();
        try {
            Topic topic = topics.get(name);
            if (topic != null) {
                alterLocally(topic, TopicConfig.parse(overrides, options.defaultLogConfig()));
            }
        } finally {
            changeLock.unlock();
        }
    }

    /** changeLock held. */
    private Topic alterLocally(Topic topic, TopicConfig next) {
        String name = topic.name();
        try {
            store.write(new TopicStore.StoredTopic(name, topic.partitionCount(), next.overrides()));
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the config of topic '" + name + "'", e);
        }
        for (PartitionLog partition : topic.partitions()) {
            logManager.updateConfig(partition.topicPartition(), next.toLogConfig());
        }
        Topic altered = new Topic(name, next, topic.partitions());
        topics.put(name, altered);
        LOG.log(Level.INFO, "changed the config of topic ''{0}'' to {1}", name, next.overrides());
        return altered;
    }

    /**
     * Removes a topic: requests that arrive afterwards see it as unknown, then its logs are closed and deleted.
     *
     * @throws UnknownTopicException when there is no such topic
     */
    public void delete(String name) {
        if (changedThroughCluster(name)) {
            require(name);
            replication.delete(name);
            return;
        }
        deleteLocally(name);
    }

    /**
     * Deletes a replicated topic whose deletion was committed; for the replication layer.
     *
     * @return whether there was such a topic
     */
    public boolean applyDelete(String name) {
        changeLock.lock();
        try {
            if (!topics.containsKey(name)) {
                return false;
            }
            deleteLocally(name);
            return true;
        } finally {
            changeLock.unlock();
        }
    }

    private void deleteLocally(String name) {
        changeLock.lock();
        try {
            Topic topic = topics.get(name);
            if (topic == null) {
                throw new UnknownTopicException(name);
            }
            store.markDeleting(name);
            topics.remove(name);
            listeners.forEach(l -> l.topicDeleted(name));
            for (PartitionLog partition : topic.partitions()) {
                logManager.delete(partition.topicPartition());
            }
            store.finishDeleting(name);
            LOG.log(Level.INFO, "deleted topic ''{0}''", name);
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete topic '" + name + "'", e);
        } finally {
            changeLock.unlock();
        }
    }

    /** Topic names, sorted; internal ones ({@code __} prefix) only when asked. */
    public List<String> names(boolean includeInternal) {
        return topics.keySet().stream()
                .filter(n -> includeInternal || !TopicNames.isInternal(n))
                .sorted()
                .toList();
    }

    /** Every topic name, internal ones included, sorted. */
    public List<String> names() {
        return names(true);
    }

    /** @throws UnknownTopicException when there is no such topic */
    public TopicDescription describe(String name) {
        return describe(require(name));
    }

    public Optional<Topic> find(String name) {
        return Optional.ofNullable(topics.get(name));
    }

    /** @throws UnknownTopicException when there is no such topic */
    public Topic require(String name) {
        Topic topic = topics.get(name);
        if (topic == null) {
            throw new UnknownTopicException(name);
        }
        return topic;
    }

    /**
     * The topic, created with the default partition count and config if missing and auto-creation is on. Internal
     * names are never created this way. May block (creation does file I/O).
     *
     * @throws UnknownTopicException when missing and not to be created
     * @throws InvalidTopicException when missing and the name is not legal
     */
    public Topic getOrCreate(String name) {
        Topic topic = topics.get(name);
        if (topic != null) {
            return topic;
        }
        if (!options.autoCreate() || TopicNames.isInternal(name)) {
            throw new UnknownTopicException(name);
        }
        try {
            create(name, options.defaultPartitions(), Map.of());
        } catch (TopicExistsException raced) {
            // Another request created it first: that topic is as good.
        }
        return require(name);
    }

    /**
     * @throws UnknownTopicException     when there is no such topic
     * @throws UnknownPartitionException when the topic has no such partition
     */
    public PartitionLog partition(String topic, int partition) {
        return require(topic).partition(partition);
    }

    /**
     * Registers a listener and, under the same lock that guards changes, tells it of every topic that exists
     * now, so it misses none and hears of none twice.
     */
    public void addListener(TopicListener listener) {
        changeLock.lock();
        try {
            listeners.add(listener);
            listener.topicsExisting(List.copyOf(topics.values()));
        } finally {
            changeLock.unlock();
        }
    }

    public void removeListener(TopicListener listener) {
        listeners.remove(listener);
    }

    private TopicDescription describe(Topic topic) {
        List<PartitionDescription> partitions = new ArrayList<>(topic.partitionCount());
        for (PartitionLog log : topic.partitions()) {
            partitions.add(new PartitionDescription(log.topicPartition().partition(), log.logStartOffset(),
                    log.logEndOffset(), log.sizeBytes()));
        }
        return new TopicDescription(topic.name(), topic.isInternal(), partitions, topic.config().asMap());
    }

    private Topic open(String name, int partitions, TopicConfig config) throws IOException {
        LogConfig logConfig = config.toLogConfig();
        List<PartitionLog> logs = new ArrayList<>(partitions);
        try {
            for (int p = 0; p < partitions; p++) {
                PartitionLog local = logManager.openOrCreate(new TopicPartition(name, p), logConfig);
                logs.add(replication.replicates(name) ? replication.wrap(local) : local);
            }
        } catch (IOException | RuntimeException e) {
            // Give the files back before anything else: when the cause was the open-file limit, the rollback that
            // follows needs descriptors of its own.
            for (PartitionLog log : logs) {
                try {
                    log.close();
                } catch (IOException | RuntimeException closeFailure) {
                    e.addSuppressed(closeFailure);
                }
            }
            throw e;
        }
        return new Topic(name, config, logs);
    }

    private void rollBackCreate(String name, int partitions) {
        try {
            store.markDeleting(name);
            deletePartitionsOnDisk(name);
            for (int p = 0; p < partitions; p++) {
                // A partition whose creation failed half-way is neither open nor known on disk; its directory may be.
                logManager.delete(new TopicPartition(name, p));
            }
            store.finishDeleting(name);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.ERROR, "could not roll back the failed creation of topic '" + name + "'", e);
        }
    }

    private void deletePartitionsOnDisk(String name) throws IOException {
        for (TopicPartition tp : logManager.existingOnDisk()) {
            if (tp.topic().equals(name)) {
                logManager.delete(tp);
            }
        }
        for (var log : logManager.partitions()) {
            if (log.topicPartition().topic().equals(name)) {
                logManager.delete(log.topicPartition());
            }
        }
    }

    private void adoptOrphanPartitions(Map<String, TopicStore.StoredTopic> stored) throws IOException {
        Map<String, Integer> highest = new TreeMap<>();
        for (TopicPartition tp : logManager.existingOnDisk()) {
            highest.merge(tp.topic(), tp.partition(), Math::max);
        }
        Set<String> orphans = new TreeSet<>(highest.keySet());
        orphans.removeAll(stored.keySet());
        for (String name : orphans) {
            int partitions = highest.get(name) + 1;
            LOG.log(Level.WARNING, "partition directories of topic ''{0}'' have no metadata in {1}; adopting them"
                    + " as {2} partition(s) with the default config", name, store.directory(), partitions);
            TopicStore.StoredTopic topic = new TopicStore.StoredTopic(name, partitions, Map.of());
            store.write(topic);
            stored.put(name, topic);
        }
    }
}
