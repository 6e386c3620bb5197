package dev.backbone.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;

@SpringJUnitConfig(EmbeddedBackboneSpringTest.Config.class)
@EmbeddedBackbone(topics = "spring-orders", properties = "backbone.topics.default-partitions=2")
class EmbeddedBackboneSpringTest {

    @Configuration
    static class Config {
    }

    @Value("${backbone.url}")
    String url;

    @Test
    void setsBackboneUrlToTheSharedBroker() {
        EmbeddedBroker broker = EmbeddedBroker.shared(Map.of("backbone.topics.default-partitions", "2"));
        assertThat(url).isEqualTo(broker.url());
        assertThat(broker.createTopic("spring-orders", 1, Map.of())).as("created before the test").isFalse();
    }

    @Test
    void equalAnnotationsGiveEqualCustomizersSoTheContextCacheHits() {
        EmbeddedBackboneContextCustomizerFactory factory = new EmbeddedBackboneContextCustomizerFactory();
        List<ContextConfigurationAttributes> none = List.of();
        ContextCustomizer mine = factory.createContextCustomizer(EmbeddedBackboneSpringTest.class, none);
        ContextCustomizer same = factory.createContextCustomizer(Same.class, none);
        ContextCustomizer other = factory.createContextCustomizer(OtherTopics.class, none);
        assertThat(mine).isEqualTo(same).hasSameHashCodeAs(same).isNotEqualTo(other);
        assertThat(factory.createContextCustomizer(Config.class, none)).isNull();
    }

    @EmbeddedBackbone(topics = "spring-orders", properties = "backbone.topics.default-partitions = 2")
    static class Same {
    }

    @EmbeddedBackbone(topics = "spring-other", properties = "backbone.topics.default-partitions=2")
    static class OtherTopics {
    }
}
