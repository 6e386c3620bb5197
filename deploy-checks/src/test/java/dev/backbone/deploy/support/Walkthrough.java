package dev.backbone.deploy.support;

import dev.backbone.checks.support.Commands;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A README's curl walk-through, run as written: the {@code sh} blocks of its "Try it" section, one bash script,
 * with only the {@code localhost:<port>} addresses replaced by where the processes under test listen. Lines
 * starting with {@code #>} are fragments the output must contain, in that order.
 *
 * <p>Thread safety: immutable.
 */
public final class Walkthrough {

    private static final Pattern SECTION = Pattern.compile("(?ms)^## Try it\\n(.*?)(?=^## |\\z)");
    private static final Pattern BLOCK = Pattern.compile("(?s)```sh\\n(.*?)```");

    private final Path readme;
    private final String script;
    private final List<String> expected;

    private Walkthrough(Path readme, String script, List<String> expected) {
        this.readme = readme;
        this.script = script;
        this.expected = List.copyOf(expected);
    }

    public static Walkthrough of(Path readme) {
        String text;
        try {
            text = Files.readString(readme);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Matcher section = SECTION.matcher(text);
        if (!section.find()) {
            throw new AssertionError(readme + " has no '## Try it' section");
        }
        StringBuilder script = new StringBuilder();
        List<String> expected = new ArrayList<>();
        Matcher block = BLOCK.matcher(section.group(1));
        while (block.find()) {
            script.append(block.group(1));
            for (String line : block.group(1).split("\n")) {
                if (line.startsWith("#> ")) {
                    expected.add(line.substring(3));
                }
            }
        }
        if (expected.isEmpty()) {
            throw new AssertionError(readme + "'s walk-through shows no expected output (#> lines)");
        }
        return new Walkthrough(readme, script.toString(), expected);
    }

    /**
     * Runs the walk-through with {@code localhost:<documented port>} pointed at {@code 127.0.0.1:<actual port>},
     * and fails unless it exits 0 and its output holds every expected fragment in order.
     */
    public String run(Path dir, Map<Integer, Integer> ports) {
        String local = script;
        for (Map.Entry<Integer, Integer> p : ports.entrySet()) {
            local = local.replace("localhost:" + p.getKey() + "/", "127.0.0.1:" + p.getValue() + "/")
                    .replace("localhost:" + p.getKey() + "'", "127.0.0.1:" + p.getValue() + "'");
        }
        Path file = dir.resolve("walkthrough-" + readme.getParent().getFileName() + ".sh");
        try {
            Files.writeString(file, "set -eu\n" + local);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // From the repository's root, as the READMEs say, so that their paths (deploy/local/...) resolve.
        Commands.Result result = Commands.run(Project.root(), List.of("bash", file.toString()));
        if (result.exitCode() != 0) {
            throw new AssertionError("Walk-through of " + readme + " failed:\n" + result);
        }
        int from = 0;
        for (String fragment : expected) {
            int at = result.output().indexOf(fragment, from);
            if (at < 0) {
                throw new AssertionError("Walk-through of " + readme + ": expected, after position " + from + ", "
                        + fragment + "\nin output:\n" + result.output());
            }
            from = at + fragment.length();
        }
        return result.output();
    }
}
