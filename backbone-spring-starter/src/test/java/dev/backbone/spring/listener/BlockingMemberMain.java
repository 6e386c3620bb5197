package dev.backbone.spring.listener;

import dev.backbone.spring.autoconfigure.BackboneAutoConfiguration;
import dev.backbone.spring.autoconfigure.BackboneListenerAutoConfiguration;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A child JVM's service for {@link RedeliveryAfterKillTest}: one listener that prints {@code HANDLED <offset>} for
 * the first records and then blocks in the handler, so the records it handled are never committed, until the
 * parent kills the process with SIGKILL. Arguments: broker URL, topic, group, records to handle before blocking.
 */
public final class BlockingMemberMain {

    /** The service's listener. */
    public static class BlockingListener {

        private final int handleBeforeBlocking;

        private int handled;

        BlockingListener(int handleBeforeBlocking) {
            this.handleBeforeBlocking = handleBeforeBlocking;
        }

        @BackboneListener(topics = "${test.topic}", group = "${test.group}")
        void on(BackboneRecord<String> record) throws InterruptedException {
            if (handled++ >= handleBeforeBlocking) {
                System.out.println("BLOCKING " + record.offset());
                Thread.sleep(Long.MAX_VALUE);
            }
            System.out.println("HANDLED " + record.offset());
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration({JacksonAutoConfiguration.class, BackboneAutoConfiguration.class,
            BackboneListenerAutoConfiguration.class})
    static class Service {

        @Bean
        BlockingListener blockingListener(org.springframework.core.env.Environment environment) {
            return new BlockingListener(environment.getRequiredProperty("test.handle-before-blocking", Integer.class));
        }
    }

    private BlockingMemberMain() {
    }

    public static void main(String[] args) {
        new SpringApplicationBuilder(Service.class).web(WebApplicationType.NONE)
                .properties("backbone.url=" + args[0], "test.topic=" + args[1], "test.group=" + args[2],
                        "test.handle-before-blocking=" + args[3],
                        "backbone.consumer.heartbeat-interval=200ms", "backbone.consumer.session-timeout=2s",
                        "backbone.consumer.max-wait=500ms", "backbone.audit.enabled=false")
                .run();
    }
}
