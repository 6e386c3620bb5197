package dev.backbone.server.http.edge;

import dev.backbone.server.error.Problem;
import dev.backbone.server.error.ProblemType;
import dev.backbone.server.error.ProblemWebExceptionHandler;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import reactor.netty.ChannelPipelineConfigurer;
import reactor.netty.http.server.HttpServer;
import tools.jackson.databind.json.JsonMapper;

/**
 * The limits of the HTTP server against abusive clients, applied to Reactor Netty:
 *
 * <ul>
 *   <li>at most {@code maxConnections} open connections: Reactor Netty closes any connection accepted beyond it;</li>
 *   <li>a request head must arrive whole within {@code requestHeadTimeout} of its first byte
 *       ({@link RequestHeadTimeout}), which cuts slowloris clients;</li>
 *   <li>while a request body is read, no gap between two reads may exceed {@code bodyReadTimeout} (Reactor
 *       Netty's read timeout), which cuts a client that stops sending in the middle of a body.</li>
 * </ul>
 *
 * Idle keep-alive connections are Spring Boot's {@code server.netty.idle-timeout}, and the head size is
 * {@code server.max-http-request-header-size}; both are set by Boot itself.
 *
 * <p>Thread safety: immutable settings; the counters are atomic.
 */
public final class EdgeServerCustomizer implements NettyServerCustomizer {

    /**
     * @param maxConnections     the most open connections, 0 for no limit
     * @param requestHeadTimeout the longest from a request's first byte to its whole head; zero turns it off
     * @param bodyReadTimeout    the longest gap between reads of a request body; zero turns it off
     */
    public record Settings(int maxConnections, Duration requestHeadTimeout, Duration bodyReadTimeout) {

        public Settings {
            if (maxConnections < 0 || requestHeadTimeout.isNegative() || bodyReadTimeout.isNegative()) {
                throw new IllegalArgumentException("connection limits must not be negative: max connections "
                        + maxConnections + ", request head timeout " + requestHeadTimeout + ", body read timeout "
                        + bodyReadTimeout);
            }
        }
    }

    private final Settings settings;
    private final byte[] headTimeoutAnswer;
    private final AtomicInteger openConnections = new AtomicInteger();
    private final AtomicLong headTimeouts = new AtomicLong();

    public EdgeServerCustomizer(Settings settings, JsonMapper json) {
        this.settings = settings;
        Problem problem = new Problem(ProblemType.REQUEST_TIMEOUT, "the request head did not arrive within "
                + settings.requestHeadTimeout().toMillis() + " ms of its first byte", null,
                Map.of("timeoutMs", settings.requestHeadTimeout().toMillis()));
        this.headTimeoutAnswer = RequestHeadTimeout.answer(json.writeValueAsBytes(
                ProblemWebExceptionHandler.toBody(problem)));
    }

    @Override
    public HttpServer apply(HttpServer server) {
        HttpServer limited = server;
        if (settings.maxConnections() > 0) {
            limited = limited.maxConnections(settings.maxConnections());
        }
        if (!settings.bodyReadTimeout().isZero()) {
            limited = limited.readTimeout(settings.bodyReadTimeout());
        }
        ChannelPipelineConfigurer ours = (observer, channel, remote) -> {
            openConnections.incrementAndGet();
            channel.closeFuture().addListener(closed -> openConnections.decrementAndGet());
            if (!settings.requestHeadTimeout().isZero()) {
                RequestHeadTimeout.install(channel.pipeline(), settings.requestHeadTimeout(), headTimeoutAnswer,
                        headTimeouts::incrementAndGet);
            }
        };
        // Reactor Netty keeps one channel-init hook: run any earlier one first.
        ChannelPipelineConfigurer earlier = limited.configuration().doOnChannelInit();
        return limited.doOnChannelInit(earlier == null ? ours : earlier.then(ours));
    }

    /** Connections open now. */
    public int openConnections() {
        return openConnections.get();
    }

    /** Connections cut so far because their request head came too slowly. */
    public long headTimeouts() {
        return headTimeouts.get();
    }
}
