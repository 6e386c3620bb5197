package dev.backbone.server.http.edge;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import reactor.netty.NettyPipeline;

/**
 * Cuts a connection whose request head (request line and headers) does not arrive whole within a deadline of its
 * first byte: the defence against slowloris, a client that opens many connections and keeps each one busy by
 * sending a header byte every few seconds. Reactor Netty's idle timeout cannot catch it, since every byte counts as
 * activity; its read timeout covers only the body.
 *
 * <p>Two handlers share one state: one in front of the HTTP codec sees the first raw byte of a request and starts
 * the clock, one behind it sees the decoded head and stops it, and sees the last part of the answer leave, after
 * which the next byte starts the clock again. A client that misses the deadline gets a 408
 * {@code request-timeout} problem and the connection is closed. Bytes that arrive while a request is being served
 * (a pipelined request) start no clock; the idle timeout covers a connection that then goes quiet.
 *
 * <p>Thread safety: each connection's state is touched only on its event loop.
 */
final class RequestHeadTimeout {

    static final String START_HANDLER = "backbone.requestHeadStart";
    static final String END_HANDLER = "backbone.requestHeadEnd";

    private final long timeoutNanos;
    private final byte[] answer;
    private final Runnable onTimeout;

    private ScheduledFuture<?> deadline;
    private boolean serving;

    private RequestHeadTimeout(Duration timeout, byte[] answer, Runnable onTimeout) {
        this.timeoutNanos = timeout.toNanos();
        this.answer = answer;
        this.onTimeout = onTimeout;
    }

    /**
     * Adds the two handlers around the HTTP codec of {@code pipeline}; does nothing when it has no HTTP/1.1 codec.
     *
     * @param answer    the whole HTTP answer sent to a client that ran out of time
     * @param onTimeout called once for each connection cut
     * @return whether the handlers were added
     */
    static boolean install(ChannelPipeline pipeline, Duration timeout, byte[] answer, Runnable onTimeout) {
        if (pipeline.get(NettyPipeline.HttpCodec) == null) {
            return false;
        }
        RequestHeadTimeout state = new RequestHeadTimeout(timeout, answer, onTimeout);
        pipeline.addBefore(NettyPipeline.HttpCodec, START_HANDLER, state.new HeadStart());
        pipeline.addAfter(NettyPipeline.HttpCodec, END_HANDLER, state.new HeadEnd());
        return true;
    }

    /** The answer to a late head: 408 with a problem+json body, and the connection closes. */
    static byte[] answer(byte[] problemJson) {
        String head = "HTTP/1.1 408 Request Timeout\r\nContent-Type: application/problem+json\r\nContent-Length: "
                + problemJson.length + "\r\nConnection: close\r\n\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[headBytes.length + problemJson.length];
        System.arraycopy(headBytes, 0, all, 0, headBytes.length);
        System.arraycopy(problemJson, 0, all, headBytes.length, problemJson.length);
        return all;
    }

    private void timedOut(ChannelHandlerContext rawContext) {
        deadline = null;
        if (serving || !rawContext.channel().isActive()) {
            return;
        }
        onTimeout.run();
        // Written in front of the codec: raw bytes, so the codec's state does not matter.
        rawContext.writeAndFlush(Unpooled.wrappedBuffer(answer)).addListener(ChannelFutureListener.CLOSE);
    }

    private void cancel() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    /** In front of the codec: the first byte of a request starts the clock. */
    private final class HeadStart extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!serving && deadline == null && msg instanceof ByteBuf bytes && bytes.isReadable()) {
                deadline = ctx.executor().schedule(() -> timedOut(ctx), timeoutNanos, TimeUnit.NANOSECONDS);
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            cancel();
            ctx.fireChannelInactive();
        }
    }

    /** Behind the codec: a decoded head stops the clock, the answer's last part re-arms it. */
    private final class HeadEnd extends ChannelDuplexHandler {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest) {
                cancel();
                serving = true;
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof LastHttpContent) {
                serving = false;
            }
            ctx.write(msg, promise);
        }
    }
}
