package io.energysentinel.alerts;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which topic an incident goes to: the rule with the longest source prefix that matches, else the default
 * topic. Each topic is one team's intake (e.g. {@code camera-=incidents.vision}).
 */
public final class RoutingRules implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    private final List<Rule> rules;
    private final String defaultTopic;

    /** One rule: sources starting with {@code prefix} go to {@code topic}. */
    public record Rule(String prefix, String topic) implements java.io.Serializable {}

    /**
     * @param rules rules as {@code prefix=topic}
     * @param defaultTopic where incidents no rule matches go
     * @throws IllegalArgumentException on a rule without {@code =}, or with an empty prefix or topic
     */
    public RoutingRules(List<String> rules, String defaultTopic) {
        if (defaultTopic == null || defaultTopic.isBlank()) {
            throw new IllegalArgumentException("a default incidents topic is required");
        }
        List<Rule> parsed = new ArrayList<>();
        for (String r : rules) {
            int eq = r.indexOf('=');
            if (eq <= 0 || eq == r.length() - 1) {
                throw new IllegalArgumentException("route '" + r + "' is not prefix=topic");
            }
            parsed.add(new Rule(r.substring(0, eq), r.substring(eq + 1)));
        }
        parsed.sort(Comparator.comparingInt((Rule rule) -> rule.prefix().length()).reversed());
        this.rules = List.copyOf(parsed);
        this.defaultTopic = defaultTopic;
    }

    /** The topic for incidents of {@code source}. */
    public String topicFor(String source) {
        for (Rule r : rules) {
            if (source.startsWith(r.prefix())) {
                return r.topic();
            }
        }
        return defaultTopic;
    }

    /** Every topic an incident may go to, the default first. */
    public List<String> topics() {
        List<String> out = new ArrayList<>(List.of(defaultTopic));
        rules.stream().map(Rule::topic).filter(t -> !out.contains(t)).forEach(out::add);
        return out;
    }
}
