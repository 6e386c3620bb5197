package dev.backbone.spring.listener;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.context.SmartLifecycle;

/**
 * The listener containers of the application, by id: started with the context (those with auto-startup), stopped
 * when it closes (each finishes the record in hand, commits and leaves its group), and paused, resumed, stopped
 * or started by id at any time.
 *
 * <p>Thread-safe.
 */
public class BackboneListenerRegistry implements SmartLifecycle {

    /** Stops early on close, so listeners are done before the publisher and the client go. */
    public static final int PHASE = Integer.MAX_VALUE - 1000;

    private final Map<String, ListenerContainer> containers = new ConcurrentHashMap<>();

    private final ProcessedOffsets processed;

    private volatile boolean running;

    public BackboneListenerRegistry(ProcessedOffsets processed) {
        this.processed = processed;
    }

    /**
     * Adds a container; starts it at once if the registry runs and the container auto-starts.
     *
     * @param container the container
     * @throws IllegalStateException if the id is taken
     */
    public void register(ListenerContainer container) {
        if (containers.putIfAbsent(container.id(), container) != null) {
            throw new IllegalStateException("two @BackboneListener containers have the id '" + container.id()
                    + "'; give one an explicit id");
        }
        if (running && container.autoStartup()) {
            container.start();
        }
    }

    /**
     * A container by id.
     *
     * @param id the id
     * @return the container
     * @throws IllegalArgumentException if there is none
     */
    public ListenerContainer container(String id) {
        ListenerContainer container = containers.get(id);
        if (container == null) {
            throw new IllegalArgumentException("no @BackboneListener container with id '" + id + "'; known: "
                    + containers.keySet());
        }
        return container;
    }

    public Collection<ListenerContainer> containers() {
        return List.copyOf(containers.values());
    }

    public void pause(String id) {
        container(id).pause();
    }

    public void resume(String id) {
        container(id).resume();
    }

    public void stop(String id) {
        container(id).stop();
    }

    public void start(String id) {
        container(id).start();
    }

    /**
     * Waits until a listener of this application handled the record at an offset (processed it, or dead-lettered
     * it), for read-your-writes across services.
     *
     * @param topic     the topic
     * @param partition the partition
     * @param offset    the offset, as returned by a publish or an event store append
     * @param timeout   the longest wait
     * @return true when handled, false when the time ran out
     * @throws InterruptedException when interrupted while waiting
     */
    public boolean awaitProcessed(String topic, int partition, long offset, Duration timeout)
            throws InterruptedException {
        return processed.await(topic, partition, offset, timeout);
    }

    @Override
    public void start() {
        running = true;
        containers.values().stream().filter(ListenerContainer::autoStartup).forEach(ListenerContainer::start);
    }

    @Override
    public void stop() {
        running = false;
        containers.values().parallelStream().forEach(ListenerContainer::stop);
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
