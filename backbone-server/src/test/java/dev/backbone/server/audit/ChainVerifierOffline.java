package dev.backbone.server.audit;

import java.io.IOException;
import java.nio.file.Path;

import dev.backbone.server.log.io.StorageFiles;

/** Verifies a directory's files as they are, the way an auditor with a copy would. */
final class ChainVerifierOffline {

    private ChainVerifierOffline() {
    }

    static ChainVerification verify(Path directory) throws IOException {
        StorageFiles files = StorageFiles.real();
        return new ChainVerifier(files).verify(ChainSnapshot.ofFiles(files, directory), null);
    }
}
