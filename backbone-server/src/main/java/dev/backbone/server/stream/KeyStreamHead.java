package dev.backbone.server.stream;

/**
 * Where a key's stream ends: its newest chain entry and that entry's version.
 *
 * @param position the chain file position of the newest entry
 * @param version  the key's current version
 */
public record KeyStreamHead(long position, int version) {
}
