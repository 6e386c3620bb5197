package dev.backbone.test;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 side of {@link EmbeddedBackbone}: starts (or finds) the shared broker before the class's tests and
 * resolves {@link EmbeddedBroker} parameters. Stateless and thread-safe.
 */
public final class EmbeddedBackboneExtension implements BeforeAllCallback, ParameterResolver {

    @Override
    public void beforeAll(ExtensionContext context) {
        broker(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == EmbeddedBroker.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return broker(context);
    }

    private static EmbeddedBroker broker(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        EmbeddedBackbone annotation = AnnotationSupport.findAnnotation(testClass, EmbeddedBackbone.class)
                .orElseThrow(() -> new ParameterResolutionException(testClass.getName()
                        + " is not annotated with @EmbeddedBackbone"));
        return EmbeddedBackboneSupport.brokerFor(annotation);
    }
}
