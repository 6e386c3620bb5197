package dev.backbone.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.backbone.client.http.BackboneClient;
import dev.backbone.client.http.BackboneCredentials;
import dev.backbone.client.http.ChainVerification;
import dev.backbone.spring.audit.AuditActorResolver;
import dev.backbone.spring.audit.AuditEntry;
import dev.backbone.spring.audit.AuditTrail;
import dev.backbone.spring.audit.BackboneAuditEventRepository;
import dev.backbone.spring.audit.CurrentActor;
import dev.backbone.spring.eventstore.EventStore;
import dev.backbone.spring.listener.BackboneListenerRegistry;
import dev.backbone.spring.listener.ListenerMetrics;
import dev.backbone.spring.observation.BackboneHealthIndicator;
import dev.backbone.spring.observation.MicrometerListenerMetrics;
import dev.backbone.spring.publish.BackbonePublisher;
import dev.backbone.spring.publish.BatchingPublisher;
import dev.backbone.spring.publish.PublishResult;
import dev.backbone.spring.publish.ReactiveBackbonePublisher;
import dev.backbone.spring.serde.PayloadSerde;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.actuate.audit.AuditEventRepository;
import org.springframework.boot.actuate.audit.InMemoryAuditEventRepository;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Every conditional and property of the auto-configuration, and user beans replacing ours. No broker is contacted:
 * nothing here publishes or starts a listener.
 */
class BackboneAutoConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, BackboneAutoConfiguration.class,
                    BackboneListenerAutoConfiguration.class, BackboneAuditAutoConfiguration.class,
                    BackboneHealthAutoConfiguration.class));

    @Test
    void registersEveryBeanByDefault() {
        runner.run(context -> {
            assertThat(context).hasSingleBean(BackboneClient.class)
                    .hasSingleBean(PayloadSerde.class)
                    .hasSingleBean(BatchingPublisher.class)
                    .hasSingleBean(ReactiveBackbonePublisher.class)
                    .hasSingleBean(EventStore.class)
                    .hasSingleBean(BackboneListenerRegistry.class)
                    .hasSingleBean(AuditTrail.class)
                    .hasSingleBean(BackboneAuditEventRepository.class)
                    .hasSingleBean(BackboneHealthIndicator.class)
                    .hasBean("backboneHealthIndicator");
            assertThat(context.getBean(BackboneClient.class).settings().baseUri())
                    .isEqualTo(URI.create("http://localhost:8080"));
            assertThat(context.getBean(PayloadSerde.class).mapper()).isSameAs(context.getBean(JsonMapper.class));
        });
    }

    @Test
    void bindsClientProperties() {
        runner.withPropertyValues("backbone.url=http://broker.internal:9090", "backbone.connect-timeout=2s",
                "backbone.response-timeout=7s", "backbone.max-connections=3", "backbone.request-retry.max-attempts=9",
                "backbone.request-retry.initial-backoff=10ms", "backbone.request-retry.max-backoff=1s",
                "backbone.request-retry.multiplier=1.5", "backbone.auth.token=bb_secret").run(context -> {
                    var settings = context.getBean(BackboneClient.class).settings();
                    assertThat(settings.baseUri()).isEqualTo(URI.create("http://broker.internal:9090"));
                    assertThat(settings.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
                    assertThat(settings.responseTimeout()).isEqualTo(Duration.ofSeconds(7));
                    assertThat(settings.maxConnections()).isEqualTo(3);
                    assertThat(settings.retry().maxAttempts()).isEqualTo(9);
                    assertThat(settings.retry().initialBackoff()).isEqualTo(Duration.ofMillis(10));
                    assertThat(settings.retry().maxBackoff()).isEqualTo(Duration.ofSeconds(1));
                    assertThat(settings.retry().multiplier()).isEqualTo(1.5);
                    assertThat(settings.credentials().token()).isEqualTo("bb_secret");
                });
    }

    @Test
    void bindsProducerAndConsumerProperties() {
        runner.withPropertyValues("backbone.producer.linger=20ms", "backbone.producer.linger-when-idle=true",
                "backbone.producer.batch-size=128KB",
                "backbone.producer.max-in-flight=2", "backbone.producer.buffer-size=1MB",
                "backbone.producer.flush=sync", "backbone.producer.delivery-timeout=3s",
                "backbone.consumer.session-timeout=20s", "backbone.consumer.heartbeat-interval=1s",
                "backbone.consumer.max-wait=2s", "backbone.consumer.max-bytes=256KB",
                "backbone.consumer.shutdown-timeout=4s", "backbone.consumer.commit-interval=25ms",
                "backbone.consumer.retry.max-attempts=5",
                "backbone.consumer.retry.initial-backoff=50ms", "backbone.consumer.retry.multiplier=3",
                "backbone.consumer.retry.max-backoff=2s", "backbone.consumer.dead-letter.enabled=false",
                "backbone.consumer.dead-letter.suffix=-dead").run(context -> {
                    BackboneProperties properties = context.getBean(BackboneProperties.class);
                    var producer = BackboneAutoConfiguration.publisherSettings(properties.getProducer());
                    assertThat(producer.linger()).isEqualTo(Duration.ofMillis(20));
                    assertThat(producer.lingerWhenIdle()).isTrue();
                    assertThat(producer.batchBytes()).isEqualTo(128 * 1024);
                    assertThat(producer.maxInFlight()).isEqualTo(2);
                    assertThat(producer.bufferBytes()).isEqualTo(1024 * 1024);
                    assertThat(producer.flush()).isEqualTo(dev.backbone.client.http.Flush.SYNC);
                    assertThat(producer.deliveryTimeout()).isEqualTo(Duration.ofSeconds(3));
                    var consumer = BackboneListenerAutoConfiguration.listenerSettings(properties);
                    assertThat(consumer.sessionTimeout()).isEqualTo(Duration.ofSeconds(20));
                    assertThat(consumer.heartbeatInterval()).isEqualTo(Duration.ofSeconds(1));
                    assertThat(consumer.maxWait()).isEqualTo(Duration.ofSeconds(2));
                    assertThat(consumer.maxBytes()).isEqualTo(256 * 1024);
                    assertThat(consumer.shutdownTimeout()).isEqualTo(Duration.ofSeconds(4));
                    assertThat(consumer.commitInterval()).isEqualTo(Duration.ofMillis(25));
                    assertThat(consumer.backoff().maxAttempts()).isEqualTo(5);
                    assertThat(consumer.backoff().backoffAfter(2)).isEqualTo(Duration.ofMillis(150));
                    assertThat(consumer.backoff().maxBackoff()).isEqualTo(Duration.ofSeconds(2));
                    assertThat(consumer.deadLetterEnabled()).isFalse();
                    assertThat(consumer.deadLetterSuffix()).isEqualTo("-dead");
                    assertThat(properties.getConsumer().isAutoStartup()).isTrue();
                });
    }

    @Test
    void membersCommitAtMostEveryTenMillisecondsByDefault() {
        runner.run(context -> assertThat(BackboneListenerAutoConfiguration
                .listenerSettings(context.getBean(BackboneProperties.class)).commitInterval())
                .isEqualTo(Duration.ofMillis(10)));
    }

    @Test
    void producerFlushDefaultsToTheTopicsOwn() {
        runner.run(context -> assertThat(BackboneAutoConfiguration
                .publisherSettings(context.getBean(BackboneProperties.class).getProducer()).flush()).isNull());
    }

    @Test
    void aCredentialsBeanWinsOverTheStaticToken() {
        runner.withPropertyValues("backbone.auth.token=static")
                .withBean(BackboneCredentials.class, () -> () -> "rotating")
                .run(context -> assertThat(context.getBean(BackboneClient.class).settings().credentials().token())
                        .isEqualTo("rotating"));
    }

    @Test
    void withoutTokenNoCredentialsAreSent() {
        runner.run(context -> assertThat(context.getBean(BackboneClient.class).settings().credentials().token())
                .isNull());
    }

    @Test
    void userBeansReplaceOurs() {
        BackbonePublisher publisher = (topic, key, payload, headers) ->
                CompletableFuture.completedFuture(new PublishResult(topic, 0, 0));
        EventStore store = new EventStore() {
            @Override
            public dev.backbone.spring.eventstore.AppendResult append(String topic, String key, long expected,
                                                                      List<?> events) {
                throw new UnsupportedOperationException();
            }

            @Override
            public <T> List<dev.backbone.spring.eventstore.StoredEvent<T>> read(String t, String k, Class<T> c) {
                return List.of();
            }

            @Override
            public <T> List<dev.backbone.spring.eventstore.StoredEvent<T>> read(String t, String k, long v,
                                                                               Class<T> c) {
                return List.of();
            }
        };
        runner.withBean(BackbonePublisher.class, () -> publisher)
                .withBean(EventStore.class, () -> store)
                .withBean(AuditTrail.class, RecordingTrail::new)
                .withBean(AuditEventRepository.class, InMemoryAuditEventRepository::new)
                .withBean("backboneHealthIndicator", HealthIndicator.class, () -> () -> null)
                .run(context -> {
                    assertThat(context).doesNotHaveBean(BatchingPublisher.class)
                            .doesNotHaveBean(BackboneAuditEventRepository.class)
                            .doesNotHaveBean(BackboneHealthIndicator.class);
                    assertThat(context.getBean(BackbonePublisher.class)).isSameAs(publisher);
                    assertThat(context.getBean(EventStore.class)).isSameAs(store);
                    assertThat(context.getBean(AuditTrail.class)).isInstanceOf(RecordingTrail.class);
                    assertThat(context.getBean(ReactiveBackbonePublisher.class).publish("t", "x")
                            .block(Duration.ofSeconds(1))).isEqualTo(new PublishResult("t", 0, 0));
                });
    }

    @Test
    void aClientBeanOfTheApplicationIsUsed() {
        BackboneClient client = new BackboneClient(
                dev.backbone.client.http.BackboneClientSettings.builder("http://127.0.0.1:1").build());
        runner.withBean(BackboneClient.class, () -> client)
                .run(context -> assertThat(context.getBean(BackboneClient.class)).isSameAs(client));
    }

    @Test
    void auditCanBeSwitchedOff() {
        runner.withPropertyValues("backbone.audit.enabled=false").run(context -> assertThat(context)
                .doesNotHaveBean(AuditTrail.class).doesNotHaveBean(BackboneAuditEventRepository.class)
                .doesNotHaveBean(CurrentActor.class));
    }

    @Test
    void withoutActuatorThereIsNoAuditEventRepository() {
        runner.withClassLoader(new FilteredClassLoader(AuditEventRepository.class))
                .run(context -> assertThat(context).hasSingleBean(AuditTrail.class)
                        .doesNotHaveBean(BackboneAuditEventRepository.class));
    }

    @Test
    void withoutSpringSecurityThereIsNoAuditEventRepository() {
        runner.withClassLoader(new FilteredClassLoader("org.springframework.security"))
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(AuditTrail.class)
                        .doesNotHaveBean(BackboneAuditEventRepository.class));
    }

    @Test
    void theHealthIndicatorNeedsHealthSupportAndCanBeSwitchedOff() {
        runner.withClassLoader(new FilteredClassLoader(HealthIndicator.class))
                .run(context -> assertThat(context).doesNotHaveBean(BackboneHealthIndicator.class));
        runner.withPropertyValues("management.health.backbone.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(BackboneHealthIndicator.class));
    }

    @Test
    void theReactivePublisherNeedsReactor() {
        runner.withClassLoader(new FilteredClassLoader(Mono.class))
                .run(context -> assertThat(context).doesNotHaveBean(ReactiveBackbonePublisher.class)
                        .hasSingleBean(BackbonePublisher.class));
    }

    @Test
    void listenerMetricsUseTheMeterRegistryWhenThereIsOne() {
        runner.run(context -> assertThat(context.getBean(ListenerMetrics.class)).isSameAs(ListenerMetrics.NONE));
        runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .run(context -> assertThat(context.getBean(ListenerMetrics.class))
                        .isInstanceOf(MicrometerListenerMetrics.class));
        runner.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
                .run(context -> assertThat(context).doesNotHaveBean(ListenerMetrics.class)
                        .hasSingleBean(BackboneListenerRegistry.class));
    }

    @Test
    void theActorComesFromSpringSecurityElseTheResolverElseAnonymous() {
        runner.run(context -> assertThat(context.getBean(CurrentActor.class).name())
                .isEqualTo(CurrentActor.ANONYMOUS));
        runner.withBean(AuditActorResolver.class, () -> () -> "batch-job").run(context -> {
            CurrentActor actor = context.getBean(CurrentActor.class);
            assertThat(actor.name()).isEqualTo("batch-job");
            SecurityContextHolder.getContext().setAuthentication(
                    UsernamePasswordAuthenticationToken.authenticated("alice", "n/a", List.of()));
            try {
                assertThat(actor.name()).isEqualTo("alice");
            } finally {
                SecurityContextHolder.clearContext();
            }
        });
    }

    /** An audit trail of the application's own (the test only checks that ours backs off). */
    static class RecordingTrail implements AuditTrail {

        @Override
        public CompletableFuture<Long> record(AuditEntry entry) {
            return CompletableFuture.completedFuture(0L);
        }

        @Override
        public ChainVerification verify() {
            return null;
        }

        @Override
        public List<AuditEntry> entries() {
            return List.of();
        }
    }
}
