package dev.backbone.spring.audit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Records an {@link AuditEntry} for every call of the annotated method: {@code SUCCESS} when it returns,
 * {@code FAILURE} with the exception type when it throws (the exception still propagates).
 *
 * <p>{@code entity} and {@code entityType} are SpEL expressions over the method's arguments, by name
 * ({@code #id}, {@code #order.customerId}, needs {@code -parameters}, on by default in Spring Boot builds) or by
 * position ({@code #p0}, {@code #a0}); {@code #result} is the return value (null on failure).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Audited {

    /**
     * What is done, for example "order.cancel".
     *
     * @return the action name
     */
    String action();

    /**
     * SpEL for the entity id, for example {@code "#id"}; empty for none.
     *
     * @return the expression
     */
    String entity() default "";

    /**
     * Kind of entity (a literal, not an expression), for example "order"; empty for none.
     *
     * @return the entity type
     */
    String entityType() default "";
}
