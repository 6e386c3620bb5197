package dev.backbone.server.config;

import dev.backbone.server.group.GroupCoordinator;
import dev.backbone.server.group.GroupMaintenance;
import dev.backbone.server.group.GroupService;
import dev.backbone.server.group.GroupSettings;
import dev.backbone.server.group.OffsetRecords;
import dev.backbone.server.group.OffsetStore;
import dev.backbone.server.http.FetchService;
import dev.backbone.server.http.LongPollWaiters;
import dev.backbone.server.http.group.GroupFetchService;
import dev.backbone.server.http.group.GroupWaiters;
import dev.backbone.server.metrics.GroupLagMetrics;
import dev.backbone.server.topic.Topic;
import dev.backbone.server.topic.TopicConfig;
import dev.backbone.server.topic.TopicExistsException;
import dev.backbone.server.topic.TopicListener;
import dev.backbone.server.topic.TopicRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
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
                            ObjectProvider<Clock> clock) throws IOException {
        Topic topic = registry.find(OffsetRecords.TOPIC).orElse(null);
        if (topic == null) {
            try {
                registry.create(OffsetRecords.TOPIC, properties.getOffsetsTopicPartitions(),
                        Map.of(TopicConfig.FLUSH, "sync", TopicConfig.RETENTION_MS, "-1"));
            } catch (TopicExistsException raced) {
                // Created meanwhile: use it.
            }
            topic = registry.require(OffsetRecords.TOPIC);
        }
        return OffsetStore.open(topic.partitions(), coordinator, clock.getIfAvailable(Clock::systemUTC));
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
                                        LongPollWaiters waiters, GroupWaiters groupWaiters) {
        return new GroupFetchService(groups, registry, fetchService, waiters, groupWaiters);
    }

    @Bean
    GroupLagMetrics groupLagMetrics(MeterRegistry meterRegistry, GroupService groups) {
        return new GroupLagMetrics(meterRegistry, groups);
    }

    @Bean
    GroupsLifecycle groupsLifecycle(GroupCoordinator coordinator, GroupLagMetrics lagMetrics,
                                    GroupWaiters groupWaiters, GroupsProperties properties) {
        return new GroupsLifecycle(coordinator, lagMetrics, groupWaiters, properties);
    }

    /**
     * Starts the chores with the context and, at shutdown, stops them and releases parked group fetches before
     * the web server's graceful shutdown waits for in-flight requests (a higher phase stops first).
     */
    static final class GroupsLifecycle implements SmartLifecycle {

        private final GroupCoordinator coordinator;
        private final GroupLagMetrics lagMetrics;
        private final GroupWaiters groupWaiters;
        private final GroupsProperties properties;
        private GroupMaintenance maintenance;

        GroupsLifecycle(GroupCoordinator coordinator, GroupLagMetrics lagMetrics, GroupWaiters groupWaiters,
                        GroupsProperties properties) {
            this.coordinator = coordinator;
            this.lagMetrics = lagMetrics;
            this.groupWaiters = groupWaiters;
            this.properties = properties;
        }

        @Override
        public synchronized void start() {
            maintenance = new GroupMaintenance(coordinator, properties.getSessionCheckInterval(),
                    lagMetrics::refresh, properties.getLagMetricInterval());
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
