package dev.backbone.client.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ReceiveBuffersTest {

    private static ByteBuf chunk(String text) {
        return Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(ByteBuffer view) {
        byte[] bytes = new byte[view.remaining()];
        view.duplicate().get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void chunksAreGatheredInOrderWithoutMovingTheirReaderIndex() {
        ReceiveBuffers buffers = new ReceiveBuffers();
        ReceiveBuffers.Body body = buffers.take(11);
        ByteBuf first = chunk("hello ");
        body.append(first);
        body.append(chunk("world"));
        assertThat(text(body.view())).isEqualTo("hello world");
        assertThat(first.readerIndex()).isZero();
    }

    @Test
    void aBodyWithoutContentLengthOrLongerThanAnnouncedGrows() {
        ReceiveBuffers buffers = new ReceiveBuffers();
        ReceiveBuffers.Body unknown = buffers.take(-1);
        String big = "x".repeat(200_000);
        unknown.append(chunk(big));
        unknown.append(chunk("!"));
        assertThat(text(unknown.view())).isEqualTo(big + "!");

        ReceiveBuffers.Body announced = buffers.take(2);
        announced.append(chunk("abc"));
        assertThat(text(announced.view())).isEqualTo("abc");
    }

    @Test
    void aGivenBackArrayServesTheNextAnswerThatFitsIt() {
        ReceiveBuffers buffers = new ReceiveBuffers();
        ReceiveBuffers.Body first = buffers.take(100_000);
        first.append(chunk("old bytes"));
        buffers.give(first);
        assertThat(buffers.keptCount()).isEqualTo(1);

        ReceiveBuffers.Body tooLarge = buffers.take(500_000);
        assertThat(buffers.keptCount()).as("a kept array smaller than the answer is not taken").isEqualTo(1);
        ReceiveBuffers.Body small = buffers.take(100);
        assertThat(buffers.keptCount()).as("a small answer gets an array of its own").isEqualTo(1);
        ReceiveBuffers.Body reused = buffers.take(70_000);
        assertThat(buffers.keptCount()).isZero();
        reused.append(chunk("new"));
        assertThat(text(reused.view())).as("only what this answer wrote").isEqualTo("new");
        assertThat(reused.view().array()).isSameAs(first.view().array());
        buffers.give(small);
        assertThat(buffers.keptCount()).as("too small to keep").isZero();
        buffers.give(tooLarge);
        buffers.give(reused);
        assertThat(buffers.keptCount()).isEqualTo(2);
        assertThat(buffers.take(70_000).view().array()).as("the smallest that fits")
                .isSameAs(first.view().array());
    }

    @Test
    void arraysHaveHeadroomForAnswersOfAboutTheSameSize() {
        assertThat(ReceiveBuffers.capacityFor(1)).isEqualTo(1);
        assertThat(ReceiveBuffers.capacityFor(1_000)).isEqualTo(1_024);
        assertThat(ReceiveBuffers.capacityFor(1_024)).isEqualTo(1_024);
        assertThat(ReceiveBuffers.capacityFor(1_025)).isEqualTo(2_048);
        assertThat(ReceiveBuffers.capacityFor(1 << 20)).isEqualTo(1 << 20);
        assertThat(ReceiveBuffers.capacityFor(4_154_248)).as("a 4 MiB fetch answer").isEqualTo(5 << 20);
        assertThat(ReceiveBuffers.capacityFor((1 << 20) + 1)).isEqualTo(2 << 20);
        assertThat(ReceiveBuffers.capacityFor(Integer.MAX_VALUE - 8)).isEqualTo(Integer.MAX_VALUE - 8);
    }

    @Test
    void keptArraysAreBoundedInNumberAndSizeKeepingTheLargest() {
        ReceiveBuffers buffers = new ReceiveBuffers();
        buffers.give(buffers.take(ReceiveBuffers.MAX_KEPT_BYTES + 1));
        assertThat(buffers.keptCount()).as("too large to keep").isZero();

        int[] sizes = {64 << 10, 128 << 10, 256 << 10, 512 << 10, 1 << 20, 2 << 20, 3 << 20, 4 << 20, 5 << 20};
        assertThat(sizes).hasSize(ReceiveBuffers.MAX_KEPT + 1);
        ReceiveBuffers.Body[] bodies = new ReceiveBuffers.Body[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            bodies[i] = buffers.take(sizes[i]);
        }
        for (ReceiveBuffers.Body body : bodies) {
            buffers.give(body);
        }
        assertThat(buffers.keptCount()).isEqualTo(ReceiveBuffers.MAX_KEPT);
        assertThat(buffers.take(sizes[0]).view().array()).as("the smallest was dropped: the next smallest serves")
                .isSameAs(bodies[1].view().array());
    }
}
