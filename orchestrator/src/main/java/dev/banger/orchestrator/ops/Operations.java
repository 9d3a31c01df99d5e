package dev.banger.orchestrator.ops;

import io.grpc.Context;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What domain code tells the operations log about the call it serves: which VMs it
 * acts on. Outside a recorded operation (a read, a test, the reconciler) it does nothing.
 */
public final class Operations {
    private static final Logger LOG = Logger.getLogger(Operations.class.getName());
    static final Context.Key<Current> CURRENT = Context.key("banger-operation");

    private Operations() {
    }

    /** The operation serving this thread's call acts on this VM (id null while a create has none). */
    public static void touch(String vmName, String vmId) {
        Current op = CURRENT.get();
        if (op == null || vmName == null || vmName.isEmpty()) {
            return;
        }
        try {
            op.store().touch(op.id(), vmName, vmId);
        } catch (RuntimeException e) {
            // The log is for diagnosis: it never fails the operation it describes.
            LOG.log(Level.WARNING, "op " + op.id() + ": " + e.getMessage());
        }
    }

    /**
     * One VM of the call failed while the call itself may still succeed (a multi-ref verb
     * answers per ref): the operation is logged as failed with each VM's reason.
     */
    public static void failed(String vmName, String reason) {
        Current op = CURRENT.get();
        if (op != null) {
            op.failures().add(vmName + ": " + reason);
        }
    }

    record Current(String id, OperationStore store, Queue<String> failures) {
        Current(String id, OperationStore store) {
            this(id, store, new ConcurrentLinkedQueue<>());
        }

        /** The call's own error, else what its VMs failed with; null when all went well. */
        String error(String callError) {
            return callError != null ? callError : failures.isEmpty() ? null : String.join("; ", failures);
        }
    }
}
