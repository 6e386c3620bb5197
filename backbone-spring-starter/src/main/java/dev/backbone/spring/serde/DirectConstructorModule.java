package dev.backbone.spring.serde;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;

import tools.jackson.core.Version;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.DeserializationConfig;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.JacksonModule;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.deser.ValueInstantiator;
import tools.jackson.databind.deser.ValueInstantiators;
import tools.jackson.databind.deser.std.StdValueInstantiator;
import tools.jackson.databind.introspect.AnnotatedConstructor;

/**
 * Makes Jackson build objects with a property-based constructor (every Java record, every class with a
 * {@code @JsonCreator} constructor) through {@link Constructor#newInstance}, the same constructor Jackson chose.
 *
 * <p>Why: Jackson 3 calls such a constructor with {@code MethodHandle.invokeWithArguments}, which on JDK 17 builds a
 * new spreading adapter for every call (a {@code MethodType} lookup in a concurrent intern table and an
 * {@code asSpreader} chain): about a tenth of a no-op listener's thread in a profile of 1 KiB events. Reflection
 * compiles the call once (after a few calls, the JDK generates an accessor), then costs what a plain call costs.
 * Nothing else changes: Jackson still finds the creator, binds the arguments and reports a failing constructor
 * the way it always does. Instantiators other than Jackson's standard one (a module's, an application's) are left
 * as they are, and so is everything when the mapper may not override access modifiers.
 *
 * <p>Immutable and thread-safe.
 */
final class DirectConstructorModule extends JacksonModule {

    @Override
    public String getModuleName() {
        return "backbone-direct-constructors";
    }

    @Override
    public Version version() {
        return Version.unknownVersion();
    }

    @Override
    public void setupModule(SetupContext context) {
        context.addValueInstantiators(new Instantiators());
    }

    private static final class Instantiators implements ValueInstantiators {

        @Override
        public ValueInstantiator findValueInstantiator(DeserializationConfig config,
                                                       BeanDescription.Supplier description) {
            return null;
        }

        @Override
        public ValueInstantiator modifyValueInstantiator(DeserializationConfig config,
                                                         BeanDescription.Supplier description,
                                                         ValueInstantiator instantiator) {
            if (instantiator.getClass() != StdValueInstantiator.class
                    || !config.isEnabled(MapperFeature.CAN_OVERRIDE_ACCESS_MODIFIERS)) {
                return instantiator;
            }
            StdValueInstantiator standard = (StdValueInstantiator) instantiator;
            if (!(standard.getWithArgsCreator() instanceof AnnotatedConstructor creator)
                    || !creator.getAnnotated().trySetAccessible()) {
                return instantiator;
            }
            return new DirectConstructorInstantiator(standard, creator.getAnnotated());
        }
    }

    /** Jackson's standard instantiator with the property-based constructor called through reflection. */
    private static final class DirectConstructorInstantiator extends StdValueInstantiator {

        private final Constructor<?> constructor;

        DirectConstructorInstantiator(StdValueInstantiator standard, Constructor<?> constructor) {
            super(standard);
            this.constructor = constructor;
        }

        @Override
        public Object createFromObjectWith(DeserializationContext context, Object[] arguments) {
            try {
                return constructor.newInstance(arguments);
            } catch (InvocationTargetException e) {
                return context.handleInstantiationProblem(_valueClass, arguments, rewrapCtorProblem(context,
                        e.getCause()));
            } catch (ReflectiveOperationException | RuntimeException e) {
                return context.handleInstantiationProblem(_valueClass, arguments, rewrapCtorProblem(context, e));
            }
        }
    }
}
