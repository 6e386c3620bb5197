package dev.backbone.server.http.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.NettyDataBufferFactory;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

class NdjsonLineSplitterTest {

    @Test
    void cutsLinesAcrossChunksWithCrlfBlankLinesAndAnUnterminatedLastLine() {
        NdjsonLineSplitter splitter = new NdjsonLineSplitter(100, 10, 1000);
        List<NdjsonLine> lines = new ArrayList<>();
        feed(splitter, "{\"a\":1}\r\n{\"b\"", lines);
        feed(splitter, ":2}\n\n  \n{\"c\":3}", lines);
        splitter.finish().forEach(lines::addAll);

        assertThat(lines).extracting(l -> text(l)).containsExactly("{\"a\":1}", "{\"b\":2}", "{\"c\":3}");
        assertThat(lines).extracting(NdjsonLine::number).containsExactly(1L, 2L, 5L);
    }

    @Test
    void aLineOverTheLimitEndsTheStreamAfterTheLinesBeforeIt() {
        NdjsonLineSplitter splitter = new NdjsonLineSplitter(8, 10, 1000);
        List<NdjsonLine> lines = new ArrayList<>();
        feed(splitter, "12345678\n123", lines);
        feed(splitter, "456789", lines);
        feed(splitter, "\nafter\n", lines);
        splitter.finish().forEach(lines::addAll);

        assertThat(lines).hasSize(2);
        assertThat(text(lines.get(0))).isEqualTo("12345678");
        assertThat(lines.get(1).tooLong()).isTrue();
        assertThat(lines.get(1).number()).isEqualTo(2);
    }

    @Test
    void anUnterminatedLastLineOverTheLimitIsReported() {
        NdjsonLineSplitter splitter = new NdjsonLineSplitter(4, 10, 1000);
        List<NdjsonLine> lines = new ArrayList<>();
        feed(splitter, "abcd\r\nabcdef", lines);
        splitter.finish().forEach(lines::addAll);

        assertThat(lines).extracting(NdjsonLine::tooLong).containsExactly(false, true);
    }

    @Test
    void groupsRespectRecordAndByteLimits() {
        NdjsonLineSplitter splitter = new NdjsonLineSplitter(100, 3, 10);
        List<List<NdjsonLine>> groups = splitter.feed(bytes("a\nb\nc\nd\n0123456789\nxy\nz\n"), 0,
                bytes("a\nb\nc\nd\n0123456789\nxy\nz\n").length);

        assertThat(groups).extracting(g -> g.stream().map(NdjsonLineSplitterTest::text).toList())
                .containsExactly(List.of("a", "b", "c"), List.of("d"), List.of("0123456789"), List.of("xy", "z"));
    }

    static LongStream seeds() {
        long base = System.nanoTime();
        return LongStream.range(0, 20).map(i -> base + i * 7919);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void randomBodiesCutAtRandomPlacesMatchASimpleSplit(long seed) {
        Random random = new Random(seed);
        StringBuilder body = new StringBuilder();
        int lineCount = random.nextInt(200);
        for (int i = 0; i < lineCount; i++) {
            int length = random.nextInt(6) == 0 ? 0 : random.nextInt(40);
            for (int j = 0; j < length; j++) {
                body.append((char) ('a' + random.nextInt(26)));
            }
            body.append(random.nextBoolean() ? "\n" : "\r\n");
        }
        if (random.nextBoolean()) {
            body.append("tail");
        }
        byte[] bytes = bytes(body.toString());
        List<String> expected = new ArrayList<>();
        for (String line : body.toString().split("\n", -1)) {
            String stripped = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
            if (!stripped.isEmpty()) {
                expected.add(stripped);
            }
        }

        int maxRecords = 1 + random.nextInt(5);
        int maxBytes = 1 + random.nextInt(100);
        NdjsonLineSplitter splitter = new NdjsonLineSplitter(1000, maxRecords, maxBytes);
        List<String> actual = new ArrayList<>();
        int position = 0;
        while (position < bytes.length) {
            int length = Math.min(bytes.length - position, random.nextInt(30));
            collect(splitter.feed(bytes, position, length), actual, maxRecords, maxBytes);
            position += length;
        }
        collect(splitter.finish(), actual, maxRecords, maxBytes);

        assertThat(actual).as("seed %d", seed).isEqualTo(expected);
    }

    @Test
    void aStreamedBodyIsCutLazilyAndEveryChunkIsReleased() {
        NettyDataBufferFactory factory = new NettyDataBufferFactory(PooledByteBufAllocator.DEFAULT);
        List<ByteBuf> sent = new ArrayList<>();
        AtomicLong generated = new AtomicLong();
        int chunks = 5_000;
        Flux<DataBuffer> body = Flux.range(0, chunks).map(i -> {
            generated.incrementAndGet();
            DataBuffer buffer = factory.wrap(PooledByteBufAllocator.DEFAULT.buffer()
                    .writeBytes(bytes("{\"n\":" + i + "}\n{\"m\":" + i + "}\n")));
            sent.add(NettyDataBufferFactory.toByteBuf(buffer));
            return buffer;
        });

        StepVerifier.create(NdjsonLineSplitter.groups(body, 64, 500, 1 << 20), 1)
                .assertNext(group -> assertThat(group).hasSize(2))
                .then(() -> assertThat(generated.get()).as("chunks read ahead of demand").isLessThan(5))
                .thenRequest(Long.MAX_VALUE)
                .expectNextCount(chunks - 1)
                .expectComplete()
                .verify(Duration.ofSeconds(30));

        assertThat(sent).hasSize(chunks).allSatisfy(buf -> assertThat(buf.refCnt()).isZero());
    }

    @Test
    void cancellingReleasesChunksNotYetCut() {
        NettyDataBufferFactory factory = new NettyDataBufferFactory(PooledByteBufAllocator.DEFAULT);
        List<ByteBuf> sent = new ArrayList<>();
        Flux<DataBuffer> body = Flux.range(0, 100).map(i -> {
            DataBuffer buffer = factory.wrap(PooledByteBufAllocator.DEFAULT.buffer().writeBytes(bytes("x\n")));
            sent.add(NettyDataBufferFactory.toByteBuf(buffer));
            return buffer;
        });

        StepVerifier.create(NdjsonLineSplitter.groups(body, 64, 500, 1 << 20).take(3))
                .expectNextCount(3)
                .expectComplete()
                .verify(Duration.ofSeconds(10));

        assertThat(sent).allSatisfy(buf -> assertThat(buf.refCnt()).isZero());
    }

    private static void collect(List<List<NdjsonLine>> groups, List<String> into, int maxRecords, int maxBytes) {
        for (List<NdjsonLine> group : groups) {
            assertThat(group).isNotEmpty().hasSizeLessThanOrEqualTo(maxRecords);
            int bytes = group.stream().mapToInt(l -> l.bytes().length).sum();
            if (group.size() > 1) {
                assertThat(bytes).isLessThanOrEqualTo(maxBytes);
            }
            group.forEach(l -> into.add(text(l)));
        }
    }

    private static void feed(NdjsonLineSplitter splitter, String chunk, List<NdjsonLine> into) {
        byte[] bytes = bytes(chunk);
        splitter.feed(bytes, 0, bytes.length).forEach(into::addAll);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(NdjsonLine line) {
        return new String(line.bytes(), StandardCharsets.UTF_8);
    }
}
