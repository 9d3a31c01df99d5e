package dev.banger.rpc;

/**
 * The words with which the orchestrator refuses an image banger built with other guest
 * files than its own (its VMs would ignore banger's SSH host keys). `vm run` recognises
 * them in a FAILED_PRECONDITION and builds its default image again; one constant keeps
 * both sides saying the same.
 */
public final class StaleImage {
    public static final String WORDS = "built by an older banger (other guest files)";

    private StaleImage() {
    }
}
