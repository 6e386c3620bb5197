package dev.backbone.test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One embedded broker per JVM and set of broker properties, so every test class (and every cached Spring test
 * context) that asks for the same configuration talks to the same broker. The brokers stop, and their directories
 * are removed, when the JVM exits.
 *
 * <p>Thread-safe: a broker is started at most once per configuration, under the class's lock (starting one takes
 * a second or two, and tests rarely start in parallel).
 */
final class SharedBrokers {

    private static final Map<Map<String, String>, EmbeddedBroker> BROKERS = new HashMap<>();
    private static boolean hookInstalled;

    private SharedBrokers() {
    }

    static synchronized EmbeddedBroker get(Map<String, String> properties) {
        Map<String, String> key = new TreeMap<>(properties);
        EmbeddedBroker broker = BROKERS.get(key);
        if (broker == null) {
            installShutdownHook();
            broker = EmbeddedBroker.builder().properties(key).start();
            BROKERS.put(Map.copyOf(key), broker);
        }
        return broker;
    }

    private static void installShutdownHook() {
        if (!hookInstalled) {
            Runtime.getRuntime().addShutdownHook(new Thread(SharedBrokers::closeAll, "backbone-embedded-shutdown"));
            hookInstalled = true;
        }
    }

    private static void closeAll() {
        List<EmbeddedBroker> brokers;
        synchronized (SharedBrokers.class) {
            brokers = new ArrayList<>(BROKERS.values());
            BROKERS.clear();
        }
        for (EmbeddedBroker broker : brokers) {
            try {
                broker.close();
            } catch (RuntimeException e) {
                // The JVM is exiting: a broker that fails to stop must not keep the others from stopping.
                System.err.println("could not stop the embedded broker at " + broker.url() + ": " + e);
            }
        }
    }
}
