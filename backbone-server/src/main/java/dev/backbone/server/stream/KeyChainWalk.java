package dev.backbone.server.stream;

import java.util.List;

/**
 * What a walk down one key's chain found.
 *
 * @param visibleVersion the version of the key's newest record visible to readers; -1 when none is
 * @param entries        the entries asked for, oldest first
 */
public record KeyChainWalk(int visibleVersion, List<KeyChainEntry> entries) {
}
