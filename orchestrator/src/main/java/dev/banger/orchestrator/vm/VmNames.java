package dev.banger.orchestrator.vm;

import dev.banger.common.ids.RandomIds;
import dev.banger.common.errors.InvalidArgumentException;
import java.util.List;
import java.util.Set;

/**
 * VM names when none is given: a readable adjective-noun one. The rule a given name
 * must meet (one DNS label, VM-2) is {@link dev.banger.common.ids.Names#requireVmName}.
 */
public final class VmNames {
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

    private VmNames() {
    }

    /** A free adjective-noun name; a number is added only when every pair is taken. */
    public static String generate(Set<String> taken) {
        for (int attempt = 0; attempt < 64; attempt++) {
            String n = RandomIds.pick(ADJECTIVES) + "-" + RandomIds.pick(NOUNS);
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
