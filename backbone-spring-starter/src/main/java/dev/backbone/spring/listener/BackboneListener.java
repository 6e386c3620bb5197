package dev.backbone.spring.listener;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a bean method that handles records of one or more topics as a member of a consumer group.
 *
 * <p>The method takes exactly one parameter: the payload type (read with the application's JSON mapper), a
 * {@link BackboneRecord BackboneRecord&lt;T&gt;}, or a {@code List<BackboneRecord<T>>} (one call per fetched
 * partition batch). A container per annotation joins the group, heartbeats, long-polls, invokes the method and
 * commits after it returns. Attributes accept {@code ${...}} placeholders.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface BackboneListener {

    /**
     * Container id for {@link BackboneListenerRegistry}; defaults to {@code beanName.methodName}.
     *
     * @return the id, or empty for the default
     */
    String id() default "";

    /**
     * Topics to consume.
     *
     * @return one or more topic names
     */
    String[] topics();

    /**
     * Consumer group; defaults to {@code spring.application.name}, else the container id.
     *
     * @return the group, or empty for the default
     */
    String group() default "";

    /**
     * Number of group members this container runs in this JVM, each on its own thread.
     *
     * @return a positive number as a string (placeholders allowed)
     */
    String concurrency() default "1";

    /**
     * Whether the container starts with the context; empty means {@code backbone.consumer.auto-startup}.
     *
     * @return "true", "false" or empty
     */
    String autoStartup() default "";
}
