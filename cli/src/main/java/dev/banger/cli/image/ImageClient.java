package dev.banger.cli.image;

import dev.banger.cli.Orchestrator;
import dev.banger.cli.output.ProgressPrinter;
import dev.banger.common.errors.Reason;
import dev.banger.common.rpc.ErrorReasons;
import dev.banger.proto.api.v1.BuildImageRequest;
import dev.banger.proto.api.v1.Image;
import dev.banger.proto.api.v1.ImagesGrpc;
import dev.banger.proto.api.v1.NameRef;
import java.util.concurrent.TimeUnit;

/** The orchestrator's image calls as an object: the `image` verbs and `vm run`'s first-use build use it. */
public final class ImageClient {
    /** Builds an image through the orchestrator, showing its progress; also `vm run`'s first-use build. */
    public Image build(BuildImageRequest request, ProgressPrinter progress) {
        return call(s -> ImageEvents.follow(s.build(request), progress).getImage(), 45 * 60);
    }

    /** Whether an image of that name is registered. */
    public boolean exists(String ref) {
        return find(ref).isPresent();
    }

    /** The image of that name, if registered. */
    public java.util.Optional<Image> find(String ref) {
        try {
            return java.util.Optional.of(call(s -> s.get(NameRef.newBuilder().setRef(ref).build()), 30));
        } catch (io.grpc.StatusRuntimeException e) {
            if (ErrorReasons.is(e, Reason.IMAGE_MISSING)) {
                return java.util.Optional.empty();
            }
            throw e;
        }
    }

    /** Deletes an image; FAILED_PRECONDITION while VMs use it. */
    public void delete(String ref) {
        call(s -> s.delete(NameRef.newBuilder().setRef(ref).build()), 60);
    }


    static <T> T call(java.util.function.Function<ImagesGrpc.ImagesBlockingStub, T> rpc, long seconds) {
        return Orchestrator.call(ch -> rpc.apply(ImagesGrpc.newBlockingStub(ch).withDeadlineAfter(seconds,
                TimeUnit.SECONDS)));
    }
}
