package dev.backbone.spring.serde;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads record values into one payload type, with an {@link ObjectReader} made once (the mapper's per-call lookups
 * of the type's deserializer are done here, not per record). A {@code byte[]} type gets the value as it is. A sealed
 * type is read into the permitted class that the record's event type names ({@link EventTypes#classFor}), with one
 * reader per class; a record without a known event type is read into the sealed type itself, which Jackson can do
 * only if the type says how (else the record cannot be read).
 *
 * <p>Thread-safe (readers are immutable; the per-class cache is concurrent).
 */
public final class PayloadReader {

    private static final int MAX_CACHED_EVENT_TYPES = 1_024;

    private final JavaType type;

    private final ObjectReader reader;

    private final boolean bytes;

    private final JsonMapper mapper;

    private final EventTypes eventTypes;

    private final ConcurrentMap<String, ObjectReader> byEventType;

    PayloadReader(JsonMapper mapper, JavaType type, EventTypes eventTypes) {
        this.type = type;
        this.reader = mapper.readerFor(type);
        this.bytes = type.getRawClass() == byte[].class;
        this.mapper = mapper;
        this.eventTypes = eventTypes;
        this.byEventType = type.getRawClass().isSealed() ? new ConcurrentHashMap<>() : null;
    }

    /**
     * Whether {@link #read} needs the record's event type: only for a sealed payload type.
     *
     * @return true for a sealed type
     */
    public boolean needsEventType() {
        return byEventType != null;
    }

    /**
     * Reads a value.
     *
     * @param value     the value bytes, or null
     * @param eventType the record's event type name (used only when {@link #needsEventType}), or null
     * @return the payload, or null for a null value
     * @throws PayloadDeserializationException if the bytes are not JSON of the type
     */
    public Object read(byte[] value, String eventType) {
        if (value == null) {
            return null;
        }
        if (bytes) {
            return value;
        }
        ObjectReader target = byEventType == null || eventType == null ? reader : readerFor(eventType);
        try {
            return target.readValue(value);
        } catch (JacksonException e) {
            throw new PayloadDeserializationException(target.getValueType().toString(), value.length, e);
        }
    }

    private ObjectReader readerFor(String eventType) {
        ObjectReader cached = byEventType.get(eventType);
        if (cached != null) {
            return cached;
        }
        Class<?> target = eventTypes.classFor(type.getRawClass(), eventType);
        ObjectReader found = target == type.getRawClass() ? reader : mapper.readerFor(target);
        // Event type names come from the wire: the cache stays bounded whatever producers write.
        if (byEventType.size() < MAX_CACHED_EVENT_TYPES) {
            byEventType.put(eventType, found);
        }
        return found;
    }

    /**
     * The payload type.
     *
     * @return the type read into
     */
    public JavaType type() {
        return type;
    }
}
