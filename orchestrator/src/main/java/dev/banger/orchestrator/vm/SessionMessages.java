package dev.banger.orchestrator.vm;

import com.google.protobuf.Timestamp;
import dev.banger.orchestrator.sessions.GuestSession;
import dev.banger.proto.api.v1.Session;

/** A guest's session as the public API shows it. */
final class SessionMessages {
    private SessionMessages() {
    }

    static Session toProto(String vm, GuestSession s) {
        Session.Builder b = Session.newBuilder().setVm(vm).setName(s.name()).setState(s.state()).setCwd(s.cwd())
                .setCommand(s.command()).setStarted(Timestamp.newBuilder().setSeconds(s.started().getEpochSecond()));
        s.exitCode().ifPresent(b::setExitCode);
        return b.build();
    }
}
