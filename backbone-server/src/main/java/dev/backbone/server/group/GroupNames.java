package dev.backbone.server.group;

import java.util.regex.Pattern;

/**
 * Name rules: a group name follows Kafka's topic-name rules (letters, digits, '.', '_', '-', 1 to 249 characters),
 * which also keeps it safe as part of an offset record's key ({@code group/topic/partition}).
 */
public final class GroupNames {

    private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    private GroupNames() {
    }

    public static boolean isLegal(String name) {
        return name != null && LEGAL.matcher(name).matches() && !name.equals(".") && !name.equals("..");
    }

    /** @throws InvalidGroupRequestException naming the group when it is not legal */
    public static String requireLegalGroup(String group) {
        if (!isLegal(group)) {
            throw new InvalidGroupRequestException(group, "group", "group name '" + group
                    + "' is not legal: use 1 to 249 letters, digits, '.', '_' or '-'");
        }
        return group;
    }

    /** @throws InvalidGroupRequestException naming the topic when it is not legal */
    public static String requireLegalTopic(String group, String topic) {
        if (!isLegal(topic)) {
            throw new InvalidGroupRequestException(group, "topics", "topic name '" + topic
                    + "' is not legal: use 1 to 249 letters, digits, '.', '_' or '-'");
        }
        return topic;
    }
}
