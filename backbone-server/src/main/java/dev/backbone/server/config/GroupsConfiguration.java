package dev.backbone.server.config;

import dev.backbone.server.group.CoordinatorLeadership;
import dev.backbone.server.group.GroupCoordinator;
import dev.backbone.server.group.GroupMaintenance;
import dev.backbone.server.group.GroupService;
import dev.backbone.server.group.GroupSettings;
import dev.backbone.server.group.OffsetAppender;
import dev.backbone.server.group.OffsetRecords;
import dev.backbone.server.group.OffsetStore;
import dev.backbone.server.http.FetchService;
import dev.backbone.server.http.LongPollWaiters;
import dev.backbone.server.http.group.GroupFetchService;
import dev.backbone.server.http.group.GroupWaiters;
import dev.backbone.server.metrics.BackboneMetrics;
import dev.backbone.server.metrics.GroupLagMetrics;
import dev.backbone.server.topic.Topic;
import dev.backbone.server.topic.TopicConfig;
import dev.backbone.server.topic.TopicListener;
import dev.backbone.server.topic.TopicRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires consumer groups: the coordinator, the offsets topic and its store, the HTTP-side fetch, the background
 * chores and the lag gauge.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(GroupsProperties.class)
class GroupsConfiguration {

    @Bean
    GroupCoordinator groupCoordinator(GroupsProperties properties, TopicRegistry registry,
                                      ObjectProvider<Clock> clock) {
        GroupSettings settings = new GroupSettings(properties.getMinSessionTimeout(),
                properties.getMaxSessionTimeout(), properties.getDefaultSessionTimeout(),
                properties.getMaxMembersPerGroup(), properties.getMaxTopicsPerMember());
        GroupCoordinator coordinator = new GroupCoordinator(clock.getIfAvailable(Clock::systemUTC),
                GroupService.partitionCounts(registry), settings);
        // A topic created, deleted or resized changes the assignment of the groups subscribed to it: at once.
        registry.addListener(new TopicListener() {
            @Override
            public void topicCreated(Topic topic) {
                coordinator.expireSessions();
            }

            @Override
            public void topicDeleted(String name) {
                coordinator.expireSessions();
            }
        });
        return coordinator;
    }

    @Bean(destroyMethod = "close")
    OffsetStore offsetStore(TopicRegistry registry, GroupCoordinator coordinator, GroupsProperties properties,
                            ObjectProvider<Clock> clock, ObjectProvider<CoordinatorLeadership> leadership,
                            ObjectProvider<OffsetAppender> appender) throws IOException {
        long retentionMs = properties.getOffsetsRetention().toMillis();
        // Segments must roll for retention to delete them; a quarter of the retention keeps the refreshed records
        // (rewritten at half the retention) well clear of deletion. Used only when the topic is first created.
        Topic topic = registry.findOrCreate(OffsetRecords.TOPIC, properties.getOffsetsTopicPartitions(),
                Map.of(TopicConfig.FLUSH, "sync", TopicConfig.RETENTION_MS, Long.toString(retentionMs),
                        TopicConfig.SEGMENT_MS, Long.toString(Math.max(1, retentionMs / 4)),
                        TopicConfig.SEGMENT_BYTES, Long.toString(64L << 20)));
        // In a cluster the offsets partitions are Raft groups and a group's coordinator is the leader of its own.
        return OffsetStore.open(topic.partitions(), coordinator, clock.getIfAvailable(Clock::systemUTC),
                leadership.getIfAvailable(() -> CoordinatorLeadership.SINGLE_BROKER),
                appender.getIfAvailable(() -> OffsetAppender.LOCAL));
    }

    @Bean
    GroupService groupService(TopicRegistry registry, GroupCoordinator coordinator, OffsetStore store) {
        return new GroupService(registry, coordinator, store);
    }

    @Bean
    GroupWaiters groupWaiters(GroupCoordinator coordinator) {
        GroupWaiters waiters = new GroupWaiters();
        coordinator.addGenerationListener(waiters);
        return waiters;
    }

    @Bean
    GroupFetchService groupFetchService(GroupService groups, TopicRegistry registry, FetchService fetchService,
                                        LongPollWaiters waiters, GroupWaiters groupWaiters,
                                        BackboneMetrics metrics) {
        return new GroupFetchService(groups, registry, fetchService, waiters, groupWaiters, metrics);
    }

    @Bean
    GroupLagMetrics groupLagMetrics(MeterRegistry meterRegistry, GroupService groups) {
        return new GroupLagMetrics(meterRegistry, groups);
    }

    @Bean
    GroupsLifecycle groupsLifecycle(GroupCoordinator coordinator, OffsetStore offsetStore,
                                    GroupLagMetrics lagMetrics, GroupWaiters groupWaiters,
                                    GroupsProperties properties, ObjectProvider<Clock> clock) {
        return new GroupsLifecycle(coordinator, offsetStore, lagMetrics, groupWaiters, properties,
                clock.getIfAvailable(Clock::systemUTC));
    }

    /**
     * Starts the chores with the context and, at shutdown, stops them and releases parked group fetches before
     * the web server's graceful shutdown waits for in-flight requests (a higher phase stops first).
     */
    static final class GroupsLifecycle implements SmartLifecycle {

        private static final System.Logger LOG = System.getLogger(GroupsLifecycle.class.getName());

        private final GroupCoordinator coordinator;
        private final OffsetStore offsetStore;
        private final GroupLagMetrics lagMetrics;
        private final GroupWaiters groupWaiters;
        private final GroupsProperties properties;
        private final Clock clock;
        private GroupMaintenance maintenance;

        GroupsLifecycle(GroupCoordinator coordinator, OffsetStore offsetStore, GroupLagMetrics lagMetrics,
                        GroupWaiters groupWaiters, GroupsProperties properties, Clock clock) {
            this.coordinator = coordinator;
            this.offsetStore = offsetStore;
            this.lagMetrics = lagMetrics;
            this.groupWaiters = groupWaiters;
            this.properties = properties;
            this.clock = clock;
        }

        @Override
        public synchronized void start() {
            maintenance = new GroupMaintenance(coordinator, properties.getSessionCheckInterval());
            maintenance.schedule(lagMetrics::refresh, properties.getLagMetricInterval());
            long retentionMs = properties.getOffsetsRetention().toMillis();
            maintenance.schedule(() -> refreshOffsets(retentionMs),
                    Duration.ofMillis(Math.max(1, Math.min(retentionMs / 10, Duration.ofMinutes(10).toMillis()))));
        }

        /** Rewrites offsets of groups with members that are older than half the retention. */
        private void refreshOffsets(long retentionMs) {
            try {
                int rewritten = offsetStore.refresh(clock.millis() - retentionMs / 2, group -> coordinator
                        .describe(group).map(view -> !view.members().isEmpty()).orElse(false));
                if (rewritten > 0) {
                    LOG.log(System.Logger.Level.DEBUG, "rewrote {0} committed offset(s) ahead of retention",
                            rewritten);
                }
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "could not refresh committed offsets; retrying later", e);
            }
        }

        @Override
        public synchronized void stop() {
            groupWaiters.close();
            if (maintenance != null) {
                try {
                    maintenance.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                maintenance = null;
            }
        }

        @Override
        public synchronized boolean isRunning() {
            return maintenance != null;
        }
    }
}
