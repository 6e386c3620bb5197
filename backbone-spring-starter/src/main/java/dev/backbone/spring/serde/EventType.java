package dev.backbone.spring.serde;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the event type of a payload class on the wire, for example {@code @EventType("order.placed")}.
 *
 * <p>The name travels in the {@value BackboneHeaders#EVENT_TYPE} record header so that consumers tell types apart
 * without Java class names on the wire; a class without this annotation is named by its simple class name.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface EventType {

    /**
     * The event type name, stable across renames of the class.
     *
     * @return the name, not blank
     */
    String value();
}
