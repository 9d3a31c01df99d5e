package dev.banger.common.rpc;

import dev.banger.common.errors.FailedPreconditionException;
import dev.banger.common.errors.Reason;
import io.grpc.ClientInterceptor;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.util.Set;

/**
 * The CLI says which build it is (header {@code banger-client-build}); a daemon of
 * another build refuses its VM and image calls with FAILED_PRECONDITION and the reason
 * DAEMON_VERSION_MISMATCH, so a CLI rebuilt under a running daemon never talks to older
 * code without knowing (`vm run` restarts the daemon on it; VMs keep running). Status,
 * health and reflection always answer, and a caller that sends no build (other tools,
 * the orchestrator's own calls) is not checked.
 */
public final class BuildCheck implements ServerInterceptor {
    public static final Metadata.Key<String> CLIENT_BUILD = Metadata.Key.of("banger-client-build",
            Metadata.ASCII_STRING_MARSHALLER);
    private static final Set<String> CHECKED = Set.of("banger.api.v1.Vms", "banger.api.v1.Images",
            "banger.api.v1.Kernels");

    private final String own;

    public BuildCheck(String own) {
        this.own = own;
    }

    /**
     * This process's build as the header carries it: version and commit, not the build
     * time, so rebuilding some modules of one checkout (dev mode) is not a mismatch, while
     * a daemon left running across an update or a checkout of another commit is.
     */
    public static String current() {
        var b = BuildInfo.current();
        return b.getVersion() + " (commit " + b.getCommit() + ")";
    }

    /**
     * The build a service says it is: its own, or, for the test of `vm run`'s restart on a
     * mismatch, the one BANGER_TEST_DAEMON_BUILD names (a daemon that claims to be older).
     */
    public static String serving() {
        String claimed = System.getenv("BANGER_TEST_DAEMON_BUILD");
        return claimed == null || claimed.isBlank() ? current() : claimed;
    }

    /** What a client adds to every call: its own build. */
    public static ClientInterceptor stamping() {
        Metadata headers = new Metadata();
        headers.put(CLIENT_BUILD, current());
        return MetadataUtils.newAttachHeadersInterceptor(headers);
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        String client = headers.get(CLIENT_BUILD);
        if (client == null || client.equals(own) || !CHECKED.contains(call.getMethodDescriptor().getServiceName())) {
            return next.startCall(call, headers);
        }
        StatusRuntimeException refused = Rpc.toStatus(new FailedPreconditionException(Reason.DAEMON_VERSION_MISMATCH,
                "the banger daemon runs " + own + " and this CLI is " + client + "; restart the daemon (running VMs"
                        + " keep running): banger daemon stop && banger daemon start"));
        call.close(refused.getStatus(), refused.getTrailers());
        return new ServerCall.Listener<>() {
        };
    }
}
