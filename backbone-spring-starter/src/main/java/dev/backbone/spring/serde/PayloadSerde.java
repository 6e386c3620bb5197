package dev.backbone.spring.serde;

import java.lang.reflect.Type;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes payloads as JSON with the application's {@link JsonMapper} and reads them back into a target type.
 *
 * <p>Reads go through a copy of the application's mapper (same configuration and modules) that also has the
 * {@link DirectConstructorModule}, so records and creator constructors cost a plain call per payload; writes use the
 * application's mapper itself. Thread-safe (the mappers are).
 */
public final class PayloadSerde {

    private final JsonMapper mapper;

    private final JsonMapper readMapper;

    private final EventTypes eventTypes;

    public PayloadSerde(JsonMapper mapper, EventTypes eventTypes) {
        this.mapper = mapper;
        this.readMapper = mapper.rebuild().addModule(new DirectConstructorModule()).build();
        this.eventTypes = eventTypes;
    }

    /**
     * The JSON bytes of a payload; a {@code byte[]} payload is sent as it is.
     *
     * @param payload the payload, or null for a tombstone
     * @return the bytes, or null for a null payload
     * @throws PayloadSerializationException if Jackson cannot write the payload
     */
    public byte[] serialize(Object payload) {
        if (payload == null) {
            return null;
        }
        if (payload instanceof byte[] bytes) {
            return bytes;
        }
        try {
            return mapper.writeValueAsBytes(payload);
        } catch (JacksonException e) {
            throw new PayloadSerializationException(payload.getClass(), e);
        }
    }

    /**
     * Reads JSON bytes into a type; {@code byte[]} targets get the raw bytes.
     *
     * @param bytes the value bytes, or null
     * @param type  the target type (may be generic)
     * @param <T>   the payload type
     * @return the payload, or null for a null value
     * @throws PayloadDeserializationException if the bytes are not JSON of that type
     */
    @SuppressWarnings("unchecked")
    public <T> T deserialize(byte[] bytes, JavaType type) {
        return (T) reader(type).read(bytes, null);
    }

    /**
     * A reader of one payload type, for a listener that reads many records of it.
     *
     * @param type the payload type; a sealed type is read into the permitted class the record's event type names
     * @return the reader
     */
    public PayloadReader reader(JavaType type) {
        return new PayloadReader(readMapper, type, eventTypes);
    }

    /**
     * The Jackson type of a Java reflection type.
     *
     * @param type a class or parameterized type
     * @return its Jackson type
     */
    public JavaType javaType(Type type) {
        return readMapper.constructType(type);
    }

    /**
     * The event type name of a payload.
     *
     * @param payload a payload, not null
     * @return its event type name
     */
    public String eventTypeOf(Object payload) {
        return eventTypes.nameOf(payload.getClass());
    }

    /**
     * The event type names of payload classes.
     *
     * @return the resolver
     */
    public EventTypes eventTypes() {
        return eventTypes;
    }

    /**
     * The mapper, for components that write their own JSON (failure envelopes, audit entries).
     *
     * @return the application's mapper
     */
    public JsonMapper mapper() {
        return mapper;
    }
}
