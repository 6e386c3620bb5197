package dev.backbone.bench.starter;

import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.backbone.bench.load.CommandLine;
import org.slf4j.LoggerFactory;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * spring-kafka-test's embedded KRaft broker in a JVM of its own, so that a {@link SpringKafkaLoadRun} service and
 * its broker run in two processes as a {@link StarterLoadRun} service and a Backbone broker do:
 * {@code EmbeddedKafkaMain --partitions=4 --topics=a,b --duration=30m}. Prints {@code bootstrap: host:port}
 * once the broker is up (the test kit picks a free port), and stops on SIGTERM or when the duration has passed.
 * Topics created by a producer get {@code --partitions} partitions too. Logs at WARN and above only: the broker
 * logs every partition it creates at INFO, which would cost it CPU during a measurement.
 */
public final class EmbeddedKafkaMain {

    private EmbeddedKafkaMain() {
    }

    public static void main(String[] args) throws Exception {
        CommandLine options = CommandLine.parse(Arrays.asList(args));
        options.rejectUnknown(Set.of("partitions", "topics", "duration"));
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
        int partitions = options.intNumber("partitions", 4, 1);
        String topics = options.string("topics", "");
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, partitions,
                topics.isEmpty() ? new String[0] : topics.split(","));
        broker.brokerProperty("num.partitions", partitions);
        broker.afterPropertiesSet();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.destroy();
            stopped.countDown();
        }));
        System.out.println("bootstrap: " + broker.getBrokersAsString());
        System.out.flush();
        Duration duration = options.duration("duration", Duration.ofMinutes(30));
        if (!stopped.await(duration.toMillis(), TimeUnit.MILLISECONDS)) {
            System.exit(0);
        }
    }
}
