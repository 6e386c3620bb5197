package dev.backbone.spring.serde;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Resolves the event type name of payload classes: the value of {@link EventType} on the class, else its simple
 * name. Thread-safe; names are cached per class.
 */
public final class EventTypes {

    private final ConcurrentMap<Class<?>, String> names = new ConcurrentHashMap<>();

    /**
     * The event type name of a class.
     *
     * @param type a payload class
     * @return the name, never blank
     * @throws IllegalArgumentException if the class carries a blank {@link EventType}
     */
    public String nameOf(Class<?> type) {
        return names.computeIfAbsent(type, EventTypes::resolve);
    }

    /**
     * The class to read an event into: {@code base} itself, or, when {@code base} is a sealed type, the permitted
     * subclass (searched through nested sealed types) whose event type name is {@code eventType}.
     *
     * @param base      the type the caller asked for
     * @param eventType the record's event type name, or null
     * @param <T>       the base type
     * @return the class to read into; {@code base} when no subclass matches
     */
    @SuppressWarnings("unchecked")
    public <T> Class<? extends T> classFor(Class<T> base, String eventType) {
        if (eventType == null || !base.isSealed()) {
            return base;
        }
        Class<?> found = subclassNamed(base, eventType);
        return found == null ? base : (Class<? extends T>) found;
    }

    private Class<?> subclassNamed(Class<?> type, String eventType) {
        if (!type.isInterface() && !java.lang.reflect.Modifier.isAbstract(type.getModifiers())
                && nameOf(type).equals(eventType)) {
            return type;
        }
        if (!type.isSealed()) {
            return null;
        }
        for (Class<?> permitted : type.getPermittedSubclasses()) {
            Class<?> found = subclassNamed(permitted, eventType);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private static String resolve(Class<?> type) {
        EventType annotation = type.getAnnotation(EventType.class);
        if (annotation == null) {
            return type.getSimpleName();
        }
        if (annotation.value().isBlank()) {
            throw new IllegalArgumentException("@EventType on " + type.getName() + " has a blank name");
        }
        return annotation.value();
    }
}
