package dev.backbone.test;

import java.util.List;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * The Spring test side of {@link EmbeddedBackbone}, registered in {@code META-INF/spring.factories}: a test class
 * with the annotation gets a customizer that points {@code backbone.url} at the shared broker. Stateless.
 */
public final class EmbeddedBackboneContextCustomizerFactory implements ContextCustomizerFactory {

    @Override
    public ContextCustomizer createContextCustomizer(Class<?> testClass,
                                                     List<ContextConfigurationAttributes> configAttributes) {
        EmbeddedBackbone annotation = TestContextAnnotationUtils.findMergedAnnotation(testClass,
                EmbeddedBackbone.class);
        return annotation == null ? null : new EmbeddedBackboneContextCustomizer(annotation);
    }
}
