package dev.banger.orchestrator.ops;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The public RPCs that change state, each with the label the operations log shows
 * (OPS-5). Reads (list, get, ports, logs, ...) are not operations.
 */
public enum OperationKind {
    VM_CREATE("vm create", "Vms/Create"),
    VM_START("vm start", "Vms/Start"),
    VM_STOP("vm stop", "Vms/Stop"),
    VM_RESTART("vm restart", "Vms/Restart"),
    VM_KILL("vm kill", "Vms/Kill"),
    VM_DELETE("vm delete", "Vms/Delete"),
    VM_SET("vm set", "Vms/Set"),
    VM_PAUSE("vm pause", "Vms/Pause"),
    VM_RESUME("vm resume", "Vms/Resume"),
    VM_PRUNE("vm prune", "Vms/Prune"),
    WORKSPACE_PREPARE("workspace prepare", "Vms/WorkspacePrepare"),
    SESSION_START("session start", "Vms/SessionStart"),
    SESSION_STOP("session stop", "Vms/SessionStop"),
    IMAGE_BUILD("image build", "Images/Build"),
    IMAGE_PULL("image pull", "Images/Pull"),
    IMAGE_REGISTER("image register", "Images/Register"),
    IMAGE_BUNDLE("image bundle", "Images/Bundle"),
    IMAGE_DELETE("image delete", "Images/Delete"),
    KERNEL_IMPORT("kernel import", "Kernels/Import"),
    KERNEL_PULL("kernel pull", "Kernels/Pull"),
    KERNEL_DELETE("kernel delete", "Kernels/Delete");

    private static final String PACKAGE = "banger.api.v1.";
    private static final Map<String, OperationKind> BY_METHOD = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(k -> PACKAGE + k.method, Function.identity()));

    private final String label;
    private final String method;

    OperationKind(String label, String method) {
        this.label = label;
        this.method = method;
    }

    /** What `banger ops` shows: "vm start". */
    public String label() {
        return label;
    }

    /** The kind of a gRPC method's full name ("banger.api.v1.Vms/Start"); empty for reads. */
    public static Optional<OperationKind> ofMethod(String fullMethodName) {
        return Optional.ofNullable(BY_METHOD.get(fullMethodName));
    }
}
