package dev.backbone.deploy.support;

import dev.backbone.checks.support.ChildProcess;
import dev.backbone.checks.support.Deadline;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * A broker running from the image's replayed layers as the chart's StatefulSet runs it (see {@link ChartContainer}),
 * ready when its readiness probe answers 200.
 *
 * <p>Thread safety: not thread-safe.
 */
public final class ChartBroker implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final RenderedChart chart;
    private final ChartContainer container;
    private final ImageReplay image;
    private final ChildProcess process;
    private final SSLContext tls;

    private ChartBroker(RenderedChart chart, ChartContainer container, ImageReplay image, ChildProcess process,
                        SSLContext tls) {
        this.chart = chart;
        this.container = container;
        this.image = image;
        this.process = process;
        this.tls = tls;
    }

    /** Starts the container of {@code chart}'s StatefulSet and waits until it is ready. */
    public static ChartBroker start(RenderedChart chart, ChartContainer container) {
        return start(chart, container, null);
    }

    /** Starts a broker that serves HTTPS, trusting what {@code tls} trusts. */
    public static ChartBroker start(RenderedChart chart, ChartContainer container, SSLContext tls) {
        ImageReplay image = ImageReplay.of("backbone-server/Dockerfile");
        ChildProcess process = container.start(image);
        ChartBroker broker = new ChartBroker(chart, container, image, process, tls);
        try {
            broker.awaitReady();
        } catch (RuntimeException | Error e) {
            process.close();
            throw e;
        }
        return broker;
    }

    /** The default chart's broker, its pod's volumes under {@code dir}. */
    public static ChartBroker startDefault(Path dir) {
        RenderedChart chart = RenderedChart.render();
        return start(chart, new ChartContainer(chart, dir));
    }

    public RenderedChart chart() {
        return chart;
    }

    public ChartContainer container() {
        return container;
    }

    public ImageReplay image() {
        return image;
    }

    public ChildProcess process() {
        return process;
    }

    /** The base URL of the broker's HTTP API. */
    public String baseUrl() {
        return (tls == null ? "http" : "https") + "://127.0.0.1:" + container.port("http");
    }

    /** A GET to the broker, over TLS when it serves TLS. */
    public java.net.http.HttpResponse<String> get(String url) {
        return tls == null ? Http.get(url) : Http.get(url, tls);
    }

    private void awaitReady() {
        String readiness = container.url(container.container().getReadinessProbe().getHttpGet());
        Deadline.await("readiness of " + readiness, START_TIMEOUT, () -> {
            if (!process.isAlive()) {
                throw new AssertionError("The broker exited: " + process.tail());
            }
            try {
                return get(readiness).statusCode() == 200 ? Optional.of(true) : Optional.empty();
            } catch (RuntimeException notYetListening) {
                return Optional.empty();
            }
        });
    }

    @Override
    public void close() {
        process.close();
    }
}
