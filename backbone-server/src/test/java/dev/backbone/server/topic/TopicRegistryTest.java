package dev.backbone.server.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backbone.client.batch.RecordBatchBuilder;
import dev.backbone.server.log.FlushMode;
import dev.backbone.server.log.LogConfig;
import dev.backbone.server.log.LogManager;
import dev.backbone.server.log.LogManagerOptions;
import dev.backbone.server.log.PartitionLog;
import dev.backbone.server.log.io.StorageFiles;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopicRegistryTest {

    private static final TopicRegistryOptions OPTIONS = new TopicRegistryOptions(true, 2, 16, LogConfig.DEFAULT);

    @TempDir
    Path dataDir;

    private LogManager manager;
    private TopicRegistry registry;

    @BeforeEach
    void open() throws IOException {
        reopen(OPTIONS);
    }

    @AfterEach
    void close() throws IOException {
        manager.close();
    }

    @Test
    void createdTopicsAreDescribedListedAndSurviveARestart() throws IOException {
        TopicDescription created = registry.create("orders", 3, Map.of("retention.ms", "60000", "flush", "sync"));
        assertThat(created.partitionCount()).isEqualTo(3);
        assertThat(created.config()).containsEntry("retention.ms", "60000").containsEntry("flush", "sync")
                .containsEntry("segment.bytes", Long.toString(LogConfig.DEFAULT.segmentBytes()));
        registry.partition("orders", 2).append(batch("x"), FlushMode.NONE);
        registry.create("__internal", 1, Map.of());

        assertThat(registry.names(false)).containsExactly("orders");
        assertThat(registry.names()).containsExactly("__internal", "orders");

        reopen(OPTIONS);
        Topic orders = registry.require("orders");
        assertThat(orders.partitionCount()).isEqualTo(3);
        assertThat(orders.config().flushMode()).isEqualTo(FlushMode.SYNC);
        assertThat(orders.config().toLogConfig().retentionMs()).isEqualTo(60000);
        assertThat(orders.config().overrides()).containsOnlyKeys("flush", "retention.ms");
        assertThat(orders.partition(2).logEndOffset()).isEqualTo(1);
        assertThat(registry.names()).containsExactly("__internal", "orders");
    }

    @Test
    void aConfigChangeMergesAppliesToThePartitionsAndSurvivesARestart() throws IOException {
        registry.create("orders", 2, Map.of("retention.ms", "60000", "segment.bytes", "1048576"));
        Map<String, String> changes = new java.util.HashMap<>();
        changes.put("retention.bytes", "5000000");
        changes.put("segment.bytes", null);
        changes.put("flush", "sync");
        TopicDescription altered = registry.alterConfig("orders", changes);

        assertThat(altered.config()).containsEntry("retention.ms", "60000").containsEntry("retention.bytes", "5000000")
                .containsEntry("flush", "sync")
                .containsEntry("segment.bytes", Long.toString(LogConfig.DEFAULT.segmentBytes()));
        for (int p = 0; p < 2; p++) {
            LogConfig inForce = registry.partition("orders", p).config();
            assertThat(inForce.retentionBytes()).isEqualTo(5_000_000);
            assertThat(inForce.retentionMs()).isEqualTo(60_000);
            assertThat(inForce.flushMode()).isEqualTo(FlushMode.SYNC);
            assertThat(inForce.segmentBytes()).isEqualTo(LogConfig.DEFAULT.segmentBytes());
        }
        registry.partition("orders", 1).append(batch("after the change"), FlushMode.SYNC);

        reopen(OPTIONS);
        Topic orders = registry.require("orders");
        assertThat(orders.config().overrides()).containsOnlyKeys("flush", "retention.bytes", "retention.ms");
        assertThat(orders.partition(0).config().retentionBytes()).isEqualTo(5_000_000);
        assertThat(orders.partition(1).logEndOffset()).isEqualTo(1);
    }

    @Test
    void aRefusedConfigChangeChangesNothing() throws IOException {
        registry.create("audited", 1, Map.of("audit.chain", "true", "retention.ms", "60000"));
        assertThatThrownBy(() -> registry.alterConfig("audited", Map.of("audit.chain", "false")))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("fixed when the topic is created");
        assertThatThrownBy(() -> registry.alterConfig("audited", Map.of("retention.ms", "soon", "flush", "sync")))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("retention.ms");
        Map<String, String> unknownRemoval = new java.util.HashMap<>();
        unknownRemoval.put("no.such.key", null);
        assertThatThrownBy(() -> registry.alterConfig("audited", unknownRemoval))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("unknown config key");
        assertThatThrownBy(() -> registry.alterConfig("missing", Map.of("flush", "sync")))
                .isInstanceOf(UnknownTopicException.class);

        reopen(OPTIONS);
        Topic audited = registry.require("audited");
        assertThat(audited.config().overrides()).containsOnly(Map.entry("audit.chain", "true"),
                Map.entry("retention.ms", "60000"));
        assertThat(audited.partition(0).config().flushMode()).isEqualTo(LogConfig.DEFAULT.flushMode());
    }

    @Test
    void refusedCreationsLeaveNothingBehind() {
        registry.create("taken", 1, Map.of());
        assertThatThrownBy(() -> registry.create("taken", 1, Map.of())).isInstanceOf(TopicExistsException.class);
        assertThatThrownBy(() -> registry.create("bad name", 1, Map.of())).isInstanceOf(InvalidTopicException.class);
        assertThatThrownBy(() -> registry.create("zero", 0, Map.of())).isInstanceOf(InvalidTopicException.class);
        assertThatThrownBy(() -> registry.create("many", 17, Map.of())).isInstanceOf(InvalidTopicException.class);
        assertThatThrownBy(() -> registry.create("cfg", 1, Map.of("segment.bytes", "1")))
                .isInstanceOf(InvalidConfigException.class);
        assertThat(registry.names()).containsExactly("taken");
        assertThat(manager.partitions()).hasSize(1);
    }

    @Test
    void deletionRemovesTheTopicAndItsDirectoriesForGood() throws IOException {
        registry.create("doomed", 2, Map.of());
        registry.delete("doomed");
        assertThatThrownBy(() -> registry.require("doomed")).isInstanceOf(UnknownTopicException.class);
        assertThatThrownBy(() -> registry.delete("doomed")).isInstanceOf(UnknownTopicException.class);
        assertThat(dataDir.resolve("doomed-0")).doesNotExist();
        reopen(OPTIONS);
        assertThat(registry.names()).isEmpty();
        // The name is free again, with fresh logs.
        assertThat(registry.create("doomed", 1, Map.of()).partitions().get(0).endOffset()).isZero();
    }

    @Test
    void aDeletionCutShortByAStopIsFinishedAtTheNextStart() throws IOException {
        registry.create("half-deleted", 2, Map.of());
        registry.partition("half-deleted", 0).append(batch("x"), FlushMode.NONE);
        manager.close();
        // What a crash between the first and last step of delete() leaves behind.
        new TopicStore(StorageFiles.real(), dataDir).markDeleting("half-deleted");
        reopen(OPTIONS);
        assertThat(registry.find("half-deleted")).isEmpty();
        assertThat(manager.existingOnDisk()).isEmpty();
        assertThat(dataDir.resolve(TopicStore.DIRECTORY)).isEmptyDirectory();
    }

    @Test
    void partitionDirectoriesWithoutMetadataAreAdopted() throws IOException {
        registry.create("orphan", 3, Map.of("flush", "sync"));
        registry.partition("orphan", 2).append(batch("kept"), FlushMode.NONE);
        manager.close();
        Files.delete(dataDir.resolve(TopicStore.DIRECTORY).resolve("orphan.json"));
        reopen(OPTIONS);
        Topic adopted = registry.require("orphan");
        assertThat(adopted.partitionCount()).isEqualTo(3);
        assertThat(adopted.config().overrides()).isEmpty();
        assertThat(adopted.partition(2).logEndOffset()).isEqualTo(1);
        assertThat(dataDir.resolve(TopicStore.DIRECTORY).resolve("orphan.json")).exists();
    }

    @Test
    void getOrCreateFollowsTheAutoCreateSetting() throws IOException {
        assertThat(registry.getOrCreate("auto").partitionCount()).isEqualTo(2);
        assertThat(registry.getOrCreate("auto")).isSameAs(registry.require("auto"));
        assertThatThrownBy(() -> registry.getOrCreate("__never")).isInstanceOf(UnknownTopicException.class);
        assertThatThrownBy(() -> registry.getOrCreate("bad/name")).isInstanceOf(InvalidTopicException.class);
        reopen(new TopicRegistryOptions(false, 1, 16, LogConfig.DEFAULT));
        assertThatThrownBy(() -> registry.getOrCreate("manual")).isInstanceOf(UnknownTopicException.class);
        assertThat(registry.getOrCreate("auto").partitionCount()).isEqualTo(2);
    }

    @Test
    void unknownPartitionsAreRefusedWithTheCount() {
        registry.create("two", 2, Map.of());
        assertThatThrownBy(() -> registry.partition("two", 2)).isInstanceOf(UnknownPartitionException.class)
                .hasMessageContaining("2 partition(s)");
        assertThatThrownBy(() -> registry.partition("two", -1)).isInstanceOf(UnknownPartitionException.class);
        assertThatThrownBy(() -> registry.partition("none", 0)).isInstanceOf(UnknownTopicException.class);
    }

    @Test
    void aLateListenerHearsOfEveryExistingTopicOnceThenOfChanges() {
        registry.create("a", 1, Map.of());
        registry.create("b", 1, Map.of());
        List<String> heard = new ArrayList<>();
        registry.addListener(new TopicListener() {
            @Override
            public void topicCreated(Topic topic) {
                heard.add("+" + topic.name());
            }

            @Override
            public void topicDeleted(String name) {
                heard.add("-" + name);
            }
        });
        registry.create("c", 1, Map.of());
        registry.delete("a");
        assertThat(heard).containsExactlyInAnyOrder("+a", "+b", "+c", "-a");
        assertThat(heard.subList(2, 4)).containsExactly("+c", "-a");
    }

    @Test
    void partitionsOfReplicatedTopicsAreWrappedWhenCreatedAndWhenOpenedAgain() throws IOException {
        WrappingReplication replication = new WrappingReplication();
        manager.close();
        manager = new LogManager(dataDir, LogManagerOptions.DEFAULT);
        registry = new TopicRegistry(manager, OPTIONS, replication);
        assertThat(registry.applyCreate("orders", 2, Map.of())).isTrue();
        registry.create("__internal", 1, Map.of());
        assertThat(registry.require("orders").partitions()).allMatch(WrappedLog.class::isInstance);

        manager.close();
        manager = new LogManager(dataDir, LogManagerOptions.DEFAULT);
        registry = new TopicRegistry(manager, OPTIONS, replication);

        assertThat(registry.require("orders").partitions()).as("replicated partitions after a restart")
                .hasSize(2).allMatch(WrappedLog.class::isInstance);
        assertThat(registry.require("__internal").partitions()).noneMatch(WrappedLog.class::isInstance);
    }

    /** Replicates every topic but the broker's own, marking the logs it wraps; proposes nothing. */
    private static final class WrappingReplication implements TopicReplication {
        @Override
        public boolean replicates(String topic) {
            return !TopicNames.isInternal(topic);
        }

        @Override
        public PartitionLog wrap(PartitionLog local) {
            return (PartitionLog) Proxy.newProxyInstance(PartitionLog.class.getClassLoader(),
                    new Class<?>[] {PartitionLog.class, WrappedLog.class}, (proxy, method, args) -> {
                        try {
                            return method.invoke(local, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }

        @Override
        public void create(String name, int partitions, Map<String, String> overrides) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void alterConfig(String name, Map<String, String> overrides) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void delete(String name) {
            throw new UnsupportedOperationException();
        }
    }

    /** A marker of the logs {@link WrappingReplication} wrapped. */
    private interface WrappedLog {
    }

    private void reopen(TopicRegistryOptions options) throws IOException {
        if (manager != null) {
            manager.close();
        }
        manager = new LogManager(dataDir, LogManagerOptions.DEFAULT);
        registry = new TopicRegistry(manager, options);
    }

    private static java.nio.ByteBuffer batch(String value) {
        return new RecordBatchBuilder().add(1L, null, value.getBytes(StandardCharsets.UTF_8), List.of()).build();
    }
}
