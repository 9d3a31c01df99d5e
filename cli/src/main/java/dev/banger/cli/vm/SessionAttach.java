package dev.banger.cli.vm;

import com.google.protobuf.ByteString;
import dev.banger.cli.Orchestrator;
import dev.banger.proto.api.v1.GetVmRequest;
import dev.banger.proto.api.v1.LogChunk;
import dev.banger.proto.api.v1.Session;
import dev.banger.proto.api.v1.SessionInput;
import dev.banger.proto.api.v1.SessionRef;
import dev.banger.proto.api.v1.VmsGrpc;
import io.grpc.stub.StreamObserver;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** vm session attach and logs: a session's output on stdout, and (attach) this terminal's input as its stdin. */
final class SessionAttach {
    /** Ctrl-]: telnet's escape, which nothing a session reads is likely to need. */
    static final int DETACH = 0x1d;

    private SessionAttach() {
    }

    static void logs(SessionRef ref) {
        Reach.print(ref.getFollow(), stub -> stub.sessionLogs(ref));
    }

    /** 0 after a detach; the session's exit status when it ends while attached. */
    static int run(String vm, String name) throws Exception {
        OutputStream out = new FileOutputStream(FileDescriptor.out);
        InputStream in = new FileInputStream(FileDescriptor.in);
        return Orchestrator.call(ch -> {
            CompletableFuture<Boolean> ended = new CompletableFuture<>(); // true: the session ended; false: detached
            StreamObserver<SessionInput> toSession = VmsGrpc.newStub(ch).sessionAttach(new StreamObserver<>() {
                @Override
                public void onNext(LogChunk c) {
                    try {
                        out.write(c.getData().toByteArray());
                        out.flush();
                    } catch (IOException e) {
                        ended.complete(false);
                    }
                }

                @Override
                public void onError(Throwable t) {
                    ended.completeExceptionally(t);
                }

                @Override
                public void onCompleted() {
                    ended.complete(true);
                }
            });
            toSession.onNext(SessionInput.newBuilder().setSession(SessionRef.newBuilder().setRef(vm).setName(name)).build());
            Thread stdin = new Thread(() -> pump(in, toSession, ended), "session-stdin");
            stdin.setDaemon(true);
            stdin.start();
            boolean sessionEnded;
            try {
                sessionEnded = ended.join();
            } catch (java.util.concurrent.CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
            if (!sessionEnded) {
                System.err.println("banger: detached; session " + name + " keeps running in " + vm);
                return 0;
            }
            Session s = VmVerbs.call(st -> st.sessionList(GetVmRequest.newBuilder().setRef(vm).build()), 30)
                    .getSessionsList().stream().filter(x -> x.getName().equals(name)).findFirst().orElse(null);
            if (s == null || !s.getState().equals("exited")) {
                System.err.println("banger: session " + name + " ended" + (s == null ? "" : " (" + s.getState() + ")"));
                return 1;
            }
            System.err.println("banger: session " + name + " exited with status " + s.getExitCode());
            return s.getExitCode();
        });
    }

    /** This terminal's bytes to the session until EOF or the detach key; then the request side closes. */
    private static void pump(InputStream in, StreamObserver<SessionInput> toSession, CompletableFuture<Boolean> ended) {
        byte[] buf = new byte[4096];
        try {
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                int cut = -1;
                for (int i = 0; i < n && cut < 0; i++) {
                    cut = buf[i] == DETACH ? i : -1;
                }
                int send = cut < 0 ? n : cut;
                if (send > 0) {
                    toSession.onNext(SessionInput.newBuilder().setData(ByteString.copyFrom(buf, 0, send)).build());
                }
                if (cut >= 0) {
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            // the terminal went away: detach
        }
        try {
            toSession.onCompleted();
        } catch (RuntimeException e) {
            // the call already ended
        }
        ended.complete(false);
    }
}
