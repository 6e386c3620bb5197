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
