package dev.banger.orchestrator.ops;

import dev.banger.common.errors.InvalidArgumentException;
import dev.banger.common.rpc.Timestamps;
import dev.banger.proto.api.v1.ListOperationsRequest;
import dev.banger.proto.api.v1.Operation;
import java.util.Optional;

/** The operations log in the public API's messages. */
public final class OperationMessages {
    static final int DEFAULT_LIMIT = 20;

    private OperationMessages() {
    }

    public static int limit(ListOperationsRequest r) {
        if (r.getLimit() < 0 || r.getLimit() > OperationStore.KEPT) {
            throw new InvalidArgumentException("the number of operations must be between 1 and " + OperationStore.KEPT
                    + ", got " + r.getLimit());
        }
        return r.getLimit() == 0 ? DEFAULT_LIMIT : r.getLimit();
    }

    public static Optional<String> vm(ListOperationsRequest r) {
        return r.getVm().isEmpty() ? Optional.empty() : Optional.of(r.getVm());
    }

    public static Operation toProto(OperationRecord o) {
        Operation.Builder b = Operation.newBuilder().setId(o.id()).setKind(o.kind()).addAllVms(o.vms())
                .setState(o.state().column()).setStarted(Timestamps.of(o.startedAt()));
        if (o.error() != null) {
            b.setError(o.error());
        }
        o.finishedAt().ifPresent(t -> b.setFinished(Timestamps.of(t)));
        return b.build();
    }
}
