package dev.backbone.server.topic;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TopicNamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"orders", "a", "A.b_c-9", "__backbone_offsets", "..."})
    void legalNames(String name) {
        assertThatCode(() -> TopicNames.validate(name)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "..", "with space", "slash/", "back\\slash", "ümlaut", "tab\t", "colon:"})
    void illegalNames(String name) {
        assertThatThrownBy(() -> TopicNames.validate(name)).isInstanceOf(InvalidTopicException.class);
    }

    @org.junit.jupiter.api.Test
    void lengthLimitIs249() {
        assertThatCode(() -> TopicNames.validate("x".repeat(249))).doesNotThrowAnyException();
        assertThatThrownBy(() -> TopicNames.validate("x".repeat(250))).isInstanceOf(InvalidTopicException.class)
                .hasMessageContaining("249");
    }
}
