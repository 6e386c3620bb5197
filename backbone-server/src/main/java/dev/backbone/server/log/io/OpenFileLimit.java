package dev.backbone.server.log.io;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.Locale;

/**
 * The process's limit of open file descriptors ({@code ulimit -n}) and whether a failure means it was reached.
 * The JDK reports EMFILE ("Too many open files") and ENFILE ("Too many open files in system") only in the
 * message of an {@code IOException}, so that is what {@link #isExhaustion} looks for, along the cause chain.
 *
 * <p>Thread safety: stateless.
 */
public final class OpenFileLimit {

    private static final String MESSAGE = "too many open files";

    private OpenFileLimit() {
    }

    /** True when {@code failure} or one of its causes says the process or system ran out of file descriptors. */
    public static boolean isExhaustion(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage();
            if (message != null && message.toLowerCase(Locale.ROOT).contains(MESSAGE)) {
                return true;
            }
        }
        return false;
    }

    /** The most file descriptors this process may have open, or -1 where the platform does not tell. */
    public static long maxFileDescriptors() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.UnixOperatingSystemMXBean unix ? unix.getMaxFileDescriptorCount() : -1;
    }

    /** The file descriptors this process has open now, or -1 where the platform does not tell. */
    public static long openFileDescriptors() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.UnixOperatingSystemMXBean unix ? unix.getOpenFileDescriptorCount() : -1;
    }
}
