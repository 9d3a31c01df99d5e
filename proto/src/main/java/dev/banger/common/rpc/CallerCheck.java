package dev.banger.common.rpc;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.netty.channel.unix.PeerCredentials;

/**
 * Refuses every call whose peer is neither the configured owner uid nor root.
 * The socket's file mode is the first fence; this is the second, and the one
 * that still holds if the socket's mode or directory is loosened.
 */
final class CallerCheck implements ServerInterceptor {
    private final int ownerUid;

    CallerCheck(int ownerUid) {
        this.ownerUid = ownerUid;
    }

    static boolean allowed(int callerUid, int ownerUid) {
        return callerUid == ownerUid || callerUid == 0;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        PeerCredentials peer = call.getAttributes().get(PeerCredentialsNegotiator.PEER);
        if (peer == null || !allowed(peer.uid(), ownerUid)) {
            String who = peer == null ? "an unidentified caller" : "uid " + peer.uid();
            call.close(Status.PERMISSION_DENIED.withDescription(
                    who + " may not call this service (owner uid " + ownerUid + " or root only)"), new Metadata());
            return new ServerCall.Listener<>() {
            };
        }
        return next.startCall(call, headers);
    }
}
