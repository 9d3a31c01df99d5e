package dev.banger.orchestrator.vmm;

/** How a VMM control call cut by its deadline explains itself (a wedged VMM accepts and never answers, SEC-4). */
final class VmmDeadlines {
    private VmmDeadlines() {
    }

    static String notAnswering(String what) {
        return what + " did not answer within its deadline (is the VMM stopped?)";
    }
}
