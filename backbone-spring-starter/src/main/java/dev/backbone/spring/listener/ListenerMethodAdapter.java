package dev.backbone.spring.listener;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;

import dev.backbone.spring.serde.BackboneHeaders;
import dev.backbone.spring.serde.PayloadReader;
import dev.backbone.spring.serde.PayloadSerde;
import tools.jackson.databind.JavaType;

import org.springframework.util.ReflectionUtils;

/**
 * Calls one {@link BackboneListener} method: works out from its parameter whether it takes the payload, a
 * {@link BackboneRecord} or a list of them, reads record values into the payload type, and invokes it.
 *
 * <p>Immutable and thread-safe; the target bean must itself be safe for the container's concurrency.
 */
public final class ListenerMethodAdapter {

    /** What the method's one parameter is. */
    public enum Shape {
        /** The payload itself. */
        PAYLOAD,
        /** One {@code BackboneRecord<T>}. */
        RECORD,
        /** A {@code List<BackboneRecord<T>>}: every record of one fetched partition in one call. */
        BATCH
    }

    private final Object bean;

    private final Method method;

    private final Shape shape;

    private final JavaType payloadType;

    private final PayloadReader reader;

    /**
     * @param bean   the bean that owns the method
     * @param method a method with exactly one parameter
     * @param serde  the payload reader
     * @throws IllegalArgumentException if the method does not take exactly one parameter, or a record type has no
     *                                  type argument
     */
    public ListenerMethodAdapter(Object bean, Method method, PayloadSerde serde) {
        if (method.getParameterCount() != 1) {
            throw new IllegalArgumentException("@BackboneListener method " + method
                    + " must take exactly one parameter: the payload, a BackboneRecord<T> or a List<BackboneRecord<T>>");
        }
        ReflectionUtils.makeAccessible(method);
        this.bean = bean;
        this.method = method;
        Type parameter = method.getGenericParameterTypes()[0];
        if (isOf(parameter, List.class) && isOf(typeArgument(parameter, method), BackboneRecord.class)) {
            this.shape = Shape.BATCH;
            this.payloadType = serde.javaType(typeArgument(typeArgument(parameter, method), method));
        } else if (isOf(parameter, BackboneRecord.class)) {
            this.shape = Shape.RECORD;
            this.payloadType = serde.javaType(typeArgument(parameter, method));
        } else {
            this.shape = Shape.PAYLOAD;
            this.payloadType = serde.javaType(parameter);
        }
        this.reader = serde.reader(payloadType);
    }

    public Shape shape() {
        return shape;
    }

    public JavaType payloadType() {
        return payloadType;
    }

    /**
     * Reads a record's value into the payload type.
     *
     * @param raw the fetched record
     * @return the record with its payload
     * @throws dev.backbone.spring.serde.PayloadDeserializationException if the value is not JSON of the type
     */
    public BackboneRecord<Object> read(RawRecord raw) {
        return raw.withPayload(readPayload(raw));
    }

    /**
     * Reads a record's value into the payload type, without the record around it: what a payload method needs.
     *
     * @param raw the fetched record
     * @return the payload
     * @throws dev.backbone.spring.serde.PayloadDeserializationException if the value is not JSON of the type
     */
    public Object readPayload(RawRecord raw) {
        return reader.read(raw.value(), reader.needsEventType() ? raw.header(BackboneHeaders.EVENT_TYPE) : null);
    }

    /**
     * Invokes the method for one record (shapes PAYLOAD and RECORD) or a list of one (BATCH).
     *
     * @param record a record read with {@link #read}
     * @throws Exception whatever the method threw, unwrapped
     */
    public void invoke(BackboneRecord<Object> record) throws Exception {
        switch (shape) {
            case PAYLOAD -> call(record.value());
            case RECORD -> call(record);
            case BATCH -> call(List.of(record));
        }
    }

    /**
     * Invokes the method for one record whose payload {@link #readPayload} read; a payload method gets it without
     * the record around it being built.
     *
     * @param raw     the fetched record
     * @param payload its payload
     * @throws Exception whatever the method threw, unwrapped
     */
    public void invoke(RawRecord raw, Object payload) throws Exception {
        if (shape == Shape.PAYLOAD) {
            call(payload);
        } else {
            invoke(raw.withPayload(payload));
        }
    }

    /**
     * Invokes a BATCH method with several records at once.
     *
     * @param records records read with {@link #read}
     * @throws Exception whatever the method threw, unwrapped
     */
    public void invokeBatch(List<BackboneRecord<Object>> records) throws Exception {
        if (shape != Shape.BATCH) {
            throw new IllegalStateException(method + " does not take a list");
        }
        call(new ArrayList<>(records));
    }

    /**
     * A name for logs and metrics.
     *
     * @return {@code SimpleClassName.method}
     */
    public String describe() {
        return method.getDeclaringClass().getSimpleName() + "." + method.getName();
    }

    private void call(Object argument) throws Exception {
        try {
            method.invoke(bean, argument);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    private static boolean isOf(Type type, Class<?> raw) {
        if (type instanceof Class<?> c) {
            return raw.equals(c);
        }
        return type instanceof ParameterizedType p && raw.equals(p.getRawType());
    }

    private static Type typeArgument(Type type, Method method) {
        if (type instanceof ParameterizedType p) {
            return p.getActualTypeArguments()[0];
        }
        throw new IllegalArgumentException("@BackboneListener method " + method + " must give the type argument of "
                + type.getTypeName() + ", for example BackboneRecord<OrderPlaced>");
    }
}
