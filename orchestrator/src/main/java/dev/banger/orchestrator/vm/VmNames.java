package dev.banger.orchestrator.vm;

import dev.banger.errors.InvalidArgumentException;
import java.security.SecureRandom;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * VM names (VM-2): one DNS label, 1-63 of a-z 0-9 '-', no '-' at either end, never
 * normalised (what the user typed is checked, not fixed). Checked by the CLI and again
 * here for every other API caller. With no name given, a readable adjective-noun one.
 */
public final class VmNames {
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    static final List<String> ADJECTIVES = List.of("brave", "calm", "clever", "eager", "fancy", "gentle", "happy",
            "jolly", "keen", "lively", "lucky", "merry", "nimble", "proud", "quick", "quiet", "sharp", "shiny", "sunny",
            "swift", "tidy", "witty", "bold", "cosmic", "amber", "bright", "crisp", "daring", "dusty", "fuzzy", "glad",
            "grand", "hardy", "humble", "jazzy", "kind", "loyal", "mellow", "noble", "plucky", "rapid", "rustic",
            "silent", "spry", "steady", "stout", "vivid", "zesty");
    static final List<String> NOUNS = List.of("otter", "falcon", "badger", "heron", "lynx", "panda", "walrus", "gecko",
            "puffin", "marten", "bison", "koala", "raven", "tapir", "newt", "ferret", "ibis", "yak", "orca", "moose",
            "quokka", "wombat", "lemur", "osprey", "beaver", "condor", "dingo", "egret", "fox", "gibbon", "hare",
            "jackal", "kestrel", "llama", "magpie", "narwhal", "ocelot", "pelican", "quail", "robin", "seal", "tern",
            "urchin", "vole", "wren", "zebra", "crane", "mole");
    private static final SecureRandom RANDOM = new SecureRandom();

    private VmNames() {
    }

    public static String require(String name) {
        if (name == null || !LABEL.matcher(name).matches()) {
            throw new InvalidArgumentException("VM name must be 1-63 lowercase letters, digits or '-', not starting or"
                    + " ending with '-' (one DNS label), got '" + name + "'");
        }
        return name;
    }

    /** A free adjective-noun name; a number is added only when every pair is taken. */
    public static String generate(Set<String> taken) {
        for (int attempt = 0; attempt < 64; attempt++) {
            String n = ADJECTIVES.get(RANDOM.nextInt(ADJECTIVES.size())) + "-" + NOUNS.get(RANDOM.nextInt(NOUNS.size()));
            if (!taken.contains(n)) {
                return n;
            }
        }
        for (int i = 2;; i++) {
            String n = ADJECTIVES.get(0) + "-" + NOUNS.get(0) + "-" + i;
            if (!taken.contains(n)) {
                return n;
            }
        }
    }
}
