package dev.backbone.spring.listener;

import java.lang.reflect.Method;
import java.util.List;

import dev.backbone.client.http.BackboneClient;
import dev.backbone.spring.serde.PayloadSerde;
import io.micrometer.observation.ObservationRegistry;

/**
 * Builds a {@link ListenerContainer} for one listener method from the shared collaborators. Thread-safe.
 */
public final class ListenerContainerFactory {

    private final BackboneClient client;

    private final PayloadSerde serde;

    private final ListenerSettings settings;

    private final DeadLetterPublisher deadLetters;

    private final ListenerMetrics metrics;

    private final ObservationRegistry observations;

    private final ProcessedOffsets processed;

    public ListenerContainerFactory(BackboneClient client, PayloadSerde serde, ListenerSettings settings,
                                    DeadLetterPublisher deadLetters, ListenerMetrics metrics,
                                    ObservationRegistry observations, ProcessedOffsets processed) {
        this.client = client;
        this.serde = serde;
        this.settings = settings;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.observations = observations;
        this.processed = processed;
    }

    /**
     * A container for a listener method.
     *
     * @param id          container id
     * @param group       consumer group
     * @param topics      topics to consume
     * @param concurrency members in this JVM
     * @param autoStartup whether it starts with the context
     * @param bean        the bean (a proxy if it is one)
     * @param method      the method to invoke on it
     * @return the container, not started
     */
    public ListenerContainer create(String id, String group, List<String> topics, int concurrency,
                                    boolean autoStartup, Object bean, Method method) {
        ListenerMethodAdapter adapter = new ListenerMethodAdapter(bean, method, serde);
        RecordProcessor processor = new RecordProcessor(id, group, adapter, settings, deadLetters, metrics,
                observations);
        return new ListenerContainer(id, group, topics, concurrency, autoStartup, settings.shutdownTimeout(),
                index -> new GroupMember(id, group, topics, client, processor, settings, metrics, processed));
    }
}
