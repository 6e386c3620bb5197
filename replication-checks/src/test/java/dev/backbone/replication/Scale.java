package dev.backbone.replication;

/**
 * Short forms run in every build; {@code -Dbackbone.replication.long=true} runs the long forms of issue 16 (20
 * leader kills under 64 producers in flight, three 120 s Jepsen runs, a longer follower run), whose figures go in
 * {@code docs/BENCHMARKS.md}.
 */
final class Scale {

    static final boolean LONG = Boolean.getBoolean("backbone.replication.long");

    private Scale() {
    }

    static int of(int shortForm, int longForm) {
        return LONG ? longForm : shortForm;
    }
}
