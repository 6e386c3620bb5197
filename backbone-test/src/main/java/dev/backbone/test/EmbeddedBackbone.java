package dev.backbone.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the test class against a real Backbone broker in the test JVM, on 127.0.0.1 and a random port, over a
 * temporary data directory: like spring-kafka's {@code @EmbeddedKafka}.
 *
 * <ul>
 *   <li>In a JUnit 5 test, a test method or constructor may declare an {@link EmbeddedBroker} parameter.</li>
 *   <li>In a Spring test ({@code @SpringBootTest}, {@code @SpringJUnitConfig}, ...), the application context gets
 *       {@code backbone.url} pointing at the broker.</li>
 * </ul>
 *
 * <p>One broker serves every test class with the same {@link #properties()} in the JVM, so Spring's test context
 * cache keeps working and no {@code @DirtiesContext} is needed; give each test class its own topic names. The
 * broker stops, and its directory is removed, when the JVM exits.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(EmbeddedBackboneExtension.class)
public @interface EmbeddedBackbone {

    /** Topics created before the tests run (an existing topic of the name is kept as it is). */
    String[] topics() default {};

    /** Partitions of each topic in {@link #topics()}. */
    int partitions() default 1;

    /**
     * Broker properties as {@code name=value}, e.g. {@code backbone.topics.auto-create=false}. Test classes with
     * different properties get different brokers.
     */
    String[] properties() default {};
}
