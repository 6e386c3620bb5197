package dev.backbone.test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * Points the test application context at the shared embedded broker: sets {@code backbone.url} ahead of every
 * other property source, after making sure the broker runs and the topics exist.
 *
 * <p>Equal for equal annotations (topics, partitions, properties), so Spring's test context cache reuses one
 * context for test classes that ask for the same broker and topics. Immutable.
 */
final class EmbeddedBackboneContextCustomizer implements ContextCustomizer {

    /** The property the Backbone starter reads the broker's address from. */
    static final String URL_PROPERTY = "backbone.url";

    private final EmbeddedBackbone annotation;
    private final List<String> topics;
    private final int partitions;
    private final Map<String, String> properties;

    EmbeddedBackboneContextCustomizer(EmbeddedBackbone annotation) {
        this.annotation = annotation;
        this.topics = Arrays.stream(annotation.topics()).sorted().toList();
        this.partitions = annotation.partitions();
        this.properties = EmbeddedBackboneSupport.properties(annotation.properties());
    }

    @Override
    public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
        EmbeddedBroker broker = EmbeddedBackboneSupport.brokerFor(annotation);
        context.getEnvironment().getPropertySources().addFirst(
                new MapPropertySource("embeddedBackbone", Map.of(URL_PROPERTY, broker.url())));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof EmbeddedBackboneContextCustomizer c && partitions == c.partitions
                && topics.equals(c.topics) && properties.equals(c.properties);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topics, partitions, properties);
    }
}
