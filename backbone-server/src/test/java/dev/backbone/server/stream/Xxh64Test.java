package dev.backbone.server.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Xxh64Test {

    @Test
    void matchesPublishedVectors() {
        assertThat(hash("")).isEqualTo(0xEF46DB3751D8E999L);
        assertThat(hash("a")).isEqualTo(0xD24EC4F1A98C6E5BL);
        assertThat(hash("abc")).isEqualTo(0x44BC2CF5AD770999L);
        assertThat(hash("Nobody inspects the spammish repetition")).isEqualTo(0xFBCEA83C8A378BF1L);
    }

    @Test
    void hashesARegionInPlaceWithoutTouchingTheBuffer() {
        byte[] key = "Nobody inspects the spammish repetition".getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocateDirect(key.length + 10);
        buf.position(7).put(key).position(3);

        long hash = KeyHasher.XXH64.hash(buf, 7, key.length);

        assertThat(hash).isEqualTo(0xFBCEA83C8A378BF1L);
        assertThat(buf.position()).isEqualTo(3);
        assertThat(buf.limit()).isEqualTo(key.length + 10);
    }

    private static long hash(String s) {
        return KeyHasher.XXH64.hash(s.getBytes(StandardCharsets.UTF_8));
    }
}
