package dev.backbone.bench.starter;

import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.backbone.bench.load.CommandLine;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.annotation.EnableKafka;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.support.serializer.JacksonJsonDeserializer;
import org.springframework.kafka.support.serializer.JacksonJsonSerializer;

/**
 * The same service as {@link StarterLoadRun} on spring-kafka: {@link KafkaTemplate#send} where the starter calls
 * {@code BackbonePublisher.publish}, a {@link KafkaListener} method taking the event where the starter has a
 * {@code @BackboneListener}, events written and read with the application's Jackson {@link JsonMapper}. The broker
 * is spring-kafka-test's embedded KRaft broker, started in its own JVM by {@link EmbeddedKafkaMain}:
 * {@code SpringKafkaLoadRun publish|listen|e2e --bootstrap=<what it printed> [--option=value ...]} (modes and
 * options: {@link ServiceLoadRun}).
 *
 * <p>Producer and consumer keep spring-kafka's and Kafka's defaults (acks=all, idempotence on, linger 5 ms,
 * batch.size 16 KiB, max.poll.records 500), as a service that adds the dependency gets them; a new group starts at
 * the earliest offset, as a new Backbone group does. {@code --batch-size=} sets the producer's {@code batch.size}.
 */
public final class SpringKafkaLoadRun implements ServiceUnderLoad {

    /** The no-op or timing listener. */
    public static final class BenchListener {

        @KafkaListener(topics = "${bench.topic}", groupId = "${bench.group}", concurrency = "${bench.concurrency}")
        void on(BenchEvent event) {
            HandledEvents.handled(event);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableKafka
    @ImportAutoConfiguration(JacksonAutoConfiguration.class)
    static class KafkaClients {

        @Bean
        ProducerFactory<String, BenchEvent> producerFactory(@Value("${bench.bootstrap}") String bootstrap,
                                                            @Value("${bench.batch-size:}") String batchSize,
                                                            JsonMapper mapper) {
            Map<String, Object> config = new java.util.HashMap<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
            if (!batchSize.isEmpty()) {
                config.put(ProducerConfig.BATCH_SIZE_CONFIG, batchSize);
            }
            return new DefaultKafkaProducerFactory<>(config, new StringSerializer(),
                    new JacksonJsonSerializer<>(mapper));
        }

        @Bean
        KafkaTemplate<String, BenchEvent> kafkaTemplate(ProducerFactory<String, BenchEvent> producerFactory) {
            return new KafkaTemplate<>(producerFactory);
        }

        @Bean
        ConsumerFactory<String, BenchEvent> consumerFactory(@Value("${bench.bootstrap}") String bootstrap,
                                                            JsonMapper mapper) {
            JacksonJsonDeserializer<BenchEvent> values = new JacksonJsonDeserializer<>(BenchEvent.class, mapper);
            values.addTrustedPackages(BenchEvent.class.getPackageName());
            return new DefaultKafkaConsumerFactory<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), values);
        }

        @Bean
        ConcurrentKafkaListenerContainerFactory<String, BenchEvent> kafkaListenerContainerFactory(
                ConsumerFactory<String, BenchEvent> consumerFactory) {
            ConcurrentKafkaListenerContainerFactory<String, BenchEvent> factory =
                    new ConcurrentKafkaListenerContainerFactory<>();
            factory.setConsumerFactory(consumerFactory);
            return factory;
        }
    }

    @Configuration(proxyBeanMethods = false)
    @Import(KafkaClients.class)
    static class PublisherService {
    }

    @Configuration(proxyBeanMethods = false)
    @Import(KafkaClients.class)
    static class ListenerService {

        @Bean
        BenchListener benchListener() {
            return new BenchListener();
        }
    }

    public static void main(String[] args) throws Exception {
        ServiceLoadRun.main(new SpringKafkaLoadRun(), args);
    }

    @Override
    public String label() {
        return "spring-kafka";
    }

    @Override
    public Set<String> options() {
        return Set.of("bootstrap", "batch-size");
    }

    @Override
    public ConfigurableApplicationContext start(CommandLine options, String group, int concurrency) {
        List<String> properties = List.of(
                "bench.bootstrap=" + options.string("bootstrap", "127.0.0.1:19092"),
                "bench.batch-size=" + options.string("batch-size", ""),
                "bench.topic=" + options.string("topic", "starter-bench"),
                "bench.group=" + (group == null ? "unused" : group),
                "bench.concurrency=" + concurrency,
                "logging.level.root=WARN");
        return new SpringApplicationBuilder(group == null ? PublisherService.class : ListenerService.class)
                .web(WebApplicationType.NONE).properties(properties.toArray(String[]::new)).run();
    }

    @Override
    @SuppressWarnings("unchecked")
    public Publisher publisher(ConfigurableApplicationContext context) {
        KafkaTemplate<String, BenchEvent> template = context.getBean(KafkaTemplate.class);
        return template::send;
    }
}
